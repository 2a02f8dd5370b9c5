import type { Caller } from "@grondslag/auth";
import DataLoader from "dataloader";
import { graphql, parse } from "graphql";
import { describe, expect, it, vi } from "vitest";
import { createPolicySchema, type PolicySchemaOptions } from "./createPolicySchema.ts";
import type { PolicyLookups } from "./createPolicyLookups.ts";
import type { PolicyContext } from "./PolicyContext.ts";
import { vocabularySdl } from "./vocabulary.ts";

// A small subgraph of its own, so the policy layer is tested without a database: the
// relation look-ups are in-memory DataLoaders over the facts below.
const sdl = /* GraphQL */ `
  extend schema
    @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key", "@composeDirective"])
    @link(url: "https://grondslag.dev/policy/v0.1", import: ["@personal", "@notPersonal", "@access", "@writes"])
    @composeDirective(name: "@personal") @composeDirective(name: "@notPersonal") @composeDirective(name: "@access") @composeDirective(name: "@writes")

  type Query {
    patient(id: ID!): Patient @notPersonal @access(read: [["self"], ["therapist-of"], ["platform-staff"]])
    broken: String @notPersonal @access(read: [["authenticated"]])
  }
  type Patient @key(fields: "id") {
    id: ID! @personal(category: PSEUDONYMOUS_ID, basis: CONTRACT, controller: PLATFORM, retention: "P67D", retentionFrom: ACCOUNT_CLOSED) @access(read: [["authenticated"]])
    name: String @personal(category: IDENTITY, basis: CONTRACT, controller: PLATFORM, retention: "P67D", retentionFrom: ACCOUNT_CLOSED) @access(read: [["self"], ["platform-staff"]])
    diagnosis: String @personal(category: HEALTH, basis: EXPLICIT_CONSENT, controller: CARE_PRACTICE, retention: "P1Y", retentionFrom: CARE_RELATIONSHIP_ENDED)
      @access(read: [["self"], ["care-team"], ["processor-on-instruction"]])
    kind: String @notPersonal @access(read: [["authenticated"], ["is-adult"]])
    studyScore: Int @personal(category: HEALTH, basis: EXPLICIT_CONSENT, controller: PLATFORM, retention: "P10Y", retentionFrom: RECORDED)
      @access(read: [["researcher", "consent:research"]])
  }
`;

const rows: Record<string, { id: string; name: string; diagnosis: string }> = {
  anna: { id: "anna", name: "Anna", diagnosis: "meniscus tear" },
  bram: { id: "bram", name: "Bram", diagnosis: "lower back pain" },
};
const facts = {
  therapists: { anna: ["tom"], bram: ["tom"] } as Record<string, string[]>,
  consents: { anna: ["health-data", "research"] } as Record<string, string[]>,
};

function options(overrides: Partial<PolicySchemaOptions> = {}): PolicySchemaOptions {
  return {
    typeDefs: parse(`${vocabularySdl}\n${sdl}`),
    resolvers: {
      Query: {
        patient: (_: unknown, { id }: { id: string }) => ({ id }),
        broken: () => {
          throw new Error("connection to the database was lost");
        },
      },
      Patient: {
        __resolveReference: vi.fn((reference: { id: string }) => ({ id: reference.id })),
        name: ({ id }: { id: string }) => rows[id]?.name ?? null,
        diagnosis: ({ id }: { id: string }) => rows[id]?.diagnosis ?? null,
        kind: () => "patient",
        studyScore: () => 7,
      },
    } as never,
    subjects: { Patient: (patient: { id: string }) => patient.id, "Query.patient": (_: unknown, args: { id: string }) => args.id },
    conditions: { "is-adult": { description: "the patient is 18 or older", evaluate: () => true } },
    log: { error: () => {} },
    ...overrides,
  };
}

function contextFor(caller: Caller | null, lookupCalls: string[] = []): { policy: PolicyContext } {
  const sets = (table: Record<string, string[]>, name: string) =>
    new DataLoader<string, Set<string>>(async (ids) => {
      lookupCalls.push(`${name}(${ids.join(",")})`);
      return ids.map((id) => new Set(table[id] ?? []));
    });
  const lookups = {
    therapistsOf: sets(facts.therapists, "therapistsOf"),
    consentsOf: sets(facts.consents, "consentsOf"),
    employersOf: sets({}, "employersOf"),
    administeredBy: sets({}, "administeredBy"),
    instructionsFor: new DataLoader(async (ids: readonly string[]) => ids.map(() => [])),
    recordInstructedRead: new DataLoader(async (reads: readonly unknown[]) => reads.map(() => true as const)),
  } as unknown as PolicyLookups;
  return { policy: { caller, today: "2026-11-22", lookups } };
}

const tom: Caller = { subject: "tom", role: "therapist", personId: "tom", organisationId: "fysio-utrecht" };
const sam: Caller = { subject: "sam", role: "support", personId: "sam" };
const anna: Caller = { subject: "anna", role: "subject", personId: "anna" };
const rita: Caller = { subject: "rita", role: "researcher", personId: "rita" };

