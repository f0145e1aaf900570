-- Custom migration: SQL functions and guards that drizzle-kit cannot express.
-- Units and SRIDs are in each header. Append-only: change a function in a new migration.

-- The case event log is append-only: history is never edited, only added to.
CREATE OR REPLACE FUNCTION cg_case_events_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'case_events is append-only: % is not allowed', TG_OP USING ERRCODE = 'restrict_violation';
END $$;
--> statement-breakpoint
CREATE TRIGGER case_events_append_only BEFORE UPDATE OR DELETE ON case_events
  FOR EACH ROW EXECUTE FUNCTION cg_case_events_append_only();
