// GeoJSON inputs, once (design.md: the zod schemas for points, boxes and polygons live in server/geo/):
// positions [lng, lat] in WGS-84 degrees, finite, in range; rings closed with at least 4
// positions; a bounded number of vertices, so one request's cost is bounded before PostGIS sees it.
import { z } from 'zod';
import { issue } from '../inputs.ts';
import type { CellGeometry } from '../../domain/grid-rules.ts';

export const positionSchema = z.tuple([z.number().min(-180).max(180), z.number().min(-90).max(90)]);

const ring = (maxVertices: number) =>
  z
    .array(positionSchema)
    .max(maxVertices)
    .check((ctx) => {
      const r = ctx.value;
      if (r.length < 4 || r[0][0] !== r[r.length - 1][0] || r[0][1] !== r[r.length - 1][1]) issue(ctx, 'input.ringOpen');
    });

const verticesOf = (g: CellGeometry) => (g.type === 'Polygon' ? g.coordinates : g.coordinates.flat()).reduce((n, r) => n + r.length, 0);

/** A Polygon or MultiPolygon of at most `maxVertices` positions in all. */
export const polygonSchema = (maxVertices: number) =>
  z
    .union([
      z.object({ type: z.literal('Polygon'), coordinates: z.array(ring(maxVertices)).min(1).max(64) }),
      z.object({ type: z.literal('MultiPolygon'), coordinates: z.array(z.array(ring(maxVertices)).min(1).max(64)).min(1).max(16) }),
    ])
    .check((ctx) => {
      if (verticesOf(ctx.value as CellGeometry) > maxVertices) issue(ctx, 'input.tooManyVertices', { max: maxVertices });
    });

/** A line of 2 … `maxVertices` positions. */
export const lineSchema = (maxVertices: number) => z.array(positionSchema).min(2).max(maxVertices);

export const vertexCount = verticesOf;
