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
CREATE INDEX "login_attempts_device_at_idx" ON "login_attempts" USING btree ("device_hash","at");