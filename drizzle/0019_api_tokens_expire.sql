-- Every API token expires: tokens created without an expiry get the longest lifetime a new token may have (365 days from creation).
UPDATE "api_tokens" SET "expires_at" = "created_at" + interval '365 days' WHERE "expires_at" IS NULL;--> statement-breakpoint
ALTER TABLE "api_tokens" ALTER COLUMN "expires_at" SET NOT NULL;
