// A failed statement of a grid operation (server/grids/grid-check-queries.ts geometryError): GEOS's
// own failure is the operation's refusal, grid.geometryFailed, which the editor words as such; any
// other failure of the database is said as what it is (a timeout, a failed query), not blamed on
// the geometry.
import { describe, expect, it, vi } from 'vitest';
import { geometryError } from '../../server/grids/grid-check-queries.ts';
import { refuse } from '../../server/query-error.ts';

const failed = (code: string, message: string) => Object.assign(new Error('Failed query: select …'), { cause: Object.assign(new Error(message), { code }) });

describe('geometryError', () => {
  it.each([
    ['XX000', 'GEOSIntersects: TopologyException: side location conflict at 117.3 24.3', 'grid.geometryFailed', 'BAD_REQUEST'],
    ['XX000', 'lwgeom_intersection_prec: GEOS Error: TopologyException', 'grid.geometryFailed', 'BAD_REQUEST'],
    ['22023', 'Invalid GeoJSON geometry', 'grid.geometryFailed', 'BAD_REQUEST'],
    ['57014', 'canceling statement due to statement timeout', 'db.timeout', 'TIMEOUT'],
    ['08006', 'connection failure', 'db.failed', 'INTERNAL_SERVER_ERROR'],
    ['40P01', 'deadlock detected', 'db.failed', 'INTERNAL_SERVER_ERROR'],
  ])('SQLSTATE %s (%s) is %s', (code, message, reason, status) => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const e = geometryError('the split', failed(code, message));
    expect(e).toMatchObject({ reason, code: status });
  });

  it('missing rows (the embedded engine swallowing a GEOS exception) are the geometry failure; a refusal passes through', () => {
    expect(geometryError('the merge')).toMatchObject({ reason: 'grid.geometryFailed', params: { what: 'the merge' } });
    const own = refuse('NOT_FOUND', 'notFound', { what: 'unit grid', id: 1 });
    expect(geometryError('the merge', own)).toBe(own);
  });
});
