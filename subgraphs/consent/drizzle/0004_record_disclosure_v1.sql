-- Records one send to a partner in the disclosure log: the function consent publishes for the
-- partner outbox (integrations/common), so the outbox's worker records the disclosure and moves
-- its send's state in one transaction of its own, without writing consent's tables itself.
-- A contract: its name carries a version, and a breaking change publishes _v2 beside it.
-- Idempotent on idempotency_key: true when this call recorded it, false when it was recorded before.
CREATE FUNCTION "consent"."record_disclosure_v1"(partner text, person_id text, fields text[], purpose text, basis text, outcome text, reference text, idempotency_key text, request_id text)
RETURNS boolean LANGUAGE sql AS $$
  WITH inserted AS (
    INSERT INTO "consent"."disclosure" (id, partner, person_id, fields, purpose, basis, outcome, reference, idempotency_key, request_id, occurred_at)
    VALUES (gen_random_uuid()::text, $1, $2, $3, $4, $5, $6::"consent"."disclosure_outcome", $7, $8, $9, now())
    ON CONFLICT (idempotency_key) DO NOTHING
    RETURNING 1
  )
  SELECT count(*) > 0 FROM inserted;
$$;
