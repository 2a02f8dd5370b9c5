import type { FieldPolicy } from "./readFieldPolicies.ts";
import type { PolicyContext } from "./PolicyContext.ts";

export interface RequirementInput {
  policy: PolicyContext;
  /** The person the record is about; null when it is about nobody (or cannot be known). */
  subject: () => Promise<string | null>;
  field: FieldPolicy;
  parent: unknown;
  args: Record<string, unknown>;
}

export type Requirement = (input: RequirementInput) => Promise<boolean> | boolean;

/** A record condition a subgraph contributes, such as `work-trip`: about the record, not the caller. */
export type Condition = (parent: unknown, args: Record<string, unknown>) => boolean | Promise<boolean>;

export interface RequirementDefinition {
  /** What an auditor reads: when the requirement holds. */
  description: string;
  evaluate: Requirement;
}

const hasRole = (role: string): Requirement => ({ policy }) => policy.caller?.role === role;

const isTherapistOf: Requirement = async ({ policy, subject }) => {
  const { caller } = policy;
  if (caller?.role !== "therapist" || !caller.personId) return false;
  const person = await subject();
  return person !== null && (await policy.lookups.therapistsOf.load(person)).has(caller.personId);
};

const hasConsent = (purpose: string): Requirement => async ({ policy, subject }) => {
  const person = await subject();
  return person !== null && (await policy.lookups.consentsOf.load(person)).has(purpose);
};

/** The requirements DESIGN.md §4 names; `consent:<purpose>` and `partner:<name>` take a parameter. */
export const builtInRequirements: Record<string, RequirementDefinition> = {
  authenticated: {
    description: "any verified caller; used for reference data that is not personal",
    evaluate: ({ policy }) => policy.caller !== null,
  },
  nobody: { description: "never holds: the field is not readable through the graph", evaluate: () => false },
  self: {
    description: "the caller is the person the record is about",
    evaluate: async ({ policy, subject }) => policy.caller?.personId !== undefined && policy.caller.personId === (await subject()),
  },
  "therapist-of": {
    description: "the caller is a therapist with an active care relationship with the person",
    evaluate: isTherapistOf,
  },
  "care-team": {
    description: "the caller is a therapist with an active care relationship with the person, and the person has given consent for health data",
    evaluate: async (input) => (await isTherapistOf(input)) && (await hasConsent("health-data")(input)),
  },
  "employer-of": {
    description: "the caller administers an organisation that currently employs the person",
    evaluate: async ({ policy, subject }) => {
      const { caller } = policy;
      if (caller?.role !== "employer-admin" || !caller.personId) return false;
      const person = await subject();
      if (person === null) return false;
      const [employers, administered] = await Promise.all([
        policy.lookups.employersOf.load(person),
        policy.lookups.administeredBy.load(caller.personId),
      ]);
      return [...employers].some((organisation) => administered.has(organisation));
    },
  },
  "platform-staff": { description: "the caller is the platform's support staff", evaluate: hasRole("support") },
  "processor-on-instruction": {
    description:
      "the caller is support staff acting on an open, time-boxed instruction from the practice that controls the person's care data, covering this field's category; every read is recorded",
    evaluate: async ({ policy, subject, field }) => {
      const { caller } = policy;
      if (caller?.role !== "support" || !caller.personId || !field.personal) return false;
      const person = await subject();
      if (person === null) return false;
      const instruction = (await policy.lookups.instructionsFor.load(person)).find(
        (candidate) =>
          (candidate.processorPersonId === null || candidate.processorPersonId === caller.personId) &&
          candidate.categories.includes(field.personal!.category),
      );
      if (!instruction) return false;
      await policy.lookups.recordInstructedRead.load({ instructionId: instruction.id, readerId: caller.personId, personId: person, field: field.coordinate });
      return true;
    },
  },
  "internal-service": { description: "the caller is one of the platform's own jobs (partner adapters recording what they sent, retention)", evaluate: hasRole("service") },
  "second-factor": {
    description: "the caller completed a second-factor login (a one-time code) for this session",
    evaluate: ({ policy }) => policy.caller?.authMethods?.includes("otp") ?? false,
  },
  auditor: { description: "the caller is an auditor: policy metadata, registers and logs, never personal values", evaluate: hasRole("auditor") },
  researcher: { description: "the caller is a researcher: pseudonymised or aggregated views only", evaluate: hasRole("researcher") },
};

/** Resolves a requirement name to its definition; undefined for a name nothing implements. */
export function findRequirement(name: string, conditions: Record<string, { description: string; evaluate: Condition }>): RequirementDefinition | undefined {
  const builtIn = builtInRequirements[name];
  if (builtIn) return builtIn;
  const consent = /^consent:([a-z][a-z0-9-]*)$/.exec(name);
  if (consent) return { description: `the person has given, and not withdrawn, consent for ${consent[1]}`, evaluate: hasConsent(consent[1]!) };
  const partner = /^partner:([a-z][a-z0-9-]*)$/.exec(name);
  if (partner) {
    return { description: `the caller is the ${partner[1]} partner adapter; the field is in its declared field set`, evaluate: hasRole(name) };
  }
  const condition = conditions[name];
  if (condition) return { description: condition.description, evaluate: ({ parent, args }) => condition.evaluate(parent, args) };
  return undefined;
}
