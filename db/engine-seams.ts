// Engine seams: LISTEN/NOTIFY on both engines and what each engine can do, as data.
// db/engine.ts wires these into `Engine`; nothing above it imports this file directly.
// See docs/decisions/0010-engine-seams-listen-notify-capabilities.md.
import { AsyncLocalStorage } from 'node:async_hooks';
import { sql } from 'drizzle-orm';
import type { Db } from './db.ts';

/** What the engine can do; detected when it opens (server: refreshed by `refreshCapabilities`). */
export interface EngineCapabilities {
  /** LISTEN/NOTIFY (`engine.listen`, `engine.notify`). */
  listen: boolean;
  /** `ST_AsMVT` (vector tiles in SQL). */
  asMVT: boolean;
  /** pgRouting (`pgr_dijkstra`) installed or installable. */
  pgrouting: boolean;
  /** `ST_CoverageUnion` and the other coverage functions (PostGIS 3.4+). */
  coverageFunctions: boolean;
}

/**
 * PGlite + PostGIS 3.6 in WASM: no protobuf (ST_AsMVT exists in the catalogue but fails, so it
 * is never probed), no pgRouting, the coverage functions are there.
 */
export const EMBEDDED_CAPABILITIES: Readonly<EngineCapabilities> = Object.freeze({ listen: true, asMVT: false, pgrouting: false, coverageFunctions: true });

/** Probes the server's catalogue. Before PostGIS is installed (a fresh database) asMVT and coverageFunctions read false. */
export async function probeServerCapabilities(db: Db): Promise<EngineCapabilities> {
  const result = (await db.execute(
    sql`select exists(select 1 from pg_proc where proname = 'st_asmvt') as mvt,
               exists(select 1 from pg_proc where proname = 'pgr_dijkstra')
                 or exists(select 1 from pg_available_extensions where name = 'pgrouting') as routing,
               exists(select 1 from pg_proc where proname = 'st_coverageunion') as coverage`,
  )) as unknown as { rows: { mvt: boolean; routing: boolean; coverage: boolean }[] };
  const r = result.rows[0];
  return { listen: true, asMVT: !!r?.mvt, pgrouting: !!r?.routing, coverageFunctions: !!r?.coverage };
}

export type OnMessage = (payload: string) => void;
export type Unlisten = () => Promise<void>;

const CHANNEL = /^[a-z_][a-z0-9_]{0,62}$/;

/** Checks a channel name (a lower-case identifier of at most 63 characters) and returns it quoted for LISTEN/UNLISTEN. */
export function quoteChannel(channel: string): string {
  if (typeof channel !== 'string' || !CHANNEL.test(channel)) {
    throw new Error(`Invalid notification channel ${JSON.stringify(channel)}: use a lower-case identifier (a-z, 0-9, _; not starting with a digit) of at most 63 characters.`);
  }
  return `"${channel}"`;
}

/** `select pg_notify(channel, payload)` on the given handle: inside a transaction it is delivered at commit, never on rollback. */
export async function notifyOn(db: Db, channel: string, payload: string): Promise<void> {
  quoteChannel(channel);
  await db.execute(sql`select pg_notify(${channel}, ${payload})`);
}

/**
 * The listener's callback, made safe: it runs in the async context of the `listen` call (its
 * statement tag, not that of whatever statement delivered the message), one turn later, and an
 * error in it (thrown or rejected) is logged, never raised in the engine.
 */
export function deliverer(channel: string, onMessage: OnMessage): (payload: string | undefined) => void {
  const bound = AsyncLocalStorage.bind((payload: string) => onMessage(payload));
  return (payload) => {
    setImmediate(() => {
      try {
        const r = bound(payload ?? '') as unknown;
        if (r instanceof Promise) r.catch((err: unknown) => console.error(`[listen] ${channel}: the listener failed`, err));
      } catch (err) {
        console.error(`[listen] ${channel}: the listener failed`, err);
      }
    });
  };
}

// ---- server engine: one dedicated client that LISTENs ----------------------------------------

interface ListenClient {
  connect(): Promise<unknown>;
  query(text: string): Promise<unknown>;
  end(): Promise<void>;
  on(event: 'notification', cb: (msg: { channel: string; payload?: string }) => void): unknown;
  on(event: 'error' | 'end', cb: (err?: Error) => void): unknown;
  removeAllListeners(): unknown;
}

/**
 * The server engine's LISTEN connection: a dedicated client (never one of the pool's, which
 * would be returned and reused), opened on the first `listen`. When it fails it reconnects
 * with backoff (0.25 s doubling to 30 s) and LISTENs all channels again; notifications sent
 * while it was down are lost (listeners treat a message as a hint to re-read, never as data).
 */
export class ServerListener {
  static readonly MIN_BACKOFF_MS = 250;
  static readonly MAX_BACKOFF_MS = 30_000;
  private readonly channels = new Map<string, { subs: Set<(payload: string | undefined) => void>; ready: Promise<void> }>();
  private client: ListenClient | null = null;
  private connecting: Promise<ListenClient> | null = null;
  private retry: NodeJS.Timeout | null = null;
  private backoff = ServerListener.MIN_BACKOFF_MS;
  private closed = false;
  /** How many times the connection was lost and opened again (tests). */
  reconnects = 0;

