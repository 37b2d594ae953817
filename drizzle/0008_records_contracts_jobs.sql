CREATE SEQUENCE "public"."disposal_number_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1;--> statement-breakpoint
CREATE SEQUENCE "public"."record_number_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1;--> statement-breakpoint
CREATE SEQUENCE "public"."contract_number_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1;--> statement-breakpoint
CREATE TABLE "blob_purges" (
	"sha256" text PRIMARY KEY NOT NULL,
	"disposal_id" text NOT NULL,
	"requested_at" timestamp with time zone NOT NULL,
	"purged_at" timestamp with time zone,
	"storage_kind" text
);
--> statement-breakpoint
CREATE TABLE "case_files" (
	"id" text PRIMARY KEY NOT NULL,
	"number" text NOT NULL,
	"title" text NOT NULL,
	"kind" text NOT NULL,
	"counterparty" text,
	"forum" text,
	"our_role" text,
	"status" text NOT NULL,
	"opened_on" date NOT NULL,
	"closed_on" date,
	"outcome" text,
	"owner_id" text NOT NULL,
	"classification" text NOT NULL,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "case_files_number_unique" UNIQUE("number"),
	CONSTRAINT "case_files_kind" CHECK ("case_files"."kind" in ('litigation','administrative','arbitration','mediation','negotiation')),
	CONSTRAINT "case_files_status" CHECK ("case_files"."status" in ('open','closed')),
	CONSTRAINT "case_files_closed" CHECK (("case_files"."status" = 'closed') = ("case_files"."closed_on" is not null)),
	CONSTRAINT "case_files_classification" CHECK (classification in ('public','internal','secret','confidential','top-secret'))
);
--> statement-breakpoint
CREATE TABLE "destruction_records" (
	"id" text PRIMARY KEY NOT NULL,
	"disposal_id" text NOT NULL,
	"record_id" text NOT NULL,
	"record_number" text NOT NULL,
	"title" text NOT NULL,
	"class_code" text NOT NULL,
	"clause" text NOT NULL,
	"classification" text NOT NULL,
	"content_sha256" text,
	"content_size" bigint,
	"due_on" date NOT NULL,
	"approvals" jsonb NOT NULL,
	"metadata" jsonb NOT NULL,
	"storage" text NOT NULL,
	"destroyed_by" text NOT NULL,
	"destroyed_at" timestamp with time zone NOT NULL,
	CONSTRAINT "destruction_records_record_id_unique" UNIQUE("record_id")
);
--> statement-breakpoint
CREATE TABLE "disposal_approvals" (
	"id" text PRIMARY KEY NOT NULL,
	"disposal_id" text NOT NULL,
	"role" text NOT NULL,
	"user_id" text NOT NULL,
	"decision" text NOT NULL,
	"comment" text,
	"decided_at" timestamp with time zone NOT NULL,
	CONSTRAINT "disposal_approvals_role" CHECK ("disposal_approvals"."role" in ('ip-manager','legal')),
	CONSTRAINT "disposal_approvals_decision" CHECK ("disposal_approvals"."decision" in ('approved','rejected'))
);
--> statement-breakpoint
CREATE TABLE "disposal_items" (
	"disposal_id" text NOT NULL,
	"record_id" text NOT NULL,
	CONSTRAINT "disposal_items_disposal_id_record_id_pk" PRIMARY KEY("disposal_id","record_id")
);
--> statement-breakpoint
CREATE TABLE "disposals" (
	"id" text PRIMARY KEY NOT NULL,
	"number" text NOT NULL,
	"action" text NOT NULL,
	"status" text NOT NULL,
	"reason" text NOT NULL,
	"recipient" text,
	"classification" text NOT NULL,
	"proposed_by" text NOT NULL,
	"proposed_at" timestamp with time zone NOT NULL,
	"executed_by" text,
	"executed_at" timestamp with time zone,
	"completed_at" timestamp with time zone,
	"certificate_record_id" text,
	"export_sha256" text,
	"closed_reason" text,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "disposals_number_unique" UNIQUE("number"),
	CONSTRAINT "disposals_action" CHECK ("disposals"."action" in ('destroy','transfer')),
	CONSTRAINT "disposals_recipient" CHECK ("disposals"."action" <> 'transfer' or "disposals"."recipient" is not null),
	CONSTRAINT "disposals_status" CHECK ("disposals"."status" in ('pending','executing','completed','rejected','cancelled')),
	CONSTRAINT "disposals_classification" CHECK (classification in ('public','internal','secret','confidential','top-secret'))
);
--> statement-breakpoint
CREATE TABLE "external_documents" (
	"record_id" text PRIMARY KEY NOT NULL,
	"doc_type" text NOT NULL,
	"issuer" text NOT NULL,
	"reference_number" text,
	"issued_on" date NOT NULL,
	"obtained_on" date NOT NULL,
	"arrival_method" text NOT NULL,
	"arrival_detail" text,
	"received_by" text NOT NULL,
	"case_id" text,
	"contract_id" text,
	"ip_asset" text,
	CONSTRAINT "external_documents_type" CHECK ("external_documents"."doc_type" in ('administrative-decision','court-judgment','lawyer-letter','other')),
	CONSTRAINT "external_documents_arrival" CHECK ("external_documents"."arrival_method" in ('post','courier','in-person','email','fax','e-service','other')),
	CONSTRAINT "external_documents_obtained" CHECK ("external_documents"."obtained_on" >= "external_documents"."issued_on")
);
--> statement-breakpoint
CREATE TABLE "import_batches" (
	"id" text PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"mode" text NOT NULL,
	"status" text NOT NULL,
	"filename" text NOT NULL,
	"source_sha256" text NOT NULL,
	"total_rows" integer NOT NULL,
	"processed_rows" integer DEFAULT 0 NOT NULL,
	"imported_rows" integer DEFAULT 0 NOT NULL,
	"failed_rows" integer DEFAULT 0 NOT NULL,
	"error" text,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"finished_at" timestamp with time zone,
	CONSTRAINT "import_batches_kind" CHECK ("import_batches"."kind" in ('contracts','records')),
	CONSTRAINT "import_batches_mode" CHECK ("import_batches"."mode" in ('valid-rows','all-or-nothing')),
	CONSTRAINT "import_batches_status" CHECK ("import_batches"."status" in ('queued','running','completed','failed'))
);
--> statement-breakpoint
CREATE TABLE "import_rows" (
	"batch_id" text NOT NULL,
	"line" integer NOT NULL,
	"status" text NOT NULL,
	"data" jsonb NOT NULL,
	"error" text,
	"object_id" text,
	CONSTRAINT "import_rows_batch_id_line_pk" PRIMARY KEY("batch_id","line"),
	CONSTRAINT "import_rows_status" CHECK ("import_rows"."status" in ('pending','imported','failed','skipped'))
);
--> statement-breakpoint
CREATE TABLE "integrity_incidents" (
	"id" text PRIMARY KEY NOT NULL,
	"sha256" text NOT NULL,
	"problem" text NOT NULL,
	"actual_sha256" text,
	"detected_at" timestamp with time zone NOT NULL,
	"resolved_at" timestamp with time zone,
	"resolved_by" text,
	"resolution" text,
	CONSTRAINT "integrity_incidents_problem" CHECK ("integrity_incidents"."problem" in ('missing','hash-mismatch'))
);
--> statement-breakpoint
CREATE TABLE "legal_hold_records" (
	"hold_id" text NOT NULL,
	"record_id" text NOT NULL,
	"added_by" text NOT NULL,
	"added_at" timestamp with time zone NOT NULL,
	CONSTRAINT "legal_hold_records_hold_id_record_id_pk" PRIMARY KEY("hold_id","record_id")
);
--> statement-breakpoint
CREATE TABLE "legal_holds" (
	"id" text PRIMARY KEY NOT NULL,
	"matter" text NOT NULL,
	"reason" text NOT NULL,
	"owner_id" text NOT NULL,
	"scope_kind" text NOT NULL,
	"query" jsonb,
	"case_id" text,
	"status" text NOT NULL,
	"placed_by" text NOT NULL,
	"placed_at" timestamp with time zone NOT NULL,
	"released_by" text,
	"released_at" timestamp with time zone,
	"release_reason" text,
	CONSTRAINT "legal_holds_scope" CHECK ("legal_holds"."scope_kind" in ('list','query')),
	CONSTRAINT "legal_holds_query" CHECK (("legal_holds"."scope_kind" = 'query') = ("legal_holds"."query" is not null)),
	CONSTRAINT "legal_holds_status" CHECK ("legal_holds"."status" in ('active','released')),
	CONSTRAINT "legal_holds_release" CHECK (("legal_holds"."status" = 'released') = ("legal_holds"."released_at" is not null and "legal_holds"."release_reason" is not null and length(trim("legal_holds"."release_reason")) > 0))
);
--> statement-breakpoint
CREATE TABLE "record_classes" (
	"id" text PRIMARY KEY NOT NULL,
	"code" text NOT NULL,
	"name" text NOT NULL,
	"name_en" text NOT NULL,
	"clause" text NOT NULL,
	"description" text,
	"retention_amount" integer,
	"retention_unit" text NOT NULL,
	"trigger" text NOT NULL,
	"disposition" text NOT NULL,
	"default_classification" text NOT NULL,
	"template_id" text,
	"built_in" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "record_classes_code_unique" UNIQUE("code"),
	CONSTRAINT "record_classes_template_id_unique" UNIQUE("template_id"),
	CONSTRAINT "record_classes_unit" CHECK ("record_classes"."retention_unit" in ('months','years','permanent')),
	CONSTRAINT "record_classes_period" CHECK (("record_classes"."retention_unit" = 'permanent' and "record_classes"."retention_amount" is null) or ("record_classes"."retention_unit" <> 'permanent' and "record_classes"."retention_amount" between 1 and 1200)),
	CONSTRAINT "record_classes_trigger" CHECK ("record_classes"."trigger" in ('creation','document-superseded','employment-end','contract-end','case-closed','record-date')),
	CONSTRAINT "record_classes_disposition" CHECK ("record_classes"."disposition" in ('destroy','review','transfer','permanent')),
	CONSTRAINT "record_classes_permanent" CHECK (("record_classes"."disposition" = 'permanent') = ("record_classes"."retention_unit" = 'permanent')),
	CONSTRAINT "record_classes_classification" CHECK (default_classification in ('public','internal','secret','confidential','top-secret'))
);
--> statement-breakpoint
CREATE TABLE "record_links" (
	"id" text PRIMARY KEY NOT NULL,
	"record_id" text NOT NULL,
	"kind" text NOT NULL,
	"target_id" text NOT NULL,
	"label" text,
	"created_by" text,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "record_links_kind" CHECK ("record_links"."kind" in ('user','document','contract','case','ip-asset','record'))
);
--> statement-breakpoint
CREATE TABLE "records" (
	"id" text PRIMARY KEY NOT NULL,
	"number" text NOT NULL,
	"class_id" text NOT NULL,
	"title" text NOT NULL,
	"description" text,
	"record_date" date NOT NULL,
	"author" text NOT NULL,
	"department_id" text,
	"classification" text NOT NULL,
	"content_sha256" text,
	"content_filename" text,
	"content_media_type" text,
	"content_size" bigint,
	"paper_room" text,
	"paper_cabinet" text,
	"paper_box" text,
	"source_kind" text NOT NULL,
	"source_id" text,
	"natures" jsonb NOT NULL,
	"status" text NOT NULL,
	"trigger_date" date,
	"due_on" date,
	"retain_until" date,
	"retain_reason" text,
	"search_text" text NOT NULL,
	"declared_by" text NOT NULL,
	"declared_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"disposed_at" timestamp with time zone,
	CONSTRAINT "records_number_unique" UNIQUE("number"),
	CONSTRAINT "records_status" CHECK ("records"."status" in ('active','destroyed','transferred')),
	CONSTRAINT "records_classification" CHECK (classification in ('public','internal','secret','confidential','top-secret')),
	CONSTRAINT "records_custody" CHECK ("records"."content_sha256" is not null or coalesce("records"."paper_room", "records"."paper_cabinet", "records"."paper_box") is not null)
);
--> statement-breakpoint
CREATE TABLE "retention_events" (
	"id" text PRIMARY KEY NOT NULL,
	"trigger" text NOT NULL,
	"subject_id" text NOT NULL,
	"occurred_on" date NOT NULL,
	"note" text,
	"recorded_by" text,
	"recorded_at" timestamp with time zone NOT NULL,
	CONSTRAINT "retention_events_trigger" CHECK ("retention_events"."trigger" in ('document-superseded','employment-end','contract-end','case-closed'))
);
--> statement-breakpoint
CREATE TABLE "contract_reviews" (
	"id" text PRIMARY KEY NOT NULL,
	"contract_id" text NOT NULL,
	"reviewer_id" text NOT NULL,
	"checklist" jsonb NOT NULL,
	"findings" text NOT NULL,
	"decision" text NOT NULL,
	"conditions" text,
	"status" text NOT NULL,
	"report_sha256" text NOT NULL,
	"signature_request_id" text,
	"record_id" text,
	"created_at" timestamp with time zone NOT NULL,
	"signed_at" timestamp with time zone,
	CONSTRAINT "contract_reviews_decision" CHECK ("contract_reviews"."decision" in ('approve','approve-with-conditions','reject')),
	CONSTRAINT "contract_reviews_status" CHECK ("contract_reviews"."status" in ('awaiting-signature','signed','withdrawn'))
);
--> statement-breakpoint
CREATE TABLE "contracts" (
	"id" text PRIMARY KEY NOT NULL,
	"number" text NOT NULL,
	"title" text NOT NULL,
	"type" text NOT NULL,
	"counterparties" jsonb NOT NULL,
	"department_id" text,
	"owner_id" text NOT NULL,
	"classification" text NOT NULL,
	"value_amount" numeric(18, 2),
	"currency" text DEFAULT 'CNY' NOT NULL,
	"effective_on" date,
	"end_on" date,
	"signed_on" date,
	"ip_terms" jsonb NOT NULL,
	"notes" text,
	"status" text NOT NULL,
	"draft_sha256" text,
	"draft_filename" text,
	"draft_media_type" text,
	"signing_method" text,
	"signature_request_id" text,
	"signed_sha256" text,
	"signed_record_id" text,
	"terminated_on" date,
	"termination_reason" text,
	"search_text" text NOT NULL,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "contracts_number_unique" UNIQUE("number"),
	CONSTRAINT "contracts_type" CHECK ("contracts"."type" in ('joint-development','commissioned-development','licence-in','licence-out','ip-transfer','merger-acquisition','employment','confidentiality','service-agency','alliance','other')),
	CONSTRAINT "contracts_status" CHECK ("contracts"."status" in ('draft','ip-review','approved','signed','in-force','expired','terminated')),
	CONSTRAINT "contracts_classification" CHECK ("contracts"."classification" in ('public','internal','secret','confidential','top-secret')),
	CONSTRAINT "contracts_signing_method" CHECK ("contracts"."signing_method" is null or "contracts"."signing_method" in ('e-sign','wet-ink')),
	CONSTRAINT "contracts_dates" CHECK ("contracts"."end_on" is null or "contracts"."effective_on" is null or "contracts"."end_on" >= "contracts"."effective_on"),
	CONSTRAINT "contracts_signed_has_content" CHECK ("contracts"."status" in ('draft','ip-review','approved') or ("contracts"."signed_sha256" is not null and "contracts"."signed_record_id" is not null))
);
--> statement-breakpoint
CREATE TABLE "jobs" (
	"id" text PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"dedupe_key" text,
	"payload" jsonb NOT NULL,
	"status" text NOT NULL,
	"run_at" timestamp with time zone NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"max_attempts" integer DEFAULT 5 NOT NULL,
	"locked_until" timestamp with time zone,
	"locked_by" text,
	"last_error" text,
	"result" jsonb,
	"created_at" timestamp with time zone NOT NULL,
	"finished_at" timestamp with time zone,
	CONSTRAINT "jobs_dedupe_key_unique" UNIQUE("dedupe_key"),
	CONSTRAINT "jobs_status" CHECK ("jobs"."status" in ('queued','running','done','failed'))
);
--> statement-breakpoint
ALTER TABLE "blob_purges" ADD CONSTRAINT "blob_purges_sha256_blobs_sha256_fk" FOREIGN KEY ("sha256") REFERENCES "public"."blobs"("sha256") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "blob_purges" ADD CONSTRAINT "blob_purges_disposal_id_disposals_id_fk" FOREIGN KEY ("disposal_id") REFERENCES "public"."disposals"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "case_files" ADD CONSTRAINT "case_files_owner_id_users_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "case_files" ADD CONSTRAINT "case_files_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "destruction_records" ADD CONSTRAINT "destruction_records_disposal_id_disposals_id_fk" FOREIGN KEY ("disposal_id") REFERENCES "public"."disposals"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "destruction_records" ADD CONSTRAINT "destruction_records_record_id_records_id_fk" FOREIGN KEY ("record_id") REFERENCES "public"."records"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "destruction_records" ADD CONSTRAINT "destruction_records_destroyed_by_users_id_fk" FOREIGN KEY ("destroyed_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "disposal_approvals" ADD CONSTRAINT "disposal_approvals_disposal_id_disposals_id_fk" FOREIGN KEY ("disposal_id") REFERENCES "public"."disposals"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "disposal_approvals" ADD CONSTRAINT "disposal_approvals_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "disposal_items" ADD CONSTRAINT "disposal_items_disposal_id_disposals_id_fk" FOREIGN KEY ("disposal_id") REFERENCES "public"."disposals"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "disposal_items" ADD CONSTRAINT "disposal_items_record_id_records_id_fk" FOREIGN KEY ("record_id") REFERENCES "public"."records"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "disposals" ADD CONSTRAINT "disposals_proposed_by_users_id_fk" FOREIGN KEY ("proposed_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "disposals" ADD CONSTRAINT "disposals_executed_by_users_id_fk" FOREIGN KEY ("executed_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "disposals" ADD CONSTRAINT "disposals_certificate_record_id_records_id_fk" FOREIGN KEY ("certificate_record_id") REFERENCES "public"."records"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "disposals" ADD CONSTRAINT "disposals_export_sha256_blobs_sha256_fk" FOREIGN KEY ("export_sha256") REFERENCES "public"."blobs"("sha256") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "external_documents" ADD CONSTRAINT "external_documents_record_id_records_id_fk" FOREIGN KEY ("record_id") REFERENCES "public"."records"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "external_documents" ADD CONSTRAINT "external_documents_received_by_users_id_fk" FOREIGN KEY ("received_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "external_documents" ADD CONSTRAINT "external_documents_case_id_case_files_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."case_files"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "import_batches" ADD CONSTRAINT "import_batches_source_sha256_blobs_sha256_fk" FOREIGN KEY ("source_sha256") REFERENCES "public"."blobs"("sha256") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "import_batches" ADD CONSTRAINT "import_batches_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "import_rows" ADD CONSTRAINT "import_rows_batch_id_import_batches_id_fk" FOREIGN KEY ("batch_id") REFERENCES "public"."import_batches"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "integrity_incidents" ADD CONSTRAINT "integrity_incidents_sha256_blobs_sha256_fk" FOREIGN KEY ("sha256") REFERENCES "public"."blobs"("sha256") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "integrity_incidents" ADD CONSTRAINT "integrity_incidents_resolved_by_users_id_fk" FOREIGN KEY ("resolved_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "legal_hold_records" ADD CONSTRAINT "legal_hold_records_hold_id_legal_holds_id_fk" FOREIGN KEY ("hold_id") REFERENCES "public"."legal_holds"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "legal_hold_records" ADD CONSTRAINT "legal_hold_records_record_id_records_id_fk" FOREIGN KEY ("record_id") REFERENCES "public"."records"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "legal_hold_records" ADD CONSTRAINT "legal_hold_records_added_by_users_id_fk" FOREIGN KEY ("added_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "legal_holds" ADD CONSTRAINT "legal_holds_owner_id_users_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "legal_holds" ADD CONSTRAINT "legal_holds_case_id_case_files_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."case_files"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "legal_holds" ADD CONSTRAINT "legal_holds_placed_by_users_id_fk" FOREIGN KEY ("placed_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "legal_holds" ADD CONSTRAINT "legal_holds_released_by_users_id_fk" FOREIGN KEY ("released_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "record_links" ADD CONSTRAINT "record_links_record_id_records_id_fk" FOREIGN KEY ("record_id") REFERENCES "public"."records"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "record_links" ADD CONSTRAINT "record_links_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "records" ADD CONSTRAINT "records_class_id_record_classes_id_fk" FOREIGN KEY ("class_id") REFERENCES "public"."record_classes"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "records" ADD CONSTRAINT "records_department_id_departments_id_fk" FOREIGN KEY ("department_id") REFERENCES "public"."departments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "records" ADD CONSTRAINT "records_content_sha256_blobs_sha256_fk" FOREIGN KEY ("content_sha256") REFERENCES "public"."blobs"("sha256") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "records" ADD CONSTRAINT "records_declared_by_users_id_fk" FOREIGN KEY ("declared_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "retention_events" ADD CONSTRAINT "retention_events_recorded_by_users_id_fk" FOREIGN KEY ("recorded_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "contract_reviews" ADD CONSTRAINT "contract_reviews_contract_id_contracts_id_fk" FOREIGN KEY ("contract_id") REFERENCES "public"."contracts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "contract_reviews" ADD CONSTRAINT "contract_reviews_reviewer_id_users_id_fk" FOREIGN KEY ("reviewer_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "contract_reviews" ADD CONSTRAINT "contract_reviews_report_sha256_blobs_sha256_fk" FOREIGN KEY ("report_sha256") REFERENCES "public"."blobs"("sha256") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "contract_reviews" ADD CONSTRAINT "contract_reviews_signature_request_id_signature_requests_id_fk" FOREIGN KEY ("signature_request_id") REFERENCES "public"."signature_requests"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "contract_reviews" ADD CONSTRAINT "contract_reviews_record_id_records_id_fk" FOREIGN KEY ("record_id") REFERENCES "public"."records"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "contracts" ADD CONSTRAINT "contracts_department_id_departments_id_fk" FOREIGN KEY ("department_id") REFERENCES "public"."departments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "contracts" ADD CONSTRAINT "contracts_owner_id_users_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "contracts" ADD CONSTRAINT "contracts_draft_sha256_blobs_sha256_fk" FOREIGN KEY ("draft_sha256") REFERENCES "public"."blobs"("sha256") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "contracts" ADD CONSTRAINT "contracts_signature_request_id_signature_requests_id_fk" FOREIGN KEY ("signature_request_id") REFERENCES "public"."signature_requests"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "contracts" ADD CONSTRAINT "contracts_signed_sha256_blobs_sha256_fk" FOREIGN KEY ("signed_sha256") REFERENCES "public"."blobs"("sha256") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "contracts" ADD CONSTRAINT "contracts_signed_record_id_records_id_fk" FOREIGN KEY ("signed_record_id") REFERENCES "public"."records"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "contracts" ADD CONSTRAINT "contracts_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "destruction_records_disposal_idx" ON "destruction_records" USING btree ("disposal_id");--> statement-breakpoint
CREATE UNIQUE INDEX "disposal_approvals_one_per_role" ON "disposal_approvals" USING btree ("disposal_id","role");--> statement-breakpoint
CREATE INDEX "disposal_items_record_idx" ON "disposal_items" USING btree ("record_id");--> statement-breakpoint
CREATE INDEX "external_documents_case_idx" ON "external_documents" USING btree ("case_id");--> statement-breakpoint
CREATE UNIQUE INDEX "integrity_incidents_one_open" ON "integrity_incidents" USING btree ("sha256") WHERE "integrity_incidents"."resolved_at" is null;--> statement-breakpoint
CREATE INDEX "legal_hold_records_record_idx" ON "legal_hold_records" USING btree ("record_id");--> statement-breakpoint
CREATE UNIQUE INDEX "legal_holds_one_per_open_case" ON "legal_holds" USING btree ("case_id") WHERE "legal_holds"."status" = 'active' and "legal_holds"."case_id" is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "record_links_once" ON "record_links" USING btree ("record_id","kind","target_id");--> statement-breakpoint
CREATE INDEX "record_links_target_idx" ON "record_links" USING btree ("kind","target_id");--> statement-breakpoint
CREATE INDEX "records_class_idx" ON "records" USING btree ("class_id");--> statement-breakpoint
CREATE INDEX "records_due_idx" ON "records" USING btree ("due_on");--> statement-breakpoint
CREATE INDEX "records_trigger_idx" ON "records" USING btree ("trigger_date");--> statement-breakpoint
CREATE INDEX "records_date_idx" ON "records" USING btree ("record_date");--> statement-breakpoint
CREATE INDEX "records_content_idx" ON "records" USING btree ("content_sha256");--> statement-breakpoint
CREATE INDEX "records_source_idx" ON "records" USING btree ("source_kind","source_id");--> statement-breakpoint
CREATE INDEX "records_search_trgm" ON "records" USING gin ("search_text" gin_trgm_ops);--> statement-breakpoint
CREATE UNIQUE INDEX "retention_events_once" ON "retention_events" USING btree ("trigger","subject_id");--> statement-breakpoint
CREATE INDEX "contract_reviews_contract_idx" ON "contract_reviews" USING btree ("contract_id");--> statement-breakpoint
CREATE INDEX "contracts_status_idx" ON "contracts" USING btree ("status");--> statement-breakpoint
CREATE INDEX "contracts_search_trgm" ON "contracts" USING gin ("search_text" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "jobs_due_idx" ON "jobs" USING btree ("status","run_at");--> statement-breakpoint
CREATE INDEX "jobs_kind_idx" ON "jobs" USING btree ("kind","created_at");