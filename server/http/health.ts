// GET /healthz: is the database answering, which engine, which PostGIS, which migration level,
// and which client build this process serves (`client`: the page's hashed entry script, null when
// not built): a wall screen left open compares it with its own and reloads for a new release.
import type { Context as HonoContext } from 'hono';
import { engineInfo, type Engine } from '../../db/engine.ts';

/** The entry script a built index.html loads (Vite names it by its content's hash), or null. */
export function clientEntry(indexHtml: string | null): string | null {
  return (indexHtml && /<script\b[^>]*\btype="module"[^>]*\bsrc="([^"]+)"/.exec(indexHtml)?.[1]) || null;
}

export async function health(c: HonoContext, engine: Engine, client: string | null = null) {
  c.header('Cache-Control', 'no-store');
  try {
    const info = await engineInfo(engine);
    return c.json({ ok: true, ...info, client });
  } catch (err) {
    // for operators: the driver's own reason (not the SQL that drizzle puts in its message)
    const reason = ((err as { cause?: Error }).cause ?? (err as Error)).message.split('\n')[0];
    return c.json({ ok: false, engine: engine.kind, error: `database not answering: ${reason}` }, 503);
  }
}
