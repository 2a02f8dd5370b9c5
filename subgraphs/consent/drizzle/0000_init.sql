CREATE SCHEMA "consent";
--> statement-breakpoint
CREATE TYPE "consent"."consent_basis" AS ENUM('consent', 'explicit_consent');--> statement-breakpoint
CREATE TYPE "consent"."consent_method" AS ENUM('in_app', 'web', 'paper', 'guardian');--> statement-breakpoint
CREATE TYPE "consent"."consent_state" AS ENUM('given', 'withdrawn', 'expired');--> statement-breakpoint
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
CREATE TABLE "consent"."purpose" (
	"id" text PRIMARY KEY NOT NULL,
	"title" text NOT NULL,
	"description" text NOT NULL,
	"lawful_basis" "consent"."consent_basis" NOT NULL,
	"notice_version" text NOT NULL
);
--> statement-breakpoint
ALTER TABLE "consent"."consent_record" ADD CONSTRAINT "consent_record_purpose_id_purpose_id_fk" FOREIGN KEY ("purpose_id") REFERENCES "consent"."purpose"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "consent_record_person_idx" ON "consent"."consent_record" USING btree ("person_id");--> statement-breakpoint
CREATE INDEX "consent_record_purpose_idx" ON "consent"."consent_record" USING btree ("purpose_id");