-- The screens' needs (issue [8]; docs/decisions/0017-case-photos.md): case photos stored in the
-- database (re-encoded JPEG + thumbnail, attached to a case by the move that cites them), the
-- reporting client's idempotency key (an offline report sent twice makes one case), and the
-- thresholds the screens and the engine read, as data (app_meta).
CREATE TABLE "case_photos" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"case_id" bigint,
	"event_id" bigint,
	"uploaded_by" integer NOT NULL,
	"uploaded_at" timestamp with time zone NOT NULL,
	"width" integer NOT NULL,
	"height" integer NOT NULL,
	"image" "bytea" NOT NULL,
	"thumb" "bytea" NOT NULL,
	"bytes" integer NOT NULL,
	"sha256" text NOT NULL
);
--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "idempotency_key" uuid;--> statement-breakpoint
ALTER TABLE "case_photos" ADD CONSTRAINT "case_photos_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "case_photos" ADD CONSTRAINT "case_photos_uploaded_by_users_id_fk" FOREIGN KEY ("uploaded_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "case_photos_case_idx" ON "case_photos" USING btree ("case_id");--> statement-breakpoint
CREATE INDEX "case_photos_uploader_idx" ON "case_photos" USING btree ("uploaded_by","uploaded_at");--> statement-breakpoint
CREATE UNIQUE INDEX "cases_idempotency_key_idx" ON "cases" USING btree ("idempotency_key") WHERE idempotency_key is not null;--> statement-breakpoint
CREATE INDEX "cases_closed_public_idx" ON "cases" USING btree ("closed_at") WHERE status = 'closed' and source = 'public';
--> statement-breakpoint
INSERT INTO app_meta (key, value) VALUES
  -- an upload's largest body (bytes) and the stored image's longest side and the thumbnail's (pixels)
  ('photos.max_upload_bytes', '10485760'),
  ('photos.max_side', '2048'),
  ('photos.thumb_side', '320'),
  -- the storage budget: photos one person may upload per day (the rest are refused until the next day)
  ('photos.per_user_day', '300'),
  -- a site visit (verify, check) recorded this far (metres) or further from the case is flagged
  ('workflow.visit_far_meters', '200'),
  -- the intake's duplicate hint: open cases of the same subclass within this radius (metres)
  ('intake.duplicate_radius_meters', '150')
ON CONFLICT (key) DO NOTHING;
