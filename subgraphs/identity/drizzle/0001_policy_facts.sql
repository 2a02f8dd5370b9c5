-- Facts identity publishes for the policies of every subgraph (schema/policy's policyFacts).
-- A contract: its name carries a version, and a breaking change publishes _v2 beside it.
CREATE VIEW "identity"."policy_membership_v1" AS
  SELECT person_id, organisation_id, role::text AS role, started_on, ended_on
  FROM "identity"."membership";
