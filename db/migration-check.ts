// Migrations cannot drift (docs/decisions/0009-migrations-cannot-drift.md): the migrations a
// database has applied must be the files of db/migrations, byte for byte. drizzle's migrator
// only compares timestamps (it applies every journal entry newer than the last one recorded),
// so an applied file edited afterwards, or a journal entry slipped in before the last applied
// one, would go unnoticed and leave databases that differ. migrateEngine checks before and
// after running the migrator; a difference refuses the start with one line (a ConfigError).
import { readFileSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import { ConfigError } from './config-error.ts';
import type { SupersededVersion } from './migrations-known.ts';

/** One migration file of the journal, with the hash drizzle records for it. */
export interface MigrationFile {
  tag: string;
  /** The journal entry's `when`: drizzle records it as the row's created_at. */
  when: number;
  /** sha256 hex of the file's text, computed by drizzle's own readMigrationFiles. */
  hash: string;
  /** The file as shown in messages (relative to the repository when inside it). */
  shown: string;
}

/** A row of drizzle.__drizzle_migrations. */
export interface AppliedMigration {
  id: number;
  hash: string;
  createdAt: number | null;
}

/** An applied migration recorded with a known, superseded version of its file. */
export interface AcceptedVersion {
  file: MigrationFile;
  version: SupersededVersion;
}

const repoRoot = resolve(fileURLToPath(new URL('..', import.meta.url)));

function shownPath(path: string): string {
  const rel = relative(repoRoot, path);
  return rel.startsWith('..') || isAbsolute(rel) ? path : rel.split('\\').join('/');
}

/** The journal's migrations in order, hashed exactly as drizzle's migrator hashes them. */
export function readMigrations(folder: string): MigrationFile[] {
  const journal = JSON.parse(readFileSync(join(folder, 'meta', '_journal.json'), 'utf8')) as { entries: { tag: string; when: number }[] };
  const metas = readMigrationFiles({ migrationsFolder: folder });
  return journal.entries.map((entry, i) => {
    const meta = metas[i];
    if (!meta || meta.folderMillis !== entry.when) throw new Error(`drizzle read the journal of ${folder} differently at entry ${entry.tag}`);
    return { tag: entry.tag, when: entry.when, hash: meta.hash, shown: shownPath(join(folder, `${entry.tag}.sql`)) };
  });
}

const short = (hash: string) => `${hash.slice(0, 12)}…`;

/**
 * Compares what a database recorded with the files. Returns the migrations accepted with a
 * known superseded version; throws a ConfigError naming the first problem otherwise:
 * a recorded migration that is not in the journal, a file changed after it was applied, or a
 * journal entry the migrator would never apply (`complete`: after migrating, any entry not
 * applied).
 */
export function checkApplied(
  applied: readonly AppliedMigration[],
  files: readonly MigrationFile[],
  known: Readonly<Record<string, readonly SupersededVersion[]>>,
  opts: { complete?: boolean } = {},
): AcceptedVersion[] {
  const byWhen = new Map(files.map((f) => [f.when, f]));
  const accepted: AcceptedVersion[] = [];
  const recorded = new Set<number>();
  for (const row of applied) {
    const file = row.createdAt === null ? undefined : byWhen.get(row.createdAt);
    if (!file) {
      throw new ConfigError(
        `This database has applied a migration that is not in the journal (drizzle.__drizzle_migrations id ${row.id}, created_at ${row.createdAt ?? 'null'}, sha256 ${short(row.hash)}): ` +
          'it was migrated by a newer or another version of CityGrid. Start that version, or point CityGrid at a new database.',
      );
    }
    recorded.add(file.when);
    if (row.hash === file.hash) continue;
    const version = known[file.tag]?.find((v) => v.sha256 === row.hash);
    if (version) {
      accepted.push({ file, version });
      continue;
    }
    throw new ConfigError(
      `Migration ${file.shown} was changed after it was applied to this database (recorded sha256 ${short(row.hash)}, file now ${short(file.hash)}). ` +
        'Migrations are append-only: restore the file from git and put the change in a new migration.',
    );
  }
  const last = Math.max(-Infinity, ...recorded);
  const missing = files.find((f) => !recorded.has(f.when) && (opts.complete || f.when <= last));
  if (missing) {
    throw new ConfigError(
      opts.complete
        ? `Migration ${missing.shown} was not applied to this database although the migrator ran (journal when ${missing.when}). Start again; if it stays, check db/migrations/meta/_journal.json.`
        : `Migration ${missing.shown} is not applied to this database and never would be: its journal timestamp (when ${missing.when}) is not after the last applied migration's (${last}), and drizzle applies only newer ones. ` +
            'Migrations are append-only: move the change into a new migration at the end of the journal (npx drizzle-kit generate --custom).',
    );
  }
  return accepted;
}

/** The one line logged when superseded versions are accepted. */
export function acceptedLine(accepted: readonly AcceptedVersion[]): string {
  const list = accepted.map((a) => `${a.file.tag} ${a.version.why} (sha256 ${short(a.version.sha256)})`).join('; ');
  return `Migrations: this database applied earlier versions of edited migrations, known and accepted: ${list}. 0012_repair_edited_migrations adds what the edits added.`;
}
