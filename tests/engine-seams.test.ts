// Engine seams (docs/decisions/0010) on the engine under test: LISTEN/NOTIFY (also through transactions),
// the capabilities, and the mutation builder's after-commit hook.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { inject } from 'vitest';
import { sql } from 'drizzle-orm';
import { engineInfo, rows, type Engine } from '../db/engine.ts';
import { EMBEDDED_CAPABILITIES } from '../db/engine-seams.ts';
import { createCallerFactory, mutation, router } from '../server/trpc.ts';
import { refuse } from '../server/query-error.ts';
import { actorFromSession, type Actor } from '../server/auth/actor.ts';
import { createSession, loadSessionPolicy } from '../server/auth/sessions.ts';
import { migratedEngine } from './support/test-db.ts';

const cfg = inject('testDb');

/** Waits (bounded, never a wall-clock assertion) until `done()` holds. */
async function until(done: () => boolean | Promise<boolean>, what: string, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await done())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe(`engine seams on the ${cfg.engine} engine`, () => {
  let engine: Engine;
  let dispose: () => Promise<void>;
  beforeAll(async () => {
    ({ engine, dispose } = await migratedEngine('citygrid_seams'));
  });
  afterAll(() => dispose?.());

  describe('listen / notify', () => {
    it('delivers a notification to a listener (round trip)', async () => {
      const got: string[] = [];
      const off = await engine.listen('seams_round', (p) => got.push(p));
      await engine.notify(engine.db, 'seams_round', 'hello');
      await engine.notify(engine.db, 'seams_round', '');
      await until(() => got.length === 2, 'two notifications');
      expect(got).toEqual(['hello', '']);
      await off();
    });

    it('a notification sent in a transaction arrives after the commit, and never from a rolled-back one', async () => {
      const got: string[] = [];
      const off = await engine.listen('seams_tx', (p) => got.push(p));
      await engine.db.transaction(async (tx) => {
        await engine.notify(tx as never, 'seams_tx', 'committed');
        for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
        expect(got).toEqual([]); // not before the commit
      });
      await until(() => got.includes('committed'), 'the committed notification');

      const failed = await engine.db
        .transaction(async (tx) => {
          await engine.notify(tx as never, 'seams_tx', 'rolled-back');
          throw new Error('roll back');
        })
        .catch((e: unknown) => e);
      expect((failed as Error).message).toBe('roll back');
      // a notification sent after the rollback: once it is here, an earlier one would have been too
      await engine.notify(engine.db, 'seams_tx', 'marker');
      await until(() => got.includes('marker'), 'the marker');
      expect(got).toEqual(['committed', 'marker']);
      await off();
    });

    it('unlisten stops delivery, for that listener only, and then for the channel', async () => {
      const a: string[] = [];
      const b: string[] = [];
      const marks: string[] = [];
      const offA = await engine.listen('seams_unlisten', (p) => a.push(p));
      const offB = await engine.listen('seams_unlisten', (p) => b.push(p));
      const offMark = await engine.listen('seams_marker', (p) => marks.push(p));
      await engine.notify(engine.db, 'seams_unlisten', 'both');
      await until(() => a.length === 1 && b.length === 1, 'both listeners');

      await offA();
      await offA(); // twice is harmless
      await engine.notify(engine.db, 'seams_unlisten', 'b only');
      await until(() => b.length === 2, 'listener b');
      await offB();
      await engine.notify(engine.db, 'seams_unlisten', 'nobody');
      await engine.notify(engine.db, 'seams_marker', 'm');
      await until(() => marks.length === 1, 'the marker');
      expect(a).toEqual(['both']);
      expect(b).toEqual(['both', 'b only']);
      await offMark();
    });

    it('a failing listener is logged and does not stop the others', async () => {
      const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
      try {
        const got: string[] = [];
        const offBad = await engine.listen('seams_bad', () => {
          throw new Error('listener broke');
        });
        const offBadAsync = await engine.listen('seams_bad', () => Promise.reject(new Error('async listener broke')) as never);
        const offGood = await engine.listen('seams_bad', (p) => got.push(p));
        await engine.notify(engine.db, 'seams_bad', 'x');
        await until(() => got.length === 1 && errors.mock.calls.length >= 2, 'the good listener and two logged failures');
        expect(errors.mock.calls.map((c) => String(c[0]))).toEqual(expect.arrayContaining([expect.stringMatching(/^\[listen\] seams_bad/)]));
        await Promise.all([offBad(), offBadAsync(), offGood()]);
      } finally {
        errors.mockRestore();
      }
    });

    it('refuses channel names that are not lower-case identifiers of at most 63 characters', async () => {
      for (const bad of ['Upper', 'with-dash', '1digit', '', 'a'.repeat(64), 'x"; drop table users; --', 'semi;colon']) {
        await expect(engine.listen(bad, () => {}), bad).rejects.toThrow(/Invalid notification channel/);
        await expect(engine.notify(engine.db, bad, 'p'), bad).rejects.toThrow(/Invalid notification channel/);
      }
      const longest = 'a'.repeat(63);
      const got: string[] = [];
      const off = await engine.listen(longest, (p) => got.push(p));
      await engine.notify(engine.db, longest, 'ok');
      await until(() => got.length === 1, 'the 63-character channel');
      await off();
    });

    it.runIf(cfg.engine === 'embedded')('embedded: listen inside a transaction is refused instead of waiting forever', async () => {
      const err = await engine.db.transaction(() => engine.listen('seams_in_tx', () => {})).catch((e: unknown) => e);
      expect((err as Error).message).toMatch(/inside a transaction would wait for it forever/);
    });

    it.runIf(cfg.engine === 'server')('server: after the LISTEN connection is killed it reconnects and listens again', async () => {
      const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
      try {
        const got: string[] = [];
        const off = await engine.listen('seams_reconnect', (p) => got.push(p));
        const killed = await rows<{ ok: boolean }>(
          engine.db,
          sql`select pg_terminate_backend(pid) as ok from pg_stat_activity where application_name = 'citygrid-listen' and datname = current_database()`,
        );
        expect(killed.map((k) => k.ok)).toEqual([true]);
        // notifications sent while it is down are lost: keep sending until one arrives
        await until(async () => {
          await engine.notify(engine.db, 'seams_reconnect', 'again');
          return got.length > 0;
        }, 'a notification after reconnecting', 10_000);
        expect(errors.mock.calls.some((c) => String(c[0]).startsWith('[listen] the LISTEN connection was lost'))).toBe(true);
        const listening = await rows<{ n: number }>(engine.db, sql`select count(*)::int as n from pg_stat_activity where application_name = 'citygrid-listen' and datname = current_database()`);
        expect(listening[0].n).toBe(1);
        await off();
      } finally {
        errors.mockRestore();
      }
    });
  });

  describe('capabilities', () => {
    it('match the engine kind, and system.info (engineInfo) reports them', async () => {
      const info = await engineInfo(engine);
      expect(info.capabilities).toEqual(engine.capabilities);
      if (cfg.engine === 'embedded') {
        expect(engine.capabilities).toEqual(EMBEDDED_CAPABILITIES);
        expect(engine.capabilities.asMVT).toBe(false);
      } else {
        expect(engine.capabilities.listen).toBe(true);
        expect(engine.capabilities.asMVT).toBe(true); // PostgreSQL's PostGIS has ST_AsMVT
        const [ext] = await rows<{ n: number }>(engine.db, sql`select count(*)::int as n from pg_available_extensions where name = 'pgrouting'`);
        expect(engine.capabilities.pgrouting).toBe(ext.n > 0);
        const [major, minor] = info.postgis.split('.').map(Number);
        expect(engine.capabilities.coverageFunctions).toBe(major > 3 || (major === 3 && minor >= 4));
      }
    });

    it.runIf(cfg.engine === 'server')('server: what asMVT promises works', async () => {
      const [t] = await rows<{ n: number }>(
        engine.db,
        sql`select length(ST_AsMVT(q, 'l')) as n from (select ST_AsMVTGeom(ST_Transform(ST_SetSRID(ST_MakePoint(117.65, 24.51), 4326), 3857), ST_TileEnvelope(10, 846, 440)) as geom) q`,
      );
      // the tile that holds the point (z10, x 846, y 440): a real feature, not an empty tile
      expect(t.n).toBeGreaterThan(0);
    });
  });

  describe('mutation after-commit hooks', () => {
    let actor: Actor;
    const ran: string[] = [];
    const seen: Record<string, unknown> = {};
    const key = (k: string) => `seams.${k}`;
    const appRouter = router({
      commits: mutation(null).mutation(async ({ ctx }) => {
        await ctx.db.execute(sql`insert into app_meta (key, value) values (${key('commits')}, 'yes')`);
        ctx.afterCommit(async () => {
          // from the root handle, which (on the embedded engine) would wait forever inside the transaction
          const [r] = await rows<{ value: string }>(ctx.engine.db, sql`select value from app_meta where key = ${key('commits')}`);
          seen.commits = r?.value;
          ran.push('commits');
        });
        ctx.afterCommit(() => {
          ran.push('commits second');
        });
        return 'done';
      }),
      hookFails: mutation(null).mutation(({ ctx }) => {
        ctx.afterCommit(() => {
          throw new Error('hook broke');
        });
        ctx.afterCommit(() => Promise.reject(new Error('async hook broke')));
        ctx.afterCommit(() => {
          ran.push('after the failures');
        });
        return 'still done';
      }),
      refused: mutation(null).mutation(async ({ ctx }) => {
        await ctx.db.execute(sql`insert into app_meta (key, value) values (${key('refused')}, 'no')`);
        ctx.afterCommit(() => {
          ran.push('refused');
        });
        throw refuse('FORBIDDEN', 'auth.displayReadOnly');
      }),
      fails: mutation(null).mutation(async ({ ctx }) => {
        ctx.afterCommit(() => {
          ran.push('fails');
        });
        await ctx.db.execute(sql`insert into app_meta (key, value) values (${key('fails')}, 'no')`);
        throw new Error('something broke');
      }),
      notifies: mutation(null).mutation(async ({ ctx }) => {
        await ctx.engine.notify(ctx.db, 'seams_mutation', 'from a mutation');
        return 'sent';
      }),
    });
    const caller = () => createCallerFactory(appRouter)({ engine, actor });

    beforeAll(async () => {
      const [u] = await rows<{ id: number }>(
        engine.db,
        sql`insert into users (username, display_name, role_code) values ('seams-admin', 'Seams admin', 'admin') returning id`,
      );
      const now = new Date();
      const policy = await loadSessionPolicy(engine.db);
      const { token } = await createSession(engine.db, u.id, {}, now, policy);
      actor = (await actorFromSession(engine.db, token, now, policy, { refuseDemo: false }))!;
      expect(actor).toBeTruthy();
    });

    const audited = (action: string) =>
      rows<{ outcome: string | null }>(engine.db, sql`select detail->>'outcome' as outcome from audit_log where action = ${action} order by id`);
    const stored = (k: string) => rows<{ value: string }>(engine.db, sql`select value from app_meta where key = ${key(k)}`);

    it('runs the hooks after the commit, in order, before the answer', async () => {
      ran.length = 0;
      expect(await caller().commits()).toBe('done');
      expect(ran).toEqual(['commits', 'commits second']);
      expect(seen.commits).toBe('yes'); // the hook saw the committed row
      expect((await audited('commits')).length).toBe(1); // the audit row, as before
    });

    it('a failing hook is logged and does not change the answer', async () => {
      const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
      try {
        ran.length = 0;
        expect(await caller().hookFails()).toBe('still done');
        expect(ran).toEqual(['after the failures']);
        const logged = errors.mock.calls.map((c) => String(c[0]));
        expect(logged.filter((l) => l.startsWith('[after-commit] hookFails'))).toHaveLength(2);
        expect((await audited('hookFails')).length).toBe(1);
      } finally {
        errors.mockRestore();
      }
    });

    it('a refused mutation rolls back, is audited as denied, and runs no hook', async () => {
      ran.length = 0;
      await expect(caller().refused()).rejects.toMatchObject({ code: 'FORBIDDEN' });
      expect(ran).toEqual([]);
      expect(await stored('refused')).toEqual([]);
      expect((await audited('refused')).map((a) => a.outcome)).toEqual(['denied']);
    });

    it('a failing mutation rolls back and runs no hook', async () => {
      ran.length = 0;
      await expect(caller().fails()).rejects.toThrow();
      expect(ran).toEqual([]);
      expect(await stored('fails')).toEqual([]);
      expect(await audited('fails')).toEqual([]);
    });

    it('a notification sent with ctx.db is delivered once the mutation commits', async () => {
      const got: string[] = [];
      const off = await engine.listen('seams_mutation', (p) => got.push(p));
      expect(await caller().notifies()).toBe('sent');
      await until(() => got.length === 1, 'the notification');
      expect(got).toEqual(['from a mutation']);
      await off();
    });
  });
});
