-- Clinic coverage (docs/decisions/0026-coverage.md): demand cells, where people live. A cell is
-- a share of one village's (or community's) census population at the centre of a hexagon of a
-- regular grid over the city (SRID 4326 point); a territory holding no hexagon centre is one
-- cell at the village centre. cg_fill_demand_cells(edge, decay) replaces every cell from the
-- villages table, set-based, in one statement (data/generators/demand.ts calls it with
-- DEMAND_TARGETS); this migration calls it once with the same values, so a database seeded
-- before it gets its cells too (an empty database gets none: its seed makes them).
CREATE TABLE "demand_cells" (
	"id" serial PRIMARY KEY NOT NULL,
	"village_code" char(12) NOT NULL,
	"township_code" char(9) NOT NULL,
	"district_code" char(6) NOT NULL,
	"kind" text NOT NULL,
	"population" double precision NOT NULL,
	"lng" double precision NOT NULL,
	"lat" double precision NOT NULL,
	"geom" geometry(Point,4326) NOT NULL
);
--> statement-breakpoint
ALTER TABLE "demand_cells" ADD CONSTRAINT "demand_cells_village_code_villages_code_fk" FOREIGN KEY ("village_code") REFERENCES "public"."villages"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "demand_cells_geom_idx" ON "demand_cells" USING gist ("geom");--> statement-breakpoint
CREATE INDEX "demand_cells_village_idx" ON "demand_cells" USING btree ("village_code");
--> statement-breakpoint
-- hex_edge_metres: the hexagons' edge (metres, ST_HexagonGrid cells; area 2.598 × edge²).
-- decay_metres: people cluster around the village centre: a cell's weight is exp(−d / decay),
-- d its distance to the centre (metres); a village's cells share its population by weight.
-- Metric work in the local equirectangular plane the territories were made in
-- (data/generators/tessellate.ts: origin 117.65 °E, 24.5 °N, x = (lng − 117.65) × KX,
-- y = (lat − 24.5) × KY, within 0.5 percent of true metres across the city): an affine map, no PROJ.
CREATE OR REPLACE FUNCTION cg_fill_demand_cells(hex_edge_metres float8, decay_metres float8) RETURNS integer
LANGUAGE plpgsql AS $fill$
DECLARE
  kx constant float8 := 101296.88867397679;
  ky constant float8 := 110574;
  n integer;
BEGIN
  DELETE FROM demand_cells;
  WITH v AS (
    SELECT code, township_code, district_code, kind, population, geom, area,
           ST_SetSRID(ST_Affine(area, kx, 0, 0, ky, -117.65 * kx, -24.5 * ky), 0) AS local_area,
           (lng - 117.65) * kx AS cx, (lat - 24.5) * ky AS cy
    FROM villages
  ), hex AS (
    SELECT v.code, ST_X(ST_Centroid(h.geom)) AS x, ST_Y(ST_Centroid(h.geom)) AS y
    FROM v CROSS JOIN LATERAL ST_HexagonGrid(hex_edge_metres, v.local_area) h
    WHERE v.local_area IS NOT NULL AND ST_Intersects(v.local_area, ST_Centroid(h.geom))
  ), weighted AS (
    SELECT h.code, h.x, h.y, exp(-sqrt((h.x - v.cx) ^ 2 + (h.y - v.cy) ^ 2) / decay_metres) AS w
    FROM hex h JOIN v ON v.code = h.code
  ), cells AS (
    SELECT code, x, y, w / sum(w) OVER (PARTITION BY code) AS share FROM weighted
    UNION ALL
    SELECT v.code, v.cx, v.cy, 1 FROM v WHERE NOT EXISTS (SELECT 1 FROM hex h WHERE h.code = v.code)
  )
  INSERT INTO demand_cells (village_code, township_code, district_code, kind, population, lng, lat, geom)
  SELECT v.code, v.township_code, v.district_code, v.kind, v.population * c.share, c.x / kx + 117.65, c.y / ky + 24.5,
         ST_SetSRID(ST_MakePoint(c.x / kx + 117.65, c.y / ky + 24.5), 4326)
  FROM cells c JOIN v ON v.code = c.code
  ORDER BY v.code, c.y DESC, c.x;
  GET DIAGNOSTICS n = ROW_COUNT;
  RETURN n;
END
$fill$;
--> statement-breakpoint
-- The nearest clinics of a point by the index: a degree east is 9 % shorter than a degree north
-- here, so the plain `geom <-> geom` order may swap near neighbours. Longitudes scaled by
-- cos 24.5° (0.91, the city's middle latitude) make the plane isotropic within ±1 % across the
-- city, so the few nearest by this index hold the nearest by great circle
-- (server/coverage/coverage-queries.ts orders by exactly this expression).
CREATE INDEX "clinics_isotropic_idx" ON "clinics" USING gist (ST_Scale("geom", 0.91, 1));
--> statement-breakpoint
SELECT cg_fill_demand_cells(400, 700);
