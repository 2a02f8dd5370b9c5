import type { Caller, PersonaName } from "@grondslag/auth";
import type { PolicyAlternatives } from "@grondslag/policy";

/**
 * The demo data's relations, written down by hand from DESIGN.md §8 and the seeds: the
 * conformance test's own statement of the facts, independent of the SQL the policy layer runs.
 */
export const demoFacts = {
  /** Therapists with an active care relationship, by patient. */
  careTeams: { anna: ["tom"], bram: ["tom"] } as Record<string, string[]>,
  /** Given, unwithdrawn, unexpired consents, by person. */
  consents: { anna: ["health-data", "gps-tracking"], bram: ["gps-tracking"] } as Record<string, string[]>,
  /** Current employers, by employee. */
  employers: { anna: ["acme"], bram: ["acme"] } as Record<string, string[]>,
  /** Organisations administered, by employer admin. */
  administers: { eva: ["acme"] } as Record<string, string[]>,
  /** Open instructions from a controlling practice: which staff may read which categories of whom. */
  instructions: [{ person: "anna", staff: "sam", categories: ["HEALTH"] }],
};

export interface OracleInput {
  caller: Caller;
  /** The person the record is about; null when none (reference data, logs reached from the root). */
  subject: string | null;
  /** The field's data category, for instructions. */
  category: string | null;
  /** The record as its subject sees it, for record conditions such as `work-trip`. */
  record: Record<string, unknown> | null;
}

/** Whether the declared alternatives let the caller read the field, decided from `demoFacts`. */
export function isAllowedByDeclaration(alternatives: PolicyAlternatives, input: OracleInput): boolean {
  return alternatives.some((alternative) => alternative.every((name) => holds(name, input)));
}

function holds(name: string, { caller, subject, category, record }: OracleInput): boolean {
  const me = caller.personId;
  const has = (table: Record<string, string[]>, key: string | null | undefined, value: string | undefined) =>
    key != null && value !== undefined && (table[key] ?? []).includes(value);
  const consent = /^consent:(.+)$/.exec(name)?.[1];
  if (consent) return has(demoFacts.consents, subject, consent);
  if (name.startsWith("partner:")) return caller.role === name;
  switch (name) {
    case "authenticated":
      return true;
    case "nobody":
      return false;
    case "self":
      return me !== undefined && me === subject;
    case "therapist-of":
      return caller.role === "therapist" && has(demoFacts.careTeams, subject, me);
    case "care-team":
      return caller.role === "therapist" && has(demoFacts.careTeams, subject, me) && has(demoFacts.consents, subject, "health-data");
    case "employer-of":
      return caller.role === "employer-admin" && (demoFacts.employers[subject ?? ""] ?? []).some((organisation) => has(demoFacts.administers, me, organisation));
    case "platform-staff":
      return caller.role === "support";
    case "processor-on-instruction":
      return caller.role === "support" && demoFacts.instructions.some((i) => i.person === subject && i.staff === me && category !== null && i.categories.includes(category));
    case "auditor":
    case "researcher":
      return caller.role === name;
    case "internal-service":
      return caller.role === "service";
    case "second-factor":
      return caller.authMethods?.includes("otp") ?? false;
    case "work-trip":
      return record?.purpose === "BUSINESS" || record?.purpose === "COMMUTE";
    default:
      throw new Error(`The conformance oracle does not know requirement "${name}": state its facts in policyOracle.ts`);
  }
}

export type { PersonaName };
