// Case photos as an attacker meets them (docs/decisions/0017): POST /api/photos refuses what is
// not a JPEG, PNG or WebP by its bytes (a script, HTML, SVG, PDF, GIF, text — whatever it says it
// is), a script behind JPEG magic and a truncated JPEG, bodies over the hard cap (cut off while
// streaming) and over a lowered app_meta limit, no session, no CSRF token, a wall-screen token and
// roles without the rights; what it takes is stored re-encoded, its GPS position gone, within
// 2048 px, with a thumbnail within 320 px. Served to the uploader while unattached, then to whoever
// may read the case it is attached to, to nobody else (404, as for a photo that does not exist);
// attachPhotos takes only one's own unattached uploads or the case's own photos; the daily budget.
// Over HTTP on the test city, in one transaction rolled back after the last test (the users,
// sessions, photos, settings and audit rows go with it); each test in a savepoint of it.
import { beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { sql } from 'drizzle-orm';
import type { Hono } from 'hono';
import sharp from 'sharp';
import { rows, type Db, type Engine } from '../db/engine.ts';
import { createApp } from '../server/app.ts';
import { hashPassword } from '../server/auth/password.ts';
import { createToken } from '../server/admin/admin-queries.ts';
import { PHOTO_MAX_BYTES } from '../domain/request-limits.ts';
import { isReason } from '../domain/messages.ts';
import { encodePhoto, sniffPhoto } from '../server/photos/photo-image.ts';
import { attachPhotos, PHOTO_DEFAULTS, PHOTO_REF, photosOfCase, photoSettings } from '../server/photos/photos-queries.ts';
import { actorOf, testEngine } from './support/test-db.ts';
import { rolledBackSuite } from './support/rolled-back.ts';
import { login, type HttpSession } from './support/http-session.ts';

const suite = rolledBackSuite(testEngine);
const engine: Engine = suite.engine;
const tag = `${process.pid}${Date.now() % 100000}`;
const PASSWORD = 'photo-test-pass-4711';

let app: Hono;
/** demo-inspector (芗城区 350602, may register): the uploader */
let inspector: HttpSession;
let inspectorId: number;
/** an inspector of another district (350603) */
let elsewhere: HttpSession;
let handler: HttpSession; // sanitation
let viewer: HttpSession; // city-wide, read only
let intake: HttpSession; // city-wide, may register
let display: string; // a wall screen of 350602
/** a case in 350602 not assigned to sanitation, one of its events, and a case in 350603 */
let caseIn: { id: number; eventId: number };
let caseOut: { id: number; eventId: number };
/** a phone photo: 2400×1600 pixels stored sideways (EXIF orientation 6), with a GPS position in EXIF and XMP */
let phonePhoto: Buffer;
let png: Buffer;

const GPS_XMP = `<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:exif="http://ns.adobe.com/exif/1.0/"><exif:GPSLatitude>24,30.6N</exif:GPSLatitude><exif:GPSLongitude>117,39.2E</exif:GPSLongitude></rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>`;

/** A picture with detail (so JPEG sizes are realistic), w × h. */
async function picture(w: number, h: number) {
  const px = Buffer.alloc(w * h * 3);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const i = (y * w + x) * 3;
      px[i] = (x * 255) / w;
      px[i + 1] = (y * 255) / h;
      px[i + 2] = ((x ^ y) & 0xff) ^ ((x * y) % 97);
    }
  return sharp(px, { raw: { width: w, height: h, channels: 3 } });
}

/** The tags of an EXIF block's first directory (IFD0), e.g. 0x8825 the GPS directory, 0x0112 the orientation. */
function ifd0Tags(exif: Buffer | undefined): number[] {
  if (!exif) return [];
  const tiff = exif.subarray(exif.subarray(0, 6).toString('latin1') === 'Exif\0\0' ? 6 : 0);
  const le = tiff.toString('latin1', 0, 2) === 'II';
  const u16 = (o: number) => (le ? tiff.readUInt16LE(o) : tiff.readUInt16BE(o));
  const u32 = (o: number) => (le ? tiff.readUInt32LE(o) : tiff.readUInt32BE(o));
  const at = u32(4);
  return Array.from({ length: u16(at) }, (_, i) => u16(at + 2 + 12 * i));
}
const GPS_IFD = 0x8825;

