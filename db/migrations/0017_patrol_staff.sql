-- Custom migration: the people who patrol (docs/decisions/0016-patrol-staff.md). Inspectors
-- (监督员) and grid workers (网格员) become accounts bound to the responsibility grids they
-- patrol, and a case's verify and check tasks are assigned to one of its grid's people
-- (cases.assignee_user_id, a projection the accept/handle events set). Also: the grid worker
-- role, the right to edit dispatch rules, and the reference data's stamp (at the end). The
-- snapshot of this migration also records what 0016 added by hand.
CREATE TABLE "responsibility_grid_staff" (
	"responsibility_grid_id" integer NOT NULL REFERENCES "responsibility_grids"("id"),
	"user_id" integer NOT NULL REFERENCES "users"("id"),
	CONSTRAINT "responsibility_grid_staff_responsibility_grid_id_user_id_pk" PRIMARY KEY("responsibility_grid_id","user_id")
);
--> statement-breakpoint
CREATE INDEX "responsibility_grid_staff_user_idx" ON "responsibility_grid_staff" USING btree ("user_id");
--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "assignee_user_id" integer REFERENCES "users"("id");
--> statement-breakpoint
CREATE INDEX "cases_assignee_idx" ON "cases" USING btree ("assignee_user_id") WHERE assignee_user_id is not null;
--> statement-breakpoint
-- the grid worker (网格员): patrols a grid like an inspector, reports and verifies what it finds
INSERT INTO roles (code, name, name_en, scope) VALUES ('grid_worker', '网格员', 'Grid worker', 'district') ON CONFLICT (code) DO NOTHING;
--> statement-breakpoint
INSERT INTO role_permissions (role_code, permission) VALUES
  ('grid_worker', 'case.read'), ('grid_worker', 'case.create'), ('grid_worker', 'case.verify'), ('grid_worker', 'case.check')
ON CONFLICT DO NOTHING;
--> statement-breakpoint
-- dispatch rules are edited by an administrator of the routing (a new right; the dispatcher's role holds it)
INSERT INTO permissions (code, description, description_en) VALUES ('dispatch.rules.edit', '编辑派遣规则', 'Edit the dispatch rules') ON CONFLICT (code) DO NOTHING;
--> statement-breakpoint
INSERT INTO role_permissions (role_code, permission) VALUES ('admin', 'dispatch.rules.edit') ON CONFLICT DO NOTHING;
--> statement-breakpoint
-- the reference data's stamp: a fresh random value with every write to what the case engine
-- reads per move, so a server process can keep it in memory and re-read it only when it moved
-- (server/dispatch/reference.ts). Random, not a counter: a stamp of a rolled-back change is
-- never seen again, so nothing cached under it can be mistaken for a later change's data.
CREATE TABLE "reference_stamp" (
	"id" integer PRIMARY KEY DEFAULT 1 NOT NULL CHECK ("id" = 1),
	"stamp" text NOT NULL,
	"changed_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
INSERT INTO reference_stamp (id, stamp) VALUES (1, gen_random_uuid()::text);
--> statement-breakpoint
CREATE OR REPLACE FUNCTION cg_reference_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  UPDATE reference_stamp SET stamp = gen_random_uuid()::text, changed_at = now() WHERE id = 1;
  RETURN NULL;
END $$;
--> statement-breakpoint
DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['calendar_days', 'working_periods', 'app_meta', 'category_time_limits', 'case_categories', 'departments', 'dispatch_rules'] LOOP
    EXECUTE format('CREATE TRIGGER %I AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON %I FOR EACH STATEMENT EXECUTE FUNCTION cg_reference_changed()', t || '_reference_changed', t);
  END LOOP;
END $$;
