// The live hub: one per process and engine, one LISTEN per domain channel (server/live/
// live-channels.ts), and a fan-out to this process's subscribers filtered by each domain's scope
// rule. Case notifications are hints (docs/decisions/0010): the ids heard in one burst are read
// in ONE query, at interactive priority (on the embedded engine's single connection a read
// queued behind the writes' statements made a writing process deliver 12–17 s late), and
// delivered in the order they were heard (the commit order). Grid and compound notifications
// carry all a subscriber is told (what changed, where), so they cost no read. Figures
// ('indicators') follow case events on a leading and trailing edge: the first burst of a quiet
// spell is announced at once, what moves within the next INDICATORS_EVERY_MS is said once at the
// window's end (docs/decisions/0019, 0025).
// Several processes on one PostgreSQL each LISTEN, so all of them show the same live picture.
import { withStatementTag, type Engine } from '../../db/engine.ts';
import type { Scope } from '../auth/actor.ts';
import { caseEventsByIds, inScope } from '../dispatch/live.ts';
import { CASE_EVENTS_CHANNEL, COMMUNITY_EVENTS_CHANNEL, GRID_CELL_EVENTS_CHANNEL, GRID_EVENTS_CHANNEL } from './live-channels.ts';
import type { LiveMessage } from './live-events.ts';

/** What the hub routes by: the subscriber's scope and rights now (a re-check may narrow them). */
export interface Listener {
  scope: Scope;
  actions: ReadonlySet<string>;
  deliver: (m: LiveMessage) => void;
}

/**
 * The figures' window (ms). The first case burst after a quiet window is announced at once (a
 * wall shows a commit within a count of it); moves within the window that follows are said once,
 * at its end, which opens the next window. So a burst costs at most two 'indicators' messages, a
 * steady stream one per window, and the last move is always followed by a message.
 */
export const INDICATORS_EVERY_MS = 2000;

/** The timers the figures' window runs on (a test drives them by hand). */
export interface HubTimers {
  set: (fn: () => void, ms: number) => unknown;
  clear: (handle: unknown) => void;
}
const realTimers: HubTimers = {
  set: (fn, ms) => setTimeout(fn, ms).unref(),
  clear: (h) => clearTimeout(h as NodeJS.Timeout),
};

type Place = { districtCode: string | null; departmentId: number | null };

/** Whether a district-bound thing (a grid, a compound) is inside a scope: a city or district scope covering it (a department's scope is its cases, not an area). */
export function inDistricts(scope: Scope, districtCode: string): boolean {
  if (scope.kind === 'department') return false;
  return scope.districts === null || scope.districts.includes(districtCode);
}

const statement = <T>(fn: () => Promise<T>) => withStatementTag({ priority: 'interactive', who: 'live hub' }, fn);

export class LiveHub {
  private readonly subs = new Set<Listener>();
  private listening: Promise<(() => Promise<void>)[]> | null = null;
  private pending: { eventId: number; was: Place | null }[] = [];
  private draining: Promise<void> | null = null;
  private touched = new Map<string, Place>();
  /** The figures' window: open (a handle) from a message until INDICATORS_EVERY_MS after it. */
  private figuresWindow: unknown = null;
  /** Case notifications heard, and the reads they cost (one per burst) (tests, bench). */
  heard = 0;
  reads = 0;

  constructor(
    private readonly engine: Engine,
    private readonly timers: HubTimers = realTimers,
  ) {}

  /** Starts listening (once); resolves when every LISTEN is in place, so no commit after it is missed. */
  ready(): Promise<void> {
    // the listeners run in this context (db/engine-seams.ts deliverer): their reads are interactive
    // one channel after another: the server engine's LISTEN connection takes one statement at a time
    this.listening ??= statement(async () => {
      const channels: [string, (payload: string) => void][] = [
        [CASE_EVENTS_CHANNEL, (p) => this.onCase(p)],
        [GRID_EVENTS_CHANNEL, (p) => this.onPlace('grid', p)],
        [COMMUNITY_EVENTS_CHANNEL, (p) => this.onPlace('community', p)],
        [GRID_CELL_EVENTS_CHANNEL, (p) => this.onGridCells(p)],
      ];
      const offs: (() => Promise<void>)[] = [];
      for (const [channel, on] of channels) offs.push(await this.engine.listen(channel, on));
      return offs;
    });
    return this.listening.then(() => {});
  }

  subscribe(l: Listener): () => void {
    this.subs.add(l);
    return () => this.subs.delete(l);
  }

  get subscribers(): number {
    return this.subs.size;
  }

  private onCase(payload: string): void {
    this.heard++;
    let eventId: number;
    let was: Place | null = null;
    try {
      const p = JSON.parse(payload) as { eventId: unknown; was?: { districtCode?: unknown; departmentId?: unknown } };
      eventId = Number(p.eventId);
      if (p.was) was = { districtCode: typeof p.was.districtCode === 'string' ? p.was.districtCode : null, departmentId: Number.isInteger(p.was.departmentId) ? (p.was.departmentId as number) : null };
    } catch {
      return;
    }
    if (!Number.isInteger(eventId) || eventId < 1) return;
    this.pending.push({ eventId, was });
    this.kick();
  }

