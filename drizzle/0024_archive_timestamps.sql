CREATE TABLE "archive_timestamps" (
	"original_sha256" text NOT NULL,
	"sequence" integer NOT NULL,
	"request_id" text NOT NULL,
	"sha256" text NOT NULL,
	"previous_sha256" text,
	"tsa_serial" text NOT NULL,
	"tsa_subject" text NOT NULL,
	"tsa_not_after" timestamp with time zone NOT NULL,
	"gen_time" timestamp with time zone NOT NULL,
	"digest_algorithm" text NOT NULL,
	"key_bits" integer,
	"reason" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "archive_timestamps_original_sha256_sequence_pk" PRIMARY KEY("original_sha256","sequence"),
	CONSTRAINT "archive_timestamps_sha256_unique" UNIQUE("sha256"),
	CONSTRAINT "archive_timestamps_reason" CHECK ("archive_timestamps"."reason" in ('original','tsa-expiring','weak-algorithm')),
	CONSTRAINT "archive_timestamps_sequence" CHECK (("archive_timestamps"."sequence" = 0) = ("archive_timestamps"."previous_sha256" is null and "archive_timestamps"."sha256" = "archive_timestamps"."original_sha256" and "archive_timestamps"."reason" = 'original'))
);
--> statement-breakpoint
ALTER TABLE "archive_timestamps" ADD CONSTRAINT "archive_timestamps_request_id_signature_requests_id_fk" FOREIGN KEY ("request_id") REFERENCES "public"."signature_requests"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "archive_timestamps_request_idx" ON "archive_timestamps" USING btree ("request_id");