CREATE SCHEMA "identity";
--> statement-breakpoint
CREATE TYPE "identity"."account_status" AS ENUM('active', 'closing', 'closed');--> statement-breakpoint
CREATE TYPE "identity"."membership_role" AS ENUM('employee', 'therapist', 'practice_manager', 'employer_admin', 'support');--> statement-breakpoint
CREATE TYPE "identity"."organisation_kind" AS ENUM('employer', 'practice', 'platform');--> statement-breakpoint
CREATE TYPE "identity"."otp_channel" AS ENUM('sms', 'email');--> statement-breakpoint
CREATE TYPE "identity"."otp_purpose" AS ENUM('enrol_phone', 'login');--> statement-breakpoint
CREATE TABLE "identity"."membership" (
	"id" text PRIMARY KEY NOT NULL,
	"person_id" text NOT NULL,
	"organisation_id" text NOT NULL,
	"role" "identity"."membership_role" NOT NULL,
	"employee_number" text,
	"started_on" date NOT NULL,
	"ended_on" date
);
--> statement-breakpoint
CREATE TABLE "identity"."organisation" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"kind" "identity"."organisation_kind" NOT NULL,
	"country" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "identity"."otp_challenge" (
	"id" text PRIMARY KEY NOT NULL,
	"person_id" text NOT NULL,
	"purpose" "identity"."otp_purpose" NOT NULL,
	"channel" "identity"."otp_channel" NOT NULL,
	"code_hash" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"consumed_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "identity"."person" (
	"id" text PRIMARY KEY NOT NULL,
	"given_name" text NOT NULL,
	"family_name" text NOT NULL,
	"initials" text NOT NULL,
	"email" text,
	"phone" text,
	"date_of_birth" date,
	"street" text,
	"postal_code" text,
	"city" text,
	"country" text,
	"language" text DEFAULT 'nl' NOT NULL,
	"pseudonym" text NOT NULL,
	"status" "identity"."account_status" DEFAULT 'active' NOT NULL,
	"closed_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "identity"."second_factor" (
	"person_id" text PRIMARY KEY NOT NULL,
	"phone" text,
	"phone_verified_at" timestamp with time zone,
	"pending_phone" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "identity"."membership" ADD CONSTRAINT "membership_person_id_person_id_fk" FOREIGN KEY ("person_id") REFERENCES "identity"."person"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "identity"."membership" ADD CONSTRAINT "membership_organisation_id_organisation_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "identity"."organisation"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "membership_person_idx" ON "identity"."membership" USING btree ("person_id");--> statement-breakpoint
CREATE INDEX "membership_organisation_idx" ON "identity"."membership" USING btree ("organisation_id");--> statement-breakpoint
CREATE INDEX "otp_challenge_person_idx" ON "identity"."otp_challenge" USING btree ("person_id");--> statement-breakpoint
CREATE UNIQUE INDEX "person_pseudonym_key" ON "identity"."person" USING btree ("pseudonym");