import { sql } from 'drizzle-orm';
import { rows, type Db } from '../../db/engine.ts';
import { layerSummary } from '../geo/layer-summary.ts';
import { queryFailed } from '../query-error.ts';

export async function casesSummary(db: Db, p: { from?: string; to?: string }) {
  const where = sql`${p.from ? sql`reported_at >= ${p.from}::timestamptz` : sql`true`} and ${p.to ? sql`reported_at < ${p.to}::timestamptz` : sql`true`}`;
  try {
    const [all, groups] = await Promise.all([
      layerSummary(db, 'cases', 'geom', where),
      rows<{ dim: string; key: string; n: number }>(
        db,
        sql`select 'source' as dim, source as key, count(*)::int as n from cases where ${where} group by source
            union all select 'status', status, count(*)::int from cases where ${where} group by status
            union all select 'open', (status not in ('closed', 'voided'))::text, count(*)::int from cases where ${where} group by 1, 2`,
      ),
    ]);
    const pick = (dim: string) => Object.fromEntries(groups.filter((g) => g.dim === dim).map((g) => [g.key, g.n]));
    return { ...all, bySource: pick('source'), byStatus: pick('status'), open: pick('open').true ?? 0 };
  } catch (err) {
    throw queryFailed('case summary', err);
  }
}
