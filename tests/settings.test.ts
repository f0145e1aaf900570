// The settings, read once (server/settings/settings.ts) under one policy (domain/settings-policy.ts),
// on the engine under test: every declared setting's bad values are refused at save (wrong type,
// out of bounds, empty) and named at start; a good save is audited and seen by the readers at once
// (the reference stamp moved); a stale save is a CONFLICT; a bad stored value is never replaced by
// a default; only administrators see or change settings.
// Writes to the test city run in rolled-back transactions; the start-up checks use databases of
// their own (a bad value written there, then the server started on it).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { ZodError } from 'zod';
import { inject } from 'vitest';
import { openEngine, rows, type Db, type Engine } from '../db/engine.ts';
import { ConfigError } from '../db/config-error.ts';
import { appRouter } from '../server/router.ts';
import { createCallerFactory } from '../server/trpc.ts';
import { PublicError } from '../server/query-error.ts';
import type { Actor } from '../server/auth/actor.ts';
import { createSession, loadSessionPolicy, requestSessionPolicy } from '../server/auth/sessions.ts';
import { actorFromSession } from '../server/auth/actor.ts';
import { clockSettings } from '../server/cases/cases-queries.ts';
import { workQueue } from '../server/dispatch/queue-queries.ts';
import { assertStoredSettings, listSettings, setting, warnRatio } from '../server/settings/settings.ts';
import { checkSetting, SETTING_KEYS, SETTINGS, type SettingKey, type SettingKind } from '../domain/settings-policy.ts';
import { actorOf, migratedDatabases, migratedDataDir, testEngine } from './support/test-db.ts';
import { inRolledBackTransaction } from './support/rolled-back.ts';

const createCaller = createCallerFactory(appRouter);
let admin: Actor;
let coordinator: Actor;
let dispatcher: Actor;

beforeAll(async () => {
  const engine = await testEngine();
  [admin, coordinator, dispatcher] = [await actorOf('demo-admin', engine), await actorOf('demo-coordinator', engine), await actorOf('demo-dispatcher', engine)];
});

const inTx = async (fn: (db: Db, engine: Engine) => Promise<void>) => inRolledBackTransaction(await testEngine(), fn);
const stampOf = async (db: Db) => (await rows<{ stamp: string }>(db, sql`select stamp from reference_stamp`))[0].stamp;
const stored = async (db: Db, key: string) => (await rows<{ value: string }>(db, sql`select value from app_meta where key = ${key}`))[0]?.value ?? null;

/** How a call failed: its code and the reasons it names (its own, or its input issues'). */
async function refusal(p: Promise<unknown>): Promise<{ code: string; reasons: string[]; params: Record<string, unknown> }> {
  try {
    await p;
  } catch (err) {
    const e = err as { code?: string; cause?: unknown };
    if (e.cause instanceof ZodError) {
      const issues = e.cause.issues as { params?: { reason?: string } }[];
      return { code: e.code ?? 'THROWN', reasons: issues.map((i) => i.params?.reason ?? 'zod'), params: {} };
    }
    if (err instanceof PublicError) return { code: err.code, reasons: [err.reason ?? ''], params: err.params };
    return { code: e.code ?? 'THROWN', reasons: [String(err)], params: {} };
  }
  return { code: 'OK', reasons: [], params: {} };
}

