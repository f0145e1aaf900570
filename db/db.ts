// The drizzle handle every query takes, whichever engine opened it (db/engine.ts). Its own file
// so that the engine's seams (db/engine-seams.ts) can name it without importing the engine that
// imports them: no import circle, type-only ones included (tests/unit/import-cycles.test.ts).
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import type { schema } from './schema/index.ts';

export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;
