CREATE TABLE "audit_packages" (
	"id" text PRIMARY KEY NOT NULL,
	"requested_by" text NOT NULL,
	"selection" jsonb NOT NULL,
	"request" jsonb NOT NULL,
	"status" text NOT NULL,
	"items_total" integer,
	"items_done" integer DEFAULT 0 NOT NULL,
	"files_total" integer,
	"files_done" integer DEFAULT 0 NOT NULL,
	"bytes_total" bigint,
	"bytes_done" bigint DEFAULT 0 NOT NULL,
	"classification" text,
	"package_sha256" text,
	"package_size" bigint,
	"manifest_sha256" text,
	"chain_head_seq" bigint,
	"chain_head_hash" text,
	"error_code" text,
	"error" text,
	"created_at" timestamp with time zone NOT NULL,
	"started_at" timestamp with time zone,
	"updated_at" timestamp with time zone NOT NULL,
	"finished_at" timestamp with time zone,
	CONSTRAINT "audit_packages_status" CHECK ("audit_packages"."status" in ('queued','running','done','failed')),
	CONSTRAINT "audit_packages_done" CHECK ("audit_packages"."status" <> 'done' or "audit_packages"."package_sha256" is not null)
);
--> statement-breakpoint
ALTER TABLE "audit_packages" ADD CONSTRAINT "audit_packages_requested_by_users_id_fk" FOREIGN KEY ("requested_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "audit_packages" ADD CONSTRAINT "audit_packages_package_sha256_blobs_sha256_fk" FOREIGN KEY ("package_sha256") REFERENCES "public"."blobs"("sha256") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "audit_packages_requester_idx" ON "audit_packages" USING btree ("requested_by","created_at");