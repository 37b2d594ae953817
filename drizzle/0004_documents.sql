CREATE TABLE "document_acknowledgements" (
	"id" text PRIMARY KEY NOT NULL,
	"document_id" text NOT NULL,
	"revision_id" text NOT NULL,
	"user_id" text NOT NULL,
	"department_id" text,
	"signature_request_id" text NOT NULL,
	"requested_by" text NOT NULL,
	"requested_at" timestamp with time zone NOT NULL,
	"acknowledged_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "document_categories" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"name_en" text NOT NULL,
	"number_pattern" text NOT NULL,
	"next_seq" integer DEFAULT 1 NOT NULL,
	"label_scheme" text NOT NULL,
	"clauses" text[] NOT NULL,
	"draft_roles" text[] NOT NULL,
	"review_roles" text[] NOT NULL,
	"approve_roles" text[] NOT NULL,
	"allow_self_approval" boolean DEFAULT false NOT NULL,
	"acknowledgeable" boolean DEFAULT false NOT NULL,
	"default_review_months" integer DEFAULT 12 NOT NULL,
	"built_in" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "document_grants" (
	"document_id" text NOT NULL,
	"user_id" text NOT NULL,
	"granted_by" text NOT NULL,
	"reason" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "document_grants_document_id_user_id_pk" PRIMARY KEY("document_id","user_id")
);
--> statement-breakpoint
CREATE TABLE "document_handovers" (
	"from_document_id" text NOT NULL,
	"to_document_id" text NOT NULL,
	"description" text NOT NULL,
	CONSTRAINT "document_handovers_from_document_id_to_document_id_pk" PRIMARY KEY("from_document_id","to_document_id")
);
--> statement-breakpoint
CREATE TABLE "document_periodic_reviews" (
	"id" text PRIMARY KEY NOT NULL,
	"document_id" text NOT NULL,
	"revision_id" text NOT NULL,
	"outcome" text NOT NULL,
	"comments" text NOT NULL,
	"reviewed_by" text NOT NULL,
	"signature_request_id" text,
	"next_review_due" date,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "document_review_comments" (
	"id" text PRIMARY KEY NOT NULL,
	"revision_id" text NOT NULL,
	"user_id" text NOT NULL,
	"role" text NOT NULL,
	"outcome" text NOT NULL,
	"comments" text,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "document_revisions" (
	"id" text PRIMARY KEY NOT NULL,
	"document_id" text NOT NULL,
	"seq" integer NOT NULL,
	"label" text NOT NULL,
	"state" text NOT NULL,
	"change_summary" text,
	"source_sha256" text,
	"source_filename" text,
	"source_media_type" text,
	"release_sha256" text,
	"release_filename" text,
	"signed_sha256" text,
	"effective_date" date,
	"reviewer_ids" text[] NOT NULL,
	"approver_id" text,
	"signature_request_id" text,
	"rejection" jsonb,
	"text_content" text,
	"drafted_by" text NOT NULL,
	"submitted_at" timestamp with time zone,
	"approved_at" timestamp with time zone,
	"effective_at" timestamp with time zone,
	"superseded_at" timestamp with time zone,
	"superseded_by_revision_id" text,
	"obsoleted_at" timestamp with time zone,
	"obsolete_reason" text,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "document_revisions_state" CHECK ("document_revisions"."state" in ('draft','in_review','in_approval','approved','effective','superseded','obsolete'))
);
--> statement-breakpoint
CREATE TABLE "documents" (
	"id" text PRIMARY KEY NOT NULL,
	"number" text NOT NULL,
	"category_id" text NOT NULL,
	"title" text NOT NULL,
	"title_en" text,
	"owner_department_id" text,
	"classification" text NOT NULL,
	"review_interval_months" integer NOT NULL,
	"keywords" text[] NOT NULL,
	"effective_revision_id" text,
	"next_review_due" date,
	"status" text NOT NULL,
	"search_text" text NOT NULL,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "documents_number_unique" UNIQUE("number"),
	CONSTRAINT "documents_status" CHECK ("documents"."status" in ('active','withdrawn')),
	CONSTRAINT "documents_classification" CHECK ("documents"."classification" in ('public','internal','secret','confidential','top-secret'))
);
--> statement-breakpoint
ALTER TABLE "signature_request_signers" ADD COLUMN "step" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "document_acknowledgements" ADD CONSTRAINT "document_acknowledgements_document_id_documents_id_fk" FOREIGN KEY ("document_id") REFERENCES "public"."documents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "document_acknowledgements" ADD CONSTRAINT "document_acknowledgements_revision_id_document_revisions_id_fk" FOREIGN KEY ("revision_id") REFERENCES "public"."document_revisions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "document_acknowledgements" ADD CONSTRAINT "document_acknowledgements_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "document_acknowledgements" ADD CONSTRAINT "document_acknowledgements_department_id_departments_id_fk" FOREIGN KEY ("department_id") REFERENCES "public"."departments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "document_acknowledgements" ADD CONSTRAINT "document_acknowledgements_signature_request_id_signature_requests_id_fk" FOREIGN KEY ("signature_request_id") REFERENCES "public"."signature_requests"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "document_acknowledgements" ADD CONSTRAINT "document_acknowledgements_requested_by_users_id_fk" FOREIGN KEY ("requested_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "document_grants" ADD CONSTRAINT "document_grants_document_id_documents_id_fk" FOREIGN KEY ("document_id") REFERENCES "public"."documents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "document_grants" ADD CONSTRAINT "document_grants_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "document_grants" ADD CONSTRAINT "document_grants_granted_by_users_id_fk" FOREIGN KEY ("granted_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "document_handovers" ADD CONSTRAINT "document_handovers_from_document_id_documents_id_fk" FOREIGN KEY ("from_document_id") REFERENCES "public"."documents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "document_handovers" ADD CONSTRAINT "document_handovers_to_document_id_documents_id_fk" FOREIGN KEY ("to_document_id") REFERENCES "public"."documents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "document_periodic_reviews" ADD CONSTRAINT "document_periodic_reviews_document_id_documents_id_fk" FOREIGN KEY ("document_id") REFERENCES "public"."documents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "document_periodic_reviews" ADD CONSTRAINT "document_periodic_reviews_revision_id_document_revisions_id_fk" FOREIGN KEY ("revision_id") REFERENCES "public"."document_revisions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "document_periodic_reviews" ADD CONSTRAINT "document_periodic_reviews_reviewed_by_users_id_fk" FOREIGN KEY ("reviewed_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "document_periodic_reviews" ADD CONSTRAINT "document_periodic_reviews_signature_request_id_signature_requests_id_fk" FOREIGN KEY ("signature_request_id") REFERENCES "public"."signature_requests"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "document_review_comments" ADD CONSTRAINT "document_review_comments_revision_id_document_revisions_id_fk" FOREIGN KEY ("revision_id") REFERENCES "public"."document_revisions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "document_review_comments" ADD CONSTRAINT "document_review_comments_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "document_revisions" ADD CONSTRAINT "document_revisions_document_id_documents_id_fk" FOREIGN KEY ("document_id") REFERENCES "public"."documents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "document_revisions" ADD CONSTRAINT "document_revisions_signature_request_id_signature_requests_id_fk" FOREIGN KEY ("signature_request_id") REFERENCES "public"."signature_requests"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "document_revisions" ADD CONSTRAINT "document_revisions_drafted_by_users_id_fk" FOREIGN KEY ("drafted_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "documents" ADD CONSTRAINT "documents_category_id_document_categories_id_fk" FOREIGN KEY ("category_id") REFERENCES "public"."document_categories"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "documents" ADD CONSTRAINT "documents_owner_department_id_departments_id_fk" FOREIGN KEY ("owner_department_id") REFERENCES "public"."departments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "documents" ADD CONSTRAINT "documents_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "document_acknowledgements_once" ON "document_acknowledgements" USING btree ("revision_id","user_id");--> statement-breakpoint
CREATE INDEX "document_acknowledgements_doc_idx" ON "document_acknowledgements" USING btree ("document_id");--> statement-breakpoint
CREATE INDEX "document_review_comments_revision_idx" ON "document_review_comments" USING btree ("revision_id");--> statement-breakpoint
CREATE UNIQUE INDEX "document_revisions_seq" ON "document_revisions" USING btree ("document_id","seq");--> statement-breakpoint
CREATE UNIQUE INDEX "document_revisions_label" ON "document_revisions" USING btree ("document_id","label");--> statement-breakpoint
CREATE INDEX "documents_category_idx" ON "documents" USING btree ("category_id");--> statement-breakpoint
CREATE INDEX "documents_search_trgm" ON "documents" USING gin ("search_text" gin_trgm_ops);