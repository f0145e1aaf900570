// Uploads no move ever cited are purged (docs/decisions/0020-one-write-pipeline.md): a photo is
// uploaded before the move that cites it, and one never cited (the move was abandoned, a client
// retried, a flood) would otherwise stay for good. After the setting photos.unattached_purge_hours
// (24 by default, migration 0020) an unattached photo is deleted; an attached one never is. The
// server process runs it periodically (server/main.ts, startPhotoPurge); the function itself is
// what tests call.
import { sql } from 'drizzle-orm';
import { rows, type Db, type Engine } from '../../db/engine.ts';
import { queryFailed } from '../query-error.ts';
import { writeAudit } from '../audit/audit-queries.ts';
import { setting } from '../settings/settings.ts';
import { SETTINGS } from '../../domain/settings-policy.ts';

export const PURGE_HOURS_KEY = 'photos.unattached_purge_hours' as const;
export const PURGE_HOURS_DEFAULT = Number(SETTINGS[PURGE_HOURS_KEY].default);
/** Rows deleted per statement (each carries an image and a thumbnail): short statements, other work in between. */
const BATCH = 200;

/** The setting photos.unattached_purge_hours, through the one settings reader (a bad stored value is refused, named). */
export function unattachedPurgeHours(db: Db): Promise<number> {
  return setting(db, PURGE_HOURS_KEY);
}

/**
 * Deletes the photos no case cites that were uploaded more than `hours` (default: the setting)
 * before `now`; answers how many. One audit row ('photos.purge', actor 'system') when any went.
 */
export async function purgeUnattachedPhotos(db: Db, now: Date, hours?: number): Promise<number> {
  const h = hours ?? (await unattachedPurgeHours(db));
  const before = new Date(now.getTime() - h * 3600_000).toISOString();
  let total = 0;
  try {
    for (;;) {
      const gone = await rows<{ id: string }>(
        db,
        sql`delete from case_photos where id in (select id from case_photos where case_id is null and uploaded_at < ${before}::timestamptz limit ${BATCH})
            and case_id is null returning id::text as id`,
      );
      total += gone.length;
      if (gone.length < BATCH) break;
      await new Promise((r) => setImmediate(r)); // interactive requests in between (one connection on the embedded engine)
    }
  } catch (err) {
    throw queryFailed('purging unattached photos', err);
  }
  if (total) await writeAudit(db, { actor: { name: 'system' }, action: 'photos.purge', note: { targetKind: 'photo', detail: { deleted: total, olderThanHours: h } }, now });
  return total;
}

/** Runs the purge every `intervalMs` (a pass at a time); returns the stop function. */
export function startPhotoPurge(engine: Engine, opts: { intervalMs?: number; now?: () => Date } = {}): () => Promise<void> {
  let running: Promise<void> | null = null;
  let stopped = false;
  const timer = setInterval(() => {
    if (running || stopped) return;
    running = purgeUnattachedPhotos(engine.db, opts.now?.() ?? new Date())
      .then(() => {})
      .catch((err) => console.error('[photos] the purge of unattached photos failed', err))
      .finally(() => (running = null));
  }, opts.intervalMs ?? 15 * 60_000);
  timer.unref();
  return async () => {
    stopped = true;
    clearInterval(timer);
    await running;
  };
}
