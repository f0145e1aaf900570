-- Custom migration: the people who patrol (docs/decisions/0016-patrol-staff.md). Inspectors
-- (监督员) and grid workers (网格员) become accounts bound to the responsibility grids they
-- patrol, and a case's verify and check tasks are assigned to one of its grid's people
-- (cases.assignee_user_id, a projection the accept/handle events set). The snapshot of this
-- migration also records what 0016 added by hand.
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
