import { createStaticPolicyLookups, type StaticPolicyFacts } from "@grondslag/policy";
import { createLogger } from "@grondslag/server";
import { getTestDatabase, resetDatabase, type TestDatabase } from "@grondslag/testing";
import { graphql } from "graphql";
import { beforeAll, describe, expect, it } from "vitest";
import { createSubgraph } from "./index.ts";

let database: TestDatabase;
let subgraph: ReturnType<typeof createSubgraph>;

beforeAll(async () => {
  database = await getTestDatabase();
  subgraph = createSubgraph({ database, log: createLogger({ level: "silent" }) });
  await resetDatabase(database, [subgraph]);
});

const anna = { subject: "anna", role: "subject", personId: "anna" } as const;
const sam = { subject: "sam", role: "support", personId: "sam", organisationId: "grondslag" } as const;
const eva = { subject: "eva", role: "employer-admin", personId: "eva", organisationId: "acme" } as const;

// The other subgraphs' facts these rules read (consent's cases, identity's own memberships as
// published), stated here rather than read from schemas another test file may not have migrated.
const employee = (organisationId: string) => ({ organisationId, role: "employee" });
const facts: StaticPolicyFacts = {
  memberships: {
    anna: [employee("acme")], bram: [employee("acme"), employee("bakkerij-zon")], tom: [employee("acme")],
    mila: [employee("acme")], sam: [employee("acme")], eva: [{ organisationId: "acme", role: "employer_admin" }],
  },
  openCases: { bram: [{ id: "case-bram-login", kind: "SUPPORT" }] },
};

async function run(source: string, caller: Parameters<typeof subgraph.createContext>[0] = anna, policyFacts: StaticPolicyFacts = facts) {
  const context = subgraph.createContext(caller);
  context.policy.lookups = createStaticPolicyLookups(policyFacts);
  return graphql({ schema: subgraph.schema, source, contextValue: context });
}

