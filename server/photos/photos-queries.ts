// Case photos in the database (case_photos, migration 0018; docs/decisions/0017): storing a
// re-encoded upload under the uploader's daily budget, serving it to those who may see it, and
// attaching uploads to a case by the move that cites them (`photo:<uuid>` references).
// Who may see a photo: one attached to a case, whoever may read that case (the case scope of
// every case query, server/auth/actor.ts caseScopeSql, and 'case.read'); one not attached yet,
// only its uploader. Anything else is answered as missing.
import { sql } from 'drizzle-orm';
import { rows, type Db } from '../../db/engine.ts';
import { queryFailed, refuse } from '../query-error.ts';
import { caseScopeSql, type Actor } from '../auth/actor.ts';
import { SETTINGS } from '../../domain/settings-policy.ts';
import { photoSettings as settingsPhotoSettings } from '../settings/settings.ts';
import type { EncodedPhoto, PhotoLimits } from './photo-image.ts';

/** A move cites an upload as `photo:<id>`. */
export const PHOTO_REF = /^photo:[0-9a-f-]{36}$/;
/** A photo id as gen_random_uuid() writes it (checked before any cast, so a malformed id is never a database error). */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
export const isPhotoId = (id: string) => UUID.test(id);
export const photoRef = (id: string) => `photo:${id}`;

export interface PhotoSettings extends PhotoLimits {
  /** Photos one person may store in 24 hours. */
  perUserDay: number;
}

const declared = (key: 'photos.max_upload_bytes' | 'photos.max_side' | 'photos.thumb_side' | 'photos.per_user_day') => Number(SETTINGS[key].default);
/** The settings when app_meta lacks them: their declared defaults (domain/settings-policy.ts; migration 0018 writes the same values). */
export const PHOTO_DEFAULTS: Readonly<PhotoSettings> = Object.freeze({
  maxUploadBytes: declared('photos.max_upload_bytes'),
  maxSide: declared('photos.max_side'),
  thumbSide: declared('photos.thumb_side'),
  perUserDay: declared('photos.per_user_day'),
});

/**
 * The photo settings (photos.*) through the one settings reader (server/settings/settings.ts):
 * a missing row reads as its default; a stored value outside its bounds (the upload limit above
 * the 10 MB cap the route streams against, say) is refused, named, never silently replaced.
 */
export function photoSettings(db: Db): Promise<PhotoSettings> {
  return settingsPhotoSettings(db);
}

/** Who uploads: a person (case_photos.uploaded_by) or an API key (uploaded_by_key, migration 0020); each has its own budget. */
export interface Uploader {
  kind: 'user' | 'apiKey';
  id: number;
}
export const uploaderOf = (a: Actor): Uploader => ({ kind: a.kind === 'apiKey' ? 'apiKey' : 'user', id: a.id });
const uploaderColumn = (u: Uploader) => (u.kind === 'apiKey' ? sql`uploaded_by_key` : sql`uploaded_by`);

/** A 64-bit advisory-lock key per uploader: two uploads of one uploader count the budget one after the other. */
const budgetLock = (u: Uploader) => sql`pg_advisory_xact_lock(hashtext(${u.kind === 'apiKey' ? 'citygrid.photos.budget.key' : 'citygrid.photos.budget'}), ${u.id}::int)`;

/**
 * Photos an uploader used of the day's budget at `now`: those stored in the 24 hours before, and
 * the uploads refused as unreadable in that time (each made the server decode an image: counted
 * from the audit log, where a repeated refusal is one row with its repeats). The key's audit rows
 * are found by its name and kind.
 */
async function budgetUsed(db: Db, u: Uploader, now: Date): Promise<number> {
  const since = new Date(now.getTime() - 24 * 3600_000).toISOString();
  const who = u.kind === 'apiKey' ? sql`a.actor_kind = 'apiKey' and a.actor = (select 'apikey:' || name from api_keys where id = ${u.id})` : sql`a.user_id = ${u.id}`;
  const [{ n }] = await rows<{ n: number }>(
    db,
    sql`select (select count(*) from case_photos where ${uploaderColumn(u)} = ${u.id} and uploaded_at > ${since}::timestamptz)::int
             + (select coalesce(sum(a.repeats), 0) from audit_log a
                where a.action = 'photos.upload' and a.at > ${since}::timestamptz and ${who}
                  and a.detail->>'outcome' = 'denied' and a.detail->>'reason' = 'photo.unreadable')::int as n`,
  );
  return n;
}

/** Refuses `photo.budget` before an upload is read and decoded, when its uploader has used the day's budget already (stored photos and failed decodes; storePhoto counts again, under its lock). */
export async function checkBudget(db: Db, uploader: Uploader, now: Date, perUserDay: number): Promise<void> {
  let n: number;
  try {
    n = await budgetUsed(db, uploader, now);
  } catch (err) {
    throw queryFailed('the photo budget', err);
  }
  if (n >= perUserDay) throw refuse('TOO_MANY_REQUESTS', 'photo.budget', { max: perUserDay });
}

/**
 * Stores an encoded photo (photo-image.ts encodePhoto), unattached, as uploaded by `uploader`
 * at `now`. Refuses `photo.budget` (429) when that uploader already used photos.per_user_day
 * in the 24 hours before `now` (stored photos and failed decodes). One short transaction (the
 * budget's lock, the count, the insert); call it after encoding, never with the encoding inside.
 */