/** Bad texts for a kind of setting, each with the reason the policy gives (wrong type, out of bounds, empty). */
function badValues(kind: SettingKind): [string, string][] {
  const empty: [string, string][] = [['', 'settings.empty'], ['   ', 'settings.empty']];
  switch (kind.type) {
    case 'int':
      return [...empty, ['many', 'settings.notNumber'], ['1e3', 'settings.notNumber'], ['0x10', 'settings.notNumber'], [`${kind.min}.5`, 'settings.notWhole'], [String(kind.min - 1), 'settings.outOfRange'], [String(kind.max + 1), 'settings.outOfRange']];
    case 'fraction':
      return [...empty, ['most', 'settings.notNumber'], ['80%', 'settings.notNumber'], [String(kind.min), 'settings.outOfRange'], [String(kind.max), 'settings.outOfRange'], [String(kind.max + 0.5), 'settings.outOfRange']];
    case 'limit':
      return [...empty, ['2', 'settings.badLimit'], ['2 days', 'settings.badLimit'], ['0 hour', 'settings.badLimit'], ['-1 hour', 'settings.badLimit'], [`${kind.max + 1} hour`, 'settings.badLimit'], ['2 hour later', 'settings.badLimit']];
    case 'shares':
      return [...empty, ['a,b', 'settings.badShares'], ['0', 'settings.badShares'], ['2,1', 'settings.badShares'], ['1,1', 'settings.badShares'], [String(kind.max + 1), 'settings.badShares'], [Array.from({ length: kind.maxItems + 1 }, (_, i) => i + 1).join(','), 'settings.tooMany']];
    case 'roles':
      return [...empty, ['dispatcher,nobody', 'settings.unknownRole'], ['7', 'settings.unknownRole'], [Array(kind.maxItems + 1).fill('dispatcher').join(','), 'settings.tooMany']];
  }
}

const BAD: [SettingKey, string, string][] = SETTING_KEYS.flatMap((key) => badValues(SETTINGS[key].kind).map(([v, reason]): [SettingKey, string, string] => [key, v, reason]));

describe('the policy', () => {
  it.each(SETTING_KEYS)('%s: its default passes its own policy', (key) => {
    expect(checkSetting(key, SETTINGS[key].default).ok).toBe(true);
  });
  it('every setting has bad values in the table (the table covers the declarations)', () => {
    expect(new Set(BAD.map(([k]) => k))).toEqual(new Set(SETTING_KEYS));
  });
});

describe('a bad value is refused at save', () => {
  it.each(BAD)('%s = %j: %s', (key, value, reason) =>
    inTx(async (db, engine) => {
      const before = await stored(db, key);
      const got = await refusal(createCaller({ engine, actor: admin }).admin.saveSetting({ key, value, expected: before ?? SETTINGS[key].default }));
      expect(got).toMatchObject({ code: 'BAD_REQUEST', reasons: [reason] });
      expect(await stored(db, key)).toBe(before);
    }));
  it('a key that is no setting is refused by name', () =>
    inTx(async (_db, engine) => {
      expect(await refusal(createCaller({ engine, actor: admin }).admin.saveSetting({ key: 'clock.warn_ration', value: '0.7', expected: '0.8' }))).toMatchObject({ code: 'BAD_REQUEST', reasons: ['settings.unknownKey'] });
    }));
  it('a value breaking a rule between settings (three escalation levels, two targets) is refused', () =>
    inTx(async (_db, engine) => {
      const got = await refusal(createCaller({ engine, actor: admin }).admin.saveSetting({ key: 'workflow.escalation_levels', value: '1,2,3', expected: '1,2' }));
      expect(got).toMatchObject({ code: 'BAD_REQUEST', reasons: ['settings.targetsShort'] });
    }));
});

