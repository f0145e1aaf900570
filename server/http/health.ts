// GET /healthz: is the database answering, which engine, which PostGIS, which migration level.
import type { Context as HonoContext } from 'hono';
import { engineInfo, type Engine } from '../../db/engine.ts';

export async function health(c: HonoContext, engine: Engine) {
  try {
    const info = await engineInfo(engine);
    return c.json({ ok: true, ...info });
  } catch (err) {
    return c.json({ ok: false, engine: engine.kind, error: `database not answering: ${(err as Error).message}` }, 503);
  }
}
