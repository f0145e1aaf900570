CREATE TABLE "districts" (
	"code" char(6) PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"name_en" text NOT NULL,
	"population" integer NOT NULL,
	"population_source" text NOT NULL,
	"geom" geometry(MultiPolygon,4326) NOT NULL
);
--> statement-breakpoint
CREATE TABLE "townships" (
	"code" char(9) PRIMARY KEY NOT NULL,
	"district_code" char(6) NOT NULL,
	"name" text NOT NULL,
	"kind" text NOT NULL,
	"population" integer NOT NULL,
	"in_core" boolean DEFAULT false NOT NULL,
	"geom" geometry(MultiPolygon,4326) NOT NULL
);
--> statement-breakpoint
CREATE TABLE "villages" (
	"code" char(12) PRIMARY KEY NOT NULL,
	"township_code" char(9) NOT NULL,
	"district_code" char(6) NOT NULL,
	"name" text NOT NULL,
	"kind" text NOT NULL,
	"population" integer NOT NULL,
	"in_core" boolean DEFAULT false NOT NULL,
	"geom" geometry(Point,4326) NOT NULL,
	"area" geometry(MultiPolygon,4326),
	"lng" double precision NOT NULL,
	"lat" double precision NOT NULL
);
--> statement-breakpoint
CREATE TABLE "responsibility_grids" (
	"id" serial PRIMARY KEY NOT NULL,
	"code" text NOT NULL,
	"name" text NOT NULL,
	"district_code" char(6) NOT NULL,
	"assignee_role" text NOT NULL,
	"assignee_name" text NOT NULL,
	"geom" geometry(MultiPolygon,4326) NOT NULL,
	CONSTRAINT "responsibility_grids_code_unique" UNIQUE("code")
);
--> statement-breakpoint
CREATE TABLE "unit_grids" (
	"id" serial PRIMARY KEY NOT NULL,
	"code" char(15) NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"status" text DEFAULT 'active' NOT NULL,
	"valid_from" timestamp with time zone NOT NULL,
	"valid_to" timestamp with time zone,
	"village_code" char(12) NOT NULL,
	"township_code" char(9) NOT NULL,
	"district_code" char(6) NOT NULL,
	"responsibility_grid_id" integer,
	"area_m2" double precision NOT NULL,
	"geom" geometry(MultiPolygon,4326) NOT NULL
);
--> statement-breakpoint
CREATE TABLE "property_communities" (
	"id" serial PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"village_code" char(12) NOT NULL,
	"company_id" integer NOT NULL,
	"households" integer NOT NULL,
	"party_org_name" text,
	"party_org_kind" text DEFAULT 'none' NOT NULL,
	"geom" geometry(MultiPolygon,4326) NOT NULL
);
--> statement-breakpoint
CREATE TABLE "property_companies" (
	"id" serial PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"credit_code" char(18) NOT NULL,
	"phone" text NOT NULL,
	"has_party_branch" boolean DEFAULT false NOT NULL,
	"department_id" integer,
	CONSTRAINT "property_companies_name_unique" UNIQUE("name"),
	CONSTRAINT "property_companies_credit_code_unique" UNIQUE("credit_code")
);
--> statement-breakpoint
CREATE TABLE "clinics" (
	"id" serial PRIMARY KEY NOT NULL,
	"code" text NOT NULL,
	"name" text NOT NULL,
	"kind" text NOT NULL,
	"village_code" char(12) NOT NULL,
	"attributes" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"geom" geometry(Point,4326) NOT NULL,
	CONSTRAINT "clinics_code_unique" UNIQUE("code")
);
--> statement-breakpoint
CREATE TABLE "calendar_days" (
	"day" date PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"name" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "case_categories" (
	"code" text PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"major_code" char(2) NOT NULL,
	"major_name" text NOT NULL,
	"minor_code" char(2) NOT NULL,
	"name" text NOT NULL,
	"name_en" text NOT NULL,
	"filing_condition" text NOT NULL,
	"closure_condition" text NOT NULL,
	"owner_kind" text NOT NULL,
	"demo_weight" numeric DEFAULT '1' NOT NULL,
	"active" boolean DEFAULT true NOT NULL
);
--> statement-breakpoint
CREATE TABLE "category_time_limits" (
	"category_code" text NOT NULL,
	"stage" text NOT NULL,
	"urgency" text NOT NULL,
	"area_class" text NOT NULL,
	"amount" numeric NOT NULL,
	"unit" text NOT NULL,
	CONSTRAINT "category_time_limits_category_code_stage_urgency_area_class_pk" PRIMARY KEY("category_code","stage","urgency","area_class")
);
--> statement-breakpoint
CREATE TABLE "department_districts" (
	"department_id" integer NOT NULL,
	"district_code" char(6) NOT NULL,
	CONSTRAINT "department_districts_department_id_district_code_pk" PRIMARY KEY("department_id","district_code")
);
--> statement-breakpoint
CREATE TABLE "departments" (
	"id" serial PRIMARY KEY NOT NULL,
	"code" text NOT NULL,
	"name" text NOT NULL,
	"name_en" text NOT NULL,
	"kind" text NOT NULL,
	"township_code" char(9),
	CONSTRAINT "departments_code_unique" UNIQUE("code")
);
--> statement-breakpoint
CREATE TABLE "dispatch_rules" (
	"id" serial PRIMARY KEY NOT NULL,
	"priority" integer NOT NULL,
	"category_code" text,
	"major_kind" text,
	"major_code" char(2),
	"district_code" char(6),
	"township_code" char(9),
	"village_code" char(12),
	"in_property_community" boolean,
	"department_id" integer,
	"resolve" text,
	"note" text DEFAULT '' NOT NULL
);
--> statement-breakpoint
CREATE TABLE "working_periods" (
	"id" serial PRIMARY KEY NOT NULL,
	"starts_at" time NOT NULL,
	"ends_at" time NOT NULL
);
--> statement-breakpoint
CREATE TABLE "case_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"case_id" bigint NOT NULL,
	"seq" integer NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"type" text NOT NULL,
	"from_status" text,
	"to_status" text NOT NULL,
	"actor" text NOT NULL,
	"actor_role" text NOT NULL,
	"reason" text,
	"payload" jsonb
);
--> statement-breakpoint
CREATE TABLE "case_reporters" (
	"case_id" bigint PRIMARY KEY NOT NULL,
	"name" text,
	"phone" text,
	"anonymous" char(1) DEFAULT 'N' NOT NULL
);
--> statement-breakpoint
CREATE TABLE "cases" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"code" text NOT NULL,
	"source" text NOT NULL,
	"channel" text NOT NULL,
	"external_id" text,
	"category_code" text NOT NULL,
	"urgency" text DEFAULT 'normal' NOT NULL,
	"area_class" text DEFAULT 'general' NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"address" text DEFAULT '' NOT NULL,
	"geom" geometry(Point,4326) NOT NULL,
	"orig_lng" double precision NOT NULL,
	"orig_lat" double precision NOT NULL,
	"orig_crs" text NOT NULL,
	"status" text NOT NULL,
	"unit_grid_id" integer,
	"grid_code" char(15),
	"village_code" char(12),
	"township_code" char(9),
	"district_code" char(6),
	"property_community_id" integer,
	"department_id" integer,
	"reported_at" timestamp with time zone NOT NULL,
	"handle_due_at" timestamp with time zone,
	"close_due_at" timestamp with time zone,
	"closed_at" timestamp with time zone,
	"version" integer DEFAULT 1 NOT NULL,
	CONSTRAINT "cases_code_unique" UNIQUE("code")
);
--> statement-breakpoint
CREATE TABLE "roles" (
	"code" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"name_en" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "users" (
	"id" serial PRIMARY KEY NOT NULL,
	"username" text NOT NULL,
	"display_name" text NOT NULL,
	"role_code" text NOT NULL,
	"department_id" integer,
	"district_codes" char(6)[] DEFAULT '{}' NOT NULL,
	"password_hash" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "users_username_unique" UNIQUE("username")
);
--> statement-breakpoint
CREATE TABLE "app_meta" (
	"key" text PRIMARY KEY NOT NULL,
	"value" text NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "townships" ADD CONSTRAINT "townships_district_code_districts_code_fk" FOREIGN KEY ("district_code") REFERENCES "public"."districts"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "villages" ADD CONSTRAINT "villages_township_code_townships_code_fk" FOREIGN KEY ("township_code") REFERENCES "public"."townships"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "villages" ADD CONSTRAINT "villages_district_code_districts_code_fk" FOREIGN KEY ("district_code") REFERENCES "public"."districts"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "responsibility_grids" ADD CONSTRAINT "responsibility_grids_district_code_districts_code_fk" FOREIGN KEY ("district_code") REFERENCES "public"."districts"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "unit_grids" ADD CONSTRAINT "unit_grids_village_code_villages_code_fk" FOREIGN KEY ("village_code") REFERENCES "public"."villages"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "unit_grids" ADD CONSTRAINT "unit_grids_township_code_townships_code_fk" FOREIGN KEY ("township_code") REFERENCES "public"."townships"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "unit_grids" ADD CONSTRAINT "unit_grids_district_code_districts_code_fk" FOREIGN KEY ("district_code") REFERENCES "public"."districts"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "unit_grids" ADD CONSTRAINT "unit_grids_responsibility_grid_id_responsibility_grids_id_fk" FOREIGN KEY ("responsibility_grid_id") REFERENCES "public"."responsibility_grids"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "property_communities" ADD CONSTRAINT "property_communities_village_code_villages_code_fk" FOREIGN KEY ("village_code") REFERENCES "public"."villages"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "property_communities" ADD CONSTRAINT "property_communities_company_id_property_companies_id_fk" FOREIGN KEY ("company_id") REFERENCES "public"."property_companies"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "property_companies" ADD CONSTRAINT "property_companies_department_id_departments_id_fk" FOREIGN KEY ("department_id") REFERENCES "public"."departments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "clinics" ADD CONSTRAINT "clinics_village_code_villages_code_fk" FOREIGN KEY ("village_code") REFERENCES "public"."villages"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "category_time_limits" ADD CONSTRAINT "category_time_limits_category_code_case_categories_code_fk" FOREIGN KEY ("category_code") REFERENCES "public"."case_categories"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "department_districts" ADD CONSTRAINT "department_districts_department_id_departments_id_fk" FOREIGN KEY ("department_id") REFERENCES "public"."departments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "department_districts" ADD CONSTRAINT "department_districts_district_code_districts_code_fk" FOREIGN KEY ("district_code") REFERENCES "public"."districts"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "departments" ADD CONSTRAINT "departments_township_code_townships_code_fk" FOREIGN KEY ("township_code") REFERENCES "public"."townships"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dispatch_rules" ADD CONSTRAINT "dispatch_rules_category_code_case_categories_code_fk" FOREIGN KEY ("category_code") REFERENCES "public"."case_categories"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dispatch_rules" ADD CONSTRAINT "dispatch_rules_district_code_districts_code_fk" FOREIGN KEY ("district_code") REFERENCES "public"."districts"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dispatch_rules" ADD CONSTRAINT "dispatch_rules_township_code_townships_code_fk" FOREIGN KEY ("township_code") REFERENCES "public"."townships"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dispatch_rules" ADD CONSTRAINT "dispatch_rules_village_code_villages_code_fk" FOREIGN KEY ("village_code") REFERENCES "public"."villages"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dispatch_rules" ADD CONSTRAINT "dispatch_rules_department_id_departments_id_fk" FOREIGN KEY ("department_id") REFERENCES "public"."departments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "case_events" ADD CONSTRAINT "case_events_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "case_reporters" ADD CONSTRAINT "case_reporters_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cases" ADD CONSTRAINT "cases_category_code_case_categories_code_fk" FOREIGN KEY ("category_code") REFERENCES "public"."case_categories"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cases" ADD CONSTRAINT "cases_unit_grid_id_unit_grids_id_fk" FOREIGN KEY ("unit_grid_id") REFERENCES "public"."unit_grids"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cases" ADD CONSTRAINT "cases_property_community_id_property_communities_id_fk" FOREIGN KEY ("property_community_id") REFERENCES "public"."property_communities"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cases" ADD CONSTRAINT "cases_department_id_departments_id_fk" FOREIGN KEY ("department_id") REFERENCES "public"."departments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "users" ADD CONSTRAINT "users_role_code_roles_code_fk" FOREIGN KEY ("role_code") REFERENCES "public"."roles"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "users" ADD CONSTRAINT "users_department_id_departments_id_fk" FOREIGN KEY ("department_id") REFERENCES "public"."departments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "districts_geom_idx" ON "districts" USING gist ("geom");--> statement-breakpoint
CREATE INDEX "townships_geom_idx" ON "townships" USING gist ("geom");--> statement-breakpoint
CREATE INDEX "townships_district_idx" ON "townships" USING btree ("district_code");--> statement-breakpoint
CREATE INDEX "villages_geom_idx" ON "villages" USING gist ("geom");--> statement-breakpoint
CREATE INDEX "villages_area_idx" ON "villages" USING gist ("area");--> statement-breakpoint
CREATE INDEX "villages_township_idx" ON "villages" USING btree ("township_code");--> statement-breakpoint
CREATE INDEX "responsibility_grids_geom_idx" ON "responsibility_grids" USING gist ("geom");--> statement-breakpoint
CREATE UNIQUE INDEX "unit_grids_code_version_idx" ON "unit_grids" USING btree ("code","version");--> statement-breakpoint
CREATE INDEX "unit_grids_geom_idx" ON "unit_grids" USING gist ("geom");--> statement-breakpoint
CREATE INDEX "unit_grids_village_idx" ON "unit_grids" USING btree ("village_code");--> statement-breakpoint
CREATE INDEX "property_communities_geom_idx" ON "property_communities" USING gist ("geom");--> statement-breakpoint
CREATE INDEX "clinics_geom_idx" ON "clinics" USING gist ("geom");--> statement-breakpoint
CREATE INDEX "clinics_village_idx" ON "clinics" USING btree ("village_code");--> statement-breakpoint
CREATE INDEX "dispatch_rules_category_idx" ON "dispatch_rules" USING btree ("category_code");--> statement-breakpoint
CREATE INDEX "case_events_case_idx" ON "case_events" USING btree ("case_id","seq");--> statement-breakpoint
CREATE INDEX "case_events_type_at_idx" ON "case_events" USING btree ("type","at");--> statement-breakpoint
CREATE INDEX "cases_geom_idx" ON "cases" USING gist ("geom");--> statement-breakpoint
CREATE INDEX "cases_reported_idx" ON "cases" USING btree ("reported_at");--> statement-breakpoint
CREATE INDEX "cases_status_idx" ON "cases" USING btree ("status");--> statement-breakpoint
CREATE INDEX "cases_district_idx" ON "cases" USING btree ("district_code");