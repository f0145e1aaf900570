// The one pipeline for writes outside tRPC (server/http/write-route.ts, docs/decisions/0020), on
// the photo upload, the route it carries today: an API key is a third kind of actor with its own
// rights (refused without the right, audited as itself, limited per minute); a decode flood from
// one actor leaves another's upload a slot (by the queue's order, no clock); failed decodes count
// against the day's budget; a body refused before it was read is answered `Connection: close`
// (over a real socket too); a report key sent again with other content is a CONFLICT; the purge
// removes only old unattached photos. On the test city, in one transaction rolled back after the
// last test; each test in a savepoint of it.
import { beforeAll, describe, expect, it } from 'vitest';
import { request as httpRequest, Agent } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { Hono } from 'hono';
import { serve } from '@hono/node-server';
import sharp from 'sharp';
import { rows, type Db, type Engine } from '../db/engine.ts';
import { createApp } from '../server/app.ts';
import { hashPassword } from '../server/auth/password.ts';
import { isReason } from '../domain/messages.ts';
import { BODY_LIMITS } from '../domain/request-limits.ts';
import { WorkQueue } from '../server/http/work-queue.ts';
import { purgeUnattachedPhotos } from '../server/photos/photo-purge.ts';
import { createCallerFactory } from '../server/trpc.ts';
import { appRouter } from '../server/router.ts';
import { actorOf, testEngine } from './support/test-db.ts';
import { rolledBackSuite } from './support/rolled-back.ts';
import { login, trpcGet, trpcPost, type HttpSession } from './support/http-session.ts';
import { TEST_NOW } from './support/test-config.ts';

const suite = rolledBackSuite(testEngine);
const engine: Engine = suite.engine;
const tag = `${process.pid}${Date.now() % 100000}`;
const PASSWORD = 'pipeline-test-pass-4711';
let n = 0;

let app: Hono;
let admin: HttpSession;
let inspector: HttpSession;
let png: Buffer;

const sessionHeaders = (s: HttpSession) => ({ cookie: s.cookie, 'x-csrf-token': s.csrf });
function upload(a: Hono, headers: Record<string, string>, body: Uint8Array | string, type = 'image/png') {
  return a.request('/api/photos', { method: 'POST', headers: { 'content-type': type, ...headers }, body: typeof body === 'string' ? body : new Uint8Array(body) });
}
async function refusal(res: Response) {
  const body = (await res.json()) as { error: string; reason: string; params: Record<string, unknown> };
  expect(isReason(body.reason), body.reason).toBe(true);
  return { status: res.status, ...body };
}

interface NewKey {
  id: number;
  name: string;
  key: string;
}
/** A key made the way an administrator makes one: admin.createApiKey over HTTP. */
async function newKey(rights: string[], more: { ratePerMinute?: number; districtCodes?: string[] } = {}): Promise<NewKey> {
  const { res, body } = await trpcPost(app, 'admin.createApiKey', { name: `wp-${tag}-${n++}`, rights, ...more }, sessionHeaders(admin));
  expect(res.status, JSON.stringify(body)).toBe(200);
  return body.result!.data as NewKey;
}
const auditOf = (db: Db, actor: string, action = 'photos.upload') =>
  rows<{ actor_kind: string | null; outcome: string; reason: string | null; repeats: number; role_code: string | null; user_id: number | null }>(
    db,
    sql`select actor_kind, coalesce(detail->>'outcome', 'ok') as outcome, detail->>'reason' as reason, repeats, role_code, user_id from audit_log where actor = ${actor} and action = ${action} order by id`,
  );

async function person(db: Db, role: string, district: string) {
  const username = `wp-${role}-${tag}-${n++}`;
  const [u] = await rows<{ id: number }>(
    db,
    sql`insert into users (username, display_name, role_code, district_codes, password_hash)
        values (${username}, 'Pipeline test', ${role}, ${`{${district}}`}::char(6)[], ${await hashPassword(PASSWORD)}) returning id`,
  );
  return { id: u.id, username, session: await login(app, username, PASSWORD) };
}

beforeAll(
  () =>
    suite.setup(async () => {
      app = createApp(engine);
      [admin, inspector] = [await login(app, 'demo-admin'), await login(app, 'demo-inspector')];
      png = await sharp({ create: { width: 120, height: 80, channels: 3, background: '#2a6' } }).png().toBuffer();
    }),
  120_000,
);

