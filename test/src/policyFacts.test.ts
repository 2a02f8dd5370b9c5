import { queryRows } from "@grondslag/db";
import { disclosureLogFacts } from "@grondslag/integration-common";
import { createPolicyContext, policyFacts, SHARED_FACTS_MS, verifyPolicyFacts } from "@grondslag/policy";
import { resetDatabase } from "@grondslag/testing";
import { personas } from "@grondslag/auth";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { startTestStack, type TestStack } from "./startTestStack.ts";

// The policy reads other subgraphs' facts only through the views and the function each owner
// publishes in its own migrations. A subgraph may reshape its tables behind them; a fact that
// disappears or loses a column stops the graph at start, naming it.
let graph: TestStack;
beforeAll(async () => {
  graph = await startTestStack();
});
afterAll(async () => {
  await graph?.stop();
  // Leave the suite's one database as the next file expects it.
  if (graph) await resetDatabase(graph.database, graph.stack.subgraphs);
});

describe("policy facts are a published, checked contract", () => {
  it("every fact the policy reads is published by its owner, with the columns the policy reads", async () => {
    await expect(verifyPolicyFacts(graph.database.db)).resolves.toBeUndefined();
    expect(Object.values(policyFacts).map((fact) => `${fact.owner}: ${fact.relation}`)).toEqual([
      "therapy: therapy.policy_care_relationship_v1",
      "identity: identity.policy_membership_v1",
      "consent: consent.policy_active_consent_v1",
      "consent: consent.policy_open_instruction_v1",
      "consent: consent.policy_open_case_v1",
      "consent: consent.record_staff_access_v1",
    ]);
  });

  it("reads the facts of a list's persons together, whatever their ids hold", async () => {
    // The persons go as one text[] parameter: quotes, commas, braces and backslashes in an id are
    // part of the id, never of the array (a stray one would read, or miss, another person's facts).
    const { lookups } = createPolicyContext(graph.database.db, null);
    const odd = ['anna", "bram', "anna\\", "{anna}", "an,na", 'x"y', "bram"];
    const [anna, ...others] = await Promise.all(["anna", ...odd].map((id) => lookups.careRelationshipsOf.load(id)));
    expect(anna!.length).toBeGreaterThan(0);
    expect(others.slice(0, -1)).toEqual(odd.slice(0, -1).map(() => []));
    expect(others.at(-1)!.length).toBeGreaterThan(0);
  });

  it("reads what a rule asks beside a fact, and the caller's own facts, in the statement that reads it; then answers from them at once", async () => {
    // eva, who administers acme, asks for anna's memberships (is anna employed by an organisation
    // eva administers?): anna's open cases (is processing restricted?) and eva's own memberships
    // come in the same statement, and no later look-up of them reads again.
    const { lookups } = createPolicyContext(graph.database.db, personas.eva);
    graph.database.resetQueryCount();
    expect((await lookups.membershipsOf.load("anna")).map((membership) => membership.organisationId)).toContain("acme");
    expect(graph.database.queryCount).toBe(1);
    const read = [lookups.openCasesOf.get!("anna"), lookups.membershipsOf.get!("eva")];
    expect(read.some((fact) => fact instanceof Promise)).toBe(false);
    const [cases, evas] = read as [unknown[], { organisationId: string; role: string }[]];
    expect(cases).toEqual([]);
    expect(evas).toContainEqual({ organisationId: "acme", role: "employer_admin" });
    expect(await lookups.openCasesOf.load("anna")).toBe(cases);
    expect(graph.database.queryCount).toBe(1);
    // A person the request has not read yet takes a statement of its own, and the caller is not read again.
    expect(await lookups.membershipsOf.load("bram")).not.toEqual([]);
    expect(graph.database.queryCount).toBe(2);
    expect(lookups.membershipsOf.get!("eva")).toBe(evas);
    // Consents do not come with memberships (no rule that reads memberships guards data on a
    // consent basis): asked for, they are read then, in a statement of their own.
    const consents = lookups.consentsOf.get!("anna");
    expect(consents).toBeInstanceOf(Promise);
    expect(await consents).toContain("health-data");
    expect(graph.database.queryCount).toBe(3);
  });

  it("reads a person's open cases and consents with their care relationships: a therapist's rules ask for all three", async () => {
    const { lookups } = createPolicyContext(graph.database.db, personas.tom);
    graph.database.resetQueryCount();
    expect((await lookups.careRelationshipsOf.load("anna")).length).toBeGreaterThan(0);
    const read = [lookups.openCasesOf.get!("anna"), lookups.consentsOf.get!("anna")];
    expect(read.some((fact) => fact instanceof Promise)).toBe(false);
    expect(read[1] as Set<string>).toContain("health-data");
    expect(graph.database.queryCount).toBe(1);
  });

  it("each kind of fact arrives as the rules read it, in one statement, on either database", async () => {
    // The statement answers one row holding every fact as JSON: each value must come back as the
    // rules compare it (text ids, a boolean, a list of categories, a case's kind in capitals),
    // however the view types its column, and a text holding JSON's own characters unchanged.
    const odd = 'HEALTH "quoted" \\ back, {braced} é';
    await graph.database.execute(`update consent.processing_instruction set categories = array['HEALTH', 'CONTACT', E'${odd.replace(/\\/g, "\\\\").replace(/'/g, "''")}'] where id = 'fysio-utrecht-sam-anna'`);
    try {
      const { lookups } = createPolicyContext(graph.database.db, personas.sam);
      graph.database.resetQueryCount();
      const [instructions, cases, care, consents] = await Promise.all([
        lookups.instructionsFor.load("anna"),
        lookups.openCasesOf.load("bram"),
        lookups.careRelationshipsOf.load("anna"),
        lookups.consentsOf.load("anna"),
      ]);
      expect(graph.database.queryCount).toBe(1);
      expect(instructions).toEqual([{ id: "fysio-utrecht-sam-anna", controllerId: "fysio-utrecht", processorPersonId: "sam", categories: ["HEALTH", "CONTACT", odd] }]);
      expect(cases).toEqual([{ id: "case-bram-login", kind: "SUPPORT" }]);
      expect(care).toContainEqual({ therapistPersonId: "tom", practiceId: "fysio-utrecht", active: true });
      expect(care.every((fact) => typeof fact.active === "boolean")).toBe(true);
      expect([...consents]).toContain("health-data");
      const { lookups: evas } = createPolicyContext(graph.database.db, personas.eva);
      expect(await evas.membershipsOf.load("eva")).toContainEqual({ organisationId: "acme", role: "employer_admin" });
    } finally {
      await graph.database.execute(`update consent.processing_instruction set categories = array['HEALTH'] where id = 'fysio-utrecht-sam-anna'`);
    }
  });

  it("a gateway request's read-only fetches share the facts read for it; the next request, a fetch that may write, and a fetch after it read afresh", async () => {
    const db = graph.database.db;
    const setAnnasHealthConsent = (state: "given" | "withdrawn") =>
      graph.database.execute(`update consent.consent_record set state = '${state}' where person_id = 'anna' and purpose_id = 'health-data'`);
    const consents = (request?: { gatewayRequest?: string; readOnly: boolean }) => createPolicyContext(db, personas.tom, new Date(), request).lookups.consentsOf.load("anna");
    const request = "0b7e3c52-5d5e-4c5f-9d7a-2f3e1c9a8b01";
    try {
      // The first fetch of the request (identity's root field, say) reads anna's consents.
      expect(await consents({ gatewayRequest: request, readOnly: true })).toContain("health-data");
      await setAnnasHealthConsent("withdrawn");
      // The same request's next fetch (therapy's entities) decides on what the request read ...
      expect(await consents({ gatewayRequest: request, readOnly: true })).toContain("health-data");
      // ... but never another caller's fetch, whatever id its token carries ...
      expect(await createPolicyContext(db, personas.eva, new Date(), { gatewayRequest: request, readOnly: true }).lookups.consentsOf.load("anna")).not.toContain("health-data");
      // ... the next request reads afresh: the withdrawal stops it ...
      expect(await consents({ gatewayRequest: "9f1d6a3e-0c4b-4e8a-b6d2-7a5c3e1f0d92", readOnly: true })).not.toContain("health-data");
      // ... so does a context without the gateway's request (a script, a test) ...
      expect(await consents()).not.toContain("health-data");
      expect(await consents({ readOnly: true })).not.toContain("health-data");
      // ... and a fetch of the same request that may write reads afresh and drops what the request had read,
      // so that a fetch after the write (a mutation's follow-up entity fetch) reads afresh too.
      expect(await consents({ gatewayRequest: request, readOnly: false })).not.toContain("health-data");
      await setAnnasHealthConsent("given");
      expect(await consents({ gatewayRequest: request, readOnly: true })).toContain("health-data");
      await setAnnasHealthConsent("withdrawn");
      expect(await consents({ gatewayRequest: request, readOnly: true })).toContain("health-data");
      // What a request read is kept only SHARED_FACTS_MS after its last fetch began.
      vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + SHARED_FACTS_MS + 1 });
      expect(await consents({ gatewayRequest: request, readOnly: true })).not.toContain("health-data");
    } finally {
      vi.useRealTimers();
      await setAnnasHealthConsent("given");
    }
  });

  it("a column renamed inside therapy keeps the published fact answering as before", async () => {
    const facts = () => queryRows<{ practice_id: string }>(graph.database.db, sql`select practice_id from therapy.policy_care_relationship_v1 where patient_id = 'anna' order by practice_id`);
    const before = await facts();
    await graph.database.execute(`ALTER TABLE therapy.therapist RENAME COLUMN practice_id TO practice_organisation_id;`);
    try {
      await expect(verifyPolicyFacts(graph.database.db)).resolves.toBeUndefined();
      expect(await facts()).toEqual(before);
      expect(before.map((row) => row.practice_id)).toEqual(["fysio-utrecht", "oefen-amersfoort"]);
    } finally {
      await graph.database.execute(`ALTER TABLE therapy.therapist RENAME COLUMN practice_organisation_id TO practice_id;`);
    }
  });

  it("start-up fails naming the fact when its owner stops publishing a column, or the fact itself", async () => {
    await graph.database.execute(`
      DROP VIEW therapy.policy_care_relationship_v1;
      CREATE VIEW therapy.policy_care_relationship_v1 AS
        SELECT cr.patient_id, t.person_id AS therapist_person_id, cr.started_on, cr.ended_on
        FROM therapy.care_relationship cr JOIN therapy.therapist t ON t.id = cr.therapist_id;`);
    await expect(verifyPolicyFacts(graph.database.db)).rejects.toThrow(
      "policy fact careRelationships (therapy.policy_care_relationship_v1, published by therapy) lacks practice_id",
    );
    // The partner outbox's contract with consent is checked the same way.
    await graph.database.execute(`DROP FUNCTION consent.record_disclosure_v1;`);
    await expect(verifyPolicyFacts(graph.database.db, { ...policyFacts, ...disclosureLogFacts })).rejects.toThrow(
      /policy fact disclosureLog \(function consent\.record_disclosure_v1, published by consent\) does not exist/,
    );
    await graph.database.execute(`DROP VIEW consent.policy_open_case_v1;`);
    await expect(verifyPolicyFacts(graph.database.db)).rejects.toThrow(
      /policy fact openCases \(view consent\.policy_open_case_v1, published by consent\) does not exist/,
    );
  });
});
