import { createTokenSigner, personas, type PersonaName } from "@grondslag/auth";
import { FORWARDED_AUDIENCE, FORWARDED_ISSUER } from "@grondslag/stack";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postGraphQL, type GraphQLResponse } from "./postGraphQL.ts";
import { startTestStack, type TestStack } from "./startTestStack.ts";

// The acceptance rules of the policy issue, each shown through the real gateway over HTTP.
let graph: TestStack;
beforeAll(async () => {
  graph = await startTestStack();
});
afterAll(() => graph?.stop());

const as = async (persona: PersonaName, query: string) => (await postGraphQL(graph.gatewayUrl, query, await graph.tokenFor(persona))).body;

/** The denials of an answer, as `path -> policy`, sorted, for small inline assertions. */
function denials(body: GraphQLResponse["body"]): Record<string, string> {
  const found: Record<string, string> = {};
  for (const error of body.errors ?? []) {
    expect(error.extensions?.code).toBe("UNAUTHORIZED_FIELD_OR_TYPE");
    found[(error.path ?? []).join(".")] = String(error.extensions?.policy);
  }
  return found;
}

/** Personal values of the demo cast that must never appear in an error. */
const PERSONAL_VALUES = /Anna|de Vries|Bram|Jansen|anna@|bram@|\+316|Knierevalidatie|Lage rug|Utrecht Centraal|NL91ABNA/;

describe("therapy data and the care team", () => {
  it("tom reads anna's program and compliance: she is his patient and has given health-data consent", async () => {
    const body = await as("tom", `{ person(id: "anna") { givenName carePrograms { title exercises { name } compliance { nodes { performedOn done painScore } } } } }`);
    expect(body.errors).toBeUndefined();
    const programs = (body.data?.person as { carePrograms: { title: string; compliance: { nodes: unknown[] } }[] }).carePrograms;
    expect(programs.map((program) => program.title)).toEqual(["Knierevalidatie na meniscusoperatie"]);
    expect(programs[0]?.compliance.nodes.length).toBeGreaterThan(5);
  });

  it("tom reads none of bram's health data: bram has not consented, though he is tom's patient", async () => {
    const body = await as("tom", `{ person(id: "bram") { givenName careRelationships { startedOn } carePrograms { title } } }`);
    expect(body.data).toEqual({ person: { givenName: "Bram", careRelationships: [{ startedOn: "2026-09-14" }], carePrograms: null } });
    expect(denials(body)).toEqual({ "person.carePrograms": "read: self | care-team | processor-on-instruction" });
    expect(JSON.stringify(body.errors)).not.toMatch(PERSONAL_VALUES);
  });

  it("mila reads none of anna's data, and cannot tell whether a person exists", async () => {
    const anna = await as("mila", `{ person(id: "anna") { givenName carePrograms { title } } }`);
    const nobody = await as("mila", `{ person(id: "no-such-person") { givenName carePrograms { title } } }`);
    expect(anna.data).toEqual({ person: null });
    expect(Object.keys(denials(anna))).toEqual(["person"]);
    expect(nobody).toEqual(anna);
    expect(JSON.stringify(anna.errors)).not.toMatch(PERSONAL_VALUES);
  });
});

describe("the employer", () => {
  it("eva reads anna's business and commute trips, date, purpose and kilometres only, and no therapy field", async () => {
    const body = await as("eva", `{ person(id: "anna") { workTrips(first: 100) { nodes { purpose startedAt distanceKm } } trips { nodes { purpose } } carePrograms { title } careRelationships { startedOn } memberships { employeeNumber } } }`);
    const workTrips = (body.data?.person as { workTrips: { nodes: { purpose: string; startedAt: string; distanceKm: number }[] } }).workTrips.nodes;
    expect(workTrips.length).toBeGreaterThan(10);
    expect(new Set(workTrips.map((trip) => trip.purpose))).toEqual(new Set(["BUSINESS", "COMMUTE"]));
    expect(workTrips.every((trip) => trip.startedAt && trip.distanceKm > 0)).toBe(true);
    expect(body.data?.person).toMatchObject({ trips: null, carePrograms: null, careRelationships: null, memberships: [{ employeeNumber: "E-1001" }] });
    expect(denials(body)).toEqual({
      "person.trips": "read: self",
      "person.carePrograms": "read: self | care-team | processor-on-instruction",
      "person.careRelationships": "read: self | care-team | processor-on-instruction",
    });
  });

  it("eva gets no trip's places, even of a work trip", async () => {
    const body = await as("eva", `{ person(id: "anna") { workTrips(first: 100) { nodes { startPlace } } } }`);
    const trips = (body.data?.person as { workTrips: { nodes: { startPlace: string | null }[] } }).workTrips.nodes;
    expect(trips.every((trip) => trip.startPlace === null)).toBe(true);
    expect(new Set(Object.values(denials(body)))).toEqual(new Set(["read: self"]));
    expect(JSON.stringify(body.errors)).not.toMatch(PERSONAL_VALUES);
  });
});

