-- Custom migration: repairs a database migrated with a version of 0002, 0005, 0008, 0010 or
-- 0011 that was edited after it had been applied (docs/decisions/0009-migrations-cannot-drift.md;
-- the superseded versions and their hashes are listed in db/migrations-known.ts). drizzle applies
-- a migration once, by its journal timestamp, so such a database never ran what the edit added.
-- Every statement is idempotent: on a database migrated from today's files it changes nothing.

-- 0002_functions gained the view case_facts after it landed. Nothing to do here: 0011 replaced
-- that view by a table. A database that recorded the first 0002 gets the view just before its
-- pending migrations run (the `prepare` step in db/migrations-known.ts), so that 0011 can drop
-- it; the 0011 repair below converts a view left behind by 0011's empty first version.

-- 0005_roles_and_permissions first guarded audit_log with cg_audit_log_append_only(); the edit
-- made it one function for every append-only table, cg_append_only(). Since 0010 the audit log
-- has its own guard (repaired below), so only the shared function is missing.
CREATE OR REPLACE FUNCTION cg_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only: % is not allowed', TG_TABLE_NAME, TG_OP USING ERRCODE = 'restrict_violation';
END $$;
--> statement-breakpoint

-- 0008_wall_display_role gained the per-address sign-in limit (without it sign-in fails).
INSERT INTO app_meta (key, value) VALUES ('auth.max_failures_per_address', '30')
ON CONFLICT (key) DO NOTHING;
--> statement-breakpoint

-- 0010_auth_hardening gained the audit log's guard that lets only a refusal's repeat count grow,
-- and four limits as data.
CREATE OR REPLACE FUNCTION cg_audit_log_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE'
     AND (to_jsonb(NEW) - 'repeats' - 'last_at') = (to_jsonb(OLD) - 'repeats' - 'last_at')
     AND NEW.repeats > OLD.repeats THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'audit_log is append-only: % is not allowed (only a refusal''s repeat count may grow)', TG_OP USING ERRCODE = 'restrict_violation';
END $$;
--> statement-breakpoint
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_trigger
                 WHERE tgrelid = 'audit_log'::regclass AND tgname = 'audit_log_append_only'
                   AND tgfoid = 'cg_audit_log_guard()'::regprocedure) THEN
    DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log;
    CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
      FOR EACH ROW EXECUTE FUNCTION cg_audit_log_guard();
  END IF;
END $$;
--> statement-breakpoint
INSERT INTO app_meta (key, value) VALUES
  ('auth.max_failures_per_device', '5'),
  ('auth.device_days', '90'),
  ('auth.max_concurrent_hashes', '4'),
  ('audit.coalesce_minutes', '10')
ON CONFLICT (key) DO NOTHING;
--> statement-breakpoint

-- The first 0005's function, unused once the audit log has its 0010 guard (a fresh database
-- never had it).
DO $$
BEGIN
  IF to_regprocedure('cg_audit_log_append_only()') IS NOT NULL
     AND NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgfoid = to_regprocedure('cg_audit_log_append_only()')) THEN
    DROP FUNCTION cg_audit_log_append_only();
  END IF;
END $$;
--> statement-breakpoint

