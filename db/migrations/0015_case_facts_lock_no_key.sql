-- Custom migration: the facts trigger (0013) locks the cases it refreshes FOR NO KEY UPDATE,
-- not FOR UPDATE. The insert into case_events has already taken FOR KEY SHARE on its case row
-- (the foreign key check), and FOR UPDATE conflicts with KEY SHARE: two appenders to one case
-- that had both passed the check each waited for the other, and PostgreSQL aborted one as a
-- deadlock (40P01). NO KEY UPDATE does not conflict with KEY SHARE but does with itself, so the
-- second appender still waits for the first before it reads (the event is not lost) and
-- nobody waits in a circle. tests/case-facts-concurrency.test.ts forces both interleavings.
CREATE OR REPLACE FUNCTION cg_case_events_refresh_facts() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  ids bigint[];
BEGIN
  IF current_setting('citygrid.bulk_load', true) = 'on' THEN
    RETURN NULL;
  END IF;
  ids := ARRAY(SELECT DISTINCT case_id FROM new_events ORDER BY case_id);
  PERFORM 1 FROM cases WHERE id = ANY (ids) ORDER BY id FOR NO KEY UPDATE;
  PERFORM cg_refresh_case_facts(ids);
  RETURN NULL;
END $$;