  constructor(private readonly newClient: () => ListenClient) {}

  async listen(channel: string, onMessage: OnMessage): Promise<Unlisten> {
    const quoted = quoteChannel(channel);
    if (this.closed) throw new Error('The engine is closed.');
    const deliver = deliverer(channel, onMessage);
    let ch = this.channels.get(channel);
    const first = !ch;
    if (!ch) {
      // the channel is in the map before connecting: a connection opened now LISTENs it too
      ch = { subs: new Set(), ready: Promise.resolve() };
      this.channels.set(channel, ch);
      ch.ready = this.connected().then((client) => client.query(`LISTEN ${quoted}`)).then(() => {});
    }
    ch.subs.add(deliver);
    try {
      await ch.ready;
      if (!first) await this.connected(); // after a lost connection: resolves once all channels are LISTENed again
    } catch (err) {
      ch.subs.delete(deliver);
      if (!ch.subs.size && this.channels.get(channel) === ch) this.channels.delete(channel);
      this.schedule();
      throw err;
    }
    let done = false;
    return async () => {
      if (done) return;
      done = true;
      const now = this.channels.get(channel);
      if (!now?.subs.delete(deliver) || now.subs.size) return;
      this.channels.delete(channel);
      // if the connection is down, the channel is simply not LISTENed again on reconnect
      await this.client?.query(`UNLISTEN ${quoted}`).catch(() => {});
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.retry) clearTimeout(this.retry);
    this.retry = null;
    this.channels.clear();
    const client = this.client ?? (await this.connecting?.catch(() => null)) ?? null;
    this.client = null;
    if (client) {
      client.removeAllListeners();
      client.on('error', () => {});
      await client.end().catch(() => {});
    }
  }

  /** The open client, connecting (and LISTENing every channel) if there is none. */
  private connected(): Promise<ListenClient> {
    if (this.client) return Promise.resolve(this.client);
    this.connecting ??= this.open().finally(() => {
      this.connecting = null;
    });
    return this.connecting;
  }

  private async open(): Promise<ListenClient> {
    const client = this.newClient();
    client.on('error', () => this.lost(client));
    client.on('end', () => this.lost(client));
    client.on('notification', (msg) => {
      for (const deliver of this.channels.get(msg.channel)?.subs ?? []) deliver(msg.payload);
    });
    try {
      await client.connect();
      const all = [...this.channels.keys()].map((c) => `LISTEN ${quoteChannel(c)};`).join(' ');
      if (all) await client.query(all);
    } catch (err) {
      client.removeAllListeners();
      client.on('error', () => {});
      await client.end().catch(() => {});
      throw err;
    }
    if (this.closed) {
      client.removeAllListeners();
      await client.end().catch(() => {});
      throw new Error('The engine is closed.');
    }
    this.client = client;
    this.backoff = ServerListener.MIN_BACKOFF_MS;
    return client;
  }

  private lost(client: ListenClient): void {
    if (this.client !== client) return; // a client that never opened: `open` reports it
    this.client = null;
    client.removeAllListeners();
    client.on('error', () => {});
    void client.end().catch(() => {});
    console.error('[listen] the LISTEN connection was lost; reconnecting');
    this.schedule();
  }

  private schedule(): void {
    if (this.closed || this.retry || !this.channels.size) return;
    const wait = this.backoff;
    this.backoff = Math.min(this.backoff * 2, ServerListener.MAX_BACKOFF_MS);
    this.retry = setTimeout(() => {
      this.retry = null;
      if (this.closed || this.client || !this.channels.size) return;
      this.connected().then(
        () => {
          this.reconnects++;
        },
        (err: unknown) => {
          console.error(`[listen] reconnecting failed (${(err as Error).message}); next try in ${this.backoff} ms`);
          this.schedule();
        },
      );
    }, wait);
    this.retry.unref?.();
  }
}

// ---- embedded engine: PGlite's own listen ----------------------------------------------------

/** Set while a PGlite transaction's callback runs (db/engine.ts): LISTEN from in there would wait for the transaction forever. */
export const embeddedTransaction = new AsyncLocalStorage<true>();

interface PGliteListen {
  listen(channel: string, cb: (payload: string) => void): Promise<() => Promise<void>>;
  readonly closed: boolean;
}

/**
 * LISTEN on the PGlite instance. Its LISTEN/UNLISTEN statements go through the engine's
 * statement queue like any other (PGlite calls its own, queued, `exec`), so they wait for an
 * open transaction to end; called from inside one they would wait forever, so that is refused.
 */
export async function listenEmbedded(pg: PGliteListen, channel: string, onMessage: OnMessage): Promise<Unlisten> {
  const quoted = quoteChannel(channel); // PGlite takes a quoted name as it is (no case folding)
  // LISTEN and UNLISTEN go through PGlite's own exec, which the engine refuses inside a transaction (db/engine.ts)
  const off = await pg.listen(quoted, deliverer(channel, onMessage));
  let done = false;
  return async () => {
    if (done) return;
    done = true;
    if (pg.closed) return; // closing the engine ended every LISTEN
    await off();
  };
}
