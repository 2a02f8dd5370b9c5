import type { Caller, PersonaName } from "@grondslag/auth";
import type { PolicyAlternatives } from "@grondslag/policy";

const PLATFORM = "grondslag";

/**
 * The demo data's relations, written down by hand from DESIGN.md §8 and the seeds: the
 * conformance test's own statement of the facts, independent of the SQL the policy layer runs
 * and of the controllers the subgraphs resolve.
 */
export const demoFacts = {
  /** Active care relationships: who treats whom, at which practice. */
  care: [
    { patient: "anna", therapist: "tom", practice: "fysio-utrecht" },
    { patient: "anna", therapist: "noor", practice: "oefen-amersfoort" },
    { patient: "bram", therapist: "tom", practice: "fysio-utrecht" },
  ],
  /** Given, unwithdrawn, unexpired consents, by person (bram withdrew health-data). */
  consents: { anna: ["health-data", "gps-tracking"], bram: ["gps-tracking"] } as Record<string, string[]>,
  /** Current employers, by employee: bram also works at a bakery eva does not administer. */
  employers: { anna: ["acme"], bram: ["acme", "bakkerij-zon"] } as Record<string, string[]>,
  /** Organisations administered, by employer admin. */
  administers: { eva: ["acme"] } as Record<string, string[]>,
  /** Open instructions: which controller lets which staff read which categories of whom. */
  instructions: [
    { person: "anna", staff: "sam", controller: "fysio-utrecht", categories: ["HEALTH"] },
    { person: "bram", staff: "sam", controller: "fysio-utrecht", categories: ["HEALTH"] },
  ],
  /** Open support cases and data-subject requests, by person (anna's one case is closed). */
  openCases: { bram: ["SUPPORT"] } as Record<string, string[]>,
  /** The practice that controls each therapy record, by the id its records start with. */
  practiceOfRecord: {
    "tom-anna": "fysio-utrecht",
    "tom-bram": "fysio-utrecht",
    "noor-anna": "oefen-amersfoort",
    "anna-knee": "fysio-utrecht",
    "anna-posture": "oefen-amersfoort",
    "bram-back": "fysio-utrecht",
  } as Record<string, string>,
  /** The organisation of each membership. */
  organisationOfMembership: {
    "anna-acme": "acme", "bram-acme": "acme", "bram-bakkerij-zon": "bakkerij-zon", "eva-acme": "acme",
    "tom-fysio-utrecht": "fysio-utrecht", "mila-praktijk-gent": "praktijk-gent", "noor-oefen-amersfoort": "oefen-amersfoort",
    "sam-grondslag": PLATFORM,
  } as Record<string, string>,
  /** What each registered partner's declared operations select (integrations/twilio/src/fieldSet.graphql). */
  partnerFields: { twilio: ["Query.person", "Person.smsRecipient", "Person.mailRecipient"] } as Record<string, string[]>,
  /** The practice of each therapist. */
  practiceOfTherapist: { tom: "fysio-utrecht", mila: "praktijk-gent", noor: "oefen-amersfoort" } as Record<string, string>,
};

/** What a field declares about its data, as `@personal` says it; null for a field that is not personal. */
export interface Declared {
  category: string;
  basis: string;
  controller: string;
  purpose?: string | null;
}

export interface OracleInput {
  caller: Caller;
  /** The field being read, as `Type.field`. */
  coordinate: string;
  /** The person the record is about; null when none (reference data, logs reached from the root). */
  subject: string | null;
  /** The field's declaration; null when it is not personal. */
  personal: Declared | null;
  /** The record's type and id, to know which organisation controls it. */
  type: string;
  recordId: string | null;
  /** The record as its subject sees it, for record conditions such as `work-trip`. */
  record: Record<string, unknown> | null;
}

/** Whether the declared alternatives let the caller read the field, decided from `demoFacts`. */
export function isAllowedByDeclaration(alternatives: PolicyAlternatives, input: OracleInput): boolean {
  return alternatives.some((alternative) => alternative.every((name) => holds(name, input)));
}

