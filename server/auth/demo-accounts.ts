// Demo accounts: one per role, for `npm start` in demo mode (the default). They are marked
// demo in the database and refused in production mode (CITYGRID_MODE=production). The
// password is documented in the README on purpose; never reuse it for a real account.
export const DEMO_PASSWORD = 'citygrid-demo';

export interface DemoAccount {
  username: string;
  displayName: string;
  roleCode: string;
  /** departments.code for a department handler */
  department?: string;
  /** districts for district-bound roles */
  districts?: string[];
  /** Patrols the responsibility grids of the first street of its district (so the demo has site visits to do). */
  patrols?: boolean;
}

export const DEMO_ACCOUNTS: DemoAccount[] = [
  { username: 'demo-intake', displayName: '演示·受理员', roleCode: 'intake_operator' },
  { username: 'demo-inspector', displayName: '演示·监督员（芗城区）', roleCode: 'inspector', districts: ['350602'], patrols: true },
  { username: 'demo-gridworker', displayName: '演示·网格员（芗城区）', roleCode: 'grid_worker', districts: ['350602'], patrols: true },
  { username: 'demo-shiftlead', displayName: '演示·值班长', roleCode: 'shift_lead' },
  { username: 'demo-dispatcher', displayName: '演示·派遣员', roleCode: 'dispatcher' },
  { username: 'demo-handler', displayName: '演示·环卫处置员', roleCode: 'department_handler', department: 'sanitation' },
  { username: 'demo-coordinator', displayName: '演示·芗城区网格管理员', roleCode: 'district_coordinator', districts: ['350602'] },
  { username: 'demo-planner', displayName: '演示·卫生规划', roleCode: 'health_planner' },
  { username: 'demo-viewer', displayName: '演示·指挥中心', roleCode: 'command_viewer' },
  { username: 'demo-admin', displayName: '演示·系统管理员', roleCode: 'admin' },
];
