CREATE SCHEMA "billing";
--> statement-breakpoint
CREATE TYPE "billing"."invoice_status" AS ENUM('open', 'paid', 'overdue', 'cancelled');--> statement-breakpoint
CREATE TABLE "billing"."invoice_line" (
	"id" text PRIMARY KEY NOT NULL,
	"invoice_id" text NOT NULL,
	"position" integer NOT NULL,
	"description" text NOT NULL,
	"quantity" integer NOT NULL,
	"unit_amount_cents" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "billing"."invoice" (
	"id" text PRIMARY KEY NOT NULL,
	"person_id" text NOT NULL,
	"number" text NOT NULL,
	"issued_on" date NOT NULL,
	"due_on" date NOT NULL,
	"status" "billing"."invoice_status" DEFAULT 'open' NOT NULL,
	"currency" text DEFAULT 'EUR' NOT NULL,
	"description" text NOT NULL,
	"recipient_name" text NOT NULL,
	"street" text NOT NULL,
	"postal_code" text NOT NULL,
	"city" text NOT NULL,
	"country" text NOT NULL,
	"iban" text,
	"paid_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "billing"."invoice_line" ADD CONSTRAINT "invoice_line_invoice_id_invoice_id_fk" FOREIGN KEY ("invoice_id") REFERENCES "billing"."invoice"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "invoice_line_invoice_position_key" ON "billing"."invoice_line" USING btree ("invoice_id","position");--> statement-breakpoint
CREATE UNIQUE INDEX "invoice_number_key" ON "billing"."invoice" USING btree ("number");--> statement-breakpoint
CREATE INDEX "invoice_person_idx" ON "billing"."invoice" USING btree ("person_id");