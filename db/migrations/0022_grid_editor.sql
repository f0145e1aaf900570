-- The grid editor (docs/decisions/0027-grid-editor.md): the standard's attributes of a unit grid,
-- who published a version, one current version per code, a partial spatial index over the current
-- cells (what every check reads), each community's grid revision (a draft's base) and the log of
-- publishes. A version is current while valid_to is null; status says the same in words.
CREATE TABLE "grid_changes" (
	"id" serial PRIMARY KEY NOT NULL,
	"village_code" char(12) NOT NULL,
	"revision" integer NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"user_id" integer,
	"note" text DEFAULT '' NOT NULL,
	"written" text[] NOT NULL,
	"retired" text[] NOT NULL
);
--> statement-breakpoint
ALTER TABLE "villages" ADD COLUMN "grid_revision" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "unit_grids" ADD COLUMN "land_use" text;--> statement-breakpoint
ALTER TABLE "unit_grids" ADD COLUMN "management_level" text;--> statement-breakpoint
ALTER TABLE "unit_grids" ADD COLUMN "responsible_party" text;--> statement-breakpoint
ALTER TABLE "unit_grids" ADD COLUMN "published_by" integer;--> statement-breakpoint
ALTER TABLE "grid_changes" ADD CONSTRAINT "grid_changes_village_code_villages_code_fk" FOREIGN KEY ("village_code") REFERENCES "public"."villages"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "grid_changes" ADD CONSTRAINT "grid_changes_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "grid_changes_village_revision_idx" ON "grid_changes" USING btree ("village_code","revision");--> statement-breakpoint
ALTER TABLE "unit_grids" ADD CONSTRAINT "unit_grids_published_by_users_id_fk" FOREIGN KEY ("published_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "unit_grids_current_code_idx" ON "unit_grids" USING btree ("code") WHERE valid_to is null;--> statement-breakpoint
CREATE INDEX "unit_grids_current_geom_idx" ON "unit_grids" USING gist ("geom") WHERE valid_to is null;--> statement-breakpoint
ALTER TABLE "unit_grids" ADD CONSTRAINT "unit_grids_status_matches_validity" CHECK ((valid_to is null) = (status = 'active'));
--> statement-breakpoint
INSERT INTO app_meta (key, value) VALUES
  -- the grid editor's rules: overlap tolerance and smallest gap (m², on the ellipsoid), spike angle (degrees), cell area bounds (m²)
  ('grid.overlap_tolerance_m2', '0.01'),
  ('grid.min_gap_m2', '1'),
  ('grid.spike_degrees', '1'),
  ('grid.min_area_m2', '1000'),
  ('grid.max_area_m2', '200000')
ON CONFLICT (key) DO NOTHING;
