-- Facts consent publishes for the policies of every subgraph (schema/policy's policyFacts).
-- Contracts: their names carry a version, and a breaking change publishes _v2 beside them.
-- Consents that processing may rely on now: given, not withdrawn, not expired.
CREATE VIEW "consent"."policy_active_consent_v1" AS
  SELECT person_id, purpose_id
  FROM "consent"."consent_record"
  WHERE state = 'given' AND (expires_at IS NULL OR expires_at > now());
--> statement-breakpoint
-- Instructions from a controller to the platform's staff that are open now.
CREATE VIEW "consent"."policy_open_instruction_v1" AS
  SELECT id, person_id, controller_id, processor_person_id, categories
  FROM "consent"."processing_instruction"
  WHERE revoked_at IS NULL AND valid_from <= now() AND valid_until > now();
--> statement-breakpoint
-- Support cases and data-subject requests that are open now.
CREATE VIEW "consent"."policy_open_case_v1" AS
  SELECT id, person_id, kind::text AS kind
  FROM "consent"."support_case"
  WHERE closed_at IS NULL;
--> statement-breakpoint
-- Records one read or write by platform staff under an instruction or a case: the only way
-- another subgraph's policy writes into consent's log.
CREATE FUNCTION "consent"."record_staff_access_v1"(instruction_id text, case_id text, reader_id text, person_id text, field text, access text)
RETURNS void LANGUAGE sql AS $$
  INSERT INTO "consent"."instructed_read" (id, instruction_id, case_id, reader_id, person_id, field, access, read_at)
  VALUES (gen_random_uuid()::text, $1, $2, $3, $4, $5, $6::"consent"."staff_access_mode", now());
$$;
