CREATE TABLE "login_devices" (
	"token_hash" text PRIMARY KEY NOT NULL,
	"username" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_used_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "audit_log" ADD COLUMN "fingerprint" text;--> statement-breakpoint
ALTER TABLE "audit_log" ADD COLUMN "repeats" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "audit_log" ADD COLUMN "last_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "login_attempts" ADD COLUMN "kind" text DEFAULT 'password' NOT NULL;--> statement-breakpoint
ALTER TABLE "login_attempts" ADD COLUMN "device_hash" text;--> statement-breakpoint
CREATE INDEX "login_devices_user_idx" ON "login_devices" USING btree ("username");--> statement-breakpoint
CREATE INDEX "audit_log_fingerprint_idx" ON "audit_log" USING btree ("fingerprint","at");--> statement-breakpoint
CREATE INDEX "login_attempts_device_at_idx" ON "login_attempts" USING btree ("device_hash","at");--> statement-breakpoint
-- Counted audit rows: identical refusals (same fingerprint) within audit.coalesce_minutes are
-- one row whose `repeats` and `last_at` grow. That is the only change the audit log allows: the
-- guard below lets an UPDATE through only when every other column stays as it was and repeats
-- grows; DELETE stays refused. (cg_append_only, migration 0005, still guards the other tables.)
CREATE OR REPLACE FUNCTION cg_audit_log_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE'
     AND (to_jsonb(NEW) - 'repeats' - 'last_at') = (to_jsonb(OLD) - 'repeats' - 'last_at')
     AND NEW.repeats > OLD.repeats THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'audit_log is append-only: % is not allowed (only a refusal''s repeat count may grow)', TG_OP USING ERRCODE = 'restrict_violation';
END $$;
--> statement-breakpoint
DROP TRIGGER audit_log_append_only ON audit_log;
--> statement-breakpoint
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION cg_audit_log_guard();
--> statement-breakpoint
-- Limits as data (app_meta):
-- auth.max_failures_per_device: failed sign-ins through one device cookie before that cookie stops
--   lifting a user-name lock (the failure window and lockout are auth.failure_window_minutes / lockout_minutes);
-- auth.device_days: how long a device cookie stays valid after its last successful sign-in;
-- auth.max_concurrent_hashes: password hashes (scrypt, ~32 MiB and ~50-100 ms each) computed at
--   once per server process; beyond it a sign-in is answered 429 with Retry-After, unhashed;
-- audit.coalesce_minutes: identical refusals within this many minutes are one counted audit row.
INSERT INTO app_meta (key, value) VALUES
  ('auth.max_failures_per_device', '5'),
  ('auth.device_days', '90'),
  ('auth.max_concurrent_hashes', '4'),
  ('audit.coalesce_minutes', '10')
ON CONFLICT (key) DO NOTHING;