describe("controllers: each practice's records are its own", () => {
  const programs = `{ person(id: "anna") { carePrograms { id title exercises { name } compliance { nodes { performedOn painScore } } } careRelationships { id } } }`;

  it("tom reads anna's program at fysio-utrecht and nothing of her program at oefen-amersfoort; noor the other way round", async () => {
    const tom = await as("tom", programs);
    expect(tom.errors).toBeUndefined();
    const tomSees = tom.data?.person as { carePrograms: { id: string; compliance: unknown[] }[]; careRelationships: { id: string }[] };
    expect(tomSees.carePrograms.map((program) => program.id)).toEqual(["anna-knee"]);
    expect(tomSees.careRelationships).toEqual([{ id: "tom-anna" }]);
    // Not even the existence of the other practice's treatment shows.
    expect(JSON.stringify(tom)).not.toMatch(/anna-posture|Houding|noor|Kin intrekken/);

    const noor = await as("noor", programs);
    expect((noor.data?.person as { carePrograms: { id: string }[] }).carePrograms.map((program) => program.id)).toEqual(["anna-posture"]);
    expect(JSON.stringify(noor)).not.toMatch(/anna-knee|Knierevalidatie|tom-anna/);

    // anna herself sees both.
    const anna = await as("anna", `{ me { carePrograms { id } } }`);
    expect(new Set((anna.data?.me as { carePrograms: { id: string }[] }).carePrograms.map((program) => program.id))).toEqual(new Set(["anna-knee", "anna-posture"]));
  });

  it("fysio-utrecht's instruction lets sam read only fysio-utrecht's records of anna, and each field read is recorded", async () => {
    const body = await as("sam", programs);
    expect(body.errors).toBeUndefined();
    expect((body.data?.person as { carePrograms: { id: string }[] }).carePrograms.map((program) => program.id)).toEqual(["anna-knee"]);
    expect(JSON.stringify(body)).not.toMatch(/anna-posture|Houding/);

    const log = await as("audrey", `{ instructedReads(first: 100) { nodes { field readerId instructionId caseId access } } }`);
    expect(log.errors).toBeUndefined();
    const reads = (log.data?.instructedReads as { nodes: { field: string; readerId: string; instructionId: string }[] }).nodes;
    expect(reads).toEqual(
      expect.arrayContaining([
        { field: "Person.carePrograms", readerId: "sam", instructionId: "fysio-utrecht-sam-anna", caseId: null, access: "READ" },
        { field: "ExerciseProgram.title", readerId: "sam", instructionId: "fysio-utrecht-sam-anna", caseId: null, access: "READ" },
        { field: "ComplianceEntry.painScore", readerId: "sam", instructionId: "fysio-utrecht-sam-anna", caseId: null, access: "READ" },
      ]),
    );
    // Recorded once per field and person per request, not once per row read.
    expect(reads.filter((read) => read.field === "ComplianceEntry.painScore")).toHaveLength(1);

    // anna can see who read her data under an instruction.
    const own = await as("anna", `{ me { instructedReads(first: 100) { nodes { field readerId } } } }`);
    expect(own.data?.me).toMatchObject({ instructedReads: { nodes: expect.arrayContaining([{ field: "ExerciseProgram.title", readerId: "sam" }]) } });
  });

  it("bram's instruction opens nothing: his health-data consent is withdrawn, so the processor is stopped with the controller", async () => {
    for (const persona of ["tom", "sam"] as const) {
      const body = await as(persona, `{ person(id: "bram") { carePrograms { title } } }`);
      expect(body.data).toEqual({ person: { carePrograms: null } });
      expect(denials(body)).toEqual({ "person.carePrograms": "read: self | care-team | processor-on-instruction" });
      expect(JSON.stringify(body.errors)).not.toMatch(PERSONAL_VALUES);
    }
  });

  it("anna withdraws health-data consent: on the next request neither tom nor sam reads her health data; she gives it again and both do", async () => {
    const healthOfAnna = `{ person(id: "anna") { carePrograms { title compliance { nodes { painScore } } } } }`;
    const withdrawn = await as("anna", `mutation { withdrawConsent(personId: "anna", purposeId: "health-data") { state } }`);
    expect(withdrawn.data).toEqual({ withdrawConsent: { state: "WITHDRAWN" } });
    for (const persona of ["tom", "sam"] as const) {
      const body = await as(persona, healthOfAnna);
      expect(body.data).toEqual({ person: { carePrograms: null } });
      expect(denials(body)).toEqual({ "person.carePrograms": "read: self | care-team | processor-on-instruction" });
      expect(JSON.stringify(body.errors)).not.toMatch(PERSONAL_VALUES);
    }
    // Her own access is not a processing on a consent basis: she still reads everything.
    expect((await as("anna", `{ me { carePrograms { id } } }`)).errors).toBeUndefined();

    expect((await as("anna", `mutation { giveConsent(personId: "anna", purposeId: "health-data") { state } }`)).data).toEqual({ giveConsent: { state: "GIVEN" } });
    for (const persona of ["tom", "sam"] as const) {
      const body = await as(persona, healthOfAnna);
      expect(body.errors).toBeUndefined();
      expect(body.data?.person).toMatchObject({ carePrograms: [{ title: "Knierevalidatie na meniscusoperatie" }] });
    }
  });
});

