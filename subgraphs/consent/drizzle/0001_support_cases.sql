CREATE TYPE "consent"."case_kind" AS ENUM('support', 'access', 'rectification', 'erasure', 'restriction', 'portability', 'objection');--> statement-breakpoint
CREATE TYPE "consent"."staff_access_mode" AS ENUM('read', 'write');--> statement-breakpoint
CREATE TABLE "consent"."support_case" (
	"id" text PRIMARY KEY NOT NULL,
	"person_id" text NOT NULL,
	"kind" "consent"."case_kind" NOT NULL,
	"topic" text NOT NULL,
	"opened_at" timestamp with time zone DEFAULT now() NOT NULL,
	"due_at" timestamp with time zone,
	"closed_at" timestamp with time zone,
	"closed_by" text
);
--> statement-breakpoint
ALTER TABLE "consent"."instructed_read" ALTER COLUMN "instruction_id" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "consent"."instructed_read" ADD COLUMN "case_id" text;--> statement-breakpoint
ALTER TABLE "consent"."instructed_read" ADD COLUMN "access" "consent"."staff_access_mode" DEFAULT 'read' NOT NULL;--> statement-breakpoint
CREATE INDEX "support_case_person_idx" ON "consent"."support_case" USING btree ("person_id");--> statement-breakpoint
ALTER TABLE "consent"."instructed_read" ADD CONSTRAINT "instructed_read_case_id_support_case_id_fk" FOREIGN KEY ("case_id") REFERENCES "consent"."support_case"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "consent"."instructed_read" ADD CONSTRAINT "instructed_read_one_basis" CHECK (("consent"."instructed_read"."instruction_id" is null) <> ("consent"."instructed_read"."case_id" is null));