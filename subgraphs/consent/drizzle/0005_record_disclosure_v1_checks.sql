-- consent.record_disclosure_v1 checks its input, as the recordDisclosure mutation it replaces did
-- (the mutation is removed: the partner outbox is the disclosure log's only writer of sends).
-- The contract is unchanged for a valid call: same name, arguments and answer. An invalid one
-- raises invalid_parameter_value (22023) with a message that names the argument, and records
-- nothing; so does a key already recorded for another partner or person (the caller's bug, not
-- a retry). The fields are names as `Type.field`, never values.
CREATE OR REPLACE FUNCTION "consent"."record_disclosure_v1"(partner text, person_id text, fields text[], purpose text, basis text, outcome text, reference text, idempotency_key text, request_id text)
RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE
  bad constant text := 'record_disclosure_v1: ';
  field text;
  inserted integer;
  existing record;
BEGIN
  IF partner IS NULL OR partner !~ '^[a-z][a-z0-9-]{0,63}$' THEN
    RAISE EXCEPTION USING ERRCODE = '22023', MESSAGE = bad || 'partner must be a partner''s name such as ''twilio''';
  END IF;
  IF person_id IS NULL OR btrim(person_id) = '' OR length(person_id) > 200 THEN
    RAISE EXCEPTION USING ERRCODE = '22023', MESSAGE = bad || 'person_id must be a person''s id of 1 to 200 characters';
  END IF;
  IF fields IS NULL OR coalesce(cardinality(fields), 0) = 0 OR cardinality(fields) > 200 THEN
    RAISE EXCEPTION USING ERRCODE = '22023', MESSAGE = bad || 'fields must name 1 to 200 fields';
  END IF;
  FOREACH field IN ARRAY fields LOOP
    IF field IS NULL OR field !~ '^[_A-Za-z][_0-9A-Za-z]*\.[_A-Za-z][_0-9A-Za-z]*$' THEN
      RAISE EXCEPTION USING ERRCODE = '22023', MESSAGE = bad || 'fields must be field names such as ''Person.phone'', never values';
    END IF;
  END LOOP;
  IF purpose IS NULL OR btrim(purpose) = '' OR length(purpose) > 200 THEN
    RAISE EXCEPTION USING ERRCODE = '22023', MESSAGE = bad || 'purpose must be 1 to 200 characters';
  END IF;
  -- GDPR Art. 6/9 bases, as the policy vocabulary's LawfulBasis names them.
  IF basis IS NULL OR basis NOT IN ('CONSENT', 'EXPLICIT_CONSENT', 'CONTRACT', 'LEGAL_OBLIGATION', 'LEGITIMATE_INTEREST', 'CONTROLLER_INSTRUCTION') THEN
    RAISE EXCEPTION USING ERRCODE = '22023', MESSAGE = bad || 'basis must be one of CONSENT, EXPLICIT_CONSENT, CONTRACT, LEGAL_OBLIGATION, LEGITIMATE_INTEREST, CONTROLLER_INSTRUCTION';
  END IF;
  IF outcome IS NULL OR outcome NOT IN ('sent', 'failed', 'unknown') THEN
    RAISE EXCEPTION USING ERRCODE = '22023', MESSAGE = bad || 'outcome must be one of sent, failed, unknown';
  END IF;
  IF reference IS NOT NULL AND (btrim(reference) = '' OR length(reference) > 200) THEN
    RAISE EXCEPTION USING ERRCODE = '22023', MESSAGE = bad || 'reference must be null or 1 to 200 characters';
  END IF;
  IF idempotency_key IS NULL OR btrim(idempotency_key) = '' OR length(idempotency_key) > 200 THEN
    RAISE EXCEPTION USING ERRCODE = '22023', MESSAGE = bad || 'idempotency_key must be 1 to 200 characters';
  END IF;
  IF request_id IS NOT NULL AND (btrim(request_id) = '' OR length(request_id) > 200) THEN
    RAISE EXCEPTION USING ERRCODE = '22023', MESSAGE = bad || 'request_id must be null or 1 to 200 characters';
  END IF;

  INSERT INTO "consent"."disclosure" AS d (id, partner, person_id, fields, purpose, basis, outcome, reference, idempotency_key, request_id, occurred_at)
  VALUES (gen_random_uuid()::text, partner, person_id, fields, purpose, basis, outcome::"consent"."disclosure_outcome", reference, idempotency_key, request_id, now())
  ON CONFLICT ON CONSTRAINT "disclosure_idempotency_key_unique" DO NOTHING;
  GET DIAGNOSTICS inserted = ROW_COUNT;
  IF inserted > 0 THEN
    RETURN true;
  END IF;
  SELECT d.partner, d.person_id INTO existing FROM "consent"."disclosure" AS d WHERE d.idempotency_key = record_disclosure_v1.idempotency_key;
  IF existing.partner IS DISTINCT FROM partner OR existing.person_id IS DISTINCT FROM person_id THEN
    RAISE EXCEPTION USING ERRCODE = '22023', MESSAGE = bad || 'idempotency_key was already used for another partner or person';
  END IF;
  RETURN false;
END;
$$;
