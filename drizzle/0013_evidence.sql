CREATE TABLE "auditor_grants" (
	"id" text PRIMARY KEY NOT NULL,
	"auditor_id" text NOT NULL,
	"granted_by" text NOT NULL,
	"purpose" text NOT NULL,
	"starts_at" timestamp with time zone NOT NULL,
	"ends_at" timestamp with time zone NOT NULL,
	"clause_ids" text[] NOT NULL,
	"category_ids" text[] NOT NULL,
	"period_from" date,
	"period_to" date,
	"max_classification" text NOT NULL,
	"revoked_at" timestamp with time zone,
	"revoked_reason" text,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "auditor_grants_window" CHECK ("auditor_grants"."ends_at" > "auditor_grants"."starts_at"),
	CONSTRAINT "auditor_grants_classification" CHECK ("auditor_grants"."max_classification" in ('public','internal','secret','confidential','top-secret'))
);
--> statement-breakpoint
CREATE TABLE "clauses" (
	"id" text PRIMARY KEY NOT NULL,
	"ordinal" integer NOT NULL,
	"group_id" text NOT NULL,
	"title_zh" text NOT NULL,
	"requirement" text NOT NULL,
	"evidence" text NOT NULL,
	CONSTRAINT "clauses_ordinal_unique" UNIQUE("ordinal")
);
--> statement-breakpoint
ALTER TABLE "auditor_grants" ADD CONSTRAINT "auditor_grants_auditor_id_users_id_fk" FOREIGN KEY ("auditor_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "auditor_grants" ADD CONSTRAINT "auditor_grants_granted_by_users_id_fk" FOREIGN KEY ("granted_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "auditor_grants_auditor_idx" ON "auditor_grants" USING btree ("auditor_id","ends_at");