describe('API keys: a third kind of actor', () => {
  it('an administrator makes a key (shown once, only its hash stored), lists it without it, revokes it: each audited; a revoked key is refused 401', () =>
    suite.run(async (db) => {
      const k = await newKey(['case.create'], { ratePerMinute: 30, districtCodes: ['350602'] });
      expect(k.key).toMatch(/^cgk_[A-Za-z0-9_-]{32}$/);
      const [stored] = await rows<{ key_hash: string }>(db, sql`select key_hash from api_keys where id = ${k.id}`);
      expect(stored.key_hash).not.toContain(k.key);
      const listed = (await trpcGet(app, 'admin.apiKeys', undefined, { cookie: admin.cookie })).body.result!.data as Record<string, unknown>[];
      const mine = listed.find((x) => x.id === k.id)!;
      expect(mine).toMatchObject({ name: k.name, rights: ['case.create'], districtCodes: ['350602'], ratePerMinute: 30, revokedAt: null, createdBy: 'demo-admin' });
      expect(JSON.stringify(listed)).not.toContain(k.key);
      expect((await upload(app, { 'x-api-key': k.key }, png)).status).toBe(201);
      const revoked = await trpcPost(app, 'admin.revokeApiKey', { id: k.id }, sessionHeaders(admin));
      expect(revoked.res.status).toBe(200);
      const r = await refusal(await upload(app, { 'x-api-key': k.key }, png));
      expect([r.status, r.reason]).toEqual([401, 'auth.apiKeyInvalid']);
      const admins = await rows<{ action: string; target_id: string }>(db, sql`select action, target_id from audit_log where actor = 'demo-admin' and action like 'admin.%ApiKey' order by id`);
      expect(admins).toEqual([{ action: 'admin.createApiKey', target_id: String(k.id) }, { action: 'admin.revokeApiKey', target_id: String(k.id) }]);
      // nobody may give a key the rights to manage accounts or tokens; names are unique
      const bad = await trpcPost(app, 'admin.createApiKey', { name: `wp-${tag}-${n++}`, rights: ['token.manage'] }, sessionHeaders(admin));
      expect(bad.body.error?.data).toMatchObject({ code: 'BAD_REQUEST', reason: 'admin.apiKeyRight' });
      const taken = await trpcPost(app, 'admin.createApiKey', { name: k.name, rights: [] }, sessionHeaders(admin));
      expect(taken.body.error?.data).toMatchObject({ code: 'CONFLICT', reason: 'admin.apiKeyNameTaken' });
      // and only who manages tokens may make keys
      const viewer = await login(app, 'demo-viewer');
      expect((await trpcPost(app, 'admin.createApiKey', { name: `wp-${tag}-${n++}` }, sessionHeaders(viewer))).body.error?.data).toMatchObject({ code: 'FORBIDDEN' });
    }));

  it('a key without the right: 403 auth.lacksPermission, nothing stored, audited as the key (actor kind apiKey)', () =>
    suite.run(async (db) => {
      const k = await newKey(['case.read']);
      const r = await refusal(await upload(app, { 'x-api-key': k.key }, png));
      expect([r.status, r.reason, r.params]).toEqual([403, 'auth.lacksPermission', { role: 'api_key', action: 'case.create' }]);
      expect(await rows(db, sql`select 1 from case_photos where uploaded_by_key = ${k.id}`)).toEqual([]);
      expect(await auditOf(db, `apikey:${k.name}`)).toEqual([{ actor_kind: 'apiKey', outcome: 'denied', reason: 'auth.lacksPermission', repeats: 1, role_code: 'api_key', user_id: null }]);
      // the audit screen's list says which kind of actor it was
      const listed = (await trpcGet(app, 'audit.list', { actor: `apikey:${k.name}`, limit: 5 }, { cookie: admin.cookie })).body.result!.data as { rows: { actorKind: string | null; outcome: string }[] };
      expect(listed.rows.map((r) => [r.actorKind, r.outcome])).toEqual([['apiKey', 'denied']]);
      // an unknown key is told so, not "sign in"
      expect((await refusal(await upload(app, { 'x-api-key': 'cgk_no-such-key' }, png))).reason).toBe('auth.apiKeyInvalid');
    }));

  it('a key with the right uploads without any CSRF token: the photo is the key\'s, audited as the key; it reads its own upload, a person does not', () =>
    suite.run(async (db) => {
      const k = await newKey(['case.create']);
      // a session cookie beside the key is not what authenticates (and so needs no CSRF token)
      const res = await upload(app, { 'x-api-key': k.key, cookie: inspector.cookie }, png);
      expect(res.status, await res.clone().text()).toBe(201);
      const u = (await res.json()) as { id: string; url: string };
      const [row] = await rows<{ uploaded_by: number | null; uploaded_by_key: number | null }>(db, sql`select uploaded_by, uploaded_by_key from case_photos where id = ${u.id}::uuid`);
      expect(row).toEqual({ uploaded_by: null, uploaded_by_key: k.id });
      expect(await auditOf(db, `apikey:${k.name}`)).toEqual([{ actor_kind: 'apiKey', outcome: 'ok', reason: null, repeats: 1, role_code: 'api_key', user_id: null }]);
      expect((await app.request(u.url, { headers: { 'x-api-key': k.key } })).status).toBe(200);
      expect((await app.request(u.url, { headers: { cookie: inspector.cookie } })).status).toBe(404);
      // a person's upload is recorded as the person's kind
      await upload(app, sessionHeaders(inspector), png);
      expect((await auditOf(db, 'demo-inspector')).at(-1)).toMatchObject({ actor_kind: 'user', outcome: 'ok' });
    }));

  it('past its requests per minute: 429 apiKey.rateLimited with Retry-After, audited; another key is not held back', () =>
    suite.run(async (db) => {
      // a fixed clock: the bucket refills by the app's clock, never during the test
      const pinned = createApp(engine, { now: () => TEST_NOW });
      const [k, other] = [await newKey(['case.create'], { ratePerMinute: 2 }), await newKey(['case.create'], { ratePerMinute: 2 })];
      // cheap refusals count too: a flood of wrong types is limited like any other
      for (let i = 0; i < 2; i++) expect((await refusal(await upload(pinned, { 'x-api-key': k.key }, 'not an image', 'text/plain'))).reason).toBe('photo.type');
      const res = await upload(pinned, { 'x-api-key': k.key }, png);
      const r = await refusal(res);
      expect([r.status, r.reason, r.params]).toEqual([429, 'apiKey.rateLimited', { perMinute: 2, retryAfterSeconds: 30 }]);
      expect(res.headers.get('retry-after')).toBe('30');
      expect(res.headers.get('connection')).toBe('close');
      expect((await auditOf(db, `apikey:${k.name}`)).map((a) => [a.reason, a.repeats])).toEqual([['photo.type', 2], ['apiKey.rateLimited', 1]]);
      expect((await upload(pinned, { 'x-api-key': other.key }, png)).status).toBe(201);
    }));
});

