-- Custom migration: the facts trigger (0011) locks the cases it refreshes first.
-- Two transactions appending events to the same case at once on the server engine: the second
-- waited on the first's case_facts row and then wrote facts computed from a snapshot without
-- the first one's event, losing it. Locking the case rows (in id order, so two appenders never
-- deadlock) makes the second wait before it reads; under READ COMMITTED its refresh then sees
-- the committed event. (The embedded engine has one connection: nothing ran concurrently there.)
CREATE OR REPLACE FUNCTION cg_case_events_refresh_facts() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  ids bigint[];
BEGIN
  IF current_setting('citygrid.bulk_load', true) = 'on' THEN
    RETURN NULL;
  END IF;
  ids := ARRAY(SELECT DISTINCT case_id FROM new_events ORDER BY case_id);
  PERFORM 1 FROM cases WHERE id = ANY (ids) ORDER BY id FOR UPDATE;
  PERFORM cg_refresh_case_facts(ids);
  RETURN NULL;
END $$;
