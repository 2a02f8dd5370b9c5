ALTER TYPE "consent"."disclosure_outcome" ADD VALUE 'unknown';--> statement-breakpoint
ALTER TABLE "consent"."disclosure" ADD COLUMN "request_id" text;