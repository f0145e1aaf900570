// The audit log: who did what, when, from where. Rows are only ever inserted (a trigger
// rejects UPDATE and DELETE, migration 0005); secrets in inputs are replaced before writing.
import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { rows, type Db } from '../../db/engine.ts';
import { queryFailed } from '../query-error.ts';
import { setting } from '../settings/settings.ts';
import type { Actor } from '../auth/actor.ts';

/** What a mutation tells the audit about its target. */
export interface AuditNote {
  targetKind?: string;
  targetId?: string | number;
  detail?: Record<string, unknown>;
}

const SECRET_KEY = /password|token|secret/i;

// eslint-disable-next-line no-control-regex
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
/** jsonb cannot hold U+0000 or a lone surrogate: a refused input may carry both, and its record must still be written. */
const storable = (v: string) => v.replace(UNSTORABLE, '\uFFFD');

/** Inputs as recorded: secrets replaced, long strings cut, at most 50 keys or items per level, 5 levels; unstorable characters replaced. */
export function redact(value: unknown, depth = 0): unknown {
  if (depth > 5) return '…';
  if (typeof value === 'string') return storable(value.length > 500 ? `${value.slice(0, 500)}…` : value);
  if (Array.isArray(value)) return value.slice(0, 50).map((v) => redact(v, depth + 1));
  if (value && typeof value === 'object') {
    const entries = Object.entries(value);
    const kept = Object.fromEntries(entries.slice(0, 50).map(([k, v]) => [storable(k.slice(0, 100)), SECRET_KEY.test(k) ? '***' : redact(v, depth + 1)]));
    return entries.length > 50 ? { ...kept, '…': `${entries.length - 50} more keys` } : kept;
  }
  return value;
}

/** Past this size (JSON characters after redaction) an input is recorded as a summary. */
export const AUDIT_INPUT_MAX = 2000;

/**
 * What the audit keeps of an input: the redacted input when small; else a bounded summary —
 * its size, its top-level keys (at most 20) and a truncated excerpt — never the whole body.
 */
export function auditInput(value: unknown): unknown {
  let chars: number | null;
  try {
    // the size of what arrived (bounded by the body limit before parsing), in JSON characters
    chars = JSON.stringify(value)?.length ?? 0;
  } catch {
    chars = null; // not serialisable (a cycle): summarised
  }
  if (chars !== null && chars <= AUDIT_INPUT_MAX) return redact(value);
  const keys = value && typeof value === 'object' && !Array.isArray(value) ? Object.keys(value) : null;
  return {
    summary: true,
    chars,
    keyCount: keys?.length ?? null,
    keys: keys?.slice(0, 20).map((k) => storable(k.slice(0, 60))) ?? null,
    items: Array.isArray(value) ? value.length : null,
    excerpt: `${storable((JSON.stringify(redact(value)) ?? '').slice(0, 300))}…`,
  };
}

/** Who, as recorded: the name at the time (kept if the account goes), the role, the user row. */
export interface AuditActor {
  name: string;
  roleCode?: string | null;
  userId?: number | null;
  /** audit_log.actor_kind: 'user', 'display' or 'apiKey' (migration 0020); the system's own work leaves it empty. */
  kind?: Actor['kind'] | null;
}

export const auditActor = (a: Actor): AuditActor => ({ name: a.name, roleCode: a.roleCode, userId: a.kind === 'user' ? a.id : null, kind: a.kind });

/**
 * Appends an audit row. With `coalesce` (refusals), a row identical in actor, action, target,
 * address and detail (input included) within the last audit.coalesce_minutes (a setting) is counted
 * instead (`repeats` + 1, `last_at`): a guessing loop leaves one row, not thousands.
 */
