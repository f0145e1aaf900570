// Case photos over plain HTTP (docs/decisions/0017):
//   POST /api/photos            the raw image as the body (Content-Type image/jpeg, image/png or
//                               image/webp), 201 { id, ref: 'photo:<id>', width, height, bytes, url, thumbUrl }
//   GET  /api/photos/:id        the stored JPEG
//   GET  /api/photos/:id/thumb  its thumbnail
// An upload is checked before a byte of its body is read: signed in (a session; a wall screen's
// display token is read-only), the session's CSRF token as for every change, one of the rights
// of the moves that cite photos (register, verify, handle, check), a declared type that is an
// image, a declared length within the limit. The body is then counted while it streams (hono
// bodyLimit at app_meta photos.max_upload_bytes, never above PHOTO_MAX_BYTES) and cut off past
// it, re-encoded outside any transaction (server/photos/photo-image.ts), and stored in one short
// transaction with its audit row. A photo is served to whoever may see it
// (server/photos/photos-queries.ts); to anyone else, and for a malformed id, a 404 alike.
// Refusals are the one JSON shape of plain-HTTP routes (http-error.ts), audited when someone
// signed in made them (one counted row when they repeat).
import type { Context, Hono, Next } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { withStatementTag, type Db, type Engine } from '../../db/engine.ts';
import type { Actor } from '../auth/actor.ts';
import { auditActor, writeAudit } from '../audit/audit-queries.ts';
import { PublicError, refuse } from '../query-error.ts';
import { displayTokenInvalid, lacksPermission, signInFirst } from '../trpc.ts';
import { storableText } from '../inputs.ts';
import { acceptableType, encodePhoto, photoTooLarge, photoWrongType } from '../photos/photo-image.ts';
import { checkBudget, isPhotoId, photoForReader, photoRef, photoSettings, storePhoto, type PhotoSettings } from '../photos/photos-queries.ts';
import { authenticate, type AuthOptions, type RequestAuth } from './request-auth.ts';
import { httpError } from './http-error.ts';

export const PHOTOS_PATH = '/api/photos';
/** Any one of these lets a person upload: the moves that cite photos (report, verify, handle, check). */
export const UPLOAD_RIGHTS = ['case.create', 'case.verify', 'case.handle', 'case.check'] as const;
/** A served photo never changes under its id: a browser keeps it a day (private: it is the asker's to see). */
// revalidated on every showing (a 304 by the ETag): who may see a photo can change (a sign-out, a case moved to another district)
const SERVED_CACHE = 'private, no-cache';

export interface PhotosOptions {
  now: () => Date;
  auth: AuthOptions;
}

interface Uploader {
  actor: Actor;
  ip?: string;
  settings: PhotoSettings;
}

