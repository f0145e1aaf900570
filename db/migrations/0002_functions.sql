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
--> statement-breakpoint

-- case_facts: one row per case, derived only from its events (docs/indicators.md).
-- Times are instants (timestamptz). handle_due_at / close_due_at are the latest due dates set
-- by 'dispatch' or 'extend' events before the first 'handle' (a rework does not move them).
CREATE VIEW case_facts AS
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