const auth = (s: HttpSession | null): Record<string, string> => (s ? { cookie: s.cookie, 'x-csrf-token': s.csrf } : {});
function upload(s: HttpSession | null, body: Uint8Array | string, type: string | null = 'image/jpeg', headers: Record<string, string> = {}) {
  const h: Record<string, string> = { ...auth(s), ...headers };
  if (type) h['content-type'] = type;
  // a copy as a plain Uint8Array: no Content-Length is declared, so the server counts while it reads
  return app.request('/api/photos', { method: 'POST', headers: h, body: typeof body === 'string' ? body : new Uint8Array(body) });
}
const get = (path: string, s: HttpSession | null, headers: Record<string, string> = {}) => app.request(path, { headers: { ...(s ? { cookie: s.cookie } : {}), ...headers } });

interface Uploaded {
  id: string;
  ref: string;
  width: number;
  height: number;
  bytes: number;
  url: string;
  thumbUrl: string;
}
async function uploaded(res: Response): Promise<Uploaded> {
  expect(res.status, await res.clone().text()).toBe(201);
  return (await res.json()) as Uploaded;
}
async function refusal(res: Response) {
  const body = (await res.json()) as { error: string; reason: string; params: Record<string, unknown> };
  expect(typeof body.error).toBe('string');
  expect(isReason(body.reason), body.reason).toBe(true);
  return { status: res.status, ...body };
}
const photoCount = async (db: Db) => (await rows<{ n: number }>(db, sql`select count(*)::int as n from case_photos`))[0].n;

async function person(db: Db, role: string, district: string) {
  const username = `photo-${role}-${district}-${tag}-${Math.floor(Math.random() * 1e6)}`;
  const [u] = await rows<{ id: number }>(
    db,
    sql`insert into users (username, display_name, role_code, district_codes, password_hash)
        values (${username}, 'Photo test', ${role}, ${`{${district}}`}::char(6)[], ${await hashPassword(PASSWORD)}) returning id`,
  );
  return { id: u.id, session: await login(app, username, PASSWORD) };
}

beforeAll(
  () =>
    suite.setup(async (db) => {
      app = createApp(engine);
      [inspector, handler, viewer, intake] = [await login(app, 'demo-inspector'), await login(app, 'demo-handler'), await login(app, 'demo-viewer'), await login(app, 'demo-intake')];
      inspectorId = (await rows<{ id: number }>(db, sql`select id from users where username = 'demo-inspector'`))[0].id;
      ({ session: elsewhere } = await person(db, 'inspector', '350603'));
      display = (await createToken(db, await actorOf('demo-admin', engine), { name: `photos-${tag}`, districtCodes: ['350602'] })).token;
      const pick = (where: ReturnType<typeof sql>) =>
        rows<{ id: number; eventId: number }>(db, sql`select c.id::int as id, (select min(e.id)::int from case_events e where e.case_id = c.id) as "eventId" from cases c where ${where} order by c.id limit 1`);
      [caseIn] = await pick(sql`c.district_code = '350602' and c.department_id is distinct from (select id from departments where code = 'sanitation') and exists (select 1 from case_events e where e.case_id = c.id)`);
      [caseOut] = await pick(sql`c.district_code = '350603' and exists (select 1 from case_events e where e.case_id = c.id)`);
      expect(caseIn && caseOut).toBeTruthy();
      phonePhoto = await (await picture(2400, 1600))
        .jpeg({ quality: 92 })
        .withMetadata({ orientation: 6, exif: { IFD0: { Make: 'CityPhone', Model: 'X1' }, IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '24/1 30/1 36/1', GPSLongitudeRef: 'E', GPSLongitude: '117/1 39/1 12/1' } } })
        .withXmp(GPS_XMP)
        .toBuffer();
      png = await sharp({ create: { width: 300, height: 200, channels: 4, background: { r: 200, g: 30, b: 30, alpha: 0.5 } } }).png().toBuffer();
    }),
  120_000,
);