describe("a patient and the therapists treating them", () => {
  it("anna reads the names of tom and noor, who treat her, and not their initials; a therapist not hers stays closed", async () => {
    const own = await as("anna", `{ me { careRelationships { therapist { person { givenName familyName } } } } }`);
    expect(own.errors).toBeUndefined();
    const names = (own.data?.me as { careRelationships: { therapist: { person: { givenName: string } } }[] }).careRelationships.map((care) => care.therapist.person.givenName);
    expect(names.sort()).toEqual(["Noor", "Tom"]);

    const initials = await as("anna", `{ me { careRelationships { therapist { person { initials } } } } }`);
    expect(denials(initials)).toMatchObject({ "me.careRelationships.0.therapist.person.initials": "read: self | therapist-of | support-case" });

    // bram is treated by tom only: noor's name is not his to read, however he reaches her.
    const other = await as("bram", `{ person(id: "noor") { givenName } }`);
    expect(other.data?.person ?? null).toBeNull();
    expect(JSON.stringify(other)).not.toMatch(/Noor/);
  });
});

describe("support staff: a case of the person's, never a role alone", () => {
  it("sam reads bram's email while bram's support case is open, the read is logged, and after it closes the same query is a policy error", async () => {
    const query = `{ person(id: "bram") { email phone carePrograms { title } mobilityCards { id } } }`;
    const open = await as("sam", query);
    expect(open.data).toEqual({ person: { email: "bram@example.nl", phone: "+31687654321", carePrograms: null, mobilityCards: null } });
    expect(denials(open)).toEqual({ "person.carePrograms": "read: self | care-team | processor-on-instruction", "person.mobilityCards": "read: self" });

    const log = ((await as("audrey", `{ instructedReads(first: 100) { nodes { field readerId caseId access } } }`)).data?.instructedReads as { nodes: unknown[] }).nodes;
    expect(log).toEqual(expect.arrayContaining([{ field: "Person.email", readerId: "sam", caseId: "case-bram-login", access: "READ" }]));
    // bram sees it too.
    const own = await as("bram", `{ me { instructedReads(first: 100) { nodes { field caseId } } } }`);
    expect(own.data?.me).toMatchObject({ instructedReads: { nodes: expect.arrayContaining([{ field: "Person.email", caseId: "case-bram-login" }]) } });

    expect((await as("sam", `mutation { closeSupportCase(caseId: "case-bram-login") { closedAt } }`)).errors).toBeUndefined();
    // fysio-utrecht's instruction about bram still lets sam reach him, for his health data only (which his withdrawal closes).
    const closed = await as("sam", `{ person(id: "bram") { email } }`);
    expect(closed.data).toEqual({ person: { email: null } });
    expect(denials(closed)).toEqual({ "person.email": "read: self | therapist-of | support-case" });
    expect(JSON.stringify(closed.errors)).not.toMatch(PERSONAL_VALUES);

    // bram asks again: a new case, and sam is back in.
    const reopened = await as("bram", `mutation { openSupportCase(personId: "bram", kind: SUPPORT, topic: "Nog steeds geen toegang") { id } }`);
    expect(reopened.errors).toBeUndefined();
    expect((await as("sam", `{ person(id: "bram") { email } }`)).data).toEqual({ person: { email: "bram@example.nl" } });
  });

  it("sam reaches nobody without a case or an instruction: eva is no one's case", async () => {
    const body = await as("sam", `{ person(id: "eva") { email } }`);
    expect(body.data).toEqual({ person: null });
    expect(denials(body)).toEqual({ person: "read: self | therapist-of | employer-of | support-case | processor-on-instruction | partner:twilio" });
  });
});

