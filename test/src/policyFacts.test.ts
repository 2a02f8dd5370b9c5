import { queryRows } from "@grondslag/db";
import { disclosureLogFacts } from "@grondslag/integration-common";
import { createPolicyContext, policyFacts, verifyPolicyFacts } from "@grondslag/policy";
import { resetDatabase } from "@grondslag/testing";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
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
