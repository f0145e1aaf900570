-- Custom migration: session and login-throttling policy as data (issue [3]); the server reads
-- these at each check, so an operator can tighten them without a release.
-- auth.max_failures: failed logins (per user name, and per address) within the window that lock it;
-- auth.failure_window_minutes, auth.lockout_minutes: minutes;
-- auth.session_hours: absolute session lifetime; auth.session_idle_minutes: idle timeout.
INSERT INTO app_meta (key, value) VALUES
  ('auth.max_failures', '5'),
  ('auth.failure_window_minutes', '15'),
  ('auth.lockout_minutes', '15'),
  ('auth.session_hours', '12'),
  ('auth.session_idle_minutes', '120')
ON CONFLICT (key) DO NOTHING;