  /** One drain at a time (delivery keeps the order heard); it starts a turn later, so the notifications of one burst are read together. */
  private kick(): void {
    if (this.draining) return;
    this.draining = new Promise<void>((r) => setImmediate(r))
      .then(() => this.drain())
      .catch((err) => console.error('[live] relaying case events failed', err))
      .finally(() => {
        this.draining = null;
        if (this.pending.length) this.kick();
      });
  }

  private async drain(): Promise<void> {
    while (this.pending.length) {
      const burst = this.pending.splice(0);
      if (!this.subs.size) continue;
      this.reads++;
      const events = await statement(() => caseEventsByIds(this.engine.db, [...new Set(burst.map((b) => b.eventId))]));
      const byId = new Map(events.map((e) => [e.id, e]));
      for (const { eventId, was } of burst) {
        const event = byId.get(eventId);
        if (!event) continue;
        const msg: LiveMessage = { kind: 'case', event };
        // to whom the case was in scope only before this move: that it left them, and nothing of
        // where it is now or what it is (it is no longer theirs to see); their map and lists drop it
        const left: LiveMessage = { kind: 'caseLeft', id: event.id, caseId: event.caseId };
        for (const s of this.subs) {
          if (!s.actions.has('case.read')) continue;
          if (inScope(s.scope, event)) s.deliver(msg);
          else if (was && inScope(s.scope, was)) s.deliver(left);
        }
        this.touch(event);
        if (was) this.touch(was);
      }
      // the burst's figures: at once if the window is closed (after the burst's case messages, so
      // a screen that reloads on it sees them), else at the window's end
      if (!this.figuresWindow) this.figures();
    }
  }

  private onPlace(kind: 'grid' | 'community', payload: string): void {
    let m: { id: number; districtCode: string; version: number };
    try {
      const p = JSON.parse(payload) as Record<string, unknown>;
      if (!Number.isInteger(p.id) || typeof p.districtCode !== 'string' || !Number.isInteger(p.version)) return;
      m = { id: p.id as number, districtCode: p.districtCode, version: p.version as number };
    } catch {
      return;
    }
    const msg: LiveMessage = { kind, ...m };
    for (const s of this.subs) if (inDistricts(s.scope, m.districtCode)) s.deliver(msg);
  }

  private onGridCells(payload: string): void {
    let m: LiveMessage;
    try {
      const p = JSON.parse(payload) as Record<string, unknown>;
      if (typeof p.districtCode !== 'string' || !Array.isArray(p.villageCodes) || typeof p.at !== 'string') return;
      m = { kind: 'gridCells', districtCode: p.districtCode, villageCodes: p.villageCodes.filter((v): v is string => typeof v === 'string').slice(0, 500), at: p.at };
    } catch {
      return;
    }
    // grids are public within the city map: every listener in the district hears it
    for (const s of this.subs) if (inDistricts(s.scope, m.districtCode)) s.deliver(m);
  }

  /** A case event moves its district's (and unit's) figures: noted for the next 'indicators' message. */
  private touch(p: Place): void {
    if (!p.districtCode && p.departmentId === null) return;
    this.touched.set(`${p.districtCode}:${p.departmentId}`, p);
  }

  /** The window's end: what moved within it is said now, and a new window opens; nothing moved → the window closes (the next burst is said at once). */
  private windowEnds(): void {
    this.figuresWindow = null;
    if (this.touched.size) this.figures();
  }

  /** Says what moved to who may read it, and opens a window of INDICATORS_EVERY_MS. */
  private figures(): void {
    if (!this.touched.size) return;
    this.figuresWindow = this.timers.set(() => this.windowEnds(), INDICATORS_EVERY_MS);
    const places = [...this.touched.values()];
    this.touched.clear();
    for (const s of this.subs) {
      if (!s.actions.has('indicators.read')) continue;
      const codes = [...new Set(places.filter((p) => p.districtCode && inScope(s.scope, p)).map((p) => p.districtCode!))].sort();
      if (codes.length) s.deliver({ kind: 'indicators', districtCodes: codes });
    }
  }

  async close(): Promise<void> {
    const l = this.listening;
    this.listening = null;
    this.subs.clear();
    if (this.figuresWindow) this.timers.clear(this.figuresWindow);
    this.figuresWindow = null;
    this.touched.clear();
    if (l) await Promise.all((await l).map((off) => off()));
    await this.draining;
  }
}

const hubs = new WeakMap<Engine, LiveHub>();
/** The hub of an engine (one per process and engine). */
export const hubOf = (engine: Engine) => {
  let h = hubs.get(engine);
  if (!h) hubs.set(engine, (h = new LiveHub(engine)));
  return h;
};