describe('what is not a JPEG, PNG or WebP by its bytes is refused, whatever it says it is', () => {
  it('the test photo really carries a GPS position and an orientation (else the later checks prove nothing)', async () => {
    const m = await sharp(phonePhoto).metadata();
    expect(m.orientation).toBe(6);
    expect(ifd0Tags(m.exif)).toContain(GPS_IFD);
    expect(m.xmp?.toString()).toContain('GPSLatitude');
    expect(sniffPhoto(phonePhoto)).toBe('jpeg');
  });
  it.each<[string, () => Promise<Buffer> | Buffer, string | null]>([
    ['text declared text/plain', () => Buffer.from('just some text'), 'text/plain'],
    ['text declared image/jpeg', () => Buffer.from('just some text'), 'image/jpeg'],
    ['a PDF declared application/pdf', () => Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF'), 'application/pdf'],
    ['a PDF declared image/jpeg', () => Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF'), 'image/jpeg'],
    ['a GIF declared image/gif', () => sharp({ create: { width: 8, height: 8, channels: 3, background: '#0f0' } }).gif().toBuffer(), 'image/gif'],
    ['a GIF declared image/png', () => sharp({ create: { width: 8, height: 8, channels: 3, background: '#0f0' } }).gif().toBuffer(), 'image/png'],
    ['an SVG with a script declared image/png', () => Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>fetch("/trpc/auth.me")</script></svg>'), 'image/png'],
    ['an SVG declared image/svg+xml', () => Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><rect width="1" height="1"/></svg>'), 'image/svg+xml'],
    ['HTML declared image/webp', () => Buffer.from('<!doctype html><script>alert(document.cookie)</script>'), 'image/webp'],
    ['HTML with no declared type', () => Buffer.from('<!doctype html><script>alert(document.cookie)</script>'), null],
    ['a RIFF that is not WebP (a WAV)', () => Buffer.concat([Buffer.from('RIFF'), Buffer.alloc(4), Buffer.from('WAVEfmt '), Buffer.alloc(32)]), 'image/webp'],
    ['a real JPEG declared image/svg+xml', () => sharp({ create: { width: 8, height: 8, channels: 3, background: '#00f' } }).jpeg().toBuffer(), 'image/svg+xml'],
    ['a real JPEG sent as multipart/form-data', () => sharp({ create: { width: 8, height: 8, channels: 3, background: '#00f' } }).jpeg().toBuffer(), 'multipart/form-data; boundary=x'],
  ])('%s: 415 photo.type, nothing stored', (_label, body, type) =>
    suite.run(async (db) => {
      const before = await photoCount(db);
      const r = await refusal(await upload(inspector, await body(), type));
      expect([r.status, r.reason, r.params]).toEqual([415, 'photo.type', { allowed: 'JPEG, PNG, WebP' }]);
      expect(await photoCount(db)).toBe(before);
    }),
  );
  it('a script behind JPEG magic (FF D8 FF <script>…) is unreadable: 400 photo.unreadable', () =>
    suite.run(async (db) => {
      const before = await photoCount(db);
      const disguised = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff]), Buffer.from('<script>alert(document.cookie)</script>'.repeat(20))]);
      const r = await refusal(await upload(inspector, disguised, 'image/jpeg'));
      expect([r.status, r.reason]).toEqual([400, 'photo.unreadable']);
      expect(await photoCount(db)).toBe(before);
    }));
  it('a truncated JPEG (the first half of a real one) is unreadable: 400 photo.unreadable', () =>
    suite.run(async () => {
      const half = phonePhoto.subarray(0, phonePhoto.length >> 1);
      const r = await refusal(await upload(inspector, half, 'image/jpeg'));
      expect([r.status, r.reason]).toEqual([400, 'photo.unreadable']);
    }));
  it('PNG magic with garbage after it, and a WebP header with nothing in it, are unreadable', () =>
    suite.run(async () => {
      const fakePng = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from('<script>x</script>')]);
      const fakeWebp = Buffer.concat([Buffer.from('RIFF'), Buffer.from([40, 0, 0, 0]), Buffer.from('WEBPVP8 '), Buffer.alloc(28, 0x41)]);
      for (const [body, type] of [[fakePng, 'image/png'], [fakeWebp, 'image/webp']] as const) {
        const r = await refusal(await upload(inspector, body, type));
        expect([r.status, r.reason]).toEqual([400, 'photo.unreadable']);
      }
    }));
  it('an empty body is 400 photo.empty', () =>
    suite.run(async () => {
      const r = await refusal(await upload(inspector, new Uint8Array(0), 'image/jpeg'));
      expect([r.status, r.reason]).toEqual([400, 'photo.empty']);
    }));
  it('a decompression bomb (a small PNG declaring 10,000 × 10,000 pixels) is refused, not decoded', () =>
    suite.run(async () => {
      // a 1 × 1 PNG whose header (IHDR, its CRC recomputed) says 10,000 × 10,000
      const bomb = Buffer.from(await sharp({ create: { width: 1, height: 1, channels: 3, background: '#fff' } }).png().toBuffer());
      bomb.writeUInt32BE(10_000, 16);
      bomb.writeUInt32BE(10_000, 20);
      bomb.writeUInt32BE(crc32(bomb.subarray(12, 29)), 29);
      expect((await sharp(bomb, { limitInputPixels: false }).metadata()).width).toBe(10_000);
      const r = await refusal(await upload(inspector, bomb, 'image/png'));
      expect([r.status, r.reason]).toEqual([400, 'photo.unreadable']);
    }));
});

