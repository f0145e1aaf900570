import { PGlite } from '@electric-sql/pglite';
import { postgis } from '@electric-sql/pglite-postgis';
const pg = await PGlite.create({ extensions: { postgis } });
await pg.exec('create extension postgis');
const q = `select ST_AsText(ST_VoronoiPolygons(ST_GeneratePoints(ST_Transform(ST_MakeEnvelope(117.6,24.5,117.7,24.6,4326),4548), 3, 7))) v`;
const q2 = `select ST_AsText(ST_Centroid(ST_MakeEnvelope(117.6,24.5,117.7,24.6,4326))) v`;
const q3 = `select ST_AsText(ST_PointOnSurface(ST_MakeEnvelope(117.6,24.5,117.7,24.6,4326))) v`;
for (const x of [q2, q2, q3, q3, q, q]) { try { const r = await pg.query(x); console.log(r.rows.length, JSON.stringify(r.rows).slice(0, 60)); } catch (e) { console.log('ERR', (e as Error).message); } }
await pg.close();
