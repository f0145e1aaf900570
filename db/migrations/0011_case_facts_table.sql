-- Custom migration: case_facts becomes a table kept current by the write path
-- (docs/decisions/0007-fair-use-of-the-embedded-connection.md). The view of 0002 aggregated all
-- ~1M events on every indicators call (1.6–2.2 s in one statement on the embedded engine).
-- The rule itself is unchanged; it lives on as the view case_facts_from_events, which only
-- the refresh below reads, always for a set of case ids (the filter reaches the event index).

DROP VIEW case_facts;
--> statement-breakpoint

-- The rule of 0002, verbatim: one row per case, derived only from its events. Times are
-- instants (timestamptz). handle_due_at / close_due_at are the latest due dates set by
-- 'dispatch' or 'extend' events before the first 'handle' (a rework does not move them).
CREATE VIEW case_facts_from_events AS
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
--> statement-breakpoint

-- The same columns as a table: one row per case that has events.
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
--> statement-breakpoint
CREATE INDEX case_facts_handle_due_idx ON case_facts (handle_due_at);
--> statement-breakpoint
CREATE INDEX case_facts_close_due_idx ON case_facts (close_due_at);
--> statement-breakpoint
CREATE INDEX case_facts_reported_idx ON case_facts (reported_at);
--> statement-breakpoint
CREATE INDEX case_facts_filed_idx ON case_facts (filed_at);
--> statement-breakpoint

-- Recomputes the facts of the given cases from all of their events (insert or replace).
CREATE FUNCTION cg_refresh_case_facts(ids bigint[]) RETURNS void
LANGUAGE sql AS $$
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
$$;
--> statement-breakpoint

-- Every statement that appends events refreshes the facts of the cases it touched (case_events
-- is append-only: no update or delete to follow). A bulk load (the seed) sets the session
-- setting citygrid.bulk_load = 'on' and fills case_facts itself once at the end.
CREATE FUNCTION cg_case_events_refresh_facts() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF current_setting('citygrid.bulk_load', true) = 'on' THEN
    RETURN NULL;
  END IF;
  PERFORM cg_refresh_case_facts(ARRAY(SELECT DISTINCT case_id FROM new_events));
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER case_events_refresh_facts AFTER INSERT ON case_events
  REFERENCING NEW TABLE AS new_events
  FOR EACH STATEMENT EXECUTE FUNCTION cg_case_events_refresh_facts();
--> statement-breakpoint

-- The facts of the events already there (a database migrated from 0010).
INSERT INTO case_facts SELECT * FROM case_facts_from_events;