describe('sizes: cut off while streaming', () => {
  /** `total` bytes starting with JPEG magic, in 64 KB chunks; `pulled()` says how many the server read. */
  function stream(total: number) {
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(c) {
        if (sent >= total) return c.close();
        const n = Math.min(64 * 1024, total - sent);
        const chunk = new Uint8Array(n);
        if (sent === 0) chunk.set([0xff, 0xd8, 0xff, 0xe0]);
        sent += n;
        c.enqueue(chunk);
      },
    });
    return { body, pulled: () => sent };
  }
  it(`just over ${PHOTO_MAX_BYTES / 1024 / 1024} MB without Content-Length: 413 photo.tooLarge, read no further than the cap`, () =>
    suite.run(async (db) => {
      const before = await photoCount(db);
      const s = stream(PHOTO_MAX_BYTES + 4 * 1024 * 1024);
      const res = await app.request('/api/photos', { method: 'POST', headers: { 'content-type': 'image/jpeg', ...auth(inspector) }, body: s.body, duplex: 'half' } as RequestInit);
      const r = await refusal(res);
      expect([r.status, r.reason, r.params]).toEqual([413, 'photo.tooLarge', { maxMb: 10 }]);
      expect(s.pulled()).toBeLessThanOrEqual(PHOTO_MAX_BYTES + 3 * 64 * 1024);
      expect(await photoCount(db)).toBe(before);
    }));
  it('a declared Content-Length one byte over the cap is refused before a byte is read', () =>
    suite.run(async () => {
      const s = stream(PHOTO_MAX_BYTES + 1);
      const res = await app.request('/api/photos', {
        method: 'POST',
        headers: { 'content-type': 'image/jpeg', 'content-length': String(PHOTO_MAX_BYTES + 1), ...auth(inspector) },
        body: s.body,
        duplex: 'half',
      } as RequestInit);
      expect((await refusal(res)).reason).toBe('photo.tooLarge');
      expect(s.pulled()).toBeLessThanOrEqual(64 * 1024);
    }));
  it('a body just over the cap as one buffer: 413 photo.tooLarge', () =>
    suite.run(async () => {
      const big = new Uint8Array(PHOTO_MAX_BYTES + 1);
      big.set([0xff, 0xd8, 0xff, 0xe0]);
      const r = await refusal(await upload(inspector, big, 'image/jpeg'));
      expect([r.status, r.reason]).toEqual([413, 'photo.tooLarge']);
    }));
  it('an app_meta limit lowered to 100 KB refuses a 200 KB photo, streamed or declared, and says the lower limit', () =>
    suite.run(async (db) => {
      await db.execute(sql`update app_meta set value = '102400' where key = 'photos.max_upload_bytes'`);
      expect((await photoSettings(db)).maxUploadBytes).toBe(102_400);
      const photo = await (await picture(1200, 900)).jpeg({ quality: 95 }).toBuffer();
      expect(photo.length).toBeGreaterThan(200 * 1024);
      const r = await refusal(await upload(inspector, photo, 'image/jpeg'));
      expect([r.status, r.reason, r.params]).toEqual([413, 'photo.tooLarge', { maxMb: 0.1 }]);
      const s = stream(photo.length);
      const streamed = await app.request('/api/photos', { method: 'POST', headers: { 'content-type': 'image/jpeg', ...auth(inspector) }, body: s.body, duplex: 'half' } as RequestInit);
      expect((await refusal(streamed)).reason).toBe('photo.tooLarge');
      expect(s.pulled()).toBeLessThanOrEqual(102_400 + 3 * 64 * 1024);
      // the photo itself goes through when it fits
      await db.execute(sql`update app_meta set value = ${String(photo.length)} where key = 'photos.max_upload_bytes'`);
      await uploaded(await upload(inspector, photo, 'image/jpeg'));
    }));
  it('an app_meta limit above the hard cap does not raise it (it is refused, named: settings once); missing settings fall back to their defaults', () =>
    suite.run(async (db) => {
      await db.execute(sql`update app_meta set value = '999999999' where key = 'photos.max_upload_bytes'`);
      await expect(photoSettings(db)).rejects.toMatchObject({ reason: 'settings.badStored' });
      await db.execute(sql`update app_meta set value = ${String(PHOTO_MAX_BYTES)} where key = 'photos.max_upload_bytes'`);
      expect((await photoSettings(db)).maxUploadBytes).toBe(PHOTO_MAX_BYTES);
      await db.execute(sql`delete from app_meta where key like 'photos.%'`);
      expect(await photoSettings(db)).toEqual(PHOTO_DEFAULTS);
    }));
});

