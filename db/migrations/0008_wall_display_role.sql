-- Custom migration: the rights of wall-screen display tokens, as data. A token acts as the
-- role 'wall_display' (not assignable to people; the admin screens hide it), limited to the
-- token's districts: read-only views of cases, indicators and coverage, never personal data.
INSERT INTO roles (code, name, name_en, scope, assignable) VALUES
  ('wall_display', '大屏展示令牌', 'Wall-screen display token', 'district', false)
ON CONFLICT (code) DO NOTHING;
--> statement-breakpoint
INSERT INTO role_permissions (role_code, permission) VALUES
  ('wall_display', 'case.read'), ('wall_display', 'indicators.read'), ('wall_display', 'coverage.read')
ON CONFLICT DO NOTHING;
--> statement-breakpoint
-- department handlers see only their department's cases: the scope filter needs this index
CREATE INDEX IF NOT EXISTS cases_department_idx ON cases (department_id);
--> statement-breakpoint
-- failed sign-ins from one address before it is locked (per user name: auth.max_failures);
-- higher, because a command centre's operators share one address behind NAT
INSERT INTO app_meta (key, value) VALUES ('auth.max_failures_per_address', '30')
ON CONFLICT (key) DO NOTHING;
