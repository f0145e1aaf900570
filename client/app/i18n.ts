// All UI strings, Chinese first with an English switch. The language lives in the URL (?lang=en).
export type Lang = 'zh' | 'en';

const strings = {
  title: { zh: 'CityGrid 城市网格运行中心', en: 'CityGrid city operations' },
  illustrative: { zh: '演示城市：漳州（乡镇、村居、网格等几何为合成示意数据）', en: 'Demo city: Zhangzhou (township, village and grid shapes are synthetic, illustrative)' },
  districts: { zh: '区县', en: 'Districts' },
  townships: { zh: '乡镇街道', en: 'Townships' },
  villages: { zh: '村（社区）', en: 'Villages & communities' },
  population: { zh: '常住人口（2020普查）', en: 'Residents (2020 census)' },
  unitGrids: { zh: '单元网格', en: 'Unit grids' },
  responsibilityGrids: { zh: '责任网格', en: 'Responsibility grids' },
  compounds: { zh: '物业小区', en: 'Managed compounds' },
  clinics: { zh: '村卫生所', en: 'Village clinics' },
  cases2022: { zh: '2022年1–8月案件', en: 'Cases Jan–Aug 2022' },
  openCases: { zh: '在办案件', en: 'Open cases' },
  handlingRate: { zh: '处置率', en: 'Handling rate' },
  closureRate: { zh: '结案率', en: 'Closure rate' },
  loading: { zh: '加载中…', en: 'Loading…' },
  failed: { zh: '数据加载失败：', en: 'Could not load: ' },
  engine: { zh: '数据库引擎', en: 'Database engine' },
  switchLang: { zh: 'English', en: '中文' },
  // routes
  overviewTitle: { zh: '城市概况', en: 'City at a glance' },
  routeMap: { zh: '城市总览', en: 'City map' },
  routeCommand: { zh: '指挥中心', en: 'Command centre' },
  routeDispatch: { zh: '受理派遣', en: 'Intake & dispatch' },
  routeGrids: { zh: '网格管理', en: 'Grids' },
  routeCoverage: { zh: '医疗覆盖', en: 'Clinic coverage' },
  placeholder: { zh: '此模块的专用面板将在后续版本提供；地图与图层已可使用。', en: 'This role’s own panels arrive in a later release; the map and its layers work already.' },
  // layers
  layersTitle: { zh: '图层', en: 'Layers' },
  legendTitle: { zh: '图例', en: 'Legend' },
  layerCases: { zh: '案件', en: 'Cases' },
  layerDistricts: { zh: '区县', en: 'Districts' },
  layerTownships: { zh: '乡镇街道', en: 'Townships' },
  layerVillages: { zh: '村（社区）', en: 'Villages & communities' },
  layerClinics: { zh: '村卫生所', en: 'Village clinics' },
  layerCommunities: { zh: '物业小区', en: 'Managed compounds' },
  layerGrids: { zh: '单元网格', en: 'Unit grids' },
  layerRgrids: { zh: '责任网格', en: 'Responsibility grids' },
  zoomIn: { zh: '放大后显示', en: 'zoom in to see' },
  layerFailed: { zh: '加载失败', en: 'failed to load' },
  retry: { zh: '重试', en: 'Retry' },
  theme: { zh: '桌面浅色', en: 'Desk (light)' },
  themeDark: { zh: '大屏深色', en: 'Wall (dark)' },
  // cases
  colourBy: { zh: '着色', en: 'Colour by' },
  byState: { zh: '状态', en: 'State' },
  byLight: { zh: '时限', en: 'Time limit' },
  caseDisplay: { zh: '显示', en: 'Show' },
  modeAuto: { zh: '自动', en: 'Auto' },
  modePoints: { zh: '点', en: 'Points' },
  modeHex: { zh: '蜂窝', en: 'Hexagons' },
  period: { zh: '时段', en: 'Period' },
  shownCases: { zh: '显示案件', en: 'Cases shown' },
  filters: { zh: '筛选', en: 'Filters' },
  filterSource: { zh: '来源', en: 'Source' },
  filterState: { zh: '状态', en: 'State' },
  filterLight: { zh: '时限', en: 'Time limit' },
  filterDistrict: { zh: '区县', en: 'District' },
  filterCategory: { zh: '类别', en: 'Category' },
  all: { zh: '全部', en: 'All' },
  clear: { zh: '清除', en: 'Clear' },
  density: { zh: '案件密度（少 → 多）', en: 'Case density (few → many)' },
  state_intake: { zh: '待立案/派遣', en: 'Intake' },
  state_handling: { zh: '处置中', en: 'Being handled' },
  state_closing: { zh: '待结案', en: 'Awaiting closure' },
  state_closed: { zh: '已结案', en: 'Closed' },
  state_voided: { zh: '已作废', en: 'Voided' },
  state_other: { zh: '其他', en: 'Other' },
  light_none: { zh: '未计时', en: 'No clock yet' },
  light_green: { zh: '绿灯（正常）', en: 'Green (on track)' },
  light_yellow: { zh: '黄灯（临期）', en: 'Yellow (near limit)' },
  light_red: { zh: '红灯（超期）', en: 'Red (overdue)' },
  light_onTime: { zh: '按期结案', en: 'Closed on time' },
  light_late: { zh: '超期结案', en: 'Closed late' },
  source_inspector: { zh: '监督员上报', en: 'Inspector' },
  source_public: { zh: '公众举报', en: 'Public report' },
  source_survey: { zh: '专项普查', en: 'Special survey' },
  source_video: { zh: '视频监控', en: 'Video' },
  source_referral: { zh: '部门转办', en: 'Referral' },
  // detail fields
  f_code: { zh: '编号', en: 'Code' },
  f_category: { zh: '类别', en: 'Category' },
  f_source: { zh: '来源', en: 'Source' },
  f_channel: { zh: '渠道', en: 'Channel' },
  f_state: { zh: '状态', en: 'State' },
  f_light: { zh: '时限', en: 'Time limit' },
  f_unit: { zh: '责任单位', en: 'Responsible unit' },
  f_reported: { zh: '上报时间', en: 'Reported' },
  f_handleDue: { zh: '处置时限', en: 'Handle by' },
  f_closeDue: { zh: '结案时限', en: 'Close by' },
  f_closed: { zh: '结案时间', en: 'Closed' },
  f_address: { zh: '地址', en: 'Address' },
  f_location: { zh: '位置', en: 'Location' },
  f_grid: { zh: '单元网格', en: 'Unit grid' },
  f_community: { zh: '物业小区', en: 'Managed compound' },
  f_history: { zh: '流转记录', en: 'History' },
  f_name: { zh: '名称', en: 'Name' },
  f_kind: { zh: '类型', en: 'Kind' },
  f_village: { zh: '村（社区）', en: 'Village / community' },
  f_township: { zh: '乡镇街道', en: 'Township' },
  f_district: { zh: '区县', en: 'District' },
  f_population: { zh: '常住人口', en: 'Residents' },
  f_area: { zh: '面积', en: 'Area' },
  f_version: { zh: '版本', en: 'Version' },
  f_rgrid: { zh: '责任网格', en: 'Responsibility grid' },
  f_inspector: { zh: '监督员', en: 'Inspector' },
  f_cases: { zh: '案件（在办/总数）', en: 'Cases (open/total)' },
  f_company: { zh: '物业公司', en: 'Property company' },
  f_households: { zh: '户数', en: 'Households' },
  f_grids: { zh: '单元网格数', en: 'Unit grids' },
  flyHere: { zh: '定位', en: 'Show on map' },
  // details & search
  searchPlaceholder: { zh: '搜索案件编号、网格编码或地名', en: 'Search case code, grid code or place' },
  noResults: { zh: '无匹配结果', en: 'No matches' },
  close: { zh: '关闭', en: 'Close' },
  kind_case: { zh: '案件', en: 'Case' },
  kind_grid: { zh: '单元网格', en: 'Unit grid' },
  kind_responsibilityGrid: { zh: '责任网格', en: 'Responsibility grid' },
  kind_district: { zh: '区县', en: 'District' },
  kind_township: { zh: '乡镇街道', en: 'Township' },
  kind_village: { zh: '村（社区）', en: 'Village / community' },
  kind_community: { zh: '物业小区', en: 'Managed compound' },
  kind_clinic: { zh: '村卫生所', en: 'Village clinic' },
  errorTitle: { zh: '出错了', en: 'Something went wrong' },
  panelFailed: { zh: '该面板出错，地图不受影响：', en: 'This panel failed; the map is unaffected: ' },
} as const;

export type StringKey = keyof typeof strings;

export function t(lang: Lang, key: StringKey): string {
  return strings[key][lang];
}

/** For keys built from data (a source, a status): the data value itself when no string exists. */
export function tData(lang: Lang, key: string, fallback: string): string {
  return key in strings ? strings[key as StringKey][lang] : fallback;
}

export function langFromUrl(search: string): Lang {
  return new URLSearchParams(search).get('lang') === 'en' ? 'en' : 'zh';
}

export function formatNumber(lang: Lang, n: number): string {
  return n.toLocaleString(lang === 'zh' ? 'zh-CN' : 'en-GB');
}

export function formatPercent(lang: Lang, ratio: number | null): string {
  return ratio === null ? '—' : `${(ratio * 100).toLocaleString(lang === 'zh' ? 'zh-CN' : 'en-GB', { minimumFractionDigits: 2, maximumFractionDigits: 2 })} %`;
}