/** A queue whose jobs of one actor run only when released: that actor's decodes stand for 7071² PNGs that take long. */
class HeldQueue extends WorkQueue {
  private release!: () => void;
  private readonly held = new Promise<void>((r) => (this.release = r));
  constructor(private readonly slow: string) {
    super({ slots: 2, perActor: 1, perActorWaiting: 4, maxWaiting: 32 });
  }
  override run<T>(actor: string, work: () => Promise<T>): Promise<T> {
    return super.run(actor, async () => {
      if (actor === this.slow) await this.held;
      return work();
    });
  }
  let() {
    this.release();
  }
}

async function until(what: string, ok: () => boolean) {
  for (let i = 0; i < 500 && !ok(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(ok(), what).toBe(true);
}

describe('expensive work: a bounded queue with a share per actor', () => {
  it('a decode flood from one account leaves another\'s upload a slot: it starts and is stored while the flood waits; past its share the flood is refused unread; the failed decodes count against the day\'s budget', () =>
    suite.run(async (db) => {
      const flooder = await person(db, 'inspector', '350602');
      const queue = new HeldQueue(`user:${flooder.id}`);
      const started: string[] = [];
      queue.onStart = (a) => started.push(a);
      const flooded = createApp(engine, { workQueue: queue });
      // a truncated PNG: its magic is right, its decoding fails at the end
      const big = await sharp({ create: { width: 1500, height: 1500, channels: 3, background: '#000', noise: { type: 'gaussian', mean: 128, sigma: 40 } } }).png().toBuffer();
      const truncated = big.subarray(0, big.length >> 1);
      const flood = Array.from({ length: 5 }, () => upload(flooded, sessionHeaders(flooder.session), truncated));
      await until('the flood is queued: one running, four waiting', () => queue.state().actors[`user:${flooder.id}`]?.waiting === 4);
      // a sixth from the same account: refused before its body is read
      const sixth = await upload(flooded, sessionHeaders(flooder.session), truncated);
      expect(sixth.headers.get('connection')).toBe('close');
      expect(sixth.headers.get('retry-after')).toBe('5');
      expect(await refusal(sixth)).toMatchObject({ status: 429, reason: 'work.actorShare', params: { max: 4, retryAfterSeconds: 5 } });
      // another account's upload is decoded in the slot the flood may not take, and stored, while the flood still waits
      const other = await upload(flooded, sessionHeaders(inspector), png);
      expect(other.status, await other.clone().text()).toBe(201);
      const inspectorId = (await actorOf('demo-inspector', engine)).id;
      expect(started).toEqual([`user:${flooder.id}`, `user:${inspectorId}`]);
      expect(queue.state().actors[`user:${flooder.id}`]).toEqual({ running: 1, waiting: 4 });
      queue.let();
      for (const res of await Promise.all(flood)) expect(await refusal(res)).toMatchObject({ status: 400, reason: 'photo.unreadable' });
      expect(started.filter((a) => a === `user:${flooder.id}`)).toHaveLength(5);
      // five failed decodes are five of the day's budget: with a budget of 5, a valid photo is refused before it is read
      await db.execute(sql`update app_meta set value = '5' where key = 'photos.per_user_day'`);
      const after = await refusal(await upload(flooded, sessionHeaders(flooder.session), png));
      expect([after.status, after.reason, after.params]).toEqual([429, 'photo.budget', { max: 5 }]);
      // the other account has its own budget
      expect((await upload(flooded, sessionHeaders(inspector), png)).status).toBe(201);
    }));
});

describe('a refused body is answered Connection: close', () => {
  it('the photo route (nobody signed in, a declared length over the limit, a body cut off while streaming) and tRPC (413): close; an accepted upload keeps the connection', () =>
    suite.run(async () => {
      const nobody = await upload(app, {}, png);
      expect([nobody.status, nobody.headers.get('connection')]).toEqual([401, 'close']);
      await nobody.arrayBuffer();
      await (await import('../server/photos/photos-queries.ts')).photoSettings(engine.db); // settings as they are: 10 MB
      const declared = await app.request('/api/photos', { method: 'POST', headers: { 'content-type': 'image/png', 'content-length': String(11 * 1024 * 1024), ...sessionHeaders(inspector) }, body: new Uint8Array(16) });
      expect([declared.status, declared.headers.get('connection')]).toEqual([413, 'close']);
      const big = new Uint8Array(11 * 1024 * 1024);
      big.set([0x89, 0x50, 0x4e, 0x47]);
      const streamed = await upload(app, sessionHeaders(inspector), big);
      expect([streamed.status, streamed.headers.get('connection')]).toEqual([413, 'close']);
      const trpc = await app.request('/trpc/cases.list', { method: 'POST', headers: { 'content-type': 'application/json', ...sessionHeaders(inspector) }, body: 'x'.repeat(BODY_LIMITS.trpc + 1) });
      expect([trpc.status, trpc.headers.get('connection')]).toEqual([413, 'close']);
      const ok = await upload(app, sessionHeaders(inspector), png);
      expect([ok.status, ok.headers.get('connection')]).toEqual([201, null]);
    }));

  it('over a real socket: the kept-alive connection is closed after a refused body, and the next request goes through on a new one', async () => {
    const server = serve({ fetch: createApp(engine).fetch, hostname: '127.0.0.1', port: 0 });
    await new Promise<void>((r) => server.once('listening', () => r()));
    const { port } = server.address() as AddressInfo;
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const send = (path: string, body?: Buffer) =>
      new Promise<{ status: number; connection: string | undefined; socketClosed: Promise<void> }>((resolve, reject) => {
        const req = httpRequest({ host: '127.0.0.1', port, path, method: body ? 'POST' : 'GET', agent, headers: body ? { 'content-type': 'application/json', 'content-length': body.length } : {} }, (res) => {
          const socketClosed = new Promise<void>((r) => (res.socket.destroyed ? r() : res.socket.once('close', () => r())));
          res.resume();
          res.on('end', () => resolve({ status: res.statusCode!, connection: res.headers.connection, socketClosed }));
        });
        req.on('error', reject);
        req.end(body);
      });
    try {
      const refused = await send('/trpc/cases.list', Buffer.alloc(BODY_LIMITS.trpc + 200 * 1024, 0x20));
      expect([refused.status, refused.connection]).toEqual([413, 'close']);
      await refused.socketClosed;
      // a following request is not lost in the closing connection
      const next = await send('/api/nothing-here');
      expect(next.status).toBe(404);
      expect(next.connection).not.toBe('close');
    } finally {
      agent.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});

describe('a report key sent again', () => {
  it('with the same content answers the case it made (replayed); with other content it is a CONFLICT intake.keyReused', () =>
    suite.run(async (_db, eng) => {
      const [spot] = await rows<{ category: string; lng: number; lat: number }>(
        eng.db,
        sql`select category_code as category, ST_X(geom) as lng, ST_Y(geom) as lat from cases where district_code = '350602' order by id limit 1`,
      );
      const caller = createCallerFactory(appRouter)({ engine: eng, actor: await actorOf('demo-intake', eng), now: () => TEST_NOW });
      const key = randomUUID();
      const report = { channel: '12345' as '12345' | '12319', categoryCode: spot.category, lng: spot.lng, lat: spot.lat, crs: 'wgs84' as const, description: '井盖缺失，重发测试', idempotencyKey: key };
      const first = await caller.dispatch.register(report);
      expect(await caller.dispatch.register(report)).toMatchObject({ id: first.id, replayed: true });
      for (const other of [{ description: '另一件事' }, { lng: spot.lng + 0.001 }, { urgency: 'urgent' as const }, { channel: '12319' as const }]) {
        const err = await caller.dispatch.register({ ...report, ...other }).then(() => null, (e: unknown) => e);
        expect(err, JSON.stringify(other)).toMatchObject({ code: 'CONFLICT', reason: 'intake.keyReused' });
      }
    }));

  it('is compared with what its first sending said (a digest), not with the case as it is now: a resend after a reclassify moved the case is a replay', () =>
    suite.run(async (_db, eng) => {
      const [spot] = await rows<{ category: string; lng: number; lat: number }>(
        eng.db,
        sql`select category_code as category, ST_X(geom) as lng, ST_Y(geom) as lat from cases where district_code = '350602' order by id limit 1`,
      );
      const intake = createCallerFactory(appRouter)({ engine: eng, actor: await actorOf('demo-intake', eng), now: () => TEST_NOW });
      const lead = createCallerFactory(appRouter)({ engine: eng, actor: await actorOf('demo-shiftlead', eng), now: () => TEST_NOW });
      const report = { channel: '12345' as const, categoryCode: spot.category, lng: spot.lng, lat: spot.lat, crs: 'wgs84' as const, description: '井盖缺失，改位后重发', idempotencyKey: randomUUID() };
      const first = await intake.dispatch.register(report);
      await lead.dispatch.reclassify({ id: first.id, lng: spot.lng + 0.0005, lat: spot.lat + 0.0005, note: '位置更正' });
      const [moved] = await rows<{ lng: number }>(eng.db, sql`select orig_lng as lng from cases where id = ${first.id}`);
      expect(Number(moved.lng)).not.toBeCloseTo(spot.lng, 6);
      expect(await intake.dispatch.register(report)).toMatchObject({ id: first.id, replayed: true });
      const err = await intake.dispatch.register({ ...report, description: '另一件事' }).then(() => null, (e: unknown) => e);
      expect(err).toMatchObject({ code: 'CONFLICT', reason: 'intake.keyReused' });
    }));

  it('with its photos uploaded again (other references, as many) is a replay; with another number of photos or other text a CONFLICT', () =>
    suite.run(async (db, eng) => {
      const [spot] = await rows<{ category: string; lng: number; lat: number }>(
        eng.db,
        sql`select category_code as category, ST_X(geom) as lng, ST_Y(geom) as lat from cases where district_code = '350602' order by id limit 1`,
      );
      const [{ id: userId }] = await rows<{ id: number }>(db, sql`select id from users where username = 'demo-intake'`);
      const photo = async () =>
        `photo:${(await rows<{ id: string }>(db, sql`insert into case_photos (case_id, uploaded_by, uploaded_at, width, height, image, thumb, bytes, sha256) values (null, ${userId}, ${TEST_NOW.toISOString()}::timestamptz, 1, 1, '\\x00'::bytea, '\\x00'::bytea, 1, 'x') returning id::text as id`))[0].id}`;
      const intake = createCallerFactory(appRouter)({ engine: eng, actor: await actorOf('demo-intake', eng), now: () => TEST_NOW });
      const report = { channel: '12345' as const, categoryCode: spot.category, lng: spot.lng, lat: spot.lat, crs: 'wgs84' as const, description: '井盖缺失，带照片重发', idempotencyKey: randomUUID() };
      const first = await intake.dispatch.register({ ...report, photos: [await photo()] });
      expect(await intake.dispatch.register({ ...report, photos: [await photo()] })).toMatchObject({ id: first.id, replayed: true });
      for (const other of [{ photos: [await photo(), await photo()] }, { photos: [] }, { photos: [await photo()], description: '另一件事' }]) {
        const err = await intake.dispatch.register({ ...report, ...other }).then(() => null, (e: unknown) => e);
        expect(err, JSON.stringify(other)).toMatchObject({ code: 'CONFLICT', reason: 'intake.keyReused' });
      }
    }));

  it('of a case registered before the digest was kept is compared field by field, as before', () =>
    suite.run(async (db, eng) => {
      const [spot] = await rows<{ category: string; lng: number; lat: number }>(
        eng.db,
        sql`select category_code as category, ST_X(geom) as lng, ST_Y(geom) as lat from cases where district_code = '350602' order by id limit 1`,
      );
      const intake = createCallerFactory(appRouter)({ engine: eng, actor: await actorOf('demo-intake', eng), now: () => TEST_NOW });
      const report = { channel: '12345' as const, categoryCode: spot.category, lng: spot.lng, lat: spot.lat, crs: 'wgs84' as const, description: '井盖缺失，旧案重发', idempotencyKey: randomUUID() };
      const first = await intake.dispatch.register(report);
      // (the history is append-only: its trigger is set aside for this one change, inside the rolled-back transaction)
      await db.execute(sql`set local session_replication_role = replica`);
      await db.execute(sql`update case_events set payload = payload - 'inputDigest' where case_id = ${first.id} and seq = 1`);
      await db.execute(sql`set local session_replication_role = origin`);
      expect(await intake.dispatch.register(report)).toMatchObject({ id: first.id, replayed: true });
      const err = await intake.dispatch.register({ ...report, urgency: 'urgent' }).then(() => null, (e: unknown) => e);
      expect(err).toMatchObject({ code: 'CONFLICT', reason: 'intake.keyReused' });
    }));
});

describe('the purge of unattached photos', () => {
  it('removes only photos no case cites that are older than photos.unattached_purge_hours (24 by default); attached ones never; audited once', () =>
    suite.run(async (db) => {
      const now = new Date('2026-12-01T00:00:00Z');
      const [{ id: userId }] = await rows<{ id: number }>(db, sql`select id from users where username = 'demo-inspector'`);
      const [{ id: caseId }] = await rows<{ id: number }>(db, sql`select id::int as id from cases order by id limit 1`);
      const put = async (hoursAgo: number, attached: boolean) =>
        (
          await rows<{ id: string }>(
            db,
            sql`insert into case_photos (case_id, uploaded_by, uploaded_at, width, height, image, thumb, bytes, sha256)
                values (${attached ? caseId : null}, ${userId}, ${new Date(now.getTime() - hoursAgo * 3600_000).toISOString()}::timestamptz, 1, 1, '\\x00'::bytea, '\\x00'::bytea, 1, 'x')
                returning id::text as id`,
          )
        )[0].id;
      const oldLoose = await put(30, false);
      const oldAttached = await put(30, true);
      const recentLoose = await put(2, false);
      const left = async () => (await rows<{ id: string }>(db, sql`select id::text as id from case_photos where id in (${oldLoose}::uuid, ${oldAttached}::uuid, ${recentLoose}::uuid)`)).map((r) => r.id).sort();
      expect(await purgeUnattachedPhotos(db, now)).toBeGreaterThanOrEqual(1);
      expect(await left()).toEqual([oldAttached, recentLoose].sort());
      // the setting lowered to one hour: the recent loose one goes too, the attached one stays
      await db.execute(sql`update app_meta set value = '1' where key = 'photos.unattached_purge_hours'`);
      expect(await purgeUnattachedPhotos(db, now)).toBe(1);
      expect(await left()).toEqual([oldAttached]);
      expect(await purgeUnattachedPhotos(db, now)).toBe(0);
      const audit = await rows<{ deleted: number; hours: number }>(db, sql`select (detail->>'deleted')::int as deleted, (detail->>'olderThanHours')::int as hours from audit_log where action = 'photos.purge' and at = ${now.toISOString()}::timestamptz order by id`);
      expect(audit.at(-1)).toEqual({ deleted: 1, hours: 1 });
      expect(audit).toHaveLength(2);
    }));
});
