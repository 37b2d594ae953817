CREATE SEQUENCE "public"."tsa_serial_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1;--> statement-breakpoint
CREATE TABLE "organisation_profile" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"name_en" text,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "pki_authorities" (
	"id" text PRIMARY KEY NOT NULL,
	"certificate_pem" text NOT NULL,
	"serial_number" text NOT NULL,
	"key_sealed" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "signer_certificates" (
	"id" text PRIMARY KEY NOT NULL,
	"user_id" text NOT NULL,
	"serial_number" text NOT NULL,
	"subject" text NOT NULL,
	"certificate_pem" text NOT NULL,
	"key_salt" text NOT NULL,
	"key_sealed" text NOT NULL,
	"not_before" timestamp with time zone NOT NULL,
	"not_after" timestamp with time zone NOT NULL,
	"revoked_at" timestamp with time zone,
	"revocation_reason" text,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "signer_certificates_serial_number_unique" UNIQUE("serial_number")
);
--> statement-breakpoint
CREATE TABLE "timestamp_tokens" (
	"serial_number" bigint PRIMARY KEY NOT NULL,
	"hash_algorithm" text NOT NULL,
	"message_imprint" text NOT NULL,
	"gen_time" timestamp with time zone NOT NULL,
	"requested_via" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "signature_request_signers" (
	"id" text PRIMARY KEY NOT NULL,
	"request_id" text NOT NULL,
	"position" integer NOT NULL,
	"user_id" text NOT NULL,
	"meaning" text NOT NULL,
	"visible_stamp" boolean NOT NULL,
	"status" text NOT NULL,
	"viewed_at" timestamp with time zone,
	"signed_at" timestamp with time zone,
	"declined_at" timestamp with time zone,
	"decline_reason" text,
	"last_reminded_at" timestamp with time zone,
	"reminder_count" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "signature_request_signers_status" CHECK ("signature_request_signers"."status" in ('waiting','ready','signed','declined','cancelled')),
	CONSTRAINT "signature_request_signers_meaning" CHECK ("signature_request_signers"."meaning" in ('authored','reviewed','approved','signed','acknowledged'))
);
--> statement-breakpoint
CREATE TABLE "signature_requests" (
	"id" text PRIMARY KEY NOT NULL,
	"title" text NOT NULL,
	"source_kind" text NOT NULL,
	"source_id" text,
	"template_id" text,
	"template_revision" text,
	"field_values" jsonb,
	"classification" text NOT NULL,
	"status" text NOT NULL,
	"original_sha256" text NOT NULL,
	"stamp_page" integer NOT NULL,
	"current_sha256" text NOT NULL,
	"final_sha256" text,
	"requested_by" text NOT NULL,
	"subject_user_id" text,
	"due_at" timestamp with time zone,
	"created_at" timestamp with time zone NOT NULL,
	"completed_at" timestamp with time zone,
	"closed_reason" text,
	CONSTRAINT "signature_requests_status" CHECK ("signature_requests"."status" in ('pending','completed','declined','cancelled'))
);
--> statement-breakpoint
CREATE TABLE "signatures" (
	"id" text PRIMARY KEY NOT NULL,
	"request_id" text NOT NULL,
	"signer_id" text NOT NULL,
	"user_id" text NOT NULL,
	"meaning" text NOT NULL,
	"certificate_serial" text NOT NULL,
	"signed_at" timestamp with time zone NOT NULL,
	"timestamp_gen_time" timestamp with time zone,
	"field_name" text NOT NULL,
	"sha256_before" text NOT NULL,
	"sha256_after" text NOT NULL,
	"byte_range" jsonb NOT NULL,
	"cms_sha256" text NOT NULL,
	CONSTRAINT "signatures_signer_id_unique" UNIQUE("signer_id")
);
--> statement-breakpoint
CREATE TABLE "signing_links" (
	"id" text PRIMARY KEY NOT NULL,
	"signer_id" text NOT NULL,
	"token_hash" text NOT NULL,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"used_at" timestamp with time zone,
	CONSTRAINT "signing_links_token_hash_unique" UNIQUE("token_hash")
);
--> statement-breakpoint
ALTER TABLE "signer_certificates" ADD CONSTRAINT "signer_certificates_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "signature_request_signers" ADD CONSTRAINT "signature_request_signers_request_id_signature_requests_id_fk" FOREIGN KEY ("request_id") REFERENCES "public"."signature_requests"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "signature_request_signers" ADD CONSTRAINT "signature_request_signers_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "signature_requests" ADD CONSTRAINT "signature_requests_requested_by_users_id_fk" FOREIGN KEY ("requested_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "signature_requests" ADD CONSTRAINT "signature_requests_subject_user_id_users_id_fk" FOREIGN KEY ("subject_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "signatures" ADD CONSTRAINT "signatures_request_id_signature_requests_id_fk" FOREIGN KEY ("request_id") REFERENCES "public"."signature_requests"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "signatures" ADD CONSTRAINT "signatures_signer_id_signature_request_signers_id_fk" FOREIGN KEY ("signer_id") REFERENCES "public"."signature_request_signers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "signatures" ADD CONSTRAINT "signatures_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "signing_links" ADD CONSTRAINT "signing_links_signer_id_signature_request_signers_id_fk" FOREIGN KEY ("signer_id") REFERENCES "public"."signature_request_signers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "signing_links" ADD CONSTRAINT "signing_links_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "signer_certificates_one_active" ON "signer_certificates" USING btree ("user_id") WHERE "signer_certificates"."revoked_at" is null;--> statement-breakpoint
CREATE INDEX "signer_certificates_user_idx" ON "signer_certificates" USING btree ("user_id");--> statement-breakpoint
CREATE UNIQUE INDEX "signature_request_signers_position" ON "signature_request_signers" USING btree ("request_id","position");--> statement-breakpoint
CREATE INDEX "signature_request_signers_user_idx" ON "signature_request_signers" USING btree ("user_id","status");--> statement-breakpoint
CREATE INDEX "signature_requests_requested_by_idx" ON "signature_requests" USING btree ("requested_by");--> statement-breakpoint
CREATE INDEX "signature_requests_source_idx" ON "signature_requests" USING btree ("source_kind","source_id");--> statement-breakpoint
CREATE INDEX "signatures_request_idx" ON "signatures" USING btree ("request_id");--> statement-breakpoint
CREATE INDEX "signatures_after_idx" ON "signatures" USING btree ("sha256_after");--> statement-breakpoint
CREATE INDEX "signing_links_signer_idx" ON "signing_links" USING btree ("signer_id");