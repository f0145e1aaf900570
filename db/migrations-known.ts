// Migrations that were edited after they had been applied somewhere: every earlier committed
// version of each file, by the hash drizzle recorded for it (sha256 hex of the file's text, see
// drizzle-orm/migrator.js readMigrationFiles). A database carrying one of these is accepted at
// start-up, and migration 0012_repair_edited_migrations adds what the edit added. Any other
// difference between a recorded hash and its file refuses the start (db/migration-check.ts).
// Append-only, like the migrations: never edit an applied migration again, so this list only
// grows if someone does by mistake and databases already carry the edited version.
// The texts themselves are kept in tests/fixtures/migrations-before-edits/ (tests replay them).

export interface SupersededVersion {
  /** sha256 hex of the version's text, as drizzle recorded it. */
  sha256: string;
  /** Which commit's version this was, and what the later edit changed. */
  why: string;
  /**
   * SQL run (idempotent) before the pending migrations while a database records this version:
   * what a later migration needs from the edit and cannot find otherwise. Everything else is
   * repaired by a migration.
   */
  prepare?: string;
}

/** The view case_facts exactly as the edit of 0002 added it (0011 drops it to build the table). */
const CASE_FACTS_VIEW_OF_0002 = `DO $prepare$
BEGIN
  IF to_regclass('public.case_facts') IS NULL THEN
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
  END IF;
END $prepare$`;

/** Journal tag → the superseded versions of that file. */
export const SUPERSEDED_MIGRATIONS: Readonly<Record<string, readonly SupersededVersion[]>> = {
  '0002_functions': [
    {
      sha256: 'a7575e52c33b65837992a8422dd56e8efd85704add51b0d64e5538b719636edd',
      why: 'as first landed (2bf1273), before 51a8ec0 added the view case_facts',
      prepare: CASE_FACTS_VIEW_OF_0002,
    },
  ],
  '0005_roles_and_permissions': [
    {
      sha256: '7b0e7c0372059989e88e968c419df30dcd371d7b1c2c5014a64953fff15a4954',
      why: 'as first landed (ec71ba2), before d4a363c replaced cg_audit_log_append_only() by cg_append_only()',
    },
  ],
  '0008_wall_display_role': [
    {
      sha256: '67e9881b4eee9c86d1b8425036acb1d2f54969d27198c574944923b10d3c5a4b',
      why: "as first landed (2fc372b), before 070c823 added app_meta 'auth.max_failures_per_address'",
    },
  ],
  '0010_auth_hardening': [
    {
      sha256: '0a6be2b914819c2638992e336145cea7194aeffeace72dbe6627128621a3940b',
      why: "as first landed (478a9f3), before 1bc7443 added the audit log's guard cg_audit_log_guard() and four app_meta limits",
    },
  ],
  '0011_case_facts_table': [
    {
      sha256: 'b3cc75fa802f8a5b333c480eb0d77f3d2185602e108f36fb33d3ade3c6939413',
      why: "drizzle-kit's empty placeholder as first committed (478a9f3), before ddea87e made case_facts a table",
    },
  ],
  '0017_patrol_staff': [
    {
      sha256: '5c25fce0d43bace8286a7d6eb64cdc81b4ba70a98b4c4564da23652e10ff8f77',
      why: "as landed at stop 19, after 5625856 added the right dispatch.rules.read (and its grants) to it; the file is back as first committed and 0019_dispatch_rules_read adds the right",
    },
  ],
};
