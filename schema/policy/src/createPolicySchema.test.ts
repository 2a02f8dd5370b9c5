import type { Caller } from "@grondslag/auth";
import DataLoader from "dataloader";
import { graphql, parse, print, type OperationDefinitionNode } from "graphql";
import { describe, expect, it, vi } from "vitest";
import { createPolicySchema, type PolicySchemaOptions } from "./createPolicySchema.ts";
import { builtInRequirements, type RequirementDefinition } from "./requirements.ts";
import type { PolicyLookups, StaffAccess } from "./createPolicyLookups.ts";
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
    patient(id: ID!): Patient @notPersonal @access(read: [["self"], ["therapist-of"], ["support-case"], ["processor-on-instruction"]])
    broken: String @notPersonal @access(read: [["authenticated"]])
  }
  type Patient @key(fields: "id") {
    id: ID! @personal(category: PSEUDONYMOUS_ID, basis: CONTRACT, controller: PLATFORM, retention: "P67D", retentionFrom: ACCOUNT_CLOSED) @access(read: [["authenticated"]])
    name: String @personal(category: IDENTITY, basis: CONTRACT, controller: PLATFORM, retention: "P67D", retentionFrom: ACCOUNT_CLOSED) @access(read: [["self"], ["platform-staff"]])
    diagnosis: String @personal(category: HEALTH, basis: EXPLICIT_CONSENT, controller: CARE_PRACTICE, retention: "P1Y", retentionFrom: CARE_RELATIONSHIP_ENDED, purpose: "health-data")
      @access(read: [["self"], ["care-team"], ["processor-on-instruction"]])
    notes: [Note!] @personal(category: HEALTH, basis: EXPLICIT_CONSENT, controller: CARE_PRACTICE, retention: "P1Y", retentionFrom: CARE_RELATIONSHIP_ENDED, purpose: "health-data")
      @access(read: [["self"], ["care-team"], ["processor-on-instruction"]])
    email: String @personal(category: CONTACT, basis: CONTRACT, controller: PLATFORM, retention: "P67D", retentionFrom: ACCOUNT_CLOSED)
      @access(read: [["self"], ["support-case"]])
    kind: String @notPersonal @access(read: [["authenticated"], ["is-adult"]])
    studyScore: Int @personal(category: HEALTH, basis: EXPLICIT_CONSENT, controller: PLATFORM, retention: "P10Y", retentionFrom: RECORDED, purpose: "research")
      @access(read: [["researcher", "consent:research"]])
  }
  "A note by a practice: the practice of the note controls it."
  type Note {
    id: ID! @personal(category: HEALTH, basis: EXPLICIT_CONSENT, controller: CARE_PRACTICE, retention: "P1Y", retentionFrom: CARE_RELATIONSHIP_ENDED, purpose: "health-data")
      @access(read: [["self"], ["care-team"], ["processor-on-instruction"]])
    text: String @personal(category: HEALTH, basis: EXPLICIT_CONSENT, controller: CARE_PRACTICE, retention: "P1Y", retentionFrom: CARE_RELATIONSHIP_ENDED, purpose: "health-data")
      @access(read: [["self"], ["care-team"], ["processor-on-instruction"]])
  }
