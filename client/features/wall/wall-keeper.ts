// What keeps a wall screen right over days with nobody at it. It reloads the page, and only
// once the server answers /healthz (a wall never reloads into the browser's own error page; it
// asks again every RETRY_MS until the server is back):
// - at midnight, China time: "today" and a rolling default period (the recent days) move on,
//   and nothing the page holds grows from one day to the next;
// - for a new release: when the live stream comes back after a drop (a server restart), the
//   client build the server serves (/healthz `client`) is compared with the page's own entry
//   script; another build means a reload;
// - when the map's WebGL context is lost (a GPU reset, a driver update): the page starts again.
// The live figures themselves never need a reload (client/lib/live-cache.ts).
import { LIVE_MESSAGE_EVENT, type LiveMessage } from '../../lib/live-cache.ts';

/** How often a reload waiting for the server asks again (ms). */
export const RETRY_MS = 30_000;
/** After midnight, how long to wait before the reload (ms): the server's clock may be a little behind the wall's. */
export const AFTER_MIDNIGHT_MS = 20_000;
const DAY_MS = 86_400_000;
const CHINA_OFFSET_MS = 8 * 3_600_000;

/** Milliseconds from `nowMs` to the next midnight in China Standard Time (UTC+8, no DST); a full day at midnight itself. */
export function msToChinaMidnight(nowMs: number): number {
  return DAY_MS - (((nowMs + CHINA_OFFSET_MS) % DAY_MS) + DAY_MS) % DAY_MS;
}

/** The entry script this page was loaded with (Vite's hashed name), as index.html names it. */
export function pageEntry(doc: Document = document): string | null {
  return doc.querySelector<HTMLScriptElement>('script[type="module"][src]')?.getAttribute('src') ?? null;
}

async function healthz(): Promise<{ ok: boolean; client?: string | null } | null> {
  try {
    const res = await fetch('/healthz', { cache: 'no-store' });
    return res.ok ? ((await res.json()) as { ok: boolean; client?: string | null }) : null;
  } catch {
    return null;
  }
}

/**
 * Starts keeping the page; returns how to stop. `canvas()`: the map's canvas when there is one
 * (its context loss is watched from when it appears).
 */
export function keepWall(canvas: () => HTMLCanvasElement | null, reload: () => void = () => location.reload()): () => void {
  let stopped = false;
  let reloading = false;
  const timers = new Set<ReturnType<typeof setTimeout>>();
  const later = (fn: () => void, ms: number) => {
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, ms);
    timers.add(t);
  };
  const reloadWhenServed = () => {
    if (reloading || stopped) return;
    reloading = true;
    const attempt = async () => {
      if (stopped) return;
      if ((await healthz())?.ok) reload();
      else later(() => void attempt(), RETRY_MS);
    };
    void attempt();
  };
  // midnight, China time
  later(reloadWhenServed, msToChinaMidnight(Date.now()) + AFTER_MIDNIGHT_MS);
  // a new release, seen when the stream comes back after a drop
  const onMessage = (e: Event) => {
    const m = (e as CustomEvent<LiveMessage>).detail;
    if (m.kind !== 'ready' || !m.resumed) return;
    void healthz().then((h) => {
      const own = pageEntry();
      const other = !!(h?.ok && h.client && own && h.client !== own);
      // said on the page (the browser tests wait for it): the build compared, and what it was
      document.body.dataset.wallBuild = h?.ok ? (other ? 'new' : 'same') : 'unknown';
      if (other) reloadWhenServed();
    });
  };
  window.addEventListener(LIVE_MESSAGE_EVENT, onMessage);
  // a lost WebGL context
  let watched: HTMLCanvasElement | null = null;
  const onLost = () => later(reloadWhenServed, 1000);
  const watch = () => {
    const c = canvas();
    if (c && c !== watched) {
      watched?.removeEventListener('webglcontextlost', onLost);
      c.addEventListener('webglcontextlost', onLost);
      watched = c;
    }
  };
  const poll = setInterval(watch, 2000);
  watch();
  return () => {
    stopped = true;
    clearInterval(poll);
    for (const t of timers) clearTimeout(t);
    window.removeEventListener(LIVE_MESSAGE_EVENT, onMessage);
    watched?.removeEventListener('webglcontextlost', onLost);
  };
}
