// The audit log: who did what, when, from where. Rows are only ever inserted (a trigger
// rejects UPDATE and DELETE, migration 0005); secrets in inputs are replaced before writing.
import { sql } from 'drizzle-orm';
import { rows, type Db } from '../../db/engine.ts';
import { queryFailed } from '../query-error.ts';
import type { Actor } from '../auth/actor.ts';

/** What a mutation tells the audit about its target. */
export interface AuditNote {
  targetKind?: string;
  targetId?: string | number;
  detail?: Record<string, unknown>;
}

const SECRET_KEY = /password|token|secret/i;

/** Inputs as recorded: secrets replaced, long strings cut. */
export function redact(value: unknown, depth = 0): unknown {
  if (depth > 5) return '…';
  if (typeof value === 'string') return value.length > 500 ? `${value.slice(0, 500)}…` : value;
  if (Array.isArray(value)) return value.slice(0, 50).map((v) => redact(v, depth + 1));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, SECRET_KEY.test(k) ? '***' : redact(v, depth + 1)]));
  }
  return value;
}

/** Who, as recorded: the name at the time (kept if the account goes), the role, the user row. */
export interface AuditActor {
  name: string;
  roleCode?: string | null;
  userId?: number | null;
}

export const auditActor = (a: Actor): AuditActor => ({ name: a.name, roleCode: a.roleCode, userId: a.kind === 'user' ? a.id : null });

export async function writeAudit(
  db: Db,
  e: { actor: AuditActor; action: string; ip?: string; note?: AuditNote; now: Date },
): Promise<void> {
  const userId = e.actor.userId ?? null;
  const detail = e.note?.detail ? JSON.stringify(redact(e.note.detail)) : null;
  try {
    await db.execute(
      sql`insert into audit_log (at, user_id, actor, role_code, action, target_kind, target_id, ip, detail)
          values (${e.now.toISOString()}::timestamptz, ${userId}, ${e.actor.name}, ${e.actor.roleCode ?? null}, ${e.action},
                  ${e.note?.targetKind ?? null}, ${e.note?.targetId === undefined ? null : String(e.note.targetId)}, ${e.ip ?? null}, ${detail}::jsonb)`,
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
  action: string;
  targetKind: string | null;
  targetId: string | null;
  ip: string | null;
  outcome: string;
  detail: unknown;
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
    const r = await rows<{ id: number; at: Date | string; actor: string; role_code: string | null; action: string; target_kind: string | null; target_id: string | null; ip: string | null; detail: unknown }>(
      db,
      sql`select id::int as id, at, actor, role_code, action, target_kind, target_id, ip, detail from audit_log
          where ${conds.length ? sql.join(conds, sql` and `) : sql`true`} order by id desc limit ${f.limit + 1}`,
    );
    return {
      more: r.length > f.limit,
      rows: r.slice(0, f.limit).map((x) => {
        const detail = typeof x.detail === 'string' ? JSON.parse(x.detail) : x.detail;
        return {
          id: x.id, at: new Date(x.at).toISOString(), actor: x.actor, roleCode: x.role_code, action: x.action, targetKind: x.target_kind, targetId: x.target_id, ip: x.ip,
          outcome: (detail as { outcome?: string } | null)?.outcome ?? 'ok', detail,
        };
      }),
    };
  } catch (err) {
    throw queryFailed('audit log', err);
  }
}