export async function writeAudit(
  db: Db,
  e: { actor: AuditActor; action: string; ip?: string; note?: AuditNote; now: Date; coalesce?: boolean },
): Promise<void> {
  const userId = e.actor.userId ?? null;
  const d = e.note?.detail ? { ...e.note.detail, ...('input' in e.note.detail ? { input: auditInput(e.note.detail.input) } : {}) } : null;
  const detail = d ? JSON.stringify(redact(d, -1)) : null;
  const targetId = e.note?.targetId === undefined ? null : String(e.note.targetId);
  const values = sql`${e.now.toISOString()}::timestamptz, ${userId}, ${e.actor.name}, ${e.actor.roleCode ?? null}, ${e.actor.kind ?? null}, ${e.action}, ${e.note?.targetKind ?? null}, ${targetId}, ${e.ip ?? null}, ${detail}::jsonb`;
  // read before the try: a refused setting says so itself, not as a failed audit write
  const coalesceMinutes = e.coalesce ? await setting(db, 'audit.coalesce_minutes') : 0;
  try {
    if (!e.coalesce) {
      await db.execute(sql`insert into audit_log (at, user_id, actor, role_code, actor_kind, action, target_kind, target_id, ip, detail) values (${values})`);
      return;
    }
    const fingerprint = createHash('sha256').update(JSON.stringify([e.actor.name, e.actor.roleCode ?? null, e.action, e.note?.targetKind ?? null, targetId, e.ip ?? null, detail])).digest('base64url');
    const since = new Date(e.now.getTime() - coalesceMinutes * 60_000).toISOString();
    await db.execute(
      sql`with hit as (
            update audit_log set repeats = repeats + 1, last_at = ${e.now.toISOString()}::timestamptz
            where id = (select id from audit_log where fingerprint = ${fingerprint} and at >= ${since}::timestamptz order by at desc, id desc limit 1)
            returning id)
          insert into audit_log (at, user_id, actor, role_code, actor_kind, action, target_kind, target_id, ip, detail, fingerprint)
          select ${values}, ${fingerprint} where not exists (select 1 from hit)`,
    );
  } catch (err) {
    throw queryFailed('write audit log', err);
  }
}

export interface AuditFilter {
  actor?: string;
  action?: string;
  targetKind?: string;
  targetId?: string;
  outcome?: string;
  from?: string;
  to?: string;
  /** Rows older than this id (paging backwards in time). */
  beforeId?: number;
  limit: number;
}

export interface AuditRow {
  id: number;
  at: string;
  actor: string;
  roleCode: string | null;
  /** 'user', 'display' or 'apiKey' (null: before migration 0020, or the system's own work). */
  actorKind: string | null;
  action: string;
  targetKind: string | null;
  targetId: string | null;
  ip: string | null;
  outcome: string;
  detail: unknown;
  /** How many identical refusals this row stands for, and the last one's time. */
  repeats: number;
  lastAt: string | null;
}

export async function listAudit(db: Db, f: AuditFilter): Promise<{ rows: AuditRow[]; more: boolean }> {
  const conds = [
    f.actor ? sql`strpos(lower(actor), ${f.actor.toLowerCase()}) > 0` : null,
    f.action ? sql`action like ${`${f.action.replace(/[%_\\]/g, '\\$&')}%`}` : null,
    f.targetKind ? sql`target_kind = ${f.targetKind}` : null,
    f.targetId ? sql`target_id = ${f.targetId}` : null,
    f.outcome ? sql`coalesce(detail->>'outcome', 'ok') = ${f.outcome}` : null,
    f.from ? sql`at >= ${f.from}::timestamptz` : null,
    f.to ? sql`at < ${f.to}::timestamptz` : null,
    f.beforeId ? sql`id < ${f.beforeId}` : null,
  ].filter((c) => c !== null);
  try {
    const r = await rows<{ id: number; at: Date | string; actor: string; role_code: string | null; actor_kind: string | null; action: string; target_kind: string | null; target_id: string | null; ip: string | null; detail: unknown; repeats: number; last_at: Date | string | null }>(
      db,
      sql`select id::int as id, at, actor, role_code, actor_kind, action, target_kind, target_id, ip, detail, repeats, last_at from audit_log
          where ${conds.length ? sql.join(conds, sql` and `) : sql`true`} order by id desc limit ${f.limit + 1}`,
    );
    return {
      more: r.length > f.limit,
      rows: r.slice(0, f.limit).map((x) => {
        const detail = typeof x.detail === 'string' ? JSON.parse(x.detail) : x.detail;
        return {
          id: x.id, at: new Date(x.at).toISOString(), actor: x.actor, roleCode: x.role_code, actorKind: x.actor_kind, action: x.action, targetKind: x.target_kind, targetId: x.target_id, ip: x.ip,
          outcome: (detail as { outcome?: string } | null)?.outcome ?? 'ok', detail, repeats: x.repeats, lastAt: x.last_at ? new Date(x.last_at).toISOString() : null,
        };
      }),
    };
  } catch (err) {
    throw queryFailed('audit log', err);
  }
}
