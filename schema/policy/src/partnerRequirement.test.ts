import { capabilityFor, type Caller } from "@grondslag/auth";
import { describe, expect, it } from "vitest";
import type { FieldPolicy } from "./readFieldPolicies.ts";
import { findRequirement, type RequirementInput } from "./requirements.ts";

// `partner:<name>` in the subgraphs: the capability's person against each record's subject,
// behind the gateway's check of the capability's operation and variables.
const requirement = findRequirement("partner:twilio", {})!;
const document = `query TwilioSmsRecipient($personId: ID!) { person(id: $personId) { smsRecipient } }`;
const twilioFor = (personId: string): Caller => ({ subject: "twilio", role: "partner:twilio", capability: capabilityFor(document, { personId }, personId) });

/** What Twilio's registered declarations select, as `readPartnerFields` derives it. */
const declared = new Map([["twilio", new Set(["Query.person", "Person.smsRecipient", "ExerciseProgram.title"])]]);

/** The person's facts the basis is checked against: anna consents to health data; nobody has an open case but where given. */
interface Facts {
  consents?: Record<string, string[]>;
  openCases?: Record<string, string[]>;
}
const lookupsOf = ({ consents = { anna: ["health-data"] }, openCases = {} }: Facts) => ({
  consentsOf: { load: async (person: string) => new Set(consents[person] ?? []) },
  openCasesOf: { load: async (person: string) => (openCases[person] ?? []).map((kind, index) => ({ id: `case-${index}`, kind })) },
});
const CONTRACT = { category: "CONTACT", basis: "CONTRACT", controller: "PLATFORM" };
const HEALTH = { category: "HEALTH", basis: "EXPLICIT_CONSENT", purpose: "health-data", controller: "CARE_PRACTICE" };

const holds = (caller: Caller | null, subject: string | null, coordinate = "Person.smsRecipient", facts: Facts = {}, personal: object = CONTRACT) =>
  requirement.evaluate({
    policy: { caller, today: "2026-11-25", lookups: lookupsOf(facts) as never },
    subject: async () => subject,
    controllers: async () => ["grondslag"],
    field: { coordinate, personal } as FieldPolicy,
    parent: null,
    args: {},
    mode: "read",
    partnerFields: declared,
  } satisfies RequirementInput);

describe("the partner:<name> requirement", () => {
  it("holds for the partner's capability on a record about the capability's person", async () => {
    expect(await holds(twilioFor("anna"), "anna")).toBe(true);
  });

  it("does not hold on a record about anyone else, or about nobody", async () => {
    expect(await holds(twilioFor("anna"), "bram")).toBe(false);
    expect(await holds(twilioFor("anna"), null)).toBe(false);
  });

  it("does not hold for the role without a capability, for another partner's capability, or for the person", async () => {
    expect(await holds({ subject: "twilio", role: "partner:twilio" }, "anna")).toBe(false);
    expect(await holds({ ...twilioFor("anna"), subject: "twikey", role: "partner:twikey" }, "anna")).toBe(false);
    expect(await holds({ subject: "anna", role: "subject", personId: "anna" }, "anna")).toBe(false);
    expect(await holds(null, "anna")).toBe(false);
  });

  it("does not hold on a field no declared operation of the partner selects, even for its capability's person", async () => {
    expect(await holds(twilioFor("anna"), "anna", "Person.phone")).toBe(false);
    expect(await holds(twilioFor("anna"), "anna", "Person.mailRecipient")).toBe(false);
  });

  it("holds only while the record's basis does: a withdrawn consent or a restriction of processing stops the partner as it stops the controller", async () => {
    // A field held on the person's health-data consent, declared for the partner.
    expect(await holds(twilioFor("anna"), "anna", "ExerciseProgram.title", {}, HEALTH)).toBe(true);
    expect(await holds(twilioFor("anna"), "anna", "ExerciseProgram.title", { consents: { anna: [] } }, HEALTH)).toBe(false);
    // A restriction (GDPR Art. 18) stops every processing but the person's own, whatever the basis.
    expect(await holds(twilioFor("anna"), "anna", "Person.smsRecipient", { openCases: { anna: ["RESTRICTION"] } })).toBe(false);
    expect(await holds(twilioFor("anna"), "anna", "Person.smsRecipient", { openCases: { anna: ["SUPPORT"] } })).toBe(true);
  });
});
