// The strings of the case's workflow controls (the action bar, its forms, the timeline), Chinese
// first. The actions' own names come from the workflow table (domain/transitions.ts zh/en), the
// fields' names from domain/vocabulary.ts (`say(lang, 'field_result')`).
import { defineStrings } from './i18n.ts';

const strings = {
  actions: { zh: '办理', en: 'Actions' },
  noActions: { zh: '当前没有您可办理的操作。', en: 'Nothing for you to do on this case now.' },
  submit: { zh: '提交', en: 'Submit' },
  cancel: { zh: '取消', en: 'Cancel' },
  done: { zh: '已办理：', en: 'Done: ' },
  missing: { zh: '请填写：', en: 'Please fill in: ' },
  passedYes: { zh: '通过（符合结案条件）', en: 'Passed (the closure condition holds)' },
  passedNo: { zh: '不通过（需返工）', en: 'Failed (needs rework)' },
  unit_hour: { zh: '小时', en: 'hours' },
  unit_working_hour: { zh: '工作小时', en: 'working hours' },
  unit_working_day: { zh: '工作日', en: 'working days' },
  sat_satisfied: { zh: '满意', en: 'Satisfied' },
  sat_basic: { zh: '基本满意', en: 'Fairly satisfied' },
  sat_unsatisfied: { zh: '不满意', en: 'Unsatisfied' },
  rr_notOurDuty: { zh: '非本单位职责', en: 'Not our duty' },
  rr_wrongLocation: { zh: '位置有误', en: 'Wrong location' },
  rr_duplicate: { zh: '重复案件', en: 'A duplicate' },
  rr_needsOtherUnit: { zh: '需其他单位处理', en: 'Needs another unit' },
  rr_other: { zh: '其他', en: 'Other' },
  crs_wgs84: { zh: 'WGS-84（GPS）', en: 'WGS-84 (GPS)' },
  crs_gcj02: { zh: 'GCJ-02（高德/腾讯/微信）', en: 'GCJ-02 (AMap, Tencent, WeChat)' },
  crs_bd09: { zh: 'BD-09（百度）', en: 'BD-09 (Baidu)' },
  choose: { zh: '请选择', en: 'Choose' },
  takePhoto: { zh: '拍照或选择图片', en: 'Take or choose a photo' },
  uploading: { zh: '正在上传…', en: 'Uploading…' },
  photoReady: { zh: '照片已上传', en: 'Photo uploaded' },
  locate: { zh: '记录我的位置', en: 'Record my position' },
  locating: { zh: '正在定位…', en: 'Locating…' },
  located: { zh: '已定位', en: 'Located' },
  noGps: { zh: '无法定位：', en: 'No position: ' },
  onGrid: { zh: '本网格', en: 'on this grid' },
  searchCategory: { zh: '搜索类别（名称或代码）', en: 'Search categories (name or code)' },
  timeline: { zh: '办理过程', en: 'Timeline' },
  routeReason: { zh: '派遣依据', en: 'Routing reason' },
  suggested: { zh: '建议承办', en: 'Suggested unit' },
  stageDue: { zh: '本环节时限', en: 'Stage due' },
  pendingRequest: { zh: '待审批', en: 'Waiting for approval' },
  pending_extension: { zh: '延期申请', en: 'Extension request' },
  pending_park: { zh: '挂账申请', en: 'Parking request' },
  farVisit: { zh: '距案件位置较远', en: 'far from the case' },
  distance: { zh: '距离', en: 'distance' },
  to: { zh: '转至', en: 'to' },
  photos: { zh: '照片', en: 'Photos' },
  assignee: { zh: '核实/核查人员', en: 'Site visit by' },
  version: { zh: '版本', en: 'version' },
} as const;
export type ActionStringKey = keyof typeof strings;

/** `sayAction(lang, key)`; `sayAction(lang, key, fallback)` for a data value (a unit, a reason code): the value itself when there is none. */
export const sayAction = defineStrings(strings);
