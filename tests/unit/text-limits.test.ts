// The limits of a report's texts are one table (domain/request-limits.ts TEXT_LIMITS): the
// server's input (dispatch.register) refuses exactly beyond them and the form counts against
// the same numbers (overLimits), so nothing is cut silently and nothing the form lets through
// is refused for its length.
import { describe, expect, it } from 'vitest';
import { TEXT_LIMITS, overLimits } from '../../domain/request-limits.ts';
import { registerInput } from '../../server/dispatch/dispatch-router.ts';

const base = { channel: 'patrol', categoryCode: 'E0104', lng: 117.65, lat: 24.51, description: 'x' };
const reasons = (r: ReturnType<typeof registerInput.safeParse>) => (r.success ? [] : r.error.issues.map((i) => (i as { params?: { reason?: string } }).params?.reason ?? i.code));

describe('text limits: one table for the form and the server', () => {
  it('the description, address and caller name are taken up to their limit and refused one beyond, on both sides', () => {
    const cases = [
      ['description', (v: string) => ({ ...base, description: v })],
      ['address', (v: string) => ({ ...base, address: v })],
      ['externalId', (v: string) => ({ ...base, externalId: v })],
      ['callerName', (v: string) => ({ ...base, reporter: { name: v } })],
    ] as const;
    for (const [field, input] of cases) {
      const max = TEXT_LIMITS[field];
      const at = '字'.repeat(max);
      const beyond = '字'.repeat(max + 1);
      expect(reasons(registerInput.safeParse(input(at))), `${field} at its limit`).toEqual([]);
      expect(overLimits({ [field]: at })).toEqual([]);
      expect(reasons(registerInput.safeParse(input(beyond))), `${field} beyond its limit`).toContain('input.textTooLong');
      expect(overLimits({ [field]: beyond })).toEqual([{ field, max, length: max + 1 }]);
    }
  });
  it('both count the trimmed text (spaces around it are not counted)', () => {
    const padded = `  ${'a'.repeat(TEXT_LIMITS.description)}  `;
    expect(overLimits({ description: padded })).toEqual([]);
    expect(reasons(registerInput.safeParse({ ...base, description: padded }))).toEqual([]);
  });
  it('a 10,000-character description is refused with its limit (never cut)', () => {
    const r = registerInput.safeParse({ ...base, description: 'a'.repeat(10_000) });
    expect(reasons(r)).toContain('input.textTooLong');
    expect(overLimits({ description: 'a'.repeat(10_000) })[0]).toMatchObject({ field: 'description', max: 1000, length: 10_000 });
  });
  it('the server refuses swapped coordinates with its own reason', () => {
    expect(reasons(registerInput.safeParse({ ...base, lng: 24.5663, lat: 117.6484 }))).toContain('input.coordsSwapped');
    expect(reasons(registerInput.safeParse(base))).toEqual([]);
  });
});
