import { openEngine, migrateEngine, rows } from '../db/engine.ts';
import { sql } from 'drizzle-orm';
import { readDistricts } from '../data/generators/sources.ts';
const e = await openEngine(process.env.DATABASE_URL ? { databaseUrl: process.env.DATABASE_URL } : { dataDir: 'memory://' });
await migrateEngine(e);
const d = readDistricts().find(d=>d.code==='350602')!;
await e.db.execute(sql`create table r0 as select ST_Multi(ST_CollectionExtract(ST_MakeValid(ST_SetSRID(ST_GeomFromGeoJSON(${JSON.stringify(d.geometry)}), 4326)), 3)) g`);
const [{ sites }] = await rows<any>(e.db, sql`select ST_GeneratePoints(ST_Transform(g, 4548), 8, 5)::text as sites from r0`);
console.log(sites.slice(0,40));
const V = sql`v as materialized (select d.geom from r, ST_Dump(ST_VoronoiPolygons(${sites}::geometry, 0, ST_Expand(r.g, 1000))) d), s as (select (d.path)[1] as k, d.geom from ST_Dump(${sites}::geometry) d)`;
const C = sql`cells as (select s.k, s.geom as site, (select ST_Intersection(v.geom, r.g) from v, r where ST_Intersects(v.geom, s.geom) limit 1) as cell from s)`;
const qs = [
 sql`with r as materialized (select ST_Transform(g, 4548) as g from r0), ${V}, ${C} select ST_Collect(case when ST_Intersects(ST_Centroid(c.cell), r.g) then ST_Centroid(c.cell) else ST_PointOnSurface(c.cell) end order by c.k) as x from cells c, r`,
 sql`with r as materialized (select ST_Transform(g, 4548) as g from r0), ${V}, ${C} select ST_Collect(ST_Centroid(c.cell) order by c.k)::text as x from cells c, r`,
 sql`with r as materialized (select ST_Transform((select g from r0), 4548) as g), ${V}, ${C} select ST_Collect(ST_Centroid(c.cell) order by c.k) as x from cells c, r`,
];
for (const q of qs) { try { console.log(await rows(e.db, q)); } catch (err) { console.log('ERR', (err as any).cause?.message); } }
await e.close();
