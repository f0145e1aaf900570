// Case photos over plain HTTP (docs/decisions/0017):
//   POST /api/photos            the raw image as the body (Content-Type image/jpeg, image/png or
//                               image/webp), 201 { id, ref: 'photo:<id>', width, height, bytes, url, thumbUrl }
//   GET  /api/photos/:id        the stored JPEG
//   GET  /api/photos/:id/thumb  its thumbnail
// The upload is a write route of the one pipeline for writes outside tRPC (write-route.ts,
// docs/decisions/0020): a person (session + CSRF token) or an API key holding one of the rights of
// the moves that cite photos (register, verify, handle, check); a wall screen's display token is
// read-only. Before a byte of the body is read: a declared type that is an image, the uploader's
// day's budget (stored photos and failed decodes), a declared length within the limit. The body
// is counted while it streams (app_meta photos.max_upload_bytes, never above PHOTO_MAX_BYTES) and
// cut off past it, decoded and re-encoded outside any transaction through the bounded queue of
// expensive work (server/photos/photo-image.ts, work-queue.ts), and stored in one short
// transaction with its audit row. A photo is served to whoever may see it
// (server/photos/photos-queries.ts); to anyone else, and for a malformed id, a 404 alike.
// Refusals are the one JSON shape of plain-HTTP routes (http-error.ts), audited when someone
// known made them (one counted row when they repeat).
import type { Context, Hono } from 'hono';
import { withStatementTag, type Engine } from '../../db/engine.ts';
import { refuse } from '../query-error.ts';
import { storableText } from '../inputs.ts';
import { acceptableType, encodePhoto, photoTooLarge, photoWrongType, type EncodedPhoto } from '../photos/photo-image.ts';
import { checkBudget, isPhotoId, photoForReader, photoRef, photoSettings, storePhoto, uploaderOf, type PhotoSettings } from '../photos/photos-queries.ts';
import { httpError } from './http-error.ts';
import { actorKey, identify, jsonErrors, mountWrite, type WriteRouteOptions } from './write-route.ts';
import { apiKeyLimiter } from './rate-limit.ts';

export const PHOTOS_PATH = '/api/photos';
/** Any one of these lets a person upload: the moves that cite photos (report, verify, handle, check). */
export const UPLOAD_RIGHTS = ['case.create', 'case.verify', 'case.handle', 'case.check'] as const;
/** A served photo never changes under its id: a browser keeps it a day (private: it is the asker's to see). */
// revalidated on every showing (a 304 by the ETag): who may see a photo can change (a sign-out, a case moved to another district)
const SERVED_CACHE = 'private, no-cache';

export type PhotosOptions = WriteRouteOptions;

/** Registers the routes on the app (server/app.ts, before the catch-all 404 of /api/*). */
export function mountPhotos(app: Hono, engine: Engine, opts: PhotosOptions): void {
  const answer = (c: Context, err: unknown) => {
    const res = httpError(c, err, 'photos');
    res.headers.set('Cache-Control', 'no-store');
    return res;
  };

  mountWrite<PhotoSettings, { encoded: EncodedPhoto; received: number }, { id: string; width: number; height: number; bytes: number }>(app, engine, {
    method: 'POST',
    path: PHOTOS_PATH,
    action: 'photos.upload',
    apiKeys: true,
    rights: UPLOAD_RIGHTS,
    errors: jsonErrors,
    headers: { 'Cache-Control': 'no-store' },
    admit: async ({ c, actor, now }) => {
      if (!acceptableType(c.req.header('content-type'))) throw photoWrongType();
      const settings = await photoSettings(engine.db);
      // over the day's budget (failed decodes included): refused before the body is read or decoded
      await checkBudget(engine.db, uploaderOf(actor), now, settings.perUserDay);
      return settings;
    },
    bodyLimit: (settings) => settings.maxUploadBytes,
    tooLarge: photoTooLarge,
    expensive: true,
    prepare: async ({ c, admitted }, body) => ({ encoded: await encodePhoto(body, c.req.header('content-type'), admitted), received: body.byteLength }),
    write: async ({ db, actor, now, prepared, audit }) => {
      const s = await storePhoto(db, uploaderOf(actor), now, prepared.encoded);
      audit.targetKind = 'photo';
      audit.targetId = s.id;
      audit.detail = { width: s.width, height: s.height, bytes: s.bytes, received: prepared.received };
      return s;
    },
    respond: (c, stored) => {
      const url = `${PHOTOS_PATH}/${stored.id}`;
      return c.json({ id: stored.id, ref: photoRef(stored.id), width: stored.width, height: stored.height, bytes: stored.bytes, url, thumbUrl: `${url}/thumb` }, 201);
    },
  }, opts);

  const notFound = (c: Context) => answer(c, refuse('NOT_FOUND', 'request.notFound', { path: storableText(c.req.path, 100) ? c.req.path : '(unreadable path)' }));

  const serve = (which: 'image' | 'thumb') => async (c: Context) => {
    try {
      const now = opts.now();
      let who: Awaited<ReturnType<typeof identify>>;
      try {
        who = await withStatementTag({ priority: 'interactive', who: 'photos:auth' }, () => identify(c, engine.db, now, opts.auth, { apiKeys: true }));
      } catch (err) {
        console.error(`[photos] ${(err as Error).message.split('\n')[0]}`);
        throw refuse('SERVICE_UNAVAILABLE', 'auth.unavailable');
      }
      const { actor } = who;
      if (!actor) return answer(c, who.unknown);
      if (actor.mustChangePassword) return answer(c, refuse('FORBIDDEN', 'auth.oneTimePassword'));
      if (actor.kind === 'apiKey') (opts.limiter ?? apiKeyLimiter).take(actorKey(actor), actor.ratePerMinute ?? 60, now.getTime());
      const id = c.req.param('id') ?? '';
      if (!isPhotoId(id)) return notFound(c);
      const photo = await withStatementTag({ priority: 'interactive', who: `${actor.roleCode}@photos:${which}` }, () => photoForReader(engine.db, actor, id, which));
      if (!photo) return notFound(c);
      // the image's digest; the thumbnail, another representation, its own tag
      const etag = `"${photo.sha256}${which === 'thumb' ? '-thumb' : ''}"`;
      const headers: Record<string, string> = { ETag: etag, 'Cache-Control': SERVED_CACHE, Vary: 'Cookie, X-Display-Token, X-Api-Key', 'X-Content-Type-Options': 'nosniff' };
      if (matches(c.req.header('if-none-match'), etag)) return c.body(null, 304, headers);
      return c.body(photo.bytes as Uint8Array<ArrayBuffer>, 200, { ...headers, 'Content-Type': 'image/jpeg', 'Content-Length': String(photo.bytes.byteLength) });
    } catch (err) {
      const res = answer(c, err);
      const retry = Number((err as { params?: { retryAfterSeconds?: unknown } }).params?.retryAfterSeconds);
      if (retry > 0) res.headers.set('Retry-After', String(retry));
      return res;
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