describe('who may upload', () => {
  const small = () => sharp({ create: { width: 64, height: 48, channels: 3, background: '#246' } }).jpeg().toBuffer();
  it('nobody signed in: 401 auth.signInFirst', () =>
    suite.run(async (db) => {
      const before = await photoCount(db);
      const r = await refusal(await upload(null, await small()));
      expect([r.status, r.reason]).toEqual([401, 'auth.signInFirst']);
      expect(await photoCount(db)).toBe(before);
    }));
  it('a session without its CSRF token, or with another one, or from another origin: 403 auth.csrf, audited', () =>
    suite.run(async (db) => {
      const before = await photoCount(db);
      const body = await small();
      const missing = await app.request('/api/photos', { method: 'POST', headers: { 'content-type': 'image/jpeg', cookie: inspector.cookie }, body: new Uint8Array(body) });
      const wrong = await upload(inspector, body, 'image/jpeg', { 'x-csrf-token': viewer.csrf });
      const cross = await upload(inspector, body, 'image/jpeg', { origin: 'https://evil.example' });
      const fetchSite = await upload(inspector, body, 'image/jpeg', { 'sec-fetch-site': 'cross-site' });
      for (const res of [missing, wrong, cross, fetchSite]) expect(((await refusal(res)) as { status: number; reason: string })).toMatchObject({ status: 403, reason: 'auth.csrf' });
      expect(await photoCount(db)).toBe(before);
      const audit = await rows<{ reason: string }>(db, sql`select detail->>'reason' as reason from audit_log where action = 'photos.upload' and actor = 'demo-inspector' and detail->>'outcome' = 'denied'`);
      expect(audit.map((a) => a.reason)).toContain('auth.csrf');
    }));
  it('a wall-screen display token: 403 auth.displayReadOnly; an unknown one: 401', () =>
    suite.run(async () => {
      const r = await refusal(await upload(null, await small(), 'image/jpeg', { 'x-display-token': display }));
      expect([r.status, r.reason]).toEqual([403, 'auth.displayReadOnly']);
      const unknown = await refusal(await upload(null, await small(), 'image/jpeg', { 'x-display-token': 'no-such-token' }));
      expect([unknown.status, unknown.reason]).toEqual([401, 'auth.displayTokenInvalid']);
    }));
  it.each(['demo-viewer', 'demo-planner', 'demo-coordinator', 'demo-admin', 'demo-dispatcher', 'demo-shiftlead'])('%s (no register, verify, handle or check right): 403 auth.lacksPermission', (username) =>
    suite.run(async (db) => {
      const before = await photoCount(db);
      const s = await login(app, username);
      const r = await refusal(await upload(s, await small()));
      expect([r.status, r.reason]).toEqual([403, 'auth.lacksPermission']);
      expect(await photoCount(db)).toBe(before);
    }));
  it.each(['demo-intake', 'demo-inspector', 'demo-gridworker', 'demo-handler'])('%s may upload', (username) =>
    suite.run(async () => {
      const s = username === 'demo-inspector' ? inspector : await login(app, username);
      const u = await uploaded(await upload(s, await small()));
      expect(u.ref).toMatch(PHOTO_REF);
    }));
  it('a refusal answers the one JSON error shape, never stored by a browser', () =>
    suite.run(async () => {
      const res = await upload(inspector, Buffer.from('x'), 'text/plain');
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(Object.keys(await res.json()).sort()).toEqual(['error', 'params', 'reason']);
    }));
});

