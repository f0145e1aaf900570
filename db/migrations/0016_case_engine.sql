-- Custom migration: the case engine (docs/decisions/0015-the-case-engine.md). The case row
-- gains what the workflow table's guards read (a pending request, the last check's verdict),
-- the routing decision with its reason, and the running stage's clock; the reply and callback
-- of public cases; one more right; and the workflow's defaults as data (app_meta).
-- The event log stays the history: every column here is a projection an event sets, in the
-- same transaction.
ALTER TABLE cases ADD COLUMN pending text;
--> statement-breakpoint
ALTER TABLE cases ADD COLUMN pending_detail jsonb;
--> statement-breakpoint
ALTER TABLE cases ADD COLUMN check_passed boolean;
--> statement-breakpoint
-- the routing suggestion: the department, the rule that chose it, and why (zh/en)
ALTER TABLE cases ADD COLUMN suggested_department_id integer REFERENCES departments(id);
--> statement-breakpoint
ALTER TABLE cases ADD COLUMN route_rule_id integer;
--> statement-breakpoint
ALTER TABLE cases ADD COLUMN route_reason text;
--> statement-breakpoint
ALTER TABLE cases ADD COLUMN route_reason_en text;
--> statement-breakpoint
-- the running stage's clock (verify, file, dispatch, accept, handle, check): when it started,
-- when it is due; while parked the handling clock is paused with its remaining working minutes
ALTER TABLE cases ADD COLUMN stage text;
--> statement-breakpoint
ALTER TABLE cases ADD COLUMN stage_started_at timestamptz;
--> statement-breakpoint
ALTER TABLE cases ADD COLUMN stage_due_at timestamptz;
--> statement-breakpoint
ALTER TABLE cases ADD COLUMN paused_remaining_minutes double precision;
--> statement-breakpoint
-- the highest escalation level fired for the running stage (督办: 1 = flagged to the dispatcher, 2 = to the shift lead)
ALTER TABLE cases ADD COLUMN escalation_level integer;
--> statement-breakpoint
-- when the running stage's next escalation level is reached (null: none left): what the scheduler looks for
ALTER TABLE cases ADD COLUMN next_escalation_at timestamptz;
--> statement-breakpoint
ALTER TABLE cases ADD COLUMN replied_at timestamptz;
--> statement-breakpoint
-- dispatch rules: channel and area-class conditions, and versions (an edit retires a row and adds
-- its successor, so every case keeps the rule of its time)
ALTER TABLE dispatch_rules ADD COLUMN channel text;
--> statement-breakpoint
ALTER TABLE dispatch_rules ADD COLUMN area_class text;
--> statement-breakpoint
ALTER TABLE dispatch_rules ADD COLUMN valid_from timestamptz NOT NULL DEFAULT '2000-01-01T00:00:00Z';
--> statement-breakpoint
ALTER TABLE dispatch_rules ADD COLUMN valid_to timestamptz;
--> statement-breakpoint
ALTER TABLE dispatch_rules ADD COLUMN replaces_id integer REFERENCES dispatch_rules(id);
--> statement-breakpoint
ALTER TABLE cases ADD COLUMN satisfaction text;
--> statement-breakpoint
CREATE INDEX cases_next_escalation_idx ON cases (next_escalation_at) WHERE next_escalation_at IS NOT NULL;
--> statement-breakpoint
-- Each escalation level fires once per case and stage run (a rework or a re-dispatch starts a new
-- run): the key makes "once" hold across server processes; the event is written in the same
-- transaction as the row.
CREATE TABLE case_escalations (
  case_id bigint NOT NULL REFERENCES cases(id),
  stage text NOT NULL,
  stage_started_at timestamptz NOT NULL,
  level integer NOT NULL,
  fired_at timestamptz NOT NULL,
  event_id bigint NOT NULL,
  PRIMARY KEY (case_id, stage, stage_started_at, level)
);
--> statement-breakpoint
INSERT INTO permissions (code, description, description_en) VALUES
  ('case.callback', '答复与回访举报人', 'Reply to and call back the reporter')
ON CONFLICT (code) DO NOTHING;
--> statement-breakpoint
INSERT INTO role_permissions (role_code, permission) VALUES ('intake_operator', 'case.callback') ON CONFLICT DO NOTHING;
--> statement-breakpoint
-- Workflow defaults (docs/domain-notes.md, common practice; city policy varies): stage limits
-- that do not depend on the category, as '<amount> <unit>' (unit: hour, working_hour,
-- working_day); the reopen window in days; the escalation levels as shares of a stage limit.
INSERT INTO app_meta (key, value) VALUES
  ('workflow.limit.file', '1 working_hour'),
  ('workflow.limit.dispatch', '1 working_hour'),
  ('workflow.limit.accept.normal', '2 working_hour'),
  ('workflow.limit.accept.urgent', '0.5 hour'),
  ('workflow.reopen_days', '7'),
  ('workflow.escalation_levels', '1,2'),
  ('workflow.escalation_targets', 'dispatcher,shift_lead')
ON CONFLICT (key) DO NOTHING;
