// GET /healthz: is the database answering, which engine, which PostGIS, which migration level.
import type { Context as HonoContext } from 'hono';
import { engineInfo, type Engine } from '../../db/engine.ts';

export async function health(c: HonoContext, engine: Engine) {
  c.header('Cache-Control', 'no-store');
  try {
    const info = await engineInfo(engine);
    return c.json({ ok: true, ...info });
  } catch (err) {
    // for operators: the driver's own reason (not the SQL that drizzle puts in its message)
    const reason = ((err as { cause?: Error }).cause ?? (err as Error)).message.split('\n')[0];
    return c.json({ ok: false, engine: engine.kind, error: `database not answering: ${reason}` }, 503);
  }
}
