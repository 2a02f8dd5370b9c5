-- Facts therapy publishes for the policies of every subgraph (schema/policy's policyFacts).
-- A contract: its name carries a version, and a breaking change publishes _v2 beside it.
-- Postgres refuses to drop a column this view reads, and a rename keeps its output names.
CREATE VIEW "therapy"."policy_care_relationship_v1" AS
  SELECT cr.patient_id, t.person_id AS therapist_person_id, t.practice_id, cr.started_on, cr.ended_on
  FROM "therapy"."care_relationship" cr
  JOIN "therapy"."therapist" t ON t.id = cr.therapist_id;