-- 0011_case_facts_table was first committed as drizzle-kit's empty placeholder. A database that
-- applied it still has case_facts as 0002's view: make it 0011's table, kept current by the
-- event trigger, and fill it once (the same statements as 0011). A table already there is left
-- alone.
DO $repair$
BEGIN
  IF (SELECT relkind FROM pg_class WHERE oid = to_regclass('public.case_facts')) IS DISTINCT FROM 'r' THEN
    DROP VIEW IF EXISTS case_facts;

    CREATE OR REPLACE VIEW case_facts_from_events AS
    SELECT x.case_id,
           min(x.at) FILTER (WHERE x.type = 'report')   AS reported_at,
           min(x.at) FILTER (WHERE x.type = 'file')     AS filed_at,
           min(x.at) FILTER (WHERE x.type = 'void')     AS voided_at,
           min(x.at) FILTER (WHERE x.type = 'dispatch') AS dispatched_at,
           min(x.at) FILTER (WHERE x.type = 'handle')   AS handled_at,
           min(x.at) FILTER (WHERE x.type = 'close')    AS closed_at,
           max((x.payload->>'handleDueAt')::timestamptz)
             FILTER (WHERE x.type IN ('dispatch', 'extend') AND (x.first_handle IS NULL OR x.at < x.first_handle)) AS handle_due_at,
           max((x.payload->>'closeDueAt')::timestamptz)
             FILTER (WHERE x.type IN ('dispatch', 'extend') AND (x.first_handle IS NULL OR x.at < x.first_handle)) AS close_due_at,
           count(*) FILTER (WHERE x.type = 'return')::int AS returns,
           count(*) FILTER (WHERE x.type = 'extend')::int AS extensions,
           count(*) FILTER (WHERE x.type = 'rework')::int AS reworks
    FROM (
      SELECT e.case_id, e.at, e.type, e.payload,
             min(e.at) FILTER (WHERE e.type = 'handle') OVER (PARTITION BY e.case_id) AS first_handle
      FROM case_events e
    ) x
    GROUP BY x.case_id;

    CREATE TABLE case_facts (
      case_id bigint PRIMARY KEY,
      reported_at timestamptz,
      filed_at timestamptz,
      voided_at timestamptz,
      dispatched_at timestamptz,
      handled_at timestamptz,
      closed_at timestamptz,
      handle_due_at timestamptz,
      close_due_at timestamptz,
      returns int NOT NULL DEFAULT 0,
      extensions int NOT NULL DEFAULT 0,
      reworks int NOT NULL DEFAULT 0
    );
    CREATE INDEX case_facts_handle_due_idx ON case_facts (handle_due_at);
    CREATE INDEX case_facts_close_due_idx ON case_facts (close_due_at);
    CREATE INDEX case_facts_reported_idx ON case_facts (reported_at);
    CREATE INDEX case_facts_filed_idx ON case_facts (filed_at);

    CREATE OR REPLACE FUNCTION cg_refresh_case_facts(ids bigint[]) RETURNS void
    LANGUAGE sql AS $fn$
  INSERT INTO case_facts (case_id, reported_at, filed_at, voided_at, dispatched_at, handled_at, closed_at,
                          handle_due_at, close_due_at, returns, extensions, reworks)
  SELECT case_id, reported_at, filed_at, voided_at, dispatched_at, handled_at, closed_at,
         handle_due_at, close_due_at, returns, extensions, reworks
  FROM case_facts_from_events
  WHERE case_id = ANY (ids)
  ON CONFLICT (case_id) DO UPDATE SET
    reported_at = EXCLUDED.reported_at, filed_at = EXCLUDED.filed_at, voided_at = EXCLUDED.voided_at,
    dispatched_at = EXCLUDED.dispatched_at, handled_at = EXCLUDED.handled_at, closed_at = EXCLUDED.closed_at,
    handle_due_at = EXCLUDED.handle_due_at, close_due_at = EXCLUDED.close_due_at,
    returns = EXCLUDED.returns, extensions = EXCLUDED.extensions, reworks = EXCLUDED.reworks;
$fn$;

    CREATE OR REPLACE FUNCTION cg_case_events_refresh_facts() RETURNS trigger
    LANGUAGE plpgsql AS $fn$
BEGIN
  IF current_setting('citygrid.bulk_load', true) = 'on' THEN
    RETURN NULL;
  END IF;
  PERFORM cg_refresh_case_facts(ARRAY(SELECT DISTINCT case_id FROM new_events));
  RETURN NULL;
END $fn$;

    DROP TRIGGER IF EXISTS case_events_refresh_facts ON case_events;
    CREATE TRIGGER case_events_refresh_facts AFTER INSERT ON case_events
      REFERENCING NEW TABLE AS new_events
      FOR EACH STATEMENT EXECUTE FUNCTION cg_case_events_refresh_facts();

    INSERT INTO case_facts SELECT * FROM case_facts_from_events;
  END IF;
END $repair$;