`;

const rows: Record<string, { id: string; name: string; diagnosis: string }> = {
  anna: { id: "anna", name: "Anna", diagnosis: "meniscus tear" },
  bram: { id: "bram", name: "Bram", diagnosis: "lower back pain" },
};
const notes: Record<string, { id: string; patient: string; practice: string; text: string }[]> = {
  anna: [
    { id: "n1", patient: "anna", practice: "fysio-utrecht", text: "knee: squats" },
    { id: "n2", patient: "anna", practice: "oefen-amersfoort", text: "neck: posture" },
  ],
};
const facts = {
  care: {
    anna: [
      { therapistPersonId: "tom", practiceId: "fysio-utrecht", active: true },
      { therapistPersonId: "noor", practiceId: "oefen-amersfoort", active: true },
    ],
    bram: [{ therapistPersonId: "tom", practiceId: "fysio-utrecht", active: true }],
  } as Record<string, { therapistPersonId: string; practiceId: string; active: boolean }[]>,
  consents: { anna: ["health-data", "research"] } as Record<string, string[]>,
  instructions: {
    anna: [{ id: "i1", controllerId: "fysio-utrecht", processorPersonId: "sam", categories: ["HEALTH"] }],
  } as Record<string, unknown[]>,
  cases: { bram: [{ id: "c1", kind: "SUPPORT" }] } as Record<string, { id: string; kind: string }[]>,
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
        notes: ({ id }: { id: string }) => notes[id] ?? [],
        email: ({ id }: { id: string }) => `${id}@example.nl`,
      },
    } as never,
    subjects: {
      Patient: (patient: { id: string }) => patient.id,
      Note: (note: { patient: string }) => note.patient,
      "Query.patient": (_: unknown, args: { id: string }) => args.id,
    },
    // A patient's record is controlled by every practice that treats them (and the platform); a note by its own practice.
    controllers: {
      Patient: (patient: { id: string }) => ["grondslag", ...(facts.care[patient.id] ?? []).map((care) => care.practiceId)],
      Note: (note: { practice: string }) => [note.practice],
    },
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
  const lists = <T>(table: Record<string, T[]>, name: string) =>
    new DataLoader<string, T[]>(async (ids) => {
      lookupCalls.push(`${name}(${ids.join(",")})`);
      return ids.map((id) => table[id] ?? []);
    });
  const lookups = {
    careRelationshipsOf: lists(facts.care, "careRelationshipsOf"),
    consentsOf: sets(facts.consents, "consentsOf"),
    membershipsOf: lists({}, "membershipsOf"),
    instructionsFor: lists(facts.instructions, "instructionsFor"),
    openCasesOf: lists(facts.cases, "openCasesOf"),
    recordStaffAccess: new DataLoader(async (accesses: readonly StaffAccess[]) => {
      recorded.push(...accesses.map((access) => `${access.readerId} ${access.access} ${access.personId} ${access.field} under ${access.instructionId ?? access.caseId}`));
      return accesses.map(() => true as const);
    }),
  } as unknown as PolicyLookups;
  return { policy: { caller, today: "2026-11-22", lookups } };
}

/**
 * The context with loaders that answer at once what they have read, as the platform's do
 * (`FactLoader.get`): the path on which decisions ahead stop at an unread fact and go on.
 */
function withGet(context: { policy: PolicyContext }): { policy: PolicyContext } {
  const lookups = { ...context.policy.lookups } as Record<string, unknown>;
  for (const name of ["careRelationshipsOf", "consentsOf", "membershipsOf", "instructionsFor", "openCasesOf"]) {
    const loader = lookups[name] as DataLoader<string, unknown>;
    const read = new Map<string, unknown>();
    const load = (id: string) => loader.load(id).then((value) => (read.set(id, value), value));
    lookups[name] = { load, get: (id: string) => (read.has(id) ? read.get(id) : load(id)) };
  }
  return { policy: { ...context.policy, lookups: lookups as unknown as PolicyLookups } };
}

/** Staff accesses recorded by the rules, as "reader mode person field under basis". */
const recorded: string[] = [];

const tom: Caller = { subject: "tom", role: "therapist", personId: "tom", organisationId: "fysio-utrecht" };
const sam: Caller = { subject: "sam", role: "support", personId: "sam" };
const noor: Caller = { subject: "noor", role: "therapist", personId: "noor", organisationId: "oefen-amersfoort" };
const anna: Caller = { subject: "anna", role: "subject", personId: "anna" };
const rita: Caller = { subject: "rita", role: "researcher", personId: "rita" };
const eva: Caller = { subject: "eva", role: "employer-admin", personId: "eva", organisationId: "acme" };

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
    const { schema } = createPolicySchema(options({ subjects: { Patient: (patient: { id: string }) => patient.id, Note: (note: { patient: string }) => note.patient } }));
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
    expect(calls).toEqual(["careRelationshipsOf(anna,bram,x1,x2,x3)", "openCasesOf(anna,bram)", "consentsOf(anna,bram)"]);
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

  it("decides the entities' fields together and keeps a failed reference that entity's own error", async () => {
    const base = options();
    const resolvers = base.resolvers as { Patient: Record<string, unknown> };
    const failing = {
      ...resolvers,
      Patient: {
        ...resolvers.Patient,
        __resolveReference: async (reference: { id: string }) => {
          if (reference.id === "x1") throw new Error("Failed query: select ... params: x1");
          return { id: reference.id };
        },
      },
    };
    const { schema } = createPolicySchema({ ...base, resolvers: failing as never });
    const result = await graphql({
      schema,
      source: `{ _entities(representations: [{ __typename: "Patient", id: "anna" }, { __typename: "Patient", id: "x1" }, { __typename: "Patient", id: "bram" }]) { ... on Patient { name diagnosis } } }`,
      contextValue: contextFor(anna),
    });
    expect(result.data).toEqual({ _entities: [{ name: "Anna", diagnosis: "meniscus tear" }, null, { name: null, diagnosis: null }] });
    expect(result.errors?.map((error) => [error.path, error.extensions?.code])).toEqual([
      [["_entities", 1], "INTERNAL_SERVER_ERROR"],
      [["_entities", 2, "name"], "UNAUTHORIZED_FIELD_OR_TYPE"],
      [["_entities", 2, "diagnosis"], "UNAUTHORIZED_FIELD_OR_TYPE"],
    ]);
    expect(JSON.stringify(result.errors)).not.toMatch(/select|x1|bram|Bram/);
  });


  it("answers a failure of the whole _entities fetch as an internal error, its message withheld, without graphql-shield in front", async () => {
    const base = options();
    const resolvers = base.resolvers as { Patient: Record<string, unknown> };
    const refusing = {
      ...resolvers,
      Patient: { ...resolvers.Patient, __resolveReference: () => ({ id: "anna" }) },
    };
    const { schema } = createPolicySchema({ ...base, resolvers: refusing as never });
    // Apollo's entities resolver throws at once for a type the schema does not have; its message names the type.
    const unknownType = await graphql({
      schema,
      source: `{ _entities(representations: [{ __typename: "SecretPatientRecord", id: "anna" }]) { __typename } }`,
      contextValue: contextFor(anna),
    });
    // `_entities: [_Entity]!`: its failure nulls the answer.
    expect(unknownType.data).toBeNull();
    expect(unknownType.errors?.map((error) => [error.path, error.extensions?.code])).toEqual([[["_entities"], "INTERNAL_SERVER_ERROR"]]);
    expect(JSON.stringify(unknownType.errors)).not.toMatch(/SecretPatientRecord|anna/);
    // And the same fetch of a known type still answers, its fields still decided per caller.
    const known = await graphql({
      schema,
      source: `{ _entities(representations: [{ __typename: "Patient", id: "anna" }]) { ... on Patient { name } } }`,
      contextValue: contextFor(anna),
    });
    expect(known.data).toEqual({ _entities: [{ name: "Anna" }] });
    const other = await graphql({
      schema,
      source: `{ _entities(representations: [{ __typename: "Patient", id: "anna" }]) { ... on Patient { name } } }`,
      contextValue: contextFor(rita),
    });
    expect(other.data).toEqual({ _entities: [{ name: null }] });
    expect(other.errors?.map((error) => error.extensions?.code)).toEqual(["UNAUTHORIZED_FIELD_OR_TYPE"]);
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

  it("reports the failure of a field answered at once (its read already decided) as an internal error, without the driver's message", async () => {
    const logged: unknown[] = [];
    const base = options({ log: { error: (details) => logged.push(details) } });
    const failing = { ...(base.resolvers as Record<string, object>) };
    failing.Patient = {
      ...(failing.Patient as object),
      name: () => {
        throw new Error('Failed query: select "given_name" from "identity"."person" where id = $1\nparams: anna');
      },
      email: () => Promise.reject(new Error("Failed query: select email\nparams: anna")),
    };
    const { schema } = createPolicySchema({ ...base, resolvers: failing as never });
    // anna's own name and email are decided with her record (self), before they resolve.
    const result = await graphql({ schema, source: `{ patient(id: "anna") { name email diagnosis } }`, contextValue: contextFor(anna) });
    expect(result.data).toEqual({ patient: { name: null, email: null, diagnosis: "meniscus tear" } });
    expect(result.errors?.map((error) => [error.message, error.extensions])).toEqual([
      ["Internal server error", { code: "INTERNAL_SERVER_ERROR", field: "Patient.name" }],
      ["Internal server error", { code: "INTERNAL_SERVER_ERROR", field: "Patient.email" }],
    ]);
    expect(JSON.stringify(result.errors)).not.toMatch(/select|params|anna/i);
    expect(logged).toHaveLength(2);
  });

  it("reports a failed look-up as a failed evaluation, still closed", async () => {
    const { schema } = createPolicySchema(options());
    const context = contextFor(tom);
    context.policy.lookups.careRelationshipsOf = new DataLoader(async () => {
      throw new Error("relation \"therapy.care_relationship\" does not exist");
    });
    const result = await graphql({ schema, source: `{ patient(id: "anna") { diagnosis } }`, contextValue: context });
    expect(result.data).toEqual({ patient: null });
    expect(result.errors?.[0]?.extensions).toEqual({ code: "POLICY_EVALUATION_FAILED", field: "Query.patient" });
  });

  it("decides root fields and lists with the facts at hand as graphql-shield does, one look-up per kind", async () => {
    const { schema } = createPolicySchema(options());
    const source = `{ ${["anna", "bram", "x1"].map((id, index) => `p${index}: patient(id: "${id}") { diagnosis notes { text } }`).join(" ")} }`;
    const plainCalls: string[] = [];
    const plain = await graphql({ schema, source, contextValue: contextFor(tom, plainCalls) });
    // The platform's loaders answer at once what the request has read (`get`): decisions ahead then stop at an unread fact, wait, and go on.
    const calls: string[] = [];
    const denials: string[] = [];
    const context = { ...withGet(contextFor(tom, calls)), onPolicyDenial: (denial: { field: string }) => denials.push(denial.field) };
    const ahead = await graphql({ schema, source, contextValue: context });
    expect(ahead).toEqual(plain);
    expect(ahead.data).toEqual({ p0: { diagnosis: "meniscus tear", notes: [{ text: "knee: squats" }] }, p1: { diagnosis: null, notes: null }, p2: null });
    expect(calls).toEqual(plainCalls);
    expect(calls).toEqual(["careRelationshipsOf(anna,bram,x1)", "openCasesOf(anna,bram)", "consentsOf(anna,bram)"]);
    // Each denial answered (and counted) once, by graphql-shield: bram's health data (no consent), and x1, whom tom does not treat.
    expect(denials.sort()).toEqual(["Patient.diagnosis", "Patient.notes", "Query.patient"]);
  });

  it("fails closed, and finishes, when a look-up that answers at once fails", async () => {
    const { schema } = createPolicySchema(options());
    const context = contextFor(tom);
    let attempts = 0;
    const load = () => {
      attempts += 1;
      return Promise.reject(new Error('relation "therapy.care_relationship" does not exist'));
    };
    context.policy.lookups.careRelationshipsOf = { load, get: load } as unknown as PolicyLookups["careRelationshipsOf"];
    const result = await graphql({ schema, source: `{ a: patient(id: "anna") { diagnosis } b: patient(id: "bram") { diagnosis } }`, contextValue: context });
    expect(result.data).toEqual({ a: null, b: null });
    expect(result.errors?.map((error) => error.extensions)).toEqual([
      { code: "POLICY_EVALUATION_FAILED", field: "Query.patient" },
      { code: "POLICY_EVALUATION_FAILED", field: "Query.patient" },
    ]);
    expect(JSON.stringify(result.errors)).not.toContain("care_relationship");
    // Tried ahead, once more after it failed there, and by the field's own read: never pass after pass.
    expect(attempts).toBeLessThanOrEqual(6);
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
    expect(() => createPolicySchema(options({ controllers: { Patient: () => [] } }))).toThrow(/nothing tells which organisation controls a Note/);
  });

  it("refuses a consent basis that names no purpose", () => {
    const typeDefs = parse(`${vocabularySdl}\n${sdl.replace(', retentionFrom: RECORDED, purpose: "research")', ", retentionFrom: RECORDED)")}`);
    expect(() => createPolicySchema(options({ typeDefs }))).toThrow(/Patient\.studyScore rests on EXPLICIT_CONSENT but names no consent purpose/);
  });
});

describe("controllers and processors", () => {
  const notesOfAnna = `{ patient(id: "anna") { notes { id text } } }`;

  it("shows a therapist only the records of the practice where they treat the person, without revealing the others", async () => {
    const { schema } = createPolicySchema(options());
    const asTom = await graphql({ schema, source: notesOfAnna, contextValue: contextFor(tom) });
    expect(asTom).toEqual({ data: { patient: { notes: [{ id: "n1", text: "knee: squats" }] } } });
    const asNoor = await graphql({ schema, source: notesOfAnna, contextValue: contextFor(noor) });
    expect(asNoor).toEqual({ data: { patient: { notes: [{ id: "n2", text: "neck: posture" }] } } });
    const asAnna = await graphql({ schema, source: notesOfAnna, contextValue: contextFor(anna) });
    expect((asAnna.data?.patient as { notes: unknown[] }).notes).toHaveLength(2);
  });

  it("decides a record's fields with one declaration once per request, and decides again in the next request", async () => {
    const controllersOfNote = vi.fn((note: { practice: string }) => [note.practice]);
    const evaluations = vi.spyOn(builtInRequirements["care-team"]!, "evaluate");
    try {
      const base = options();
      const { schema } = createPolicySchema({ ...base, controllers: { ...base.controllers, Note: controllersOfNote } });
      const first = await graphql({ schema, source: notesOfAnna, contextValue: contextFor(tom) });
      expect(first).toEqual({ data: { patient: { notes: [{ id: "n1", text: "knee: squats" }] } } });
      // Patient.notes once, and each note's practice once (the type's own finder, asked once per
      // note): the note's id (the list's filter) and text share that decision.
      expect(controllersOfNote).toHaveBeenCalledTimes(2);
      expect(evaluations).toHaveBeenCalledTimes(3);
      // A new request (a new policy context) keeps nothing of the last one's decisions.
      const withdrawn = contextFor(tom);
      withdrawn.policy.lookups.consentsOf = new DataLoader(async (ids) => ids.map(() => new Set<string>()));
      const second = await graphql({ schema, source: notesOfAnna, contextValue: withdrawn });
      expect(second.data).toEqual({ patient: { notes: null } });
      expect(second.errors?.[0]?.extensions).toMatchObject({ code: "UNAUTHORIZED_FIELD_OR_TYPE", field: "Patient.notes" });
      expect(JSON.stringify(second.errors)).not.toContain("knee");
      // Patient.notes decided afresh, and denied: the notes are never reached.
      expect(evaluations).toHaveBeenCalledTimes(4);
    } finally {
      evaluations.mockRestore();
    }
  });

  it("shares a decision between records that agree on what the requirement reads, and only between those", async () => {
    // care-team reads the subject and the controllers: anna's two notes are at two practices, so
    // tom's care-team is decided twice (once per practice), not once per note, and only the note
    // of his own practice is shown.
    const evaluations = vi.spyOn(builtInRequirements["care-team"]!, "evaluate");
    try {
      const { schema } = createPolicySchema(options());
      const result = await graphql({ schema, source: `{ patient(id: "anna") { notes { id text } } b: patient(id: "anna") { notes { id } } }`, contextValue: contextFor(tom) });
      expect(result.data).toEqual({ patient: { notes: [{ id: "n1", text: "knee: squats" }] }, b: { notes: [{ id: "n1" }] } });
      // Patient.notes (anna, all her practices) once, and each note's practice once.
      expect(evaluations).toHaveBeenCalledTimes(3);
    } finally {
      evaluations.mockRestore();
    }
  });

  it("does not evaluate a requirement for one role for a caller without that role", async () => {
    // care-team holds only for therapists (`role`): sam, support staff, reaches anna's diagnosis
    // through the instruction alone, and care-team is never evaluated for him; tom's is.
    const evaluations = vi.spyOn(builtInRequirements["care-team"]!, "evaluate");
    try {
      const { schema } = createPolicySchema(options());
      const source = `{ patient(id: "anna") { diagnosis notes { id } } }`;
      const asSam = await graphql({ schema, source, contextValue: contextFor(sam) });
      expect(asSam).toEqual({ data: { patient: { diagnosis: "meniscus tear", notes: [{ id: "n1" }] } } });
      expect(evaluations).not.toHaveBeenCalled();
      const asTom = await graphql({ schema, source, contextValue: contextFor(tom) });
      expect(asTom).toEqual({ data: { patient: { diagnosis: "meniscus tear", notes: [{ id: "n1" }] } } });
      expect(evaluations).toHaveBeenCalled();
      // Someone with neither the role nor an instruction reads nothing of it, the error naming no value.
      const asEva = await graphql({ schema, source, contextValue: contextFor(eva) });
      expect(asEva.data).toEqual({ patient: null });
      expect(asEva.errors?.map((error) => error.extensions?.code)).toEqual(["UNAUTHORIZED_FIELD_OR_TYPE"]);
      expect(JSON.stringify(asEva.errors)).not.toMatch(/meniscus|knee/);
    } finally {
      evaluations.mockRestore();
    }
  });

  it("declares a role only on requirements that never hold for a caller without it", async () => {
    // The gate answers false without evaluating: that must be the answer the requirement itself
    // gives. Here each would hold for its own role (tom treats anna; eva administers her employer).
    const gated = Object.entries(builtInRequirements).filter(([, definition]) => definition.role);
    expect(gated.map(([name]) => name).sort()).toEqual(["care-team", "employer-of", "therapist-of", "treating-therapist"]);
    const memberships: Record<string, { organisationId: string; role: string }[]> = {
      anna: [{ organisationId: "acme", role: "employee" }],
      eva: [{ organisationId: "acme", role: "employer_admin" }],
    };
    for (const [name, definition] of gated) {
      for (const caller of [tom, eva, sam, anna, rita]) {
        const { policy } = contextFor(caller);
        policy.lookups.membershipsOf = new DataLoader(async (ids: readonly string[]) => ids.map((id) => memberships[id] ?? []));
        const input = { policy, field: { coordinate: "Patient.name", personal: null }, parent: {}, args: {}, mode: "read", partnerFields: new Map(), subject: () => "anna", controllers: () => ["fysio-utrecht", "acme"] };
        expect([name, caller.subject, await definition.evaluate(input as never)]).toEqual([name, caller.subject, caller.role === definition.role]);
      }
    }
  });

  it("fails closed when a requirement reads more than its declaration says, rather than sharing a wrong answer", async () => {
    // As if `self` were declared to read the caller only: shared by every record, it would
    // answer anna's question for bram too. Reading the subject it did not declare throws.
    await expectFailsClosed(builtInRequirements.self!, { reads: "caller" }, anna, "name", "Anna");
  });

  it("shares a decision between fields whose declarations agree on the parts the requirement declares it reads", async () => {
    // `self` reads no part of the declaration, not even whether there is one: anna's name
    // (IDENTITY), email (CONTACT) and diagnosis (HEALTH), and the root field that reaches her (not
    // personal, found from its arguments), share one decision about her.
    const evaluations = vi.spyOn(builtInRequirements.self!, "evaluate");
    try {
      const { schema } = createPolicySchema(options());
      const result = await graphql({ schema, source: `{ patient(id: "anna") { name email diagnosis } }`, contextValue: contextFor(anna) });
      expect(result).toEqual({ data: { patient: { name: "Anna", email: "anna@example.nl", diagnosis: "meniscus tear" } } });
      expect(evaluations).toHaveBeenCalledTimes(1);
    } finally {
      evaluations.mockRestore();
    }
  });

  it("fails closed when a requirement that declares no part of the declaration asks whether there is one", async () => {
    // `self`'s decision about anna is shared by the root field that reaches her (not personal) and
    // her own fields (personal), so it must not tell them apart. As if it let anyone read what is
    // not personal: shared, the root field's yes would answer for her name too. Asking throws.
    const self = builtInRequirements.self!;
    const declared = self.evaluate;
    self.evaluate = (input) => input.field.personal === null || declared(input);
    try {
      const { schema } = createPolicySchema(options());
      const result = await graphql({ schema, source: `{ patient(id: "anna") { id name } }`, contextValue: contextFor(eva) });
      expect((result.data?.patient as { name: unknown } | null)?.name ?? null).toBeNull();
      expect(result.errors?.map((error) => [error.path, error.extensions?.code])).toContainEqual([["patient", "name"], "POLICY_EVALUATION_FAILED"]);
      expect(JSON.stringify(result)).not.toContain("Anna");
    } finally {
      self.evaluate = declared;
    }
  });

  it("fails closed when a requirement reads a part of the declaration it does not declare", async () => {
    // As if care-team declared it reads nothing of the declaration: shared across a consent
    // basis and a contract basis, it could answer wrongly. Reading the basis throws instead.
    await expectFailsClosed(builtInRequirements["care-team"]!, { declaration: [] }, tom, "diagnosis", "meniscus");
  });

  it("decides a read that depends on the caller alone once per request, for every record alike", async () => {
    const evaluations = vi.spyOn(builtInRequirements.authenticated!, "evaluate");
    try {
      const { schema } = createPolicySchema(options());
      const source = `{ _entities(representations: [{ __typename: "Patient", id: "anna" }, { __typename: "Patient", id: "bram" }]) { ... on Patient { id } } }`;
      expect(await graphql({ schema, source, contextValue: contextFor(tom) })).toEqual({ data: { _entities: [{ id: "anna" }, { id: "bram" }] } });
      expect(evaluations).toHaveBeenCalledTimes(1);
      // Decided again in the next request, never carried over: here a caller without a verified identity.
      const refused = await graphql({ schema, source, contextValue: contextFor(null) });
      expect(evaluations).toHaveBeenCalledTimes(2);
      // `id` is non-null: each entity is null with its field's error.
      expect(refused.data).toEqual({ _entities: [null, null] });
      expect(refused.errors?.map((error) => [error.path, error.extensions?.code])).toEqual([
        [["_entities", 0, "id"], "UNAUTHORIZED_FIELD_OR_TYPE"],
        [["_entities", 1, "id"], "UNAUTHORIZED_FIELD_OR_TYPE"],
      ]);
      expect(JSON.stringify(refused.errors)).not.toMatch(/anna|bram/);
    } finally {
      evaluations.mockRestore();
    }
  });

  it("fails closed when a shared requirement reads the field itself rather than its declaration", async () => {
    // Shared across every field that agrees on the parts it declares, a requirement that looked at
    // which field it is could answer for one field what holds for another: reading it throws.
    const careTeam = builtInRequirements["care-team"]!;
    const declared = careTeam.evaluate;
    await expectFailsClosed(careTeam, { evaluate: (input) => input.field.coordinate !== "Patient.name" && declared(input) }, tom, "diagnosis", "meniscus");
  });

  it("lets instructed staff read only the instructing practice's records, and records each read", async () => {
    const { schema } = createPolicySchema(options());
    recorded.length = 0;
    const asSam = await graphql({ schema, source: notesOfAnna, contextValue: contextFor(sam) });
    expect(asSam).toEqual({ data: { patient: { notes: [{ id: "n1", text: "knee: squats" }] } } });
    expect([...new Set(recorded)].sort()).toEqual(["sam read anna Note.id under i1", "sam read anna Note.text under i1", "sam read anna Patient.notes under i1"]);
  });

  it("stops the processor with the controller when the consent its basis rests on is withdrawn", async () => {
    const { schema } = createPolicySchema(options());
    const withdrawn = facts.consents.anna;
    facts.consents.anna = ["research"];
    try {
      for (const caller of [tom, sam]) {
        const result = await graphql({ schema, source: `{ patient(id: "anna") { diagnosis notes { id } } }`, contextValue: contextFor(caller) });
        expect(result.data).toEqual({ patient: { diagnosis: null, notes: null } });
        expect(result.errors?.map((error) => error.extensions?.code)).toEqual(["UNAUTHORIZED_FIELD_OR_TYPE", "UNAUTHORIZED_FIELD_OR_TYPE"]);
      }
    } finally {
      facts.consents.anna = withdrawn!;
    }
  });

  it("stops every controller and processor, but not the person, while a restriction of processing is in force", async () => {
    const { schema } = createPolicySchema(options());
    const before = facts.cases.anna;
    facts.cases.anna = [{ id: "r1", kind: "RESTRICTION" }];
    try {
      for (const caller of [tom, sam]) {
        const result = await graphql({ schema, source: `{ patient(id: "anna") { diagnosis } }`, contextValue: contextFor(caller) });
        // tom does not even reach her (therapist-of stops too); sam reaches her on the case, and reads nothing of her health.
        expect(result.data).toEqual(caller === tom ? { patient: null } : { patient: { diagnosis: null } });
        expect(result.errors?.map((error) => error.extensions?.code)).toEqual(["UNAUTHORIZED_FIELD_OR_TYPE"]);
      }
      const own = await graphql({ schema, source: `{ patient(id: "anna") { diagnosis } }`, contextValue: contextFor(anna) });
      expect(own).toEqual({ data: { patient: { diagnosis: "meniscus tear" } } });
    } finally {
      if (before) facts.cases.anna = before;
      else delete facts.cases.anna;
    }
  });

  it("lets support read contact data only while the person has an open case, never health data", async () => {
    const { schema } = createPolicySchema(options());
    recorded.length = 0;
    const bram = await graphql({ schema, source: `{ patient(id: "bram") { email diagnosis } }`, contextValue: contextFor(sam) });
    expect(bram.data).toEqual({ patient: { email: "bram@example.nl", diagnosis: null } });
    expect(recorded).toEqual(["sam read bram Patient.email under c1"]);
    const anna = await graphql({ schema, source: `{ patient(id: "anna") { email } }`, contextValue: contextFor(sam) });
    expect(anna.data).toEqual({ patient: { email: null } });
    expect(anna.errors?.[0]?.extensions?.policy).toBe("read: self | support-case");
  });
});

/**
 * With `requirement` declaring `wrongly` for the duration, reading anna's `field` as `caller`
 * fails closed: null, POLICY_EVALUATION_FAILED at its path, and nothing of the value (`withheld`) in the errors.
 */
async function expectFailsClosed(requirement: RequirementDefinition, wrongly: Partial<RequirementDefinition>, caller: Caller, field: string, withheld: string) {
  const declared = { ...requirement };
  Object.assign(requirement, wrongly);
  const restore = () => {
    for (const key of Object.keys(wrongly) as (keyof RequirementDefinition)[]) {
      if (key in declared) Object.assign(requirement, { [key]: declared[key] });
      else delete requirement[key];
    }
  };
  try {
    const { schema } = createPolicySchema(options());
    const result = await graphql({ schema, source: `{ patient(id: "anna") { ${field} } }`, contextValue: contextFor(caller) });
    expect(result.data).toEqual({ patient: { [field]: null } });
    expect(result.errors?.map((error) => [error.path, error.extensions?.code])).toEqual([[["patient", field], "POLICY_EVALUATION_FAILED"]]);
    expect(JSON.stringify(result.errors)).not.toContain(withheld);
  } finally {
    restore();
  }
}

describe("root calls decided before the operation runs (prepareRootCalls)", () => {
  const twoPatients = parse(`query TwoPatients { a: patient(id: "anna") { id name diagnosis } b: patient(id: "bram") { id name diagnosis } }`);
  const operationOf = (document: ReturnType<typeof parse>) => document.definitions[0] as OperationDefinitionNode;

  it("settles each call's read, so the call answers at once, and decides as the call alone would", async () => {
    for (const caller of [tom, noor, anna]) {
      const { schema, prepareRootCalls } = createPolicySchema(options());
      const lookups: string[] = [];
      const context = withGet(contextFor(caller, lookups));
      await prepareRootCalls!(operationOf(twoPatients), undefined, context);
      // The look-ups of both calls in one round.
      expect(lookups.filter((call) => call.startsWith("careRelationshipsOf"))).toEqual(caller === anna ? [] : ["careRelationshipsOf(anna,bram)"]);
      const prepared = await graphql({ schema, source: print(twoPatients), contextValue: context });
      const alone = await graphql({ schema, source: print(twoPatients), contextValue: withGet(contextFor(caller)) });
      expect(prepared).toEqual(alone);
    }
    // tom treats bram: the call is answered at once once prepared, a promise without it.
    const { schema, prepareRootCalls } = createPolicySchema(options());
    const query = schema.getQueryType()!;
    const document = parse(`{ patient(id: "bram") { id name } }`);
    const info = { fieldNodes: operationOf(document).selectionSet.selections, fragments: {}, parentType: query, fieldName: "patient" } as never;
    const prepared = withGet(contextFor(tom));
    await prepareRootCalls!(operationOf(document), undefined, prepared);
    expect(query.getFields().patient!.resolve!(undefined, { id: "bram" }, prepared, info)).toEqual({ id: "bram" });
    expect(query.getFields().patient!.resolve!(undefined, { id: "bram" }, withGet(contextFor(tom)), info)).toBeInstanceOf(Promise);
  });

  it("starts no look-up for a call the operation would not make, and never fails", async () => {
    const { prepareRootCalls } = createPolicySchema(options());
    const lookups: string[] = [];
    const context = withGet(contextFor(tom, lookups));
    expect(prepareRootCalls!(operationOf(parse(`query { patient(id: "anna") @skip(if: true) { id } }`)), undefined, context)).toBeUndefined();
    // Variables graphql-js would refuse: left to the execution, which reports them.
    expect(prepareRootCalls!(operationOf(parse(`query ($id: ID!) { patient(id: $id) { id } }`)), {}, context)).toBeUndefined();
    expect(prepareRootCalls!(operationOf(parse(`mutation { patient(id: "anna") { id } }`)), undefined, context)).toBeUndefined();
    expect(lookups).toEqual([]);
  });
});
