// Checking and re-encoding an uploaded photo (docs/decisions/0017): what arrives is never stored
// as it is. The bytes must be a JPEG, PNG or WebP by their magic numbers (whatever the declared
// type or a file name says), must decode completely (a truncated or corrupt file, or a script
// behind a JPEG's first bytes, is refused), and are re-encoded: EXIF orientation applied, fit
// inside photos.max_side, JPEG without any metadata (a phone photo's GPS position is personal
// data), plus a thumbnail. CPU work only, no database: it runs before the one short insert, never
// inside a transaction (on the embedded engine a transaction holds the only connection). sharp
// decodes on libuv's threads; the upload route runs it through the bounded queue of expensive
// work with a share per actor (server/http/work-queue.ts), which decides how many run at once.
import { createHash } from 'node:crypto';
import sharp from 'sharp';
import { refuse } from '../query-error.ts';

/** The limits an upload is checked against (app_meta photos.*, read by photos-queries.ts photoSettings). */
export interface PhotoLimits {
  /** The largest upload, bytes. */
  maxUploadBytes: number;
  /** The stored image's longest side, pixels. */
  maxSide: number;
  /** The thumbnail's longest side, pixels. */
  thumbSide: number;
}

/** A photo ready to be stored: the re-encoded JPEG, its thumbnail, its size and the image's sha256 (hex). */
export interface EncodedPhoto {
  image: Buffer;
  thumb: Buffer;
  width: number;
  height: number;
  sha256: string;
}

export type PhotoFormat = 'jpeg' | 'png' | 'webp';

/** The declared content types taken (the content itself is judged by its magic numbers). */
export const PHOTO_TYPES: readonly string[] = ['image/jpeg', 'image/png', 'image/webp'];
/** What the refusal of another type names. */
export const PHOTO_ALLOWED = 'JPEG, PNG, WebP';
/** Decoding stops past this many pixels (a small file can declare a huge canvas: a decompression bomb). */
export const PHOTO_MAX_PIXELS = 50_000_000;
export const PHOTO_QUALITY = 82;
export const THUMB_QUALITY = 70;

const PNG_MAGIC = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const startsWith = (b: Uint8Array, bytes: number[], at = 0) => b.length >= at + bytes.length && bytes.every((x, i) => b[at + i] === x);
const ascii = (s: string) => [...s].map((ch) => ch.charCodeAt(0));

/** The format by the file's first bytes: JPEG (FF D8 FF), PNG (89 50 4E 47 0D 0A 1A 0A), WebP (RIFF....WEBP); anything else null. */
export function sniffPhoto(b: Uint8Array): PhotoFormat | null {
  if (startsWith(b, [0xff, 0xd8, 0xff])) return 'jpeg';
  if (startsWith(b, PNG_MAGIC)) return 'png';
  if (startsWith(b, ascii('RIFF')) && startsWith(b, ascii('WEBP'), 8)) return 'webp';
  return null;
}

/** The media type of a Content-Type header, lower case, without parameters ('' when none was given). */
export function mediaType(contentType: string | null | undefined): string {
  return (contentType ?? '').split(';')[0].trim().toLowerCase();
}

/** Whether a declared content type is acceptable: none given, or one of PHOTO_TYPES. */
export const acceptableType = (contentType: string | null | undefined) => {
  const t = mediaType(contentType);
  return t === '' || PHOTO_TYPES.includes(t);
};

/** The refusals, each thrown with its reason (domain/messages.ts). */
export const photoTooLarge = (maxUploadBytes: number) => refuse('PAYLOAD_TOO_LARGE', 'photo.tooLarge', { maxMb: Math.round((maxUploadBytes / (1024 * 1024)) * 10) / 10 });
export const photoWrongType = () => refuse('UNSUPPORTED_MEDIA_TYPE', 'photo.type', { allowed: PHOTO_ALLOWED });

/**
 * Checks an upload and re-encodes it. Refusals, in this order: nothing sent (`photo.empty`);
 * more than `maxUploadBytes` (`photo.tooLarge`, 413); not a JPEG, PNG or WebP by its first
 * bytes, or declared as another type (`photo.type`, 415); not decodable to its last pixel, or
 * more than PHOTO_MAX_PIXELS (`photo.unreadable`, 400). Throws nothing else for any input.
 */
export async function encodePhoto(input: Uint8Array, declaredType: string | null | undefined, limits: PhotoLimits): Promise<EncodedPhoto> {
  if (input.byteLength === 0) throw refuse('BAD_REQUEST', 'photo.empty');
  if (input.byteLength > limits.maxUploadBytes) throw photoTooLarge(limits.maxUploadBytes);
  if (!sniffPhoto(input) || !acceptableType(declaredType)) throw photoWrongType();
  const buf = Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  // how many of these run at once, and whose turn it is, is the caller's: the write pipeline's queue (server/http/work-queue.ts)
  return (async () => {
    let image: Buffer;
    let width: number;
    let height: number;
    try {
      // failOn 'truncated': a file that ends early is refused, not padded with grey; every pixel is decoded
      const out = await sharp(buf, { failOn: 'truncated', limitInputPixels: PHOTO_MAX_PIXELS })
        .rotate() // EXIF orientation applied to the pixels (the tag itself goes with the rest of the metadata)
        .resize({ width: limits.maxSide, height: limits.maxSide, fit: 'inside', withoutEnlargement: true })
        .flatten({ background: '#ffffff' }) // a PNG's or WebP's transparency on white, not black
        // no withMetadata()/keepExif(): sharp writes no EXIF (GPS, camera, time), XMP, IPTC or ICC profile
        .jpeg({ quality: PHOTO_QUALITY, mozjpeg: true })
        .toBuffer({ resolveWithObject: true });
      [image, width, height] = [out.data, out.info.width, out.info.height];
    } catch (err) {
      throw refuse('BAD_REQUEST', 'photo.unreadable', {}, err);
    }
    let thumb: Buffer;
    try {
      // from the stored image (already oriented and clean), so the two always agree
      thumb = await sharp(image, { failOn: 'truncated' })
        .resize({ width: limits.thumbSide, height: limits.thumbSide, fit: 'inside', withoutEnlargement: true })
        .jpeg({ quality: THUMB_QUALITY, mozjpeg: true })
        .toBuffer();
    } catch (err) {
      throw refuse('BAD_REQUEST', 'photo.unreadable', {}, err);
    }
    return { image, thumb, width, height, sha256: createHash('sha256').update(image).digest('hex') };
  })();
}