/** Registers the routes on the app (server/app.ts, before the catch-all 404 of /api/*). */
export function mountPhotos(app: Hono, engine: Engine, opts: PhotosOptions): void {
  /** What the first step of an upload found out, for the next ones (the context object is the request's). */
  const uploads = new WeakMap<Context, Uploader>();

  const answer = (c: Context, err: unknown) => {
    const res = httpError(c, err, 'photos');
    res.headers.set('Cache-Control', 'no-store');
    return res;
  };
  /** A refused upload by someone signed in is audited (outcome 'denied', its reason); failing to record it never hides the refusal. */
  const refusedUpload = async (c: Context, err: unknown, who?: { actor: Actor | null; ip?: string }) => {
    if (who?.actor) {
      const reason = err instanceof PublicError ? (err.reason ?? err.code) : 'internal';
      const params = err instanceof PublicError && Object.keys(err.params).length ? { params: err.params } : {};
      await writeAudit(engine.db, {
        actor: auditActor(who.actor),
        action: 'photos.upload',
        ip: who.ip,
        note: { detail: { outcome: 'denied', reason, ...params } },
        now: opts.now(),
        coalesce: true,
      }).catch(() => {});
    }
    return answer(c, err);
  };

  const who = async (c: Context): Promise<RequestAuth> => {
    try {
      return await withStatementTag({ priority: 'interactive', who: 'photos:auth' }, () => authenticate(c, engine.db, opts.now(), opts.auth));
    } catch (err) {
      console.error(`[photos] ${(err as Error).message.split('\n')[0]}`);
      throw refuse('SERVICE_UNAVAILABLE', 'auth.unavailable');
    }
  };

  // 1. who uploads, and what they declare, before anything reads the body
  const admit = async (c: Context, next: Next) => {
    let auth: RequestAuth;
    try {
      auth = await who(c);
    } catch (err) {
      return answer(c, err);
    }
    const { actor } = auth;
    if (!actor) return answer(c, auth.displayTokenRejected ? displayTokenInvalid() : signInFirst());
    if (actor.kind === 'display') return refusedUpload(c, refuse('FORBIDDEN', 'auth.displayReadOnly'), auth);
    if (actor.mustChangePassword) return refusedUpload(c, refuse('FORBIDDEN', 'auth.oneTimePassword'), auth);
    if (!auth.csrfOk) return refusedUpload(c, refuse('FORBIDDEN', 'auth.csrf'), auth);
    if (!UPLOAD_RIGHTS.some((r) => actor.actions.has(r))) return refusedUpload(c, lacksPermission(actor.roleCode, UPLOAD_RIGHTS[0]), auth);
    if (!acceptableType(c.req.header('content-type'))) return refusedUpload(c, photoWrongType(), auth);
    let settings: PhotoSettings;
    try {
      settings = await withStatementTag({ priority: 'interactive', who: 'photos:settings' }, () => photoSettings(engine.db));
    } catch (err) {
      return answer(c, err);
    }
    const declared = Number(c.req.header('content-length'));
    if (Number.isFinite(declared) && declared > settings.maxUploadBytes) return refusedUpload(c, photoTooLarge(settings.maxUploadBytes), auth);
    // over the day's budget: refused before the body is read or decoded
    try {
      await withStatementTag({ priority: 'interactive', who: 'photos:budget' }, () => checkBudget(engine.db, actor.id, opts.now(), settings.perUserDay));
    } catch (err) {
      return (err as { reason?: string }).reason === 'photo.budget' ? refusedUpload(c, err as Parameters<typeof refusedUpload>[1], auth) : answer(c, err);
    }
    uploads.set(c, { actor, ip: auth.ip, settings });
    await next();
  };

  // 2. the body, counted while it streams: past the limit it is cut off (a declared Content-Length over it is refused unread)
  const limit = (c: Context, next: Next) => {
    const u = uploads.get(c)!;
    return bodyLimit({ maxSize: u.settings.maxUploadBytes, onError: (c) => refusedUpload(c, photoTooLarge(u.settings.maxUploadBytes), u) })(c, next);
  };

  // 3. checked and re-encoded (no transaction open), then stored with its audit row in one short transaction
  const upload = async (c: Context) => {
    const u = uploads.get(c)!;
    try {
      const body = new Uint8Array(await c.req.arrayBuffer());
      const encoded = await encodePhoto(body, c.req.header('content-type'), u.settings);
      const now = opts.now();
      const stored = await withStatementTag({ priority: 'heavy', who: `${u.actor.roleCode}@photos:upload` }, () =>
        engine.db.transaction(async (t) => {
          const tx = t as unknown as Db;
          const s = await storePhoto(tx, u.actor.id, now, encoded);
          await writeAudit(tx, {
            actor: auditActor(u.actor),
            action: 'photos.upload',
            ip: u.ip,
            note: { targetKind: 'photo', targetId: s.id, detail: { outcome: 'ok', width: s.width, height: s.height, bytes: s.bytes, received: body.byteLength } },
            now,
          });
          return s;
        }),
      );
      const url = `${PHOTOS_PATH}/${stored.id}`;
      return c.json({ id: stored.id, ref: photoRef(stored.id), width: stored.width, height: stored.height, bytes: stored.bytes, url, thumbUrl: `${url}/thumb` }, 201, { 'Cache-Control': 'no-store' });
    } catch (err) {
      return refusedUpload(c, err, u);
    }
  };

  app.post(PHOTOS_PATH, admit, limit, upload);

  const notFound = (c: Context) => answer(c, refuse('NOT_FOUND', 'request.notFound', { path: storableText(c.req.path, 100) ? c.req.path : '(unreadable path)' }));

  const serve = (which: 'image' | 'thumb') => async (c: Context) => {
    try {
      const { actor, displayTokenRejected } = await who(c);
      if (!actor) return answer(c, displayTokenRejected ? displayTokenInvalid() : signInFirst());
      if (actor.mustChangePassword) return answer(c, refuse('FORBIDDEN', 'auth.oneTimePassword'));
      const id = c.req.param('id') ?? '';
      if (!isPhotoId(id)) return notFound(c);
      const photo = await withStatementTag({ priority: 'interactive', who: `${actor.roleCode}@photos:${which}` }, () => photoForReader(engine.db, actor, id, which));
      if (!photo) return notFound(c);
      // the image's digest; the thumbnail, another representation, its own tag
      const etag = `"${photo.sha256}${which === 'thumb' ? '-thumb' : ''}"`;
      const headers: Record<string, string> = { ETag: etag, 'Cache-Control': SERVED_CACHE, Vary: 'Cookie, X-Display-Token', 'X-Content-Type-Options': 'nosniff' };
      if (matches(c.req.header('if-none-match'), etag)) return c.body(null, 304, headers);
      return c.body(photo.bytes as Uint8Array<ArrayBuffer>, 200, { ...headers, 'Content-Type': 'image/jpeg', 'Content-Length': String(photo.bytes.byteLength) });
    } catch (err) {
      return answer(c, err);
    }
  };
  app.get(`${PHOTOS_PATH}/:id`, serve('image'));
  app.get(`${PHOTOS_PATH}/:id/thumb`, serve('thumb'));
}

/** If-None-Match against a strong tag (weak comparison, RFC 9110 §13.1.2). */
function matches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === '*') return true;
  return header.split(',').some((t) => t.trim().replace(/^W\//, '') === etag);
}
