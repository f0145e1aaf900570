// Public village clinics (公办村卫生所): one in every administrative village (村委会, 一村一所)
// and the rest of the published 1,656 as second clinics in the most populous villages.
import { sql } from 'drizzle-orm';
import type { Db } from '../../db/engine.ts';
import { hashSeed } from './random.ts';
import { insertChecked } from './insert-checked.ts';

export const CLINIC_TARGETS = { villageClinics: 1656, maxOffsetMetres: 400 };

export async function seedClinics(db: Db, seed: number): Promise<void> {
  const s = hashSeed(seed, 'clinics');
  // rank 1: every village; rank 2: the most populous villages get a second clinic.
  await insertChecked(db, CLINIC_TARGETS.villageClinics, sql`
    with villages_ranked as (
      select v.*, row_number() over (order by v.population desc, v.code) as pop_rank,
             count(*) over () as n_villages
      from villages v where v.kind = 'village'
    ), sites as (
      select v.code, v.name, v.area, v.geom, 1 as nth from villages_ranked v
      union all
      select v.code, v.name, v.area, v.geom, 2 from villages_ranked v where v.pop_rank <= ${CLINIC_TARGETS.villageClinics} - v.n_villages
    ), placed as (
      select s.*, row_number() over (order by s.code, s.nth) as n from sites s
    )
    insert into clinics (code, name, kind, village_code, attributes, geom)
    select p.code || '-' || p.nth, regexp_replace(p.name, '(村民委员会|村委会|居委会|社区)$', '') || case when p.nth = 1 then '村卫生所' else '村卫生所第二服务点' end,
           'village_clinic', p.code,
           jsonb_build_object('standardised', true, 'doctors', 1 + (p.n % 3), 'public', true),
           coalesce(
             (select d.geom from ST_Dump(ST_GeneratePoints(
                 ST_Intersection(p.area, ST_Buffer(p.geom::geography, ${CLINIC_TARGETS.maxOffsetMetres})::geometry, 1e-9), 1, (${s} + p.n)::int)) d limit 1),
             p.geom)
    from placed p`, 'village clinics');
}