describe('what is stored: re-encoded, GPS gone, within the sizes', () => {
  it('a phone photo (EXIF GPS + XMP GPS + orientation 6, 2400 × 1600): upright, ≤ 2048 px, no metadata at all; thumbnail ≤ 320 px', () =>
    suite.run(async (db) => {
      const u = await uploaded(await upload(inspector, phonePhoto, 'image/jpeg'));
      // turned upright: the sideways 2400 × 1600 is 1600 × 2400, fit inside 2048
      expect([u.width, u.height]).toEqual([1365, 2048]);
      expect(u).toMatchObject({ ref: `photo:${u.id}`, url: `/api/photos/${u.id}`, thumbUrl: `/api/photos/${u.id}/thumb` });
      const [row] = await rows<{ image: Uint8Array; thumb: Uint8Array; bytes: number; sha256: string; width: number; height: number; case_id: number | null; uploaded_by: number }>(
        db,
        sql`select image, thumb, bytes, sha256, width, height, case_id, uploaded_by from case_photos where id = ${u.id}::uuid`,
      );
      const image = Buffer.from(row.image);
      const thumb = Buffer.from(row.thumb);
      expect(row).toMatchObject({ bytes: image.length, width: 1365, height: 2048, case_id: null, uploaded_by: inspectorId });
      expect(u.bytes).toBe(image.length);
      expect(row.sha256).toBe(createHash('sha256').update(image).digest('hex'));
      const m = await sharp(image).metadata();
      expect([m.format, m.width, m.height]).toEqual(['jpeg', 1365, 2048]);
      expect(m.exif).toBeUndefined();
      expect(m.xmp).toBeUndefined();
      expect(m.iptc).toBeUndefined();
      expect(m.orientation).toBeUndefined();
      expect(ifd0Tags(m.exif)).not.toContain(GPS_IFD);
      // not even as bytes: no APP1 Exif or XMP segment, no GPS text
      expect(image.includes(Buffer.from('Exif\0\0'))).toBe(false);
      expect(image.includes(Buffer.from('GPSLatitude'))).toBe(false);
      expect(image.includes(Buffer.from('CityPhone'))).toBe(false);
      const t = await sharp(thumb).metadata();
      expect(t.format).toBe('jpeg');
      expect(Math.max(t.width!, t.height!)).toBe(320);
      expect(t.height).toBeGreaterThan(t.width!);
      expect(t.exif).toBeUndefined();
      expect(thumb.length).toBeLessThan(image.length);
    }));
  it('the orientation is applied to the pixels: the top-left of the sideways original ends at the top-right', async () => {
    // left half red, right half blue, orientation 6 (displayed turned 90° clockwise): upright, the top is red and the bottom blue
    const half = await sharp({ create: { width: 200, height: 100, channels: 3, background: '#f00' } })
      .composite([{ input: await sharp({ create: { width: 100, height: 100, channels: 3, background: '#00f' } }).png().toBuffer(), left: 100, top: 0 }])
      .jpeg()
      .withMetadata({ orientation: 6 })
      .toBuffer();
    const out = await encodePhoto(half, 'image/jpeg', PHOTO_DEFAULTS);
    expect([out.width, out.height]).toEqual([100, 200]);
    const { data } = await sharp(out.image).raw().toBuffer({ resolveWithObject: true });
    const at = (x: number, y: number) => [...data.subarray((y * 100 + x) * 3, (y * 100 + x) * 3 + 3)];
    expect(at(50, 20)[0]).toBeGreaterThan(200); // red on top
    expect(at(50, 180)[2]).toBeGreaterThan(200); // blue below
  });
  it('a PNG with transparency is accepted, stored as a JPEG of its own size (never enlarged), transparency on white', () =>
    suite.run(async () => {
      const u = await uploaded(await upload(inspector, png, 'image/png'));
      expect([u.width, u.height]).toEqual([300, 200]);
      const res = await get(u.url, inspector);
      const m = await sharp(Buffer.from(await res.arrayBuffer())).metadata();
      expect([m.format, m.width, m.height, m.hasAlpha]).toEqual(['jpeg', 300, 200, false]);
      const thumb = await sharp(Buffer.from(await (await get(u.thumbUrl, inspector)).arrayBuffer())).metadata();
      expect([thumb.width, thumb.height]).toEqual([300, 200]);
    }));
  it('a WebP is accepted, and so is a body whose type is not declared (judged by its bytes)', () =>
    suite.run(async () => {
      const webp = await (await picture(640, 480)).webp().toBuffer();
      expect((await uploaded(await upload(inspector, webp, 'image/webp'))).width).toBe(640);
      expect((await uploaded(await upload(inspector, webp, null))).width).toBe(640);
      // the declared type is a hint only: a PNG declared image/jpeg is read as the PNG it is
      expect((await uploaded(await upload(inspector, png, 'image/jpeg; charset=binary'))).width).toBe(300);
    }));
  it('a stored photo of a typical size: 4000 × 3000 in, 2048 px JPEG out, well under the upload', async () => {
    const photo = await (await picture(4000, 3000)).jpeg({ quality: 92 }).toBuffer();
    const out = await encodePhoto(photo, 'image/jpeg', PHOTO_DEFAULTS);
    expect([out.width, out.height]).toEqual([2048, 1536]);
    expect(out.image.length).toBeLessThan(photo.length);
  });
});