export async function storePhoto(db: Db, uploader: Uploader, now: Date, encoded: EncodedPhoto): Promise<{ id: string; width: number; height: number; bytes: number }> {
  const { perUserDay } = await photoSettings(db);
  const at = now.toISOString();
  try {
    return await db.transaction(async (t) => {
      const tx = t as unknown as Db;
      await tx.execute(sql`select ${budgetLock(uploader)}`);
      if ((await budgetUsed(tx, uploader, now)) >= perUserDay) throw refuse('TOO_MANY_REQUESTS', 'photo.budget', { max: perUserDay });
      const [r] = await rows<{ id: string; width: number; height: number; bytes: number }>(
        tx,
        sql`insert into case_photos (uploaded_by, uploaded_by_key, uploaded_at, width, height, image, thumb, bytes, sha256)
            values (${uploader.kind === 'user' ? uploader.id : null}, ${uploader.kind === 'apiKey' ? uploader.id : null}, ${at}::timestamptz, ${encoded.width}, ${encoded.height},
                    ${encoded.image}::bytea, ${encoded.thumb}::bytea, ${encoded.image.byteLength}, ${encoded.sha256})
            returning id::text as id, width, height, bytes`,
      );
      return r;
    });
  } catch (err) {
    throw queryFailed('store photo', err);
  }
}

/**
 * A photo's image or thumbnail for `actor`, or null when there is none with that id or the actor
 * may not see it (told apart nowhere, so a guess learns nothing): attached to a case, for an
 * actor holding 'case.read' whose scope covers the case; unattached, for its uploader only.
 */
export async function photoForReader(db: Db, actor: Actor, id: string, which: 'image' | 'thumb'): Promise<{ bytes: Buffer; sha256: string } | null> {
  if (!isPhotoId(id)) return null;
  const data = which === 'thumb' ? sql`p.thumb` : sql`p.image`;
  // a display token's id is no user's; an API key sees its own unattached uploads
  const uploader = actor.kind === 'user' ? sql`p.uploaded_by = ${actor.id}` : actor.kind === 'apiKey' ? sql`p.uploaded_by_key = ${actor.id}` : sql`false`;
  const caseReader = actor.actions.has('case.read') ? caseScopeSql(actor.scope, 'c') : sql`false`;
  let found: { data: Uint8Array; sha256: string }[];
  try {
    found = await rows<{ data: Uint8Array; sha256: string }>(
      db,
      sql`select ${data} as data, p.sha256 from case_photos p left join cases c on c.id = p.case_id
          where p.id = ${id}::uuid and case when p.case_id is null then ${uploader} else c.id is not null and ${caseReader} end`,
    );
  } catch (err) {
    throw queryFailed('read photo', err);
  }
  if (!found.length) return null;
  const d = found[0].data;
  return { bytes: Buffer.isBuffer(d) ? d : Buffer.from(d.buffer, d.byteOffset, d.byteLength), sha256: found[0].sha256 };
}

/**
 * Attaches the photos `refs` (`photo:<uuid>`) to case `caseId` and its event `eventId`, inside
 * the caller's transaction (the move that cites them). Each must be an upload of
 * `actorUserId` not attached yet, or a photo already attached to this same case (cited again:
 * it keeps the event that first cited it); else `photo.unknown` (400, naming the ref), and
 * nothing is attached. Answers the photo ids, in the order of `refs`, without repeats.
 */
export async function attachPhotos(db: Db, actorUserId: number, caseId: number, eventId: number | null, refs: readonly string[]): Promise<string[]> {
  const ids: string[] = [];
  for (const ref of refs) {
    const id = typeof ref === 'string' && PHOTO_REF.test(ref) ? ref.slice('photo:'.length) : '';
    if (!isPhotoId(id)) throw refuse('BAD_REQUEST', 'photo.unknown', { ref: String(ref).slice(0, 80) });
    if (!ids.includes(id)) ids.push(id);
  }
  if (!ids.length) return [];
  const list = sql.join(ids.map((id) => sql`${id}::uuid`), sql`, `);
  try {
    // locked first: two moves citing one upload attach it once, the other is refused
    const found = await rows<{ id: string; case_id: number | null; uploaded_by: number }>(
      db,
      sql`select id::text as id, case_id::float8 as case_id, uploaded_by from case_photos where id in (${list}) order by id for update`,
    );
    const byId = new Map(found.map((r) => [r.id, r]));
    for (const id of ids) {
      const p = byId.get(id);
      const ok = p && (p.case_id === null ? p.uploaded_by === actorUserId : p.case_id === caseId);
      if (!ok) throw refuse('BAD_REQUEST', 'photo.unknown', { ref: photoRef(id) });
    }
    await db.execute(sql`update case_photos set case_id = ${caseId}, event_id = ${eventId} where id in (${list}) and case_id is null`);
  } catch (err) {
    throw queryFailed('attach photos', err);
  }
  return ids;
}

export interface CasePhoto {
  id: string;
  eventId: number | null;
  width: number;
  height: number;
  bytes: number;
  /** ISO instant (UTC). */
  uploadedAt: string;
}

/** The photos of a case, oldest first (the caller has checked that the asker may read the case). */
export async function photosOfCase(db: Db, caseId: number): Promise<CasePhoto[]> {
  try {
    return await rows<CasePhoto>(
      db,
      sql`select id::text as id, event_id::float8 as "eventId", width, height, bytes,
                 to_char(uploaded_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as "uploadedAt"
          from case_photos where case_id = ${caseId} order by uploaded_at, id`,
    );
  } catch (err) {
    throw queryFailed('photos of a case', err);
  }
}
