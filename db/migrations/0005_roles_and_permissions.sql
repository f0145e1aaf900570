-- Custom migration: the roles of domain.md and what each may do, as data (role → actions).
-- Every authorisation check reads role_permissions; nothing lists rights in code. Scope says
-- where a role's rights apply: the whole city, the user's districts (users.district_codes) or
-- the user's department (users.department_id). Edit rights in a new migration or the admin
-- screens, never here.
INSERT INTO roles (code, name, name_en, scope) VALUES
  ('intake_operator',      '受理员',         'Intake operator',        'city'),
  ('inspector',            '监督员',         'Inspector',              'district'),
  ('shift_lead',           '值班长',         'Shift lead',             'city'),
  ('dispatcher',           '派遣员',         'Dispatcher',             'city'),
  ('department_handler',   '专业部门处置员', 'Department handler',     'department'),
  ('district_coordinator', '区县网格管理员', 'District coordinator',   'district'),
  ('health_planner',       '卫生规划人员',   'Health planner',         'city'),
  ('command_viewer',       '指挥中心观察员', 'Command-centre viewer',  'city'),
  ('admin',                '系统管理员',     'Administrator',          'city')
ON CONFLICT (code) DO UPDATE SET scope = EXCLUDED.scope;
--> statement-breakpoint
INSERT INTO permissions (code, description, description_en) VALUES
  ('case.read',             '查看案件',               'See cases'),
  ('case.create',           '登记案件',               'Register a case'),
  ('case.verify',           '核实上报',               'Verify a report on site'),
  ('case.file',             '立案或作废',             'File or void a case'),
  ('case.dispatch',         '派遣、改派',             'Dispatch or re-dispatch a case'),
  ('case.extend.approve',   '批准延期',               'Approve an extension'),
  ('case.park.approve',     '批准挂账',               'Approve parking a case'),
  ('case.handle',           '处置反馈、申请延期/回退', 'Handle a case, ask for an extension or return it'),
  ('case.check',            '核查',                   'Check a handled case on site'),
  ('case.close',            '结案或返工',             'Close a case or send it back for rework'),
  ('case.reporter.reveal',  '查看举报人信息（留痕）', 'Reveal a reporter''s contact (audited)'),
  ('indicators.read',       '查看考核指标',           'See indicators'),
  ('grid.edit',             '编辑网格',               'Edit grids'),
  ('community.edit',        '编辑物业小区',           'Edit managed compounds'),
  ('coverage.read',         '查看医疗覆盖',           'See clinic coverage'),
  ('coverage.plan',         '医疗设施规划',           'Plan clinic sites'),
  ('audit.read',            '查看审计日志',           'Read the audit log'),
  ('user.manage',           '管理用户与角色',         'Manage users and roles'),
  ('token.manage',          '管理大屏令牌',           'Manage display tokens')
ON CONFLICT (code) DO NOTHING;
--> statement-breakpoint
INSERT INTO role_permissions (role_code, permission) VALUES
  ('intake_operator', 'case.read'), ('intake_operator', 'case.create'),
  ('inspector', 'case.read'), ('inspector', 'case.create'), ('inspector', 'case.verify'), ('inspector', 'case.check'),
  ('shift_lead', 'case.read'), ('shift_lead', 'case.file'), ('shift_lead', 'case.close'), ('shift_lead', 'case.reporter.reveal'), ('shift_lead', 'indicators.read'),
  ('dispatcher', 'case.read'), ('dispatcher', 'case.dispatch'), ('dispatcher', 'case.extend.approve'), ('dispatcher', 'case.park.approve'), ('dispatcher', 'indicators.read'),
  ('department_handler', 'case.read'), ('department_handler', 'case.handle'),
  ('district_coordinator', 'case.read'), ('district_coordinator', 'grid.edit'), ('district_coordinator', 'community.edit'), ('district_coordinator', 'indicators.read'),
  ('health_planner', 'coverage.read'), ('health_planner', 'coverage.plan'),
  ('command_viewer', 'case.read'), ('command_viewer', 'indicators.read'), ('command_viewer', 'coverage.read'),
  ('admin', 'user.manage'), ('admin', 'token.manage'), ('admin', 'audit.read'), ('admin', 'case.read'), ('admin', 'indicators.read')
ON CONFLICT DO NOTHING;
--> statement-breakpoint
-- The audit log is append-only: who did what is never edited or removed through the database.
-- One trigger function for every append-only table (it names the table it guards), so the
-- next log does not need a copy; case_events keeps its own from 0002.
CREATE OR REPLACE FUNCTION cg_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only: % is not allowed', TG_TABLE_NAME, TG_OP USING ERRCODE = 'restrict_violation';
END $$;
--> statement-breakpoint
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION cg_append_only();
