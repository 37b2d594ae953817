CREATE TABLE "item_links" (
	"id" text PRIMARY KEY NOT NULL,
	"item_id" text NOT NULL,
	"kind" text NOT NULL,
	"target_id" text NOT NULL,
	"relation" text,
	"created_by" text,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "item_sequences" (
	"type" text NOT NULL,
	"year" integer NOT NULL,
	"next" integer NOT NULL,
	CONSTRAINT "item_sequences_type_year_pk" PRIMARY KEY("type","year")
);
--> statement-breakpoint
CREATE TABLE "item_values" (
	"item_id" text NOT NULL,
	"type" text NOT NULL,
	"field" text NOT NULL,
	"seq" integer NOT NULL,
	"text_value" text,
	"date_value" date,
	"num_value" numeric,
	CONSTRAINT "item_values_item_id_field_seq_pk" PRIMARY KEY("item_id","field","seq")
);
--> statement-breakpoint
CREATE TABLE "item_versions" (
	"item_id" text NOT NULL,
	"version" integer NOT NULL,
	"action" text NOT NULL,
	"state" text NOT NULL,
	"data" jsonb NOT NULL,
	"comment" text,
	"changed_by" text,
	"changed_at" timestamp with time zone NOT NULL,
	CONSTRAINT "item_versions_item_id_version_pk" PRIMARY KEY("item_id","version")
);
--> statement-breakpoint
CREATE TABLE "items" (
	"id" text PRIMARY KEY NOT NULL,
	"type" text NOT NULL,
	"number" text NOT NULL,
	"state" text NOT NULL,
	"title" text NOT NULL,
	"item_date" date NOT NULL,
	"due_on" date,
	"owner_id" text,
	"department_id" text,
	"classification" text NOT NULL,
	"people" text[] NOT NULL,
	"search_text" text NOT NULL,
	"data" jsonb NOT NULL,
	"version" integer NOT NULL,
	"pending" jsonb,
	"signature_request_id" text,
	"record_id" text,
	"closed_at" timestamp with time zone,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "items_classification" CHECK (classification in ('public','internal','secret','confidential','top-secret'))
);
--> statement-breakpoint
ALTER TABLE "item_links" ADD CONSTRAINT "item_links_item_id_items_id_fk" FOREIGN KEY ("item_id") REFERENCES "public"."items"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "item_links" ADD CONSTRAINT "item_links_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "item_values" ADD CONSTRAINT "item_values_item_id_items_id_fk" FOREIGN KEY ("item_id") REFERENCES "public"."items"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "item_versions" ADD CONSTRAINT "item_versions_item_id_items_id_fk" FOREIGN KEY ("item_id") REFERENCES "public"."items"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "item_versions" ADD CONSTRAINT "item_versions_changed_by_users_id_fk" FOREIGN KEY ("changed_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "items" ADD CONSTRAINT "items_owner_id_users_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "items" ADD CONSTRAINT "items_department_id_departments_id_fk" FOREIGN KEY ("department_id") REFERENCES "public"."departments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "items" ADD CONSTRAINT "items_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "item_links_unique" ON "item_links" USING btree ("item_id","kind","target_id");--> statement-breakpoint
CREATE INDEX "item_links_target_idx" ON "item_links" USING btree ("kind","target_id");--> statement-breakpoint
CREATE INDEX "item_values_date_idx" ON "item_values" USING btree ("type","field","date_value");--> statement-breakpoint
CREATE INDEX "item_values_text_idx" ON "item_values" USING btree ("type","field","text_value");--> statement-breakpoint
CREATE INDEX "item_values_num_idx" ON "item_values" USING btree ("type","field","num_value");--> statement-breakpoint
CREATE UNIQUE INDEX "items_number" ON "items" USING btree ("number");--> statement-breakpoint
CREATE INDEX "items_type_state_idx" ON "items" USING btree ("type","state");--> statement-breakpoint
CREATE INDEX "items_type_date_idx" ON "items" USING btree ("type","item_date");--> statement-breakpoint
CREATE INDEX "items_type_due_idx" ON "items" USING btree ("type","due_on");--> statement-breakpoint
CREATE INDEX "items_owner_idx" ON "items" USING btree ("owner_id");--> statement-breakpoint
CREATE INDEX "items_people_idx" ON "items" USING gin ("people");--> statement-breakpoint
CREATE INDEX "items_search_trgm" ON "items" USING gin ("search_text" gin_trgm_ops);