describe("identity subgraph", () => {
  it("answers `me` with the caller's own person, address and memberships", async () => {
    const result = await run(/* GraphQL */ `
      { me { id givenName familyName address { city country } memberships { role employeeNumber organisation { id kind } } } }
    `);
    expect(result).toEqual({
      data: {
        me: {
          id: "anna",
          givenName: "Anna",
          familyName: "de Vries",
          address: { city: "Utrecht", country: "NL" },
          memberships: [{ role: "EMPLOYEE", employeeNumber: "E-1001", organisation: { id: "acme", kind: "EMPLOYER" } }],
        },
      },
    });
  });

  it("resolves a batch of Person references with memberships in a constant number of queries (as their employer)", async () => {
    const query = (ids: string[]) => /* GraphQL */ `{
      _entities(representations: [${ids.map((id) => `{ __typename: "Person", id: "${id}" }`).join(", ")}]) {
        ... on Person { id memberships { organisation { name } } }
      }
    }`;
    database.resetQueryCount();
    const one = await run(query(["anna"]), eva);
    const oneCount = database.queryCount;
    database.resetQueryCount();
    const six = await run(query(["anna", "bram", "tom", "mila", "sam", "anna"]), eva);
    const sixCount = database.queryCount;

    expect(one.errors).toBeUndefined();
    expect(six.errors).toBeUndefined();
    expect((six.data?._entities as unknown[]).length).toBe(6);
    // Each list holds acme's memberships only: bram's at the bakery, tom's at his practice and sam's at the platform are left out.
    expect((six.data?._entities as { memberships: { organisation: { name: string } }[] }[]).map((person) => person.memberships.length)).toEqual([1, 1, 0, 0, 0, 1]);
    // memberships, then organisations: one query each, however many people are asked for.
    // (A Person is a bare reference until one of its own columns is read.)
    expect(oneCount).toBe(2);
    expect(sixCount).toBe(oneCount);
  });

  it("runs __resolveReference under the shield middleware, and checks each entity field", async () => {
    const result = await run(/* GraphQL */ `
      { _entities(representations: [{ __typename: "Person", id: "anna" }, { __typename: "Person", id: "bram" }, { __typename: "Organisation", id: "acme" }]) {
          ... on Person { id givenName email }
          ... on Organisation { name }
      } }
    `);
    expect(result.data).toEqual({
      _entities: [{ id: "anna", givenName: "Anna", email: "anna@example.nl" }, { id: "bram", givenName: null, email: null }, { name: "Acme Logistiek B.V." }],
    });
    expect(result.errors).toHaveLength(2);
    expect(result.errors?.map((error) => ({ path: error.path, ...error.extensions }))).toEqual(expect.arrayContaining([
      { path: ["_entities", 1, "givenName"], code: "UNAUTHORIZED_FIELD_OR_TYPE", field: "Person.givenName", policy: "read: self | therapist-of | patient-of | support-case" },
      { path: ["_entities", 1, "email"], code: "UNAUTHORIZED_FIELD_OR_TYPE", field: "Person.email", policy: "read: self | therapist-of | support-case" },
    ]));
    // The refusal names the field and the policy, never the record's values.
    expect(JSON.stringify(result.errors)).not.toMatch(/Bram|Jansen|bram@example/);
  });

  it("refuses a write the field's write policy does not allow, and makes the one it allows", async () => {
    const write = (caller: Parameters<typeof subgraph.createContext>[0], personId: string) =>
      run(`mutation { updateContactDetails(personId: "${personId}", phone: "+31611112222") { phone } }`, caller);
    const denied = await write(anna, "bram");
    expect(denied.data).toEqual({ updateContactDetails: null });
    expect(denied.errors?.[0]?.extensions).toMatchObject({ code: "UNAUTHORIZED_FIELD_OR_TYPE", field: "Person.email", policy: "write: self | rectification-request" });
    // Staff read bram's phone while his support case is open, and that alone lets them change nothing.
    expect((await run(`{ _entities(representations: [{ __typename: "Person", id: "bram" }]) { ... on Person { phone } } }`, sam)).data).toEqual({
      _entities: [{ phone: "+31687654321" }],
    });
    expect((await write(sam, "bram")).errors?.[0]?.extensions?.policy).toBe("write: self | rectification-request");

    expect(await write(anna, "anna")).toEqual({ data: { updateContactDetails: { phone: "+31611112222" } } });
    const invalid = await run(`mutation { updateContactDetails(personId: "anna", phone: "0612") { phone } }`);
    expect(invalid.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    // `phone: null` removes the number (an empty string is not a number, and was the only try).
    expect(await run(`mutation { updateContactDetails(personId: "anna", phone: null) { phone } }`)).toEqual({ data: { updateContactDetails: { phone: null } } });
    expect((await run(`mutation { updateContactDetails(personId: "anna", phone: "") { phone } }`)).errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    // An address longer than any mail server takes is refused, naming it (found probing as an attacker: 9,000 characters were stored).
    const long = await run(`mutation { updateContactDetails(personId: "anna", email: "${"a".repeat(250)}@example.nl") { email } }`);
    expect(long.errors?.[0]?.extensions).toEqual({ code: "BAD_USER_INPUT", argument: "email" });
    // The email address can be corrected, not removed.
    const noEmail = await run(`mutation { updateContactDetails(personId: "anna", email: null) { email } }`);
    expect(noEmail.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", argument: "email" });
    expect((await run(`{ _entities(representations: [{ __typename: "Person", id: "anna" }]) { ... on Person { email } } }`)).data).toEqual({ _entities: [{ email: "anna@example.nl" }] });
    expect(await write(anna, "anna")).toEqual({ data: { updateContactDetails: { phone: "+31611112222" } } });
  });

  it("gives staff none of the person's data while a restriction of processing is open, whatever other case is open beside it", async () => {
    // Found probing as an auditor: anna's RESTRICTION request was itself the open case that let sam read her contact data.
    const read = `{ _entities(representations: [{ __typename: "Person", id: "bram" }]) { ... on Person { phone email } } }`;
    const supportOnly = { ...facts, openCases: { bram: [{ id: "case-bram-login", kind: "SUPPORT" }] } };
    expect((await run(read, sam, supportOnly)).data).toEqual({ _entities: [{ phone: "+31687654321", email: "bram@example.nl" }] });
    for (const openCases of [[{ id: "case-bram-restriction", kind: "RESTRICTION" }], [{ id: "case-bram-login", kind: "SUPPORT" }, { id: "case-bram-restriction", kind: "RESTRICTION" }]]) {
      const restricted = await run(read, sam, { ...facts, openCases: { bram: openCases } });
      expect(restricted.data).toEqual({ _entities: [{ phone: null, email: null }] });
      expect(restricted.errors?.map((error) => error.extensions)).toEqual([
        { code: "UNAUTHORIZED_FIELD_OR_TYPE", field: "Person.phone", policy: "read: self | therapist-of | support-case" },
        { code: "UNAUTHORIZED_FIELD_OR_TYPE", field: "Person.email", policy: "read: self | therapist-of | support-case" },
      ]);
      expect(JSON.stringify(restricted.errors)).not.toMatch(/bram@example|\+3168/);
    }
  });

  it("lets staff correct nothing while a restriction of processing is open, rectification request or not", async () => {
    // Found re-probing as an auditor: the restriction stopped staff's reads, but sam still rewrote bram's email under his rectification request.
    const recorded: NonNullable<StaticPolicyFacts["recorded"]> = [];
    const restricted = { ...facts, openCases: { bram: [{ id: "dsr-bram-phone", kind: "RECTIFICATION" }, { id: "dsr-bram-stop", kind: "RESTRICTION" }] }, recorded };
    const context = subgraph.createContext(sam);
    context.policy.lookups = createStaticPolicyLookups(restricted);
    const result = await graphql({ schema: subgraph.schema, source: `mutation { updateContactDetails(personId: "bram", phone: "+31687654399") { id } }`, contextValue: context });
    expect(result.data).toEqual({ updateContactDetails: null });
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: "UNAUTHORIZED_FIELD_OR_TYPE", policy: "write: self | rectification-request" });
    expect(recorded).toEqual([]);
    const bram = { subject: "bram", role: "subject", personId: "bram" } as const;
    expect((await run(`{ _entities(representations: [{ __typename: "Person", id: "bram" }]) { ... on Person { phone } } }`, bram)).data).toEqual({ _entities: [{ phone: "+31687654321" }] });
  });

  it("lets staff correct contact details only under the person's open rectification request, and records the write", async () => {
    const recorded: NonNullable<StaticPolicyFacts["recorded"]> = [];
    const rectification = { ...facts, openCases: { bram: [{ id: "dsr-bram-phone", kind: "RECTIFICATION" }] }, recorded };
    const context = subgraph.createContext(sam);
    context.policy.lookups = createStaticPolicyLookups(rectification);
    const result = await graphql({
      schema: subgraph.schema,
      source: `mutation { updateContactDetails(personId: "bram", phone: "+31687654322") { id } }`,
      contextValue: context,
    });
    expect(result).toEqual({ data: { updateContactDetails: { id: "bram" } } });
    expect(recorded.map(({ caseId, field, access }) => `${access} ${field} under ${caseId}`)).toEqual(["write Person.email under dsr-bram-phone", "write Person.phone under dsr-bram-phone"]);
    // Without any open case, sam reaches nothing of bram's.
    const after = await run(`{ _entities(representations: [{ __typename: "Person", id: "bram" }]) { ... on Person { phone } } }`, sam, { ...facts, openCases: {} });
    expect(after.data).toEqual({ _entities: [{ phone: null }] });
    expect(after.errors?.[0]?.extensions?.policy).toBe("read: self | therapist-of | support-case");
  });

  it("seeds idempotently", async () => {
    await subgraph.seedDemoData();
    const result = await run(`{ me { memberships { id } } }`);
    expect(result.data).toEqual({ me: { memberships: [{ id: "anna-acme" }] } });
  });
});
