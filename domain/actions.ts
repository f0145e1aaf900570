// What the audit log's action codes, the rights (role_permissions) and the roles are called, in
// both languages. The codes are data the server writes (a mutation's procedure path, or the
// few actions written outside tRPC: sign-in, the command line, the first run) and rights the
// migrations ship; the console shows these words instead of the codes, and a refusal naming a
// right or a role says it in the UI's language (domain/messages.ts). A code not listed here
// (a right added later as data) is shown as it is. Pure: imports nothing of ours.
import { TRANSITIONS } from './transitions.ts';
import { ROLE_WORDS } from './vocabulary.ts';

export interface Label {
  zh: string;
  en: string;
}

/** Every action the server can write into the audit log (tests/unit/audit-format.test.ts checks the list against the router and the server's writes). */
export const ACTION_LABELS: Record<string, Label> = {
  'auth.login': { zh: '登录', en: 'Sign in' },
  'photos.upload': { zh: '上传照片', en: 'Upload a photo' },
  'photos.purge': { zh: '清理未引用照片', en: 'Purge unattached photos' },
  'auth.logout': { zh: '退出登录', en: 'Sign out' },
  'auth.changePassword': { zh: '修改密码', en: 'Change password' },
  'admin.createUser': { zh: '新建用户', en: 'Create a user' },
  'admin.updateUser': { zh: '修改用户', en: 'Change a user' },
  'admin.resetPassword': { zh: '重置密码', en: 'Reset a password' },
  'admin.setPermission': { zh: '修改角色权限', en: "Change a role's rights" },
  'admin.saveSetting': { zh: '修改系统设置', en: 'Change a setting' },
  'admin.createToken': { zh: '新建大屏令牌', en: 'Create a display token' },
  'admin.createApiKey': { zh: '新建接口密钥', en: 'Create an API key' },
  'admin.revokeApiKey': { zh: '吊销接口密钥', en: 'Revoke an API key' },
  'admin.revokeToken': { zh: '撤销大屏令牌', en: 'Revoke a display token' },
  'admin.liftLoginLock': { zh: '解除登录锁定', en: 'Lift a sign-in lock' },
  'cases.revealReporter': { zh: '查看举报人信息', en: "Reveal a reporter's contact" },
  'communities.update': { zh: '编辑物业小区', en: 'Edit a managed compound' },
  'grids.assignResponsibility': { zh: '指派责任网格巡查人员', en: 'Assign a responsibility grid' },
  'grids.setPatrolStaff': { zh: '设置责任网格巡查人员（账号）', en: "Set a responsibility grid's patrol staff" },
  'grids.publish': { zh: '发布单元网格修改', en: 'Publish unit grid changes' },
  'dispatch.saveRule': { zh: '新增或修改派遣规则', en: 'Add or change a dispatch rule' },
  'dispatch.retireRule': { zh: '停用派遣规则', en: 'Retire a dispatch rule' },
  'system.firstAdmin': { zh: '创建首个管理员', en: 'Create the first administrator' },
  'system.demoAccounts': { zh: '创建演示账户', en: 'Create the demo accounts' },
  'system.resetPassword': { zh: '重置密码（命令行）', en: 'Reset a password (command line)' },
  'system.report': { zh: '导出指标报告（命令行）', en: 'Indicator report (command line)' },
  'system.correctDeadlines': { zh: '按更正后的工作日历重算时限（命令行）', en: 'Deadlines worked out again on a corrected calendar (command line)' },
  'system.localCli': { zh: '命令行请求', en: 'Command-line request' },
  'dispatch.register': { zh: '登记案件', en: 'Register a case' },
  'dispatch.bulkDispatch': { zh: '批量派遣', en: 'Dispatch several cases' },
  // every action of the workflow table is a mutation of its own (server/dispatch/dispatch-router.ts)
  ...Object.fromEntries(TRANSITIONS.map((x) => [`dispatch.${x.action}`, { zh: x.zh, en: x.en }])),
};

/** The rights as the migrations ship them (db/migrations/0005: permissions.description / description_en). */
export const PERMISSION_LABELS: Record<string, Label> = {
  'case.read': { zh: '查看案件', en: 'See cases' },
  'case.create': { zh: '登记案件', en: 'Register a case' },
  'case.verify': { zh: '核实上报', en: 'Verify a report on site' },
  'case.file': { zh: '立案或作废', en: 'File or void a case' },
  'case.dispatch': { zh: '派遣、改派', en: 'Dispatch or re-dispatch a case' },
  'case.extend.approve': { zh: '批准延期', en: 'Approve an extension' },
  'case.park.approve': { zh: '批准挂账', en: 'Approve parking a case' },
  'case.handle': { zh: '处置反馈、申请延期/回退', en: 'Handle a case, ask for an extension or return it' },
  'case.check': { zh: '核查', en: 'Check a handled case on site' },
  'case.close': { zh: '结案或返工', en: 'Close a case or send it back for rework' },
  'case.reporter.reveal': { zh: '查看举报人信息（留痕）', en: "Reveal a reporter's contact (audited)" },
  'indicators.read': { zh: '查看考核指标', en: 'See indicators' },
  'grid.edit': { zh: '编辑网格', en: 'Edit grids' },
  'community.edit': { zh: '编辑物业小区', en: 'Edit managed compounds' },
  'coverage.read': { zh: '查看医疗覆盖', en: 'See clinic coverage' },
  'coverage.plan': { zh: '医疗设施规划', en: 'Plan clinic sites' },
  'audit.read': { zh: '查看审计日志', en: 'Read the audit log' },
  'user.manage': { zh: '管理用户与角色', en: 'Manage users and roles' },
  'token.manage': { zh: '管理大屏令牌', en: 'Manage display tokens' },
  'case.callback': { zh: '答复与回访举报人', en: 'Reply to and call back the reporter' },
  'dispatch.rules.read': { zh: '查看派遣规则', en: 'See the dispatch rules' },
  'dispatch.rules.edit': { zh: '编辑派遣规则', en: 'Edit the dispatch rules' },
};

/** The roles in words: domain/vocabulary.ts (one definition). */
export const ROLE_LABELS: Record<string, Label> = ROLE_WORDS;

const pick = (table: Record<string, Label>, code: string, lang: 'zh' | 'en') => (Object.hasOwn(table, code) ? table[code][lang] : code);

/** An audit action in words (the code itself when unknown). */
export const actionLabel = (code: string, lang: 'zh' | 'en') => pick(ACTION_LABELS, code, lang);
/** A right in words (the code itself when unknown). */
export const permissionLabel = (code: string, lang: 'zh' | 'en') => pick(PERMISSION_LABELS, code, lang);
/** A role in words (the code itself when unknown). */
export const roleLabel = (code: string, lang: 'zh' | 'en') => pick(ROLE_LABELS, code, lang);
