import { createLogger } from "@grondslag/server";
import { getTestDatabase, resetDatabase, type TestDatabase } from "@grondslag/testing";
import { and, eq } from "drizzle-orm";
import { graphql } from "graphql";
import { beforeAll, describe, expect, it } from "vitest";
import { createSubgraph, tables } from "./index.ts";

// A fixed clock, so expiry reads the same whenever the suite runs.
const NOW = new Date("2026-11-22T12:00:00Z");

// A small stand-in for the composed supergraph: Query comes first, so the answer's order is the register's own.
const SUPERGRAPH_SDL = /* GraphQL */ `
  type Query {
    fieldPolicies: [FieldPolicy!] @notPersonal @access(read: [["auditor"], ["platform-staff"]])
  }
  type Person {
    email: String
      @personal(category: CONTACT, basis: CONTRACT, controller: PLATFORM, retention: "P67D", retentionFrom: ACCOUNT_CLOSED)
      @access(read: [["self"], ["therapist-of"], ["platform-staff"]], write: [["self"], ["platform-staff"]])
  }
  type join__Internal { graph: String }
`;

let database: TestDatabase;
let subgraph: ReturnType<typeof createSubgraph>;

beforeAll(async () => {
  database = await getTestDatabase();
  subgraph = createSubgraph({ database, log: createLogger({ level: "silent" }), now: () => NOW });
  await resetDatabase(database, [subgraph]);
});

type Caller = Parameters<typeof subgraph.createContext>[0];
const anna = { subject: "anna", role: "subject", personId: "anna" } as const;
const bram = { subject: "bram", role: "subject", personId: "bram" } as const;
const sam = { subject: "sam", role: "support", personId: "sam", organisationId: "grondslag" } as const;
const audrey = { subject: "audrey", role: "auditor", personId: "audrey" } as const;

async function run(source: string, caller: Caller = anna, target = subgraph) {
  return graphql({ schema: target.schema, source, contextValue: target.createContext(caller) });
}

const personsWith = (ids: string[], fields: string) => /* GraphQL */ `{
  _entities(representations: [${ids.map((id) => `{ __typename: "Person", id: "${id}" }`).join(", ")}]) {
    ... on Person { id ${fields} }
  }
}`;
const consentsOf = (ids: string[], fields: string) => personsWith(ids, `consents { ${fields} }`);

/** One read sam made of anna's data under the demo instruction, as the policy layer records it. */
async function recordFixtureRead() {
  await database.db
    .insert(tables.instructedReads)
    .values({
      id: "read-anna-1", instructionId: "fysio-utrecht-sam-anna", readerId: "sam", personId: "anna",
      field: "Program.title", readAt: new Date("2026-11-21T09:30:00Z"),
    })
    .onConflictDoNothing();
}

describe("consent subgraph", () => {
  it("lists the purpose catalogue to any authenticated caller", async () => {
    const result = await run(/* GraphQL */ `{ consentPurposes { id lawfulBasis noticeVersion } }`);
    expect(result).toEqual({
      data: {
        consentPurposes: [
          { id: "gps-tracking", lawfulBasis: "CONSENT", noticeVersion: "2026-09" },
          { id: "health-data", lawfulBasis: "EXPLICIT_CONSENT", noticeVersion: "2026-09" },
          { id: "research", lawfulBasis: "EXPLICIT_CONSENT", noticeVersion: "2026-09" },
          { id: "saved-places", lawfulBasis: "CONSENT", noticeVersion: "2026-09" },
          { id: "sms-notifications", lawfulBasis: "CONSENT", noticeVersion: "2026-09" },
        ],
      },
    });
  });

  it("answers a person's consents in the order they were given", async () => {
    const fields = "id purpose { id title } lawfulBasis noticeVersion state givenAt withdrawnAt method active";
    const [annas, brams] = [await run(consentsOf(["anna"], fields), anna), await run(consentsOf(["bram"], fields), { subject: "bram", role: "subject", personId: "bram" })];
    const result = { data: { _entities: [...(annas.data?._entities as unknown[]), ...(brams.data?._entities as unknown[])] } };
    expect([annas.errors, brams.errors]).toEqual([undefined, undefined]);
    expect(result).toEqual({
      data: {
        _entities: [
          {
            id: "anna",
            consents: [
              {
                id: "anna-health-data", purpose: { id: "health-data", title: "Health data for your therapy" },
                lawfulBasis: "EXPLICIT_CONSENT", noticeVersion: "2026-09", state: "GIVEN",
                givenAt: "2026-10-05T08:12:00.000Z", withdrawnAt: null, method: "IN_APP", active: true,
              },
              {
                id: "anna-gps-tracking", purpose: { id: "gps-tracking", title: "Trips recorded by GPS" },
                lawfulBasis: "CONSENT", noticeVersion: "2026-09", state: "GIVEN",
                givenAt: "2026-10-20T06:47:00.000Z", withdrawnAt: null, method: "IN_APP", active: true,
              },
            ],
          },
          {
            id: "bram",
            consents: [
              {
                id: "bram-sms-notifications", purpose: { id: "sms-notifications", title: "Notifications by SMS" },
                lawfulBasis: "CONSENT", noticeVersion: "2026-03", state: "WITHDRAWN",
                givenAt: "2026-05-11T09:05:00.000Z", withdrawnAt: "2026-10-02T19:21:00.000Z", method: "IN_APP", active: false,
              },
              {
                id: "bram-health-data", purpose: { id: "health-data", title: "Health data for your therapy" },
                lawfulBasis: "EXPLICIT_CONSENT", noticeVersion: "2026-09", state: "WITHDRAWN",
                givenAt: "2026-09-14T10:00:00.000Z", withdrawnAt: "2026-09-30T18:40:00.000Z", method: "IN_APP", active: false,
              },
              {
                id: "bram-gps-tracking", purpose: { id: "gps-tracking", title: "Trips recorded by GPS" },
                lawfulBasis: "CONSENT", noticeVersion: "2026-09", state: "GIVEN",
                givenAt: "2026-09-15T17:30:00.000Z", withdrawnAt: null, method: "WEB", active: true,
              },
            ],
          },
        ],
      },
    });
  });

  it("lets a person read their own consents and who read their data under an instruction", async () => {
    await recordFixtureRead();
    const result = await run(personsWith(["anna"], "consents { id state } instructedReads { nodes { id field readerId readAt instructionId } }"));
    expect(result).toEqual({
      data: {
        _entities: [
          {
            id: "anna",
            consents: [{ id: "anna-health-data", state: "GIVEN" }, { id: "anna-gps-tracking", state: "GIVEN" }],
            instructedReads: {
              nodes: [{ id: "read-anna-1", field: "Program.title", readerId: "sam", readAt: "2026-11-21T09:30:00.000Z", instructionId: "fysio-utrecht-sam-anna" }],
            },
          },
        ],
      },
    });
  });

  it("reads a given consent past its expiry as EXPIRED and inactive, at request time", async () => {
    const record = { personId: "expiry-fixture", lawfulBasis: "consent", noticeVersion: "2026-09", method: "web" } as const;
    await database.db
      .insert(tables.consentRecords)
      .values([
        // Stored as given; its expiry passed a week ago.
        { ...record, id: "lapsed", purposeId: "saved-places", state: "given", givenAt: new Date("2025-11-15T10:00:00Z"), expiresAt: new Date("2026-11-15T10:00:00Z") },
        // Expires at the very instant of the request: no longer active.
        { ...record, id: "ends-now", purposeId: "gps-tracking", state: "given", givenAt: new Date("2026-05-22T12:00:00Z"), expiresAt: NOW },
        { ...record, id: "running", purposeId: "research", lawfulBasis: "explicit_consent", state: "given", givenAt: new Date("2026-11-01T10:00:00Z"), expiresAt: new Date("2027-11-01T10:00:00Z") },
        // A withdrawal stays a withdrawal once its expiry has passed too.
        { ...record, id: "withdrawn", purposeId: "sms-notifications", state: "withdrawn", givenAt: new Date("2026-11-02T10:00:00Z"), withdrawnAt: new Date("2026-11-03T10:00:00Z"), expiresAt: new Date("2026-11-10T10:00:00Z") },
      ])
      .onConflictDoNothing();

    const result = await run(consentsOf(["expiry-fixture"], "id state active"), { subject: "expiry-fixture", role: "subject", personId: "expiry-fixture" });
    expect(result).toEqual({
      data: {
        _entities: [
          {
            id: "expiry-fixture",
            consents: [
              { id: "lapsed", state: "EXPIRED", active: false },
              { id: "ends-now", state: "EXPIRED", active: false },
              { id: "running", state: "GIVEN", active: true },
              { id: "withdrawn", state: "WITHDRAWN", active: false },
            ],
          },
        ],
      },
    });
  });

  it("gives an auditor the register of every field's policy from the supergraph, ordered by coordinate", async () => {
    const withSupergraph = createSubgraph({ database, log: createLogger({ level: "silent" }), supergraphSdl: SUPERGRAPH_SDL, now: () => NOW });
    const query = /* GraphQL */ `{ fieldPolicies { coordinate type field personal category basis controller retention retentionFrom read write } }`;
    const result = await run(query, audrey, withSupergraph);
    expect(result).toEqual({
      data: {
        fieldPolicies: [
          {
            coordinate: "Person.email", type: "Person", field: "email", personal: true, category: "CONTACT", basis: "CONTRACT",
            controller: "PLATFORM", retention: "P67D", retentionFrom: "ACCOUNT_CLOSED",
            read: "self | therapist-of | platform-staff", write: "self | platform-staff",
          },
          {
            coordinate: "Query.fieldPolicies", type: "Query", field: "fieldPolicies", personal: false, category: null, basis: null,
            controller: null, retention: null, retentionFrom: null, read: "auditor | platform-staff", write: null,
          },
        ],
      },
    });
    // Support staff read it too; without a supergraph the register is empty.
    expect((await run(`{ fieldPolicies { coordinate } }`, sam, withSupergraph)).data?.fieldPolicies).toHaveLength(2);
    expect(await run(`{ fieldPolicies { coordinate } }`, audrey)).toEqual({ data: { fieldPolicies: [] } });
  });

  it("gives an auditor the log of instructed reads: ids and field names, never values", async () => {
    await recordFixtureRead();
    const result = await run(/* GraphQL */ `{ instructedReads { nodes { id field readerId readAt instructionId } } }`, audrey);
    expect(result).toEqual({
      data: {
        instructedReads: {
          nodes: [{ id: "read-anna-1", field: "Program.title", readerId: "sam", readAt: "2026-11-21T09:30:00.000Z", instructionId: "fysio-utrecht-sam-anna" }],
        },
      },
    });
    const denied = await run(`{ instructedReads { nodes { id } } }`, sam);
    expect(denied.data).toEqual({ instructedReads: null });
    expect(denied.errors?.[0]?.extensions).toEqual({ code: "UNAUTHORIZED_FIELD_OR_TYPE", field: "Query.instructedReads", policy: "read: auditor" });
  });

  it("gives the log of staff reads a page at a time, newest first, at most 100 to a page", async () => {
    // Every field staff read adds a row: the log was one unbounded list.
    const read = (id: string, readAt: string) => ({ id, instructionId: "fysio-utrecht-sam-anna", readerId: "sam", personId: "paging-fixture", field: "Program.title", readAt: new Date(readAt) });
    await database.db
      .insert(tables.instructedReads)
      .values([read("paging-1", "2026-11-01T08:00:00Z"), read("paging-2", "2026-11-02T08:00:00Z"), read("paging-3", "2026-11-03T08:00:00Z")])
      .onConflictDoNothing();
    type Page = { nodes: { id: string }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
    const pageOf = async (args: string) => {
      const result = await run(personsWith(["paging-fixture"], `instructedReads${args} { nodes { id } pageInfo { hasNextPage endCursor } }`), audrey);
      expect(result.errors).toBeUndefined();
      return (result.data?._entities as { instructedReads: Page }[])[0]!.instructedReads;
    };
    const first = await pageOf("(first: 2)");
    expect(first.nodes.map((node) => node.id)).toEqual(["paging-3", "paging-2"]);
    expect(first.pageInfo.hasNextPage).toBe(true);
    const second = await pageOf(`(first: 2, after: "${first.pageInfo.endCursor}")`);
    expect({ ids: second.nodes.map((node) => node.id), hasNextPage: second.pageInfo.hasNextPage }).toEqual({ ids: ["paging-1"], hasNextPage: false });

    const tooMany = await run(personsWith(["paging-fixture"], "instructedReads(first: 101) { nodes { id } }"), audrey);
    expect(tooMany.errors?.map((error) => error.extensions)).toEqual([expect.objectContaining({ code: "BAD_USER_INPUT", argument: "first" })]);
    const wholeLog = await run(`{ instructedReads(first: 101) { nodes { id } } }`, audrey);
    expect(wholeLog.errors?.map((error) => error.extensions)).toEqual([expect.objectContaining({ code: "BAD_USER_INPUT", argument: "first" })]);
  });

  it("denies an auditor a person's consents with null and an error that carries none of their values", async () => {
    const result = await run(consentsOf(["anna"], "id purpose { id } noticeVersion state givenAt"), audrey);
    expect(result.data).toEqual({ _entities: [{ id: "anna", consents: null }] });
    expect(result.errors).toHaveLength(1);
    expect(result.errors?.[0]?.path).toEqual(["_entities", 0, "consents"]);
    expect(result.errors?.[0]?.extensions).toEqual({ code: "UNAUTHORIZED_FIELD_OR_TYPE", field: "Person.consents", policy: "read: self" });
    expect(JSON.stringify(result.errors)).not.toMatch(/anna-health-data|anna-gps-tracking|health-data|gps-tracking|2026-09|2026-10/);
  });

  it("resolves a batch of Person references with consents in a constant number of queries, other people's costing none", async () => {
    database.resetQueryCount();
    const one = await run(consentsOf(["anna"], "purpose { id }"));
    const oneCount = database.queryCount;
    database.resetQueryCount();
    const six = await run(consentsOf(["anna", "bram", "tom", "mila", "eva", "sam"], "purpose { id }"));
    const sixCount = database.queryCount;

    expect(one.errors).toBeUndefined();
    expect(six.errors?.map((error) => error.extensions?.field)).toEqual(Array(5).fill("Person.consents"));
    expect((six.data?._entities as unknown[]).length).toBe(6);
    // consent records, purposes: one query each, however many people are asked for.
    expect(oneCount).toBe(2);
    expect(sixCount).toBe(oneCount);
  });

  it("refuses to give or withdraw someone else's consent, and changes nothing", async () => {
    const before = await database.db.select().from(tables.consentRecords).where(eq(tables.consentRecords.personId, "anna"));
    const give = await run(`mutation { giveConsent(personId: "anna", purposeId: "research") { id state } }`, bram);
    expect(give.data).toEqual({ giveConsent: null });
    expect(give.errors?.[0]?.extensions).toEqual({ code: "UNAUTHORIZED_FIELD_OR_TYPE", field: "ConsentRecord.state", policy: "write: self" });
    const withdraw = await run(`mutation { withdrawConsent(personId: "anna", purposeId: "health-data") { id state } }`, bram);
    expect(withdraw.data).toEqual({ withdrawConsent: null });
    expect(withdraw.errors?.[0]?.extensions).toEqual({ code: "UNAUTHORIZED_FIELD_OR_TYPE", field: "ConsentRecord.state", policy: "write: self" });
    // Support staff may read consents but not give them on someone's behalf.
    expect((await run(`mutation { giveConsent(personId: "anna", purposeId: "research") { id } }`, sam)).errors?.[0]?.extensions?.code).toBe(
      "UNAUTHORIZED_FIELD_OR_TYPE",
    );
    const after = await database.db.select().from(tables.consentRecords).where(eq(tables.consentRecords.personId, "anna"));
    expect(after).toEqual(before);
  });

  it("lets a person give and withdraw their own consent, keeping the record as proof", async () => {
    const fields = "purpose { id } lawfulBasis noticeVersion state givenAt withdrawnAt method active";
    const given = await run(`mutation { giveConsent(personId: "anna", purposeId: "research") { id ${fields} } }`);
    expect(given.errors).toBeUndefined();
    const record = given.data?.giveConsent as { id: string };
    expect(record).toEqual({
      id: expect.any(String), purpose: { id: "research" }, lawfulBasis: "EXPLICIT_CONSENT", noticeVersion: "2026-09",
      state: "GIVEN", givenAt: NOW.toISOString(), withdrawnAt: null, method: "IN_APP", active: true,
    });

    // Giving again answers the active consent, not a second one.
    const again = await run(`mutation { giveConsent(personId: "anna", purposeId: "research") { id } }`);
    expect(again).toEqual({ data: { giveConsent: { id: record.id } } });

    const withdrawn = await run(`mutation { withdrawConsent(personId: "anna", purposeId: "research") { id state withdrawnAt active } }`);
    expect(withdrawn).toEqual({ data: { withdrawConsent: { id: record.id, state: "WITHDRAWN", withdrawnAt: NOW.toISOString(), active: false } } });

    const stored = await database.db.select().from(tables.consentRecords).where(eq(tables.consentRecords.purposeId, "research"));
    expect(stored.filter((row) => row.personId === "anna")).toEqual([expect.objectContaining({ id: record.id, state: "withdrawn", withdrawnAt: NOW })]);

    // Withdrawing again (a retry) answers the same record, unchanged; nothing is written.
    const retried = await run(`mutation { withdrawConsent(personId: "anna", purposeId: "research") { id state withdrawnAt } }`);
    expect(retried).toEqual({ data: { withdrawConsent: { id: record.id, state: "WITHDRAWN", withdrawnAt: NOW.toISOString() } } });
    expect(await database.db.select().from(tables.consentRecords).where(eq(tables.consentRecords.purposeId, "research"))).toEqual(stored);

    // Never given: nothing to withdraw.
    const nothing = await run(`mutation { withdrawConsent(personId: "bram", purposeId: "research") { id } }`, bram);
    expect(nothing.data).toEqual({ withdrawConsent: null });
    expect(nothing.errors?.[0]?.message).toBe("no active consent for that purpose");
    expect(nothing.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
  });

  it("records how the person gave a consent, in the app or on the web; paper and a guardian's are not given through the graph", async () => {
    try {
      const web = await run(`mutation { giveConsent(personId: "anna", purposeId: "research", method: WEB) { method state } }`);
      expect(web).toEqual({ data: { giveConsent: { method: "WEB", state: "GIVEN" } } });
      const paper = await run(`mutation { giveConsent(personId: "bram", purposeId: "research", method: PAPER) { method } }`, bram);
      expect(paper.errors?.[0]?.extensions).toEqual({ code: "BAD_USER_INPUT", argument: "method" });
      expect(await database.db.select().from(tables.consentRecords).where(and(eq(tables.consentRecords.personId, "bram"), eq(tables.consentRecords.purposeId, "research")))).toEqual([]);
    } finally {
      await database.db.delete(tables.consentRecords).where(and(eq(tables.consentRecords.personId, "anna"), eq(tables.consentRecords.purposeId, "research")));
    }
  });

  it("lets a consent be given at most 10 times a day for one purpose, and withdrawn whenever", async () => {
    // Found probing as an attacker: give and withdraw in a loop grew a person's consents (each kept as proof) without end.
    const ria = { subject: "ria", role: "subject", personId: "give-fixture" } as const;
    const give = () => run(`mutation { giveConsent(personId: "give-fixture", purposeId: "saved-places") { state } }`, ria);
    const withdraw = () => run(`mutation { withdrawConsent(personId: "give-fixture", purposeId: "saved-places") { state } }`, ria);
    try {
      for (let i = 0; i < 10; i++) {
        expect((await give()).data).toEqual({ giveConsent: { state: "GIVEN" } });
        expect((await withdraw()).data).toEqual({ withdrawConsent: { state: "WITHDRAWN" } });
      }
      const eleventh = await give();
      expect(eleventh.data).toEqual({ giveConsent: null });
      expect(eleventh.errors?.[0]?.extensions).toEqual({ code: "TOO_MANY_REQUESTS" });
      expect(await database.db.select().from(tables.consentRecords).where(eq(tables.consentRecords.personId, "give-fixture"))).toHaveLength(10);
    } finally {
      await database.db.delete(tables.consentRecords).where(eq(tables.consentRecords.personId, "give-fixture"));
    }
  });

  it("answers BAD_USER_INPUT for an unknown or malformed purpose", async () => {
    for (const mutation of ["giveConsent", "withdrawConsent"]) {
      const unknown = await run(`mutation { ${mutation}(personId: "anna", purposeId: "no-such-purpose") { id } }`);
      expect(unknown.errors?.[0]?.extensions).toEqual({ code: "BAD_USER_INPUT", argument: "purposeId" });
      expect(unknown.errors?.[0]?.message).toBe("unknown purpose");
      const malformed = await run(`mutation { ${mutation}(personId: "anna", purposeId: "Health Data!") { id } }`);
      expect(malformed.errors?.[0]?.extensions).toEqual({ code: "BAD_USER_INPUT", argument: "purposeId" });
    }
    const noTopic = await run(`mutation { openSupportCase(personId: "anna", kind: SUPPORT, topic: "  ") { id } }`);
    expect(noTopic.errors?.[0]?.extensions).toEqual({ code: "BAD_USER_INPUT", argument: "topic" });
    const stored = await database.db.select().from(tables.consentRecords).where(eq(tables.consentRecords.purposeId, "no-such-purpose"));
    expect(stored).toEqual([]);
  });

  it("seeds idempotently, with fysio-utrecht's instructions for anna and bram", async () => {
    expect(await subgraph.hasData()).toBe(true);
    const before = await run(consentsOf(["anna", "bram"], "id"));
    await subgraph.seedDemoData();
    expect(await run(consentsOf(["anna", "bram"], "id"))).toEqual(before);
    const instructions = await database.db.select().from(tables.processingInstructions);
    expect(instructions).toEqual([
      {
        id: "fysio-utrecht-sam-anna", controllerId: "fysio-utrecht", processorPersonId: "sam", personId: "anna", categories: ["HEALTH"],
        reason: "Support ticket 4711: exercise video does not play", issuedBy: "tom",
        validFrom: new Date("2026-11-01T00:00:00Z"), validUntil: new Date("2027-01-31T00:00:00Z"), revokedAt: null,
      },
      {
        id: "fysio-utrecht-sam-bram", controllerId: "fysio-utrecht", processorPersonId: "sam", personId: "bram", categories: ["HEALTH"],
        reason: "Support ticket 4790: compliance chart shows no data", issuedBy: "tom",
        validFrom: new Date("2026-11-01T00:00:00Z"), validUntil: new Date("2027-01-31T00:00:00Z"), revokedAt: null,
      },
    ]);
  });
});

describe("support cases and data-subject requests", () => {
  const bram = { subject: "bram", role: "subject", personId: "bram" } as const;
  const casesOf = (id: string) => personsWith([id], "supportCases { id kind topic closedAt }");

  it("lets only the person open a case, and staff read it while it is open, each read recorded", async () => {
    const byStaff = await run(`mutation { openSupportCase(personId: "anna", kind: SUPPORT, topic: "x") { id } }`, sam);
    expect(byStaff.data).toEqual({ openSupportCase: null });
    expect(byStaff.errors?.[0]?.extensions).toEqual({ code: "UNAUTHORIZED_FIELD_OR_TYPE", field: "SupportCase.openedAt", policy: "write: self" });

    // anna's only case was closed: staff see none of her cases.
    const closed = await run(casesOf("anna"), sam);
    expect(closed.data).toEqual({ _entities: [{ id: "anna", supportCases: null }] });

    const opened = await run(`mutation { openSupportCase(personId: "anna", kind: RECTIFICATION, topic: "Mijn telefoonnummer klopt niet") { id kind dueAt } }`);
    const caseId = (opened.data?.openSupportCase as { id: string; dueAt: string }).id;
    expect((opened.data?.openSupportCase as { dueAt: string }).dueAt).toBe(new Date(NOW.getTime() + 30 * 86_400_000).toISOString());
    const open = await run(casesOf("anna"), sam);
    expect(open.errors).toBeUndefined();
    // The open case only: anna's closed one stays hers (its topic is what she wrote then).
    expect((open.data?._entities as { supportCases: { id: string; kind: string }[] }[])[0]?.supportCases.map((c) => [c.id, c.kind])).toEqual([[caseId, "RECTIFICATION"]]);
    expect(JSON.stringify(open)).not.toContain("case-anna-invoice");
    const own = await run(casesOf("anna"));
    expect((own.data?._entities as { supportCases: { id: string }[] }[])[0]?.supportCases.map((c) => c.id)).toEqual(["case-anna-invoice", caseId]);
    const reads = await database.db.select().from(tables.instructedReads).where(eq(tables.instructedReads.caseId, caseId));
    expect(new Set(reads.map((read) => `${read.readerId} ${read.access} ${read.field}`))).toEqual(
      new Set(["sam read Person.supportCases", "sam read SupportCase.id", "sam read SupportCase.kind", "sam read SupportCase.topic", "sam read SupportCase.closedAt"]),
    );

    // Staff close it and read back when (the case is no longer theirs: not its id, nor anything else);
    // from then on they read nothing, and cannot close it twice.
    const closing = await run(`mutation { closeSupportCase(caseId: "${caseId}") { closedAt } }`, sam);
    expect(closing).toEqual({ data: { closeSupportCase: { closedAt: NOW.toISOString() } } });
    const after = await run(casesOf("anna"), sam);
    expect(after.data).toEqual({ _entities: [{ id: "anna", supportCases: null }] });
    expect(after.errors?.[0]?.extensions?.policy).toBe("read: self | support-case");
    expect(JSON.stringify(after.errors)).not.toMatch(/telefoonnummer|RECTIFICATION/);
    const again = await run(`mutation { closeSupportCase(caseId: "${caseId}") { id } }`, sam);
    expect(again.errors?.[0]?.extensions?.code).toBe("UNAUTHORIZED_FIELD_OR_TYPE");
  });

  it("keeps a person's cases to 10 open at once and 20 opened in a day, refusing the next with TOO_MANY_REQUESTS", async () => {
    // Found probing as an attacker: 122 open cases made one 1.5-KB query of `supportCases` a 7.7-MB answer.
    const pia = { subject: "pia", role: "subject", personId: "case-fixture" } as const;
    const open = () => run(`mutation { openSupportCase(personId: "case-fixture", kind: SUPPORT, topic: "Vraag") { id } }`, pia);
    const close = (id: string) => run(`mutation { closeSupportCase(caseId: "${id}") { closedAt } }`, pia);
    try {
      const opened: string[] = [];
      for (let i = 0; i < 10; i++) opened.push(((await open()).data?.openSupportCase as { id: string }).id);
      const eleventh = await open();
      expect(eleventh.data).toEqual({ openSupportCase: null });
      expect(eleventh.errors?.[0]?.extensions).toEqual({ code: "TOO_MANY_REQUESTS" });
      // Closing them makes room, up to 20 opened in the day.
      for (const id of opened) expect((await close(id)).errors).toBeUndefined();
      for (let i = 0; i < 10; i++) expect((await open()).errors).toBeUndefined();
      const rows = await database.db.select().from(tables.supportCases).where(eq(tables.supportCases.personId, "case-fixture"));
      await close(rows.find((row) => row.closedAt === null)!.id);
      expect((await open()).errors?.[0]?.extensions).toEqual({ code: "TOO_MANY_REQUESTS" });
      expect(await database.db.select().from(tables.supportCases).where(eq(tables.supportCases.personId, "case-fixture"))).toHaveLength(20);
      // A restriction is never held back (found re-probing: a person at the limits could not stop processing), and asked again is the open one.
      const restriction = await run(`mutation { openSupportCase(personId: "case-fixture", kind: RESTRICTION, topic: "Stop") { id } }`, pia);
      expect(restriction.errors).toBeUndefined();
      const again = await run(`mutation { openSupportCase(personId: "case-fixture", kind: RESTRICTION, topic: "Stop!") { id } }`, pia);
      expect(again.data).toEqual(restriction.data);
    } finally {
      await database.db.delete(tables.supportCases).where(eq(tables.supportCases.personId, "case-fixture"));
    }
  });

  it("lets staff close none of a person's cases while a restriction of processing is open", async () => {
    // Found re-probing as an auditor: with a RESTRICTION open, sam still closed the person's SUPPORT case.
    const restriction = ((await run(`mutation { openSupportCase(personId: "anna", kind: RESTRICTION, topic: "Beperk de verwerking") { id } }`)).data?.openSupportCase as { id: string }).id;
    const support = ((await run(`mutation { openSupportCase(personId: "anna", kind: SUPPORT, topic: "Inloggen lukt niet") { id } }`)).data?.openSupportCase as { id: string }).id;
    try {
      const refused = await run(`mutation { closeSupportCase(caseId: "${support}") { closedAt } }`, sam);
      expect(refused.data).toEqual({ closeSupportCase: null });
      expect(refused.errors?.[0]?.extensions).toMatchObject({ code: "UNAUTHORIZED_FIELD_OR_TYPE", field: "SupportCase.closedAt" });
      // Told as of a case that does not exist: which cases are open stays the person's.
      const missing = await run(`mutation { closeSupportCase(caseId: "no-such-case") { closedAt } }`, sam);
      expect(refused.errors?.[0]?.message).toBe(missing.errors?.[0]?.message);
      expect((await database.db.select().from(tables.supportCases).where(eq(tables.supportCases.id, support)))[0]?.closedAt).toBeNull();
    } finally {
      for (const id of [support, restriction]) await run(`mutation { closeSupportCase(caseId: "${id}") { closedAt } }`);
    }
  });

  it("lets only the person lift a restriction of processing, and tells staff of a closed case what it tells of none", async () => {
    const opened = await run(`mutation { openSupportCase(personId: "anna", kind: RESTRICTION, topic: "Beperk de verwerking") { id } }`);
    const caseId = (opened.data?.openSupportCase as { id: string }).id;
    // Staff hold an open case of anna's (this one), yet may not close it: it would open her data to them again.
    const byStaff = await run(`mutation { closeSupportCase(caseId: "${caseId}") { closedAt } }`, sam);
    expect(byStaff.data).toEqual({ closeSupportCase: null });
    expect(byStaff.errors?.[0]?.extensions).toEqual({ code: "UNAUTHORIZED_FIELD_OR_TYPE", field: "SupportCase.closedAt", policy: "write: self | closes-open-case" });
    expect(JSON.stringify(byStaff.errors)).not.toMatch(/Beperk/);
    expect((await database.db.select().from(tables.supportCases).where(eq(tables.supportCases.id, caseId)))[0]?.closedAt).toBeNull();

    // anna lifts it herself.
    expect((await run(`mutation { closeSupportCase(caseId: "${caseId}") { closedAt } }`)).errors).toBeUndefined();

    // With another case of anna's open, staff closing her closed one, or one that does not exist, are told alike.
    const support = await run(`mutation { openSupportCase(personId: "anna", kind: SUPPORT, topic: "Inloggen lukt niet") { id } }`);
    const supportId = (support.data?.openSupportCase as { id: string }).id;
    const closed = await run(`mutation { closeSupportCase(caseId: "${caseId}") { closedAt } }`, sam);
    const missing = await run(`mutation { closeSupportCase(caseId: "no-such-case") { closedAt } }`, sam);
    expect(closed.errors?.[0]?.extensions).toEqual(missing.errors?.[0]?.extensions);
    expect(closed.errors?.[0]?.message).toBe(missing.errors?.[0]?.message);
    expect(closed.errors?.[0]?.extensions?.code).toBe("UNAUTHORIZED_FIELD_OR_TYPE");
    // The person's retry is answered with the case as it stands: the first close's time, nothing written.
    const retried = await run(`mutation { closeSupportCase(caseId: "${caseId}") { id closedAt } }`);
    expect(retried).toEqual({ data: { closeSupportCase: { id: caseId, closedAt: NOW.toISOString() } } });
    expect((await run(`mutation { closeSupportCase(caseId: "${supportId}") { closedAt } }`, sam)).errors).toBeUndefined();
  });

  it("refuses to close someone else's case, or one that does not exist, alike", async () => {
    const others = await run(`mutation { closeSupportCase(caseId: "case-bram-login") { id } }`, anna);
    const missing = await run(`mutation { closeSupportCase(caseId: "no-such-case") { id } }`, anna);
    expect(others).toEqual(missing);
    expect(others.errors?.[0]?.extensions?.code).toBe("UNAUTHORIZED_FIELD_OR_TYPE");
    expect((await run(casesOf("bram"), bram)).data).toMatchObject({ _entities: [{ supportCases: [{ id: "case-bram-login", closedAt: null }] }] });
  });
});
