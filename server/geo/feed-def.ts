// What a map feed is on the server: its file under /api/layers/, the permission it needs, whether
// it carries cases (then the asker's scope joins its query), the parameters it takes (a zod
// schema), a cheap data stamp and a builder. Each domain declares its feeds beside its router
// (server/<domain>/<domain>-feeds.ts); server/feeds.ts lists them; server/http/layers.ts serves
// them (auth, validation, cache, ETag, gzip).
import { z } from 'zod';
import type { Db } from '../../db/engine.ts';
import { encodeFeed } from '../http/binary-feed.ts';
import { periodSchema } from './period.ts';
import { tableStamp } from './table-stamp.ts';

export interface Built {
  body: Uint8Array;
  contentType: string;
}

export interface FeedDef<P> {
  file: string;
  params: z.ZodType<P>;
  /** The permission the asker needs (none: any signed-in user or wall screen). */
  permission?: string;
  /** The feed carries cases: the asker's scope becomes part of its query (SQL filter) and cache key. */
  scoped?: boolean;
  /** Served only when the server is started with the GeoJSON baseline (the benchmark and tests). */
  baselineOnly?: boolean;
  /** What a refusal says it takes. */
  takes: string;
  /** Cheap; changes whenever the payload would. No feed's payload depends on the time of the request. */
  stamp(db: Db, params: P): Promise<string>;
  build(db: Db, params: P): Promise<Built>;
}

/** A feed as the server lists it (its parameter type checked where it is defined). */
export type AnyFeed = FeedDef<unknown>;
export const defineFeed = <P>(f: FeedDef<P>): AnyFeed => f as unknown as AnyFeed;

const OCTET = 'application/octet-stream';
export const bin = (feed: Parameters<typeof encodeFeed>[0]): Built => ({ body: encodeFeed(feed), contentType: OCTET });

/** Feeds without parameters reject any, so a typo is reported instead of ignored. */
const noParams = z.object({}).strict();

/** A period; unknown parameters (a typo such as `form=`) are rejected, not ignored. */
export const strictPeriod = z
  .object({ from: z.string().optional(), to: z.string().optional() })
  .strict()
  .pipe(periodSchema) as unknown as z.ZodType<{ from?: string; to?: string }>;
export const PERIOD_TAKES = 'from and to (ISO date-times with offset)';

/** A feed of whole tables, without parameters: stamped by those tables' row counts and versions. */
export function tableFeed(file: string, tables: string[], build: (db: Db) => Promise<Built>): AnyFeed {
  return defineFeed<object>({ file, params: noParams, takes: 'no parameters', stamp: (db) => tableStamp(db, tables), build: (db) => build(db) });
}