/** The organisations controlling a record, from DESIGN.md §3: the platform, a practice, or an employer. */
export function controllersOf({ type, recordId, subject, personal }: Pick<OracleInput, "type" | "recordId" | "subject" | "personal">): string[] {
  if (!personal || personal.controller === "PLATFORM") return [PLATFORM];
  if (type === "Person" && personal.controller === "CARE_PRACTICE") return demoFacts.care.filter((c) => c.patient === subject).map((c) => c.practice);
  if (type === "Person" && personal.controller === "EMPLOYER") return demoFacts.employers[subject ?? ""] ?? [];
  if (type === "Membership") return [demoFacts.organisationOfMembership[recordId ?? ""] ?? "unknown"];
  if (type === "Therapist") return [demoFacts.practiceOfTherapist[recordId ?? ""] ?? "unknown"];
  const prefix = Object.keys(demoFacts.practiceOfRecord).find((key) => recordId === key || recordId?.startsWith(`${key}-`));
  return prefix ? [demoFacts.practiceOfRecord[prefix]!] : ["unknown"];
}

function holds(name: string, input: OracleInput): boolean {
  const { caller, subject, personal, record } = input;
  const me = caller.personId;
  const is = (role: string) => caller.role === role && me !== undefined;
  const has = (table: Record<string, string[]>, key: string | null | undefined, value: string | undefined) =>
    key != null && value !== undefined && (table[key] ?? []).includes(value);
  const restricted = (demoFacts.openCases[subject ?? ""] ?? []).includes("RESTRICTION");
  // A consent basis holds while its consent does; any basis stops under a restriction.
  const basisHolds = () =>
    !restricted && (!personal || !["CONSENT", "EXPLICIT_CONSENT"].includes(personal.basis) || has(demoFacts.consents, subject, personal.purpose ?? undefined));
  const controllers = () => controllersOf(input);
  const treats = () => demoFacts.care.some((c) => c.patient === subject && c.therapist === me && controllers().includes(c.practice));

  const consent = /^consent:(.+)$/.exec(name)?.[1];
  if (consent) return has(demoFacts.consents, subject, consent);
  // A partner holds a capability for one person: its declared fields open on records about that person only, while their basis holds.
  const partner = /^partner:(.+)$/.exec(name)?.[1];
  if (partner) {
    return (
      caller.role === name && caller.capability !== undefined && caller.capability.personId === subject && (demoFacts.partnerFields[partner] ?? []).includes(input.coordinate) && basisHolds()
    );
  }
  switch (name) {
    case "authenticated":
      return true;
    case "nobody":
      return false;
    case "self":
      return me !== undefined && me === subject;
    case "therapist-of":
      return is("therapist") && demoFacts.care.some((c) => c.patient === subject && c.therapist === me) && !restricted;
    case "patient-of":
      return me !== undefined && demoFacts.care.some((c) => c.patient === me && c.therapist === subject) && !restricted;
    case "treating-therapist":
      return is("therapist") && treats();
    case "care-team":
      return is("therapist") && treats() && basisHolds();
    case "employer-of": {
      if (!is("employer-admin")) return false;
      let employers = (demoFacts.employers[subject ?? ""] ?? []).filter((organisation) => has(demoFacts.administers, me, organisation));
      if (personal?.controller === "EMPLOYER") employers = employers.filter((organisation) => controllers().includes(organisation));
      return employers.length > 0 && !restricted;
    }
    case "platform-staff":
      return caller.role === "support";
    case "processor-on-instruction": {
      const open = demoFacts.instructions.filter((i) => is("support") && i.person === subject && i.staff === me);
      if (!personal) return open.length > 0;
      return open.some((i) => i.categories.includes(personal.category) && controllers().includes(i.controller)) && basisHolds();
    }
    case "support-case":
    case "rectification-request": {
      const kinds = demoFacts.openCases[subject ?? ""] ?? [];
      const open = is("support") && basisHolds() && (name === "support-case" ? kinds.length > 0 : kinds.includes("RECTIFICATION"));
      if (!open || !personal) return open;
      return ["IDENTITY", "CONTACT"].includes(personal.category) && personal.controller === "PLATFORM";
    }
    case "administers-organisation":
      return is("employer-admin") && input.type === "Organisation" && (demoFacts.administers[me ?? ""] ?? []).includes(input.recordId ?? "");
    case "auditor":
    case "researcher":
      return caller.role === name;
    case "internal-service":
      return caller.role === "service";
    case "second-factor":
      return caller.authMethods?.includes("otp") ?? false;
    case "work-trip":
      return record?.purpose === "BUSINESS" || record?.purpose === "COMMUTE";
    case "open-case":
      return record != null && record.closedAt == null;
    default:
      throw new Error(`The conformance oracle does not know requirement "${name}": state its facts in policyOracle.ts`);
  }
}

export type { PersonaName };
