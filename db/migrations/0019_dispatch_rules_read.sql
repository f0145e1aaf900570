-- Custom migration: the dispatch rules are read with a right of their own (docs/decisions/0016).
-- Dispatchers, shift leads and administrators read them (dispatch.rules.read); the
-- administrator edits them (dispatch.rules.edit, from 0017). An edit of 0017 once carried this
-- (db/migrations-known.ts): on a database migrated with that edit, every statement here finds
-- its rows and changes nothing.
INSERT INTO permissions (code, description, description_en) VALUES ('dispatch.rules.read', '查看派遣规则', 'See the dispatch rules') ON CONFLICT (code) DO NOTHING;
--> statement-breakpoint
INSERT INTO role_permissions (role_code, permission) VALUES
  ('dispatcher', 'dispatch.rules.read'), ('shift_lead', 'dispatch.rules.read'), ('admin', 'dispatch.rules.read')
ON CONFLICT DO NOTHING;