describe('a good save', () => {
  it('is audited with the old value and seen by every reader at once (the reference stamp moved)', () =>
    inTx(async (db, engine) => {
      expect(await warnRatio(db)).toBe(0.8);
      expect((await clockSettings(db)).warnRatio).toBe(0.8);
      const hours = (await loadSessionPolicy(db)).sessionHours;
      const stamp = await stampOf(db);
      const caller = createCaller({ engine, actor: admin });
      expect(await caller.admin.saveSetting({ key: 'clock.warn_ratio', value: ' 0.7 ', expected: '0.8' })).toEqual({ key: 'clock.warn_ratio', old: '0.8', value: '0.7' });
      await caller.admin.saveSetting({ key: 'auth.session_hours', value: String(hours + 1), expected: String(hours) });
      expect(await stampOf(db)).not.toBe(stamp);
      expect(await stored(db, 'clock.warn_ratio')).toBe('0.7');
      expect(await warnRatio(db)).toBe(0.7);
      expect((await clockSettings(db)).warnRatio).toBe(0.7);
      expect((await loadSessionPolicy(db)).sessionHours).toBe(hours + 1);
      const [a] = await rows<{ actor: string; target_kind: string; target_id: string; old: string; value: string }>(
        db,
        sql`select actor, target_kind, target_id, detail->>'old' as old, detail->>'value' as value from audit_log where action = 'admin.saveSetting' and target_id = 'clock.warn_ratio' order by id desc limit 1`,
      );
      expect(a).toEqual({ actor: admin.name, target_kind: 'setting', target_id: 'clock.warn_ratio', old: '0.8', value: '0.7' });
      const listed = (await caller.admin.settings()).find((x) => x.key === 'clock.warn_ratio');
      expect(listed).toMatchObject({ value: '0.7', stored: '0.7', default: '0.8', problem: null, label: { zh: '临期预警比例' } });
    }));
  it('refuses a stale edit (the value in force is not the one read) with CONFLICT naming the current value', () =>
    inTx(async (db, engine) => {
      const caller = createCaller({ engine, actor: admin });
      await caller.admin.saveSetting({ key: 'workflow.reopen_days', value: '9', expected: '7' });
      const got = await refusal(caller.admin.saveSetting({ key: 'workflow.reopen_days', value: '5', expected: '7' }));
      expect(got).toMatchObject({ code: 'CONFLICT', reasons: ['settings.changed'], params: { key: 'workflow.reopen_days', current: '9' } });
      expect(await setting(db, 'workflow.reopen_days')).toBe(9);
    }));
  it('a setting without a row reads as its default, is listed as not stored, and a save inserts it', () =>
    inTx(async (db, engine) => {
      await db.execute(sql`delete from app_meta where key = 'intake.duplicate_radius_meters'`);
      expect(await setting(db, 'intake.duplicate_radius_meters')).toBe(150);
      const caller = createCaller({ engine, actor: admin });
      expect((await caller.admin.settings()).find((x) => x.key === 'intake.duplicate_radius_meters')).toMatchObject({ stored: null, value: '150' });
      await caller.admin.saveSetting({ key: 'intake.duplicate_radius_meters', value: '300', expected: '150' });
      expect(await setting(db, 'intake.duplicate_radius_meters')).toBe(300);
    }));
});

describe('a bad stored value is never replaced', () => {
  it('its readers are refused naming the key, the value and why; the other settings read on', () =>
    inTx(async (db) => {
      await db.execute(sql`update app_meta set value = '1.2' where key = 'clock.warn_ratio'`);
      for (const read of [() => warnRatio(db), () => clockSettings(db), () => workQueue(db, dispatcher, new Date(), { limit: 5 })]) {
        const got = await refusal(read());
        expect(got).toMatchObject({ code: 'INTERNAL_SERVER_ERROR', reasons: ['settings.badStored'], params: { key: 'clock.warn_ratio', found: '1.2' } });
        expect(String(got.params.why)).toMatch(/between 0 and 1/);
      }
      expect(await setting(db, 'auth.session_hours')).toBeGreaterThan(0);
      const listed = (await listSettings(db)).find((x) => x.key === 'clock.warn_ratio');
      expect(listed?.problem?.reason).toBe('settings.outOfRange');
    }));
  it.each(SETTING_KEYS)('%s: a bad stored value is named at start', (key) =>
    inTx(async (db) => {
      const [bad] = badValues(SETTINGS[key].kind).filter(([v]) => v.trim());
      await db.execute(sql`insert into app_meta (key, value) values (${key}, ${bad[0]}) on conflict (key) do update set value = excluded.value`);
      const err = await assertStoredSettings(db, () => {}).then(() => null, (e: unknown) => e);
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as Error).message).toContain(`${key} = '${bad[0]}'`);
    }));
  it('keys no setting declares are reported, not refused', () =>
    inTx(async (db) => {
      await db.execute(sql`insert into app_meta (key, value) values ('someday.new_setting', 'x')`);
      const warned: string[] = [];
      await assertStoredSettings(db, (l) => warned.push(l));
      expect(warned.join('\n')).toContain('someday.new_setting');
    }));
});