describe('serving: the uploader, then whoever may read the case', () => {
  it('an unattached photo: the uploader gets it (image/jpeg, private cache, ETag the sha256, nosniff); anyone else a 404 like a missing one', () =>
    suite.run(async () => {
      const u = await uploaded(await upload(inspector, phonePhoto, 'image/jpeg'));
      const res = await get(u.url, inspector);
      expect(res.status).toBe(200);
      const body = Buffer.from(await res.arrayBuffer());
      const sha = createHash('sha256').update(body).digest('hex');
      expect(res.headers.get('content-type')).toBe('image/jpeg');
      expect(res.headers.get('cache-control')).toBe('private, no-cache');
      expect(res.headers.get('etag')).toBe(`"${sha}"`);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(body.length).toBe(u.bytes);
      const thumb = await get(u.thumbUrl, inspector);
      expect([thumb.status, thumb.headers.get('content-type')]).toEqual([200, 'image/jpeg']);
      expect(thumb.headers.get('etag')).not.toBe(res.headers.get('etag'));
      expect(Math.max(...(await sharp(Buffer.from(await thumb.arrayBuffer())).metadata().then((m) => [m.width!, m.height!])))).toBeLessThanOrEqual(320);
      // revalidation
      expect((await get(u.url, inspector, { 'if-none-match': `"${sha}"` })).status).toBe(304);
      // anyone else: exactly what a photo that does not exist answers
      const missing = await refusal(await get('/api/photos/00000000-0000-4000-8000-000000000000', viewer));
      for (const [s, path] of [[viewer, u.url], [intake, u.url], [elsewhere, u.url], [handler, u.thumbUrl]] as const) {
        const r = await refusal(await get(path, s));
        expect([r.status, r.reason]).toEqual([404, missing.reason]);
      }
      expect((await refusal(await get(u.url, null, { 'x-display-token': display }))).status).toBe(404);
      expect((await refusal(await get(u.url, null))).status).toBe(401);
    }));
  it.each(['/api/photos/abc', '/api/photos/..%2F..%2Fetc%2Fpasswd', `/api/photos/${'-'.repeat(36)}`, '/api/photos/00000000-0000-4000-8000-00000000000G', '/api/photos/%E0%A4%A/thumb', "/api/photos/1'%20or%20'1'='1"])(
    'a malformed id (%s) is a 404, never a database error',
    (path) =>
      suite.run(async () => {
        const r = await refusal(await get(path, inspector));
        expect([r.status, r.reason]).toEqual([404, 'request.notFound']);
      }),
  );
  it('attached to a case in 芗城区: its readers see it (the district, the city); another district, a department it is not assigned to, do not', () =>
    suite.run(async (db) => {
      const u = await uploaded(await upload(inspector, png, 'image/png'));
      expect(await attachPhotos(db, inspectorId, caseIn.id, caseIn.eventId, [u.ref])).toEqual([u.id]);
      const coordinator = await login(app, 'demo-coordinator');
      for (const s of [inspector, viewer, intake, coordinator]) expect((await get(u.url, s)).status).toBe(200);
      expect((await get(u.thumbUrl, viewer)).status).toBe(200);
      // the wall screen of that district reads the case, so its photos too
      expect((await get(u.url, null, { 'x-display-token': display })).status).toBe(200);
      for (const s of [elsewhere, handler]) expect((await refusal(await get(u.url, s))).status).toBe(404);
      // the right to read cases, not only the scope: taken from the viewer's role, the photo is gone for it
      await db.execute(sql`delete from role_permissions where role_code = 'command_viewer' and permission = 'case.read'`);
      expect((await refusal(await get(u.url, viewer))).status).toBe(404);
      expect(await photosOfCase(db, caseIn.id)).toEqual([expect.objectContaining({ id: u.id, eventId: caseIn.eventId, width: 300, height: 200, bytes: u.bytes, uploadedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/) })]);
    }));
  it('attached to a case in another district, its uploader no longer sees it when out of scope', () =>
    suite.run(async (db) => {
      const u = await uploaded(await upload(inspector, png, 'image/png'));
      await attachPhotos(db, inspectorId, caseOut.id, caseOut.eventId, [u.ref]);
      expect((await refusal(await get(u.url, inspector))).status).toBe(404);
      expect((await get(u.url, elsewhere)).status).toBe(200);
    }));
});

