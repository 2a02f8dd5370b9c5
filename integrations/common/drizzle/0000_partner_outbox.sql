CREATE SCHEMA "partner_outbox";
--> statement-breakpoint
CREATE TYPE "partner_outbox"."send_status" AS ENUM('pending', 'sent', 'failed', 'unknown');--> statement-breakpoint
CREATE TABLE "partner_outbox"."send" (
	"id" text PRIMARY KEY NOT NULL,
	"partner" text NOT NULL,
	"channel" text NOT NULL,
	"purpose" text NOT NULL,
	"basis" text NOT NULL,
	"person_id" text NOT NULL,
	"variables" jsonb NOT NULL,
	"idempotency_key" text NOT NULL,
	"fields" text[] NOT NULL,
	"input" jsonb,
	"status" "partner_outbox"."send_status" DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone DEFAULT now() NOT NULL,
	"in_flight_since" timestamp with time zone,
	"reconcile_attempts" integer DEFAULT 0 NOT NULL,
	"claimed_until" timestamp with time zone,
	"reference" text,
	"last_error" text,
	"request_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"settled_at" timestamp with time zone,
	CONSTRAINT "send_idempotency_key_unique" UNIQUE("idempotency_key")
);
--> statement-breakpoint
CREATE INDEX "send_due_idx" ON "partner_outbox"."send" USING btree ("next_attempt_at") WHERE "partner_outbox"."send"."status" = 'pending';