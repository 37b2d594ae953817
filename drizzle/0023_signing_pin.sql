ALTER TABLE "users" ADD COLUMN "signing_pin_set_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "signing_pin_check" text;--> statement-breakpoint
ALTER TABLE "signer_certificates" ADD COLUMN "key_wrap" text DEFAULT 'password' NOT NULL;