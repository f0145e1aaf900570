// Shared geo inputs/outputs: bbox = [west, south, east, north] in WGS-84 degrees.
import { z } from 'zod';
import { issue } from '../inputs.ts';

export const bboxSchema = z
  .tuple([z.number().min(-180).max(180), z.number().min(-90).max(90), z.number().min(-180).max(180), z.number().min(-90).max(90)])
  .check((ctx) => {
    const [w, s, e, n] = ctx.value;
    if (!(w < e && s < n)) issue(ctx, 'input.bboxOrder');
  });

/** A database id: a whole number 1 … 2³¹−1 (the shared primitive, server/inputs.ts). */
export { idInput } from '../inputs.ts';

/** A place code of `n` digits (district 6, village 12), refused with its own reason (domain/messages.ts). */
export const placeCode = (n: 6 | 9 | 12) =>
  z.string().check((ctx) => {
    if (ctx.value.length !== n || !/^\d+$/.test(ctx.value)) issue(ctx, n === 6 ? 'input.districtCode' : n === 9 ? 'input.townshipCode' : 'input.villageCode');
  });

export type Bbox = [number, number, number, number];

/** A bbox from four nullable columns (an empty extent gives null). */
export function toBbox(r: { w: number | null; s: number | null; e: number | null; n: number | null }): Bbox | null {
  return r.w === null || r.s === null || r.e === null || r.n === null ? null : [r.w, r.s, r.e, r.n];
}
