CREATE SCHEMA "therapy";
--> statement-breakpoint
CREATE TABLE "therapy"."care_relationship" (
	"id" text PRIMARY KEY NOT NULL,
	"therapist_id" text NOT NULL,
	"patient_id" text NOT NULL,
	"started_on" date NOT NULL,
	"ended_on" date
);
--> statement-breakpoint
CREATE TABLE "therapy"."compliance_entry" (
	"id" text PRIMARY KEY NOT NULL,
	"exercise_id" text NOT NULL,
	"patient_id" text NOT NULL,
	"performed_on" date NOT NULL,
	"done" boolean NOT NULL,
	"pain_score" integer,
	"effort_score" integer,
	CONSTRAINT "compliance_entry_pain_score_range" CHECK ("therapy"."compliance_entry"."pain_score" between 0 and 10),
	CONSTRAINT "compliance_entry_effort_score_range" CHECK ("therapy"."compliance_entry"."effort_score" between 0 and 10)
);
--> statement-breakpoint
CREATE TABLE "therapy"."exercise_program" (
	"id" text PRIMARY KEY NOT NULL,
	"care_relationship_id" text NOT NULL,
	"patient_id" text NOT NULL,
	"title" text NOT NULL,
	"goal" text,
	"started_on" date NOT NULL,
	"ends_on" date
);
--> statement-breakpoint
CREATE TABLE "therapy"."exercise" (
	"id" text PRIMARY KEY NOT NULL,
	"program_id" text NOT NULL,
	"position" integer NOT NULL,
	"name" text NOT NULL,
	"instructions" text NOT NULL,
	"sets" integer NOT NULL,
	"repetitions" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "therapy"."practice" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"city" text NOT NULL,
	"country" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "therapy"."therapist" (
	"id" text PRIMARY KEY NOT NULL,
	"person_id" text NOT NULL,
	"practice_id" text NOT NULL,
	"profession" text NOT NULL,
	"registration_number" text
);
--> statement-breakpoint
ALTER TABLE "therapy"."care_relationship" ADD CONSTRAINT "care_relationship_therapist_id_therapist_id_fk" FOREIGN KEY ("therapist_id") REFERENCES "therapy"."therapist"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "therapy"."compliance_entry" ADD CONSTRAINT "compliance_entry_exercise_id_exercise_id_fk" FOREIGN KEY ("exercise_id") REFERENCES "therapy"."exercise"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "therapy"."exercise_program" ADD CONSTRAINT "exercise_program_care_relationship_id_care_relationship_id_fk" FOREIGN KEY ("care_relationship_id") REFERENCES "therapy"."care_relationship"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "therapy"."exercise" ADD CONSTRAINT "exercise_program_id_exercise_program_id_fk" FOREIGN KEY ("program_id") REFERENCES "therapy"."exercise_program"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "therapy"."therapist" ADD CONSTRAINT "therapist_practice_id_practice_id_fk" FOREIGN KEY ("practice_id") REFERENCES "therapy"."practice"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "care_relationship_therapist_idx" ON "therapy"."care_relationship" USING btree ("therapist_id");--> statement-breakpoint
CREATE INDEX "care_relationship_patient_idx" ON "therapy"."care_relationship" USING btree ("patient_id");--> statement-breakpoint
CREATE UNIQUE INDEX "compliance_entry_exercise_day_key" ON "therapy"."compliance_entry" USING btree ("exercise_id","performed_on");--> statement-breakpoint
CREATE INDEX "compliance_entry_patient_idx" ON "therapy"."compliance_entry" USING btree ("patient_id");--> statement-breakpoint
CREATE INDEX "exercise_program_care_relationship_idx" ON "therapy"."exercise_program" USING btree ("care_relationship_id");--> statement-breakpoint
CREATE INDEX "exercise_program_patient_idx" ON "therapy"."exercise_program" USING btree ("patient_id");--> statement-breakpoint
CREATE UNIQUE INDEX "exercise_position_key" ON "therapy"."exercise" USING btree ("program_id","position");--> statement-breakpoint
CREATE INDEX "therapist_person_idx" ON "therapy"."therapist" USING btree ("person_id");--> statement-breakpoint
CREATE INDEX "therapist_practice_idx" ON "therapy"."therapist" USING btree ("practice_id");