describe('the admin screen\'s procedures', () => {
  it.each([['a district coordinator', () => coordinator], ['a dispatcher', () => dispatcher]])('refuse %s', (_who, actor) =>
    inTx(async (db, engine) => {
      const caller = createCaller({ engine, actor: actor() });
      expect((await refusal(caller.admin.settings())).code).toBe('FORBIDDEN');
      expect((await refusal(caller.admin.saveSetting({ key: 'clock.warn_ratio', value: '0.7', expected: '0.8' }))).code).toBe('FORBIDDEN');
      expect(await stored(db, 'clock.warn_ratio')).toBe('0.8');
    }));
  it('list every declared setting, in order, with labels in both languages', async () => {
    const list = await createCaller({ engine: await testEngine(), actor: admin }).admin.settings();
    expect(list.map((x) => x.key)).toEqual(SETTING_KEYS);
    for (const x of list) expect([x.label.zh, x.label.en, x.problem]).toEqual([expect.stringMatching(/\p{Script=Han}/u), expect.stringMatching(/^[^\p{Script=Han}]+$/u), null]);
  });
});

describe('the server start', () => {
  const dbs = migratedDatabases('citygrid_settings');
  const dirs: string[] = [];
  afterAll(async () => {
    await dbs.dispose();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  function start(env: Record<string, string>): Promise<{ code: number | null; out: string }> {
    return new Promise((resolve) => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
        env: { ...process.env, DATABASE_URL: '', CITYGRID_NO_SEED: '1', PORT: '0', HOST: '127.0.0.1', ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      child.stderr.on('data', (d) => (out += d));
      child.on('close', (code) => resolve({ code, out }));
    });
  }

  it('refuses a database holding bad settings, naming each (key, value, why) on one line', async () => {
    const write = async (db: Db) => {
      await db.execute(sql`update app_meta set value = 'eighty' where key = 'clock.warn_ratio'`);
      await db.execute(sql`update app_meta set value = '2 fortnights' where key = 'workflow.limit.file'`);
    };
    let env: Record<string, string>;
    if (inject('testDb').engine === 'server') {
      const engine = await dbs.next();
      await write(engine.db);
      env = { DATABASE_URL: dbs.urlOf(engine)! };
    } else {
      const dir = mkdtempSync(join(tmpdir(), 'citygrid-settings-'));
      dirs.push(dir);
      await migratedDataDir(dir);
      const engine = await openEngine({ dataDir: dir });
      try {
        await write(engine.db);
      } finally {
        await engine.close();
      }
      env = { CITYGRID_DATA_DIR: dir };
    }
    const { code, out } = await start(env);
    expect(code).toBe(1);
    expect(out.trim().split('\n')).toHaveLength(1);
    expect(out).toMatch(/^CityGrid cannot start: 2 stored settings are not valid/);
    expect(out).toContain("clock.warn_ratio = 'eighty': 'clock.warn_ratio' must be a number");
    expect(out).toContain("workflow.limit.file = '2 fortnights'");
    expect(out).not.toMatch(/\n\s+at /);
  }, 60_000);
});

describe('a bad sign-in setting stored by hand refuses sign-ins only', () => {
  it('auth.max_concurrent_hashes = 0: the full policy is refused, named; a signed-in request still finds its actor (the admin screen that repairs it stays reachable)', async () => {
    const engine = await testEngine();
    const admin = await actorOf('demo-admin');
    await inRolledBackTransaction(engine, async (tx) => {
      const now = new Date();
      const { token } = await createSession(tx, admin.id, {}, now, await loadSessionPolicy(tx));
      await tx.execute(sql`update app_meta set value = '0' where key = 'auth.max_concurrent_hashes'`);
      await expect(loadSessionPolicy(tx)).rejects.toMatchObject({ reason: 'settings.badStored' });
      const found = await actorFromSession(tx, token, now, await requestSessionPolicy(tx), { refuseDemo: false });
      expect(found?.name).toBe('demo-admin');
      // the idle timeout itself bad: then every request is refused, naming it
      await tx.execute(sql`update app_meta set value = 'soon' where key = 'auth.session_idle_minutes'`);
      await expect(requestSessionPolicy(tx)).rejects.toMatchObject({ reason: 'settings.badStored' });
    });
  });
});
