CREATE SCHEMA "consent";
--> statement-breakpoint
CREATE TYPE "consent"."consent_basis" AS ENUM('consent', 'explicit_consent');--> statement-breakpoint
CREATE TYPE "consent"."consent_method" AS ENUM('in_app', 'web', 'paper', 'guardian');--> statement-breakpoint
CREATE TYPE "consent"."consent_state" AS ENUM('given', 'withdrawn', 'expired');--> statement-breakpoint
CREATE TYPE "consent"."disclosure_outcome" AS ENUM('sent', 'failed');--> statement-breakpoint
CREATE TABLE "consent"."consent_record" (
	"id" text PRIMARY KEY NOT NULL,
	"person_id" text NOT NULL,
	"purpose_id" text NOT NULL,
	"lawful_basis" "consent"."consent_basis" NOT NULL,
	"notice_version" text NOT NULL,
	"state" "consent"."consent_state" NOT NULL,
	"given_at" timestamp with time zone NOT NULL,
	"withdrawn_at" timestamp with time zone,
	"expires_at" timestamp with time zone,
	"method" "consent"."consent_method" NOT NULL
);
--> statement-breakpoint
CREATE TABLE "consent"."disclosure" (
	"id" text PRIMARY KEY NOT NULL,
	"partner" text NOT NULL,
	"person_id" text NOT NULL,
	"fields" text[] NOT NULL,
	"purpose" text NOT NULL,
	"basis" text NOT NULL,
	"outcome" "consent"."disclosure_outcome" NOT NULL,
	"reference" text,
	"idempotency_key" text NOT NULL,
	"delivery_status" text,
	"delivery_updated_at" timestamp with time zone,
	"occurred_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "disclosure_idempotency_key_unique" UNIQUE("idempotency_key")
);
--> statement-breakpoint
CREATE TABLE "consent"."instructed_read" (
	"id" text PRIMARY KEY NOT NULL,
	"instruction_id" text NOT NULL,
	"reader_id" text NOT NULL,
	"person_id" text NOT NULL,
	"field" text NOT NULL,
	"read_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "consent"."partner_event" (
	"partner" text NOT NULL,
	"reference" text NOT NULL,
	"status" text NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "partner_event_partner_reference_status_pk" PRIMARY KEY("partner","reference","status")
);
--> statement-breakpoint
CREATE TABLE "consent"."processing_instruction" (
	"id" text PRIMARY KEY NOT NULL,
	"controller_id" text NOT NULL,
	"processor_person_id" text,
	"person_id" text NOT NULL,
	"categories" text[] NOT NULL,
	"reason" text NOT NULL,
	"issued_by" text NOT NULL,
	"valid_from" timestamp with time zone NOT NULL,
	"valid_until" timestamp with time zone NOT NULL,
	"revoked_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "consent"."purpose" (
	"id" text PRIMARY KEY NOT NULL,
	"title" text NOT NULL,
	"description" text NOT NULL,
	"lawful_basis" "consent"."consent_basis" NOT NULL,
	"notice_version" text NOT NULL
);
--> statement-breakpoint
ALTER TABLE "consent"."consent_record" ADD CONSTRAINT "consent_record_purpose_id_purpose_id_fk" FOREIGN KEY ("purpose_id") REFERENCES "consent"."purpose"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "consent"."instructed_read" ADD CONSTRAINT "instructed_read_instruction_id_processing_instruction_id_fk" FOREIGN KEY ("instruction_id") REFERENCES "consent"."processing_instruction"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "consent_record_person_idx" ON "consent"."consent_record" USING btree ("person_id");--> statement-breakpoint
CREATE INDEX "consent_record_purpose_idx" ON "consent"."consent_record" USING btree ("purpose_id");--> statement-breakpoint
CREATE INDEX "disclosure_person_idx" ON "consent"."disclosure" USING btree ("person_id");--> statement-breakpoint
CREATE INDEX "disclosure_partner_reference_idx" ON "consent"."disclosure" USING btree ("partner","reference");--> statement-breakpoint
CREATE INDEX "instructed_read_person_idx" ON "consent"."instructed_read" USING btree ("person_id");--> statement-breakpoint
CREATE INDEX "processing_instruction_person_idx" ON "consent"."processing_instruction" USING btree ("person_id");