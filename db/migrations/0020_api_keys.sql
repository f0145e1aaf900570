-- One pipeline for writes outside tRPC (docs/decisions/0020-one-write-pipeline.md): API keys, a
-- third kind of actor (header x-api-key; only the SHA-256 of a key is stored, as for sessions;
-- explicit rights, districts, requests per minute); the audit log records which kind of actor
-- acted (actor_kind: 'user', 'display', 'apiKey'; null on older rows); a photo is uploaded by a
-- person or by an API key, exactly one; uploads never cited by a case are purged after
-- photos.unattached_purge_hours.
CREATE TABLE "api_keys" (
	"id" serial PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"key_hash" text NOT NULL,
	"rights" text[] DEFAULT '{}' NOT NULL,
	"district_codes" char(6)[] DEFAULT '{}' NOT NULL,
	"rate_per_minute" integer DEFAULT 60 NOT NULL,
	"created_by" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"revoked_at" timestamp with time zone,
	CONSTRAINT "api_keys_name_unique" UNIQUE("name"),
	CONSTRAINT "api_keys_key_hash_unique" UNIQUE("key_hash")
);
--> statement-breakpoint
ALTER TABLE "case_photos" ALTER COLUMN "uploaded_by" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "case_photos" ADD COLUMN "uploaded_by_key" integer;--> statement-breakpoint
ALTER TABLE "audit_log" ADD COLUMN "actor_kind" text;--> statement-breakpoint
ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "case_photos" ADD CONSTRAINT "case_photos_uploaded_by_key_api_keys_id_fk" FOREIGN KEY ("uploaded_by_key") REFERENCES "public"."api_keys"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "case_photos_key_uploader_idx" ON "case_photos" USING btree ("uploaded_by_key","uploaded_at");--> statement-breakpoint
CREATE INDEX "case_photos_unattached_idx" ON "case_photos" USING btree ("uploaded_at") WHERE case_id is null;--> statement-breakpoint
ALTER TABLE "case_photos" ADD CONSTRAINT "case_photos_one_uploader" CHECK ((uploaded_by is null) <> (uploaded_by_key is null));
--> statement-breakpoint
INSERT INTO app_meta (key, value) VALUES
  -- uploads no move has cited are deleted this many hours after their upload (server/photos/photo-purge.ts)
  ('photos.unattached_purge_hours', '24')
ON CONFLICT (key) DO NOTHING;