describe('attachPhotos', () => {
  it("refuses another person's upload, a photo of another case, an unknown id and a malformed ref (photo.unknown, naming it), attaching none of them", () =>
    suite.run(async (db) => {
      const mine = await uploaded(await upload(inspector, png, 'image/png'));
      const theirs = await uploaded(await upload(elsewhere, png, 'image/png'));
      const other = await uploaded(await upload(inspector, png, 'image/png'));
      await attachPhotos(db, inspectorId, caseOut.id, caseOut.eventId, [other.ref]);
      const unknown = 'photo:00000000-0000-4000-8000-000000000000';
      for (const ref of [theirs.ref, other.ref, unknown, 'photo:../../etc', `photo:${'-'.repeat(36)}`, mine.id, `${mine.ref} `]) {
        const err = (await attachPhotos(db, inspectorId, caseIn.id, caseIn.eventId, [mine.ref, ref]).catch((e: unknown) => e)) as { code?: string; reason?: string; params?: { ref?: string } };
        expect([err.code, err.reason, err.params?.ref], ref).toEqual(['BAD_REQUEST', 'photo.unknown', ref]);
      }
      // none attached: mine is still unattached, theirs still theirs
      const left = await rows<{ id: string; case_id: number | null }>(db, sql`select id::text as id, case_id::float8 as case_id from case_photos where id in (${mine.id}::uuid, ${theirs.id}::uuid) order by id`);
      expect(left.every((r) => r.case_id === null)).toBe(true);
      expect(await photosOfCase(db, caseIn.id)).toEqual([]);
    }));
  it('takes one\'s own unattached uploads once each, and a photo already on the same case again (it keeps its first event)', () =>
    suite.run(async (db) => {
      const a = await uploaded(await upload(inspector, png, 'image/png'));
      const b = await uploaded(await upload(inspector, phonePhoto, 'image/jpeg'));
      expect(await attachPhotos(db, inspectorId, caseIn.id, caseIn.eventId, [a.ref, a.ref])).toEqual([a.id]);
      const [later] = await rows<{ id: number }>(db, sql`select max(id)::int as id from case_events where case_id = ${caseIn.id}`);
      // a later move (by someone else) cites the case's photo again and adds its own
      const c = await uploaded(await upload(intake, png, 'image/png'));
      const intakeId = (await rows<{ id: number }>(db, sql`select id from users where username = 'demo-intake'`))[0].id;
      expect(await attachPhotos(db, intakeId, caseIn.id, later.id, [a.ref, c.ref])).toEqual([a.id, c.id]);
      expect(await attachPhotos(db, inspectorId, caseIn.id, null, [])).toEqual([]);
      const photos = await photosOfCase(db, caseIn.id);
      expect(photos.map((p) => [p.id, p.eventId])).toEqual([[a.id, caseIn.eventId], [c.id, later.id]]);
      // b was never cited: still only its uploader's
      expect((await refusal(await get(b.url, viewer))).status).toBe(404);
    }));
});

describe('the daily budget', () => {
  it('past photos.per_user_day uploads in 24 hours: 429 photo.budget, nothing stored; other people are not held back', () =>
    suite.run(async (db) => {
      const fresh = await person(db, 'inspector', '350602');
      await db.execute(sql`update app_meta set value = '2' where key = 'photos.per_user_day'`);
      await uploaded(await upload(fresh.session, png, 'image/png'));
      await uploaded(await upload(fresh.session, png, 'image/png'));
      const before = await photoCount(db);
      const r = await refusal(await upload(fresh.session, png, 'image/png'));
      expect([r.status, r.reason, r.params]).toEqual([429, 'photo.budget', { max: 2 }]);
      expect(await photoCount(db)).toBe(before);
      // counted per person: the elsewhere inspector uploaded nothing in this test
      await uploaded(await upload(elsewhere, png, 'image/png'));
      // a day later the oldest have left the window
      await db.execute(sql`update case_photos set uploaded_at = uploaded_at - interval '25 hours' where uploaded_by = ${fresh.id}`);
      await uploaded(await upload(fresh.session, png, 'image/png'));
    }));
  it('the upload and its audit row are one: a stored photo is recorded with its size', () =>
    suite.run(async (db) => {
      const u = await uploaded(await upload(inspector, png, 'image/png'));
      const [a] = await rows<{ target_id: string; outcome: string; bytes: number }>(
        db,
        sql`select target_id, detail->>'outcome' as outcome, (detail->>'bytes')::int as bytes from audit_log where action = 'photos.upload' and target_kind = 'photo' and target_id = ${u.id}`,
      );
      expect(a).toEqual({ target_id: u.id, outcome: 'ok', bytes: u.bytes });
    }));
});

describe('ids', () => {
  it('a photo id is a random UUID (version 4): nothing to count up from', () =>
    suite.run(async () => {
      const u = await uploaded(await upload(inspector, png, 'image/png'));
      expect(u.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    }));
});
