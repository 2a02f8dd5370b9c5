CREATE SCHEMA "mobility";
--> statement-breakpoint
CREATE TYPE "mobility"."card_kind" AS ENUM('personal', 'shared');--> statement-breakpoint
CREATE TYPE "mobility"."card_status" AS ENUM('active', 'blocked', 'expired');--> statement-breakpoint
CREATE TYPE "mobility"."travel_mode" AS ENUM('car', 'bike', 'e_bike', 'train', 'bus', 'tram', 'metro', 'walk');--> statement-breakpoint
CREATE TYPE "mobility"."traveller_role" AS ENUM('driver', 'passenger');--> statement-breakpoint
CREATE TYPE "mobility"."trip_purpose" AS ENUM('business', 'commute', 'private');--> statement-breakpoint
CREATE TYPE "mobility"."trip_source" AS ENUM('manual', 'gps', 'check_in_out');--> statement-breakpoint
CREATE TABLE "mobility"."mobility_card" (
	"id" text PRIMARY KEY NOT NULL,
	"person_id" text NOT NULL,
	"engraved_number" text NOT NULL,
	"chip_id" text NOT NULL,
	"expires_on" date NOT NULL,
	"kind" "mobility"."card_kind" NOT NULL,
	"status" "mobility"."card_status" DEFAULT 'active' NOT NULL,
	"issued_on" date NOT NULL
);
--> statement-breakpoint
CREATE TABLE "mobility"."trip" (
	"id" text PRIMARY KEY NOT NULL,
	"person_id" text NOT NULL,
	"card_id" text,
	"source" "mobility"."trip_source" NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"ended_at" timestamp with time zone NOT NULL,
	"start_place" text NOT NULL,
	"end_place" text NOT NULL,
	"distance_meters" integer NOT NULL,
	"mode" "mobility"."travel_mode" NOT NULL,
	"purpose" "mobility"."trip_purpose" NOT NULL,
	"traveller_role" "mobility"."traveller_role",
	"co2_grams" integer NOT NULL,
	"cost_cents" integer,
	"confirmed_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "mobility"."trip" ADD CONSTRAINT "trip_card_id_mobility_card_id_fk" FOREIGN KEY ("card_id") REFERENCES "mobility"."mobility_card"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "mobility_card_person_idx" ON "mobility"."mobility_card" USING btree ("person_id");--> statement-breakpoint
CREATE UNIQUE INDEX "mobility_card_engraved_number_key" ON "mobility"."mobility_card" USING btree ("engraved_number");--> statement-breakpoint
CREATE INDEX "trip_person_idx" ON "mobility"."trip" USING btree ("person_id");--> statement-breakpoint
CREATE INDEX "trip_card_idx" ON "mobility"."trip" USING btree ("card_id");