describe("createPolicySchema", () => {
  it("lets the care team read a consenting patient's diagnosis and refuses the same field without consent", async () => {
    const { schema } = createPolicySchema(options());
    const result = await graphql({ schema, source: `{ a: patient(id: "anna") { diagnosis } b: patient(id: "bram") { diagnosis } }`, contextValue: contextFor(tom) });
    expect(result.data).toEqual({ a: { diagnosis: "meniscus tear" }, b: { diagnosis: null } });
    expect(result.errors?.map((error) => [error.path, error.extensions])).toEqual([
      [["b", "diagnosis"], { code: "UNAUTHORIZED_FIELD_OR_TYPE", field: "Patient.diagnosis", policy: "read: self | care-team | processor-on-instruction" }],
    ]);
    expect(JSON.stringify(result.errors)).not.toContain("lower back pain");
  });

  it("lets a researcher read a study score only where the person consented to research, and nobody else", async () => {
    const { schema } = createPolicySchema(options({ subjects: { Patient: (patient: { id: string }) => patient.id } }));
    const source = `{ _entities(representations: [{ __typename: "Patient", id: "anna" }, { __typename: "Patient", id: "bram" }]) { ... on Patient { studyScore } } }`;
    const asRita = await graphql({ schema, source, contextValue: contextFor(rita) });
    expect(asRita.data).toEqual({ _entities: [{ studyScore: 7 }, { studyScore: null }] });
    expect(asRita.errors?.map((error) => error.extensions?.policy)).toEqual(["read: researcher & consent:research"]);
    const asAnna = await graphql({ schema, source, contextValue: contextFor(anna) });
    expect(asAnna.data).toEqual({ _entities: [{ studyScore: null }, { studyScore: null }] });
  });

  it("denies a root field with the same answer whether or not the record exists", async () => {
    const { schema } = createPolicySchema(options());
    const [known, unknown] = await Promise.all(
      ["bram", "nobody-at-all"].map((id) => graphql({ schema, source: `{ patient(id: "${id}") { name } }`, contextValue: contextFor(anna) })),
    );
    expect(known).toEqual(unknown);
    expect(known?.data).toEqual({ patient: null });
  });

  it("batches the relation look-ups of a list: one per kind of fact, not one per person", async () => {
    const { schema } = createPolicySchema(options());
    const calls: string[] = [];
    const source = `{ ${["anna", "bram", "x1", "x2", "x3"].map((id, index) => `p${index}: patient(id: "${id}") { diagnosis }`).join(" ")} }`;
    await graphql({ schema, source, contextValue: contextFor(tom, calls) });
    expect(calls).toEqual(["therapistsOf(anna,bram,x1,x2,x3)", "consentsOf(anna,bram)"]);
  });

  it("runs __resolveReference with the middleware applied, and checks the entity's fields", async () => {
    const opts = options();
    const { schema } = createPolicySchema(opts);
    const result = await graphql({
      schema,
      source: `{ _entities(representations: [{ __typename: "Patient", id: "anna" }, { __typename: "Patient", id: "bram" }]) { ... on Patient { name } } }`,
      contextValue: contextFor(anna),
    });
    expect((opts.resolvers as { Patient: { __resolveReference: ReturnType<typeof vi.fn> } }).Patient.__resolveReference).toHaveBeenCalledTimes(2);
    expect(result.data).toEqual({ _entities: [{ name: "Anna" }, { name: null }] });
    expect(result.errors?.[0]?.extensions?.code).toBe("UNAUTHORIZED_FIELD_OR_TYPE");
  });

  it("keeps federation's _service open", async () => {
    const { schema } = createPolicySchema(options());
    const result = await graphql({ schema, source: `{ _service { sdl } }`, contextValue: contextFor(null) });
    expect(result.errors).toBeUndefined();
    expect(result.data?._service).toMatchObject({ sdl: expect.stringContaining("type Patient") });
  });

  it("reports a resolver's failure as an internal error, not as a denial, and logs it", async () => {
    const logged: unknown[] = [];
    const { schema } = createPolicySchema(options({ log: { error: (details) => logged.push(details) } }));
    const result = await graphql({ schema, source: `{ broken }`, contextValue: contextFor(anna) });
    expect(result.errors?.[0]?.message).toBe("Internal server error");
    expect(result.errors?.[0]?.extensions).toEqual({ code: "INTERNAL_SERVER_ERROR", field: "Query.broken" });
    expect(logged).toHaveLength(1);
  });

  it("reports a failed look-up as a failed evaluation, still closed", async () => {
    const { schema } = createPolicySchema(options());
    const context = contextFor(tom);
    context.policy.lookups.therapistsOf = new DataLoader<string, Set<string>>(async () => {
      throw new Error("relation \"therapy.care_relationship\" does not exist");
    });
    const result = await graphql({ schema, source: `{ patient(id: "anna") { diagnosis } }`, contextValue: context });
    expect(result.data).toEqual({ patient: null });
    expect(result.errors?.[0]?.extensions).toEqual({ code: "POLICY_EVALUATION_FAILED", field: "Query.patient" });
  });

  it("refuses to build a schema with a field that declares no policy", () => {
    const typeDefs = parse(`${vocabularySdl}\n${sdl.replace("kind: String", "extra: String\n    kind: String")}`);
    expect(() => createPolicySchema(options({ typeDefs }))).toThrow(/Patient\.extra declares no data category/);
  });

  it("refuses to build a schema that names a requirement nothing implements, or a personal type without a subject", () => {
    expect(() => createPolicySchema(options({ typeDefs: parse(`${vocabularySdl}\n${sdl.replace('["is-adult"]', '["is-trusted"]')}`) }))).toThrow(
      /Patient\.kind names requirement "is-trusted", which nothing implements/,
    );
    expect(() => createPolicySchema(options({ subjects: {} }))).toThrow(/nothing tells whom a Patient is about/);
  });
});