describe("the employer sees its own records only", () => {
  it("eva sees acme's memberships of her employees and nothing of bram's membership at the bakery", async () => {
    const bram = await as("eva", `{ person(id: "bram") { memberships { id organisation { id } employeeNumber } } }`);
    expect(bram.data).toEqual({ person: { memberships: [{ id: "bram-acme", organisation: { id: "acme" }, employeeNumber: "E-1002" }] } });
    expect(JSON.stringify(bram)).not.toMatch(/bakkerij|Z-077/);
    // bram himself sees both.
    const own = await as("bram", `{ me { memberships { id } } }`);
    expect(own.data).toEqual({ me: { memberships: [{ id: "bram-acme" }, { id: "bram-bakkerij-zon" }] } });
    // And eva gets no names: an employer knows its employees by number.
    const names = await as("eva", `{ person(id: "bram") { givenName familyName } }`);
    expect(names.data).toEqual({ person: { givenName: null, familyName: null } });
  });
});

describe("the auditor", () => {
  it("audrey reads the policy of every field, but not the personal values", async () => {
    const policy = await as("audrey", `{ fieldPolicies { coordinate category read } }`);
    expect(policy.errors).toBeUndefined();
    expect(policy.data?.fieldPolicies).toEqual(
      expect.arrayContaining([{ coordinate: "Person.email", category: "CONTACT", read: "self | therapist-of | support-case" }]),
    );
    // Which declared partner purposes receive a field: read from the registered declarations.
    const partners = await as("audrey", `{ fieldPolicies { coordinate partners { partner purpose legalRole basis operation } } }`);
    const byField = new Map((partners.data?.fieldPolicies as { coordinate: string; partners: unknown[] }[]).map((entry) => [entry.coordinate, entry.partners]));
    expect(byField.get("Person.smsRecipient")).toEqual([{ partner: "twilio", purpose: "second-factor-login", legalRole: "processor", basis: "CONTRACT", operation: "TwilioSmsRecipient" }]);
    expect(byField.get("Person.phone")).toEqual([]);
    expect([...byField].filter(([, uses]) => uses.length > 0).map(([coordinate]) => coordinate).sort()).toEqual(["Person.mailRecipient", "Person.smsRecipient", "Query.person"]);
    const values = await as("audrey", `{ person(id: "anna") { email } }`);
    expect(values.data).toEqual({ person: null });
    expect(Object.keys(denials(values))).toEqual(["person"]);
    // The legend of the register: what each requirement means, as the rules that run define it.
    const legend = await as("audrey", `{ policyRequirements { name description } }`);
    expect(legend.data?.policyRequirements).toEqual(
      expect.arrayContaining([{ name: "care-team", description: expect.stringContaining("consent it rests on") }, { name: "support-case", description: expect.stringContaining("recorded") }]),
    );
  });
});

describe("writes obey the same declarations", () => {
  it("eva cannot change anna's phone number; anna can", async () => {
    const mutation = `mutation { updateContactDetails(personId: "anna", phone: "+31699998888") { phone } }`;
    const denied = await as("eva", mutation);
    expect(denied.data).toEqual({ updateContactDetails: null });
    expect(denials(denied)).toEqual({ updateContactDetails: "write: self | rectification-request" });
    expect((await as("anna", `{ me { phone } }`)).data).toEqual({ me: { phone: "+31612345678" } });

    expect((await as("anna", mutation)).data).toEqual({ updateContactDetails: { phone: "+31699998888" } });
  });
});

describe("a subgraph called directly holds the same rules", () => {
  const direct = async (subgraph: string, persona: PersonaName, query: string) => {
    const sign = createTokenSigner({ key: graph.gatewayKey, issuer: FORWARDED_ISSUER, audience: FORWARDED_AUDIENCE, ttlSeconds: 60 });
    return (await postGraphQL(graph.subgraphUrls[subgraph]!, query, await sign(personas[persona]))).body;
  };
  const annasPrograms = `{ _entities(representations: [{ __typename: "Person", id: "anna" }]) { ... on Person { carePrograms { title } } } }`;

  it("therapy: tom reads anna's programs, mila gets null and the error", async () => {
    expect((await direct("therapy", "tom", annasPrograms)).data).toEqual({ _entities: [{ carePrograms: [{ title: "Knierevalidatie na meniscusoperatie" }] }] });
    const mila = await direct("therapy", "mila", annasPrograms);
    expect(mila.data).toEqual({ _entities: [{ carePrograms: null }] });
    expect(denials(mila)).toEqual({ "_entities.0.carePrograms": "read: self | care-team | processor-on-instruction" });
  });

  it("mobility: eva reads anna's work trips but not her trips", async () => {
    const body = await direct("mobility", "eva", `{ _entities(representations: [{ __typename: "Person", id: "anna" }]) { ... on Person { trips { nodes { id } } workTrips(first: 100) { nodes { purpose } } } } }`);
    expect(denials(body)).toEqual({ "_entities.0.trips": "read: self" });
    expect((body.data?._entities as { workTrips: { nodes: unknown[] } }[])[0]?.workTrips.nodes.length).toBeGreaterThan(10);
  });
});
