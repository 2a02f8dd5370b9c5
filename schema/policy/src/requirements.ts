import type { FieldPolicy } from "./readFieldPolicies.ts";
import { CONSENT_BASES } from "./readFieldPolicies.ts";
import type { CareFact, FactLoader, MembershipFact, OpenCase } from "./createPolicyLookups.ts";
import { after, afterWith, isPromise, type Maybe } from "./maybe.ts";
import { oncePerFacts } from "./oncePerFacts.ts";
import type { PolicyContext } from "./PolicyContext.ts";

/** The organisation id of the platform itself: the controller of the records it decides over. */
export const PLATFORM_CONTROLLER = "grondslag";

export interface RequirementInput {
  policy: PolicyContext;
  /** The person the record is about; null when it is about nobody (or cannot be known). At once when already found. */
  subject: () => Maybe<string | null>;
  /** The organisations that control the record (usually one); empty when the field is not personal. */
  controllers: () => Maybe<readonly string[]>;
  field: FieldPolicy;
  parent: unknown;
  args: Record<string, unknown>;
  /** Whether the field is read or written: reads and writes by staff are recorded as such. */
  mode: "read" | "write";
  /** Partner name → the coordinates its declared operations select (`PartnerFieldGrant`). */
  partnerFields: ReadonlyMap<string, ReadonlySet<string>>;
}

/** Holds or not: at once when everything it reads is at hand, else a promise (a look-up in flight). */
export type Requirement = (input: RequirementInput) => Maybe<boolean>;

/** What a shared decision depends on besides the caller and the field's declaration (`RequirementDefinition.reads`). */
export type Reads = "caller" | "subject" | "subject-and-controllers";

/** The parts of a field's `@personal` declaration a shared requirement may read (`RequirementDefinition.declaration`). */
export type DeclarationPart = "category" | "basis" | "purpose" | "controller";

/** A record condition a subgraph contributes, such as `work-trip`: about the record, not the caller. */
export type Condition = (parent: unknown, args: Record<string, unknown>) => boolean | Promise<boolean>;

export interface RequirementDefinition {
  /** What an auditor reads: when the requirement holds. */
  description: string;
  evaluate: Requirement;
  /**
   * True when holding records the access (staff reads and writes): such a requirement is
   * evaluated for every field. Any other is decided once per record and request, shared by
   * the record's fields with the same declaration, and may not record (it fails if it tries).
   */
  recordsAccess?: boolean;
  /**
   * True when the answer depends on the field itself, not only on its record and declaration
   * (`partner:<name>` holds on the fields its declared operations select): decided per field.
   */
  perField?: boolean;
  /**
   * What the answer depends on besides the caller, the day and the field's declaration
   * (category, basis, purpose, controller kind): nothing more (`caller`), the record's subject,
   * or its subject and controllers. Records that agree on these share one decision per request,
   * so the 1,500 records of 50 patients cost 50 evaluations, not 1,500. The evaluation sees only
   * what is declared (anything else it touches fails closed). A function decides it per field
   * declaration, at start. Left out, the decision is the record's own.
   */
  reads?: Reads | ((field: FieldPolicy) => Reads);
  /**
   * With `reads`: the one caller role the requirement can hold for. For a caller without it the
   * answer is false for every record, so it is not evaluated per record or subject at all (an
   * employer's request tries `therapist-of` on no one). Declaring a role can only turn an
   * evaluation into a denial, never into an allowance.
   */
  role?: string;
  /**
   * With `reads`: the parts of the field's declaration the answer depends on (default: all of
   * them). Fields whose declarations agree on these parts share the decision: `self` reads
   * none (it is not even told whether the field is personal), so one decision per person serves
   * all of that person's fields and the root fields that reach them; `care-team` reads the
   * basis and purpose (is the consent given?), not the category. Reading any other part throws,
   * and the read fails closed.
   */
  declaration?: readonly DeclarationPart[];
  /**
   * True for a record condition: its answer depends on the record (and a field's arguments)
   * only, not on the field's declaration, so one decision serves every field of the record.
   */
  ofRecord?: boolean;
  /** A record condition's own test (with `ofRecord`): called on the record and arguments directly. */
  condition?: Condition;
}

/** Categories a support case opens to staff: who the person is and how to reach them, nothing else. */
const SUPPORT_CATEGORIES = new Set(["IDENTITY", "CONTACT"]);

/** A person's facts of one kind: at once when this request has read them (`FactLoader.get`), else loaded. */
export function getFact<T>(loader: FactLoader<T>, personId: string): Maybe<T> {
  return loader.get ? loader.get(personId) : loader.load(personId);
}

const hasRole = (role: string): Requirement => ({ policy }) => policy.caller?.role === role;

/** The caller's person id when the caller has the role, else undefined. */
const personIn = (policy: PolicyContext, role: string) => (policy.caller?.role === role ? policy.caller.personId : undefined);

const hasConsent = (purpose: string): Requirement => (input) => withSubject(input, purpose, consentGiven);
function consentGiven(input: RequirementInput, person: string, purpose: string): Maybe<boolean> {
  return afterWith(getFact(input.policy.lookups.consentsOf, person), purpose, hasPurpose);
}
const hasPurpose = (purposes: ReadonlySet<string>, purpose: string) => purposes.has(purpose);

// The requirements below are decided thousands of times a request (a list's records, each
// person's fields), mostly with every fact at hand. They are written as steps that are functions
// of this module, handed what they need (`afterWith`, `withSubject`), rather than as closures: a
// decision made at once then allocates nothing, and only one that waits for a look-up makes a `then`.

/** `step(input, person, extra)` with the record's subject; false for a record about nobody (or nobody known). */
function withSubject<E>(input: RequirementInput, extra: E, step: (input: RequirementInput, person: string, extra: E) => Maybe<boolean>): Maybe<boolean> {
  const person = input.subject();
  if (isPromise(person)) return person.then((found) => !!found && step(input, found, extra));
  return !!person && step(input, person, extra);
}

/** `first`, and then (only if it holds) the record's basis (`basisHolds`). */
function andBasisHolds(input: RequirementInput, first: Maybe<boolean>): Maybe<boolean> {
  if (isPromise(first)) return first.then((held) => held && basisHolds(input));
  return first && basisHolds(input);
}

/**
 * Whether the record's lawful basis still holds for anyone but the person: no restriction of
 * processing (GDPR Art. 18) is in force, and a consent basis has its consent. A controller and
 * its processor both read through this, so a withdrawal stops both on the next request.
 */
function basisHolds(input: RequirementInput): Maybe<boolean> {
  return withSubject(input, undefined, basisHoldsFor);
}
function basisHoldsFor(input: RequirementInput, person: string): Maybe<boolean> {
  const open = getFact(input.policy.lookups.openCasesOf, person);
  if (isPromise(open)) return open.then((found) => basisHoldsWith(input, person, found));
  return basisHoldsWith(input, person, open);
}
function basisHoldsWith(input: RequirementInput, person: string, open: readonly OpenCase[]): Maybe<boolean> {
  for (const candidate of open) if (candidate.kind === "RESTRICTION") return false;
  const personal = input.field.personal;
  if (personal && CONSENT_BASES.has(personal.basis)) return afterWith(getFact(input.policy.lookups.consentsOf, person), personal.purpose!, hasPurpose);
  return true;
}

/** A therapist of a practice that controls this record, with their own active care relationship with the person there. */
const isTreatingTherapist: Requirement = (input) => {
  const me = personIn(input.policy, "therapist");
  return !!me && withSubject(input, me, treatsAtController);
};
function treatsAtController(input: RequirementInput, person: string, me: string): Maybe<boolean> {
  const cares = getFact(input.policy.lookups.careRelationshipsOf, person);
  if (isPromise(cares)) return cares.then((found) => treatsAtControllerWith(input, me, found));
  return treatsAtControllerWith(input, me, cares);
}
function treatsAtControllerWith(input: RequirementInput, me: string, cares: readonly CareFact[]): Maybe<boolean> {
  let treats = false;
  for (const care of cares) treats ||= care.active && care.therapistPersonId === me;
  if (!treats) return false;
  return afterWith(input.controllers(), { me, cares }, practiceControls);
}
function practiceControls(controlling: readonly string[], { me, cares }: { me: string; cares: readonly CareFact[] }): boolean {
  return cares.some((care) => care.active && care.therapistPersonId === me && controlling.includes(care.practiceId));
}

const isTherapistOf: Requirement = (input) => {
  const me = personIn(input.policy, "therapist");
  return !!me && withSubject(input, me, treats);
};
function treats(input: RequirementInput, person: string, me: string): Maybe<boolean> {
  return afterWith(getFact(input.policy.lookups.careRelationshipsOf, person), me, treatedBy);
}
function treatedBy(cares: readonly CareFact[], me: string): boolean {
  for (const care of cares) if (care.active && care.therapistPersonId === me) return true;
  return false;
}

/** The caller is a patient of the record's person: one of the caller's own active care relationships names them as therapist. */
const isPatientOf: Requirement = (input) => {
  const me = input.policy.caller?.personId;
  return !!me && withSubject(input, me, treatsMe);
};
function treatsMe(input: RequirementInput, therapist: string, me: string): Maybe<boolean> {
  return afterWith(getFact(input.policy.lookups.careRelationshipsOf, me), therapist, treatedBy);
}

/** The organisations an admin administers, from their memberships as this request read them: found once per request. */
const administeredBy = oncePerFacts((memberships: readonly MembershipFact[]): ReadonlySet<string> =>
  new Set(memberships.filter((membership) => membership.role === "employer_admin").map((membership) => membership.organisationId)),
);

/**
 * The caller administers the organisation that is the record itself: an Organisation's own lists
 * (its members), whose items are each still read under their own policy (`employer-of`).
 */
const administersOrganisation: Requirement = ({ policy, parent }) => {
  const me = personIn(policy, "employer-admin");
  const organisation = (parent as { id?: unknown } | null | undefined)?.id;
  if (!me || typeof organisation !== "string") return false;
  return after(getFact(policy.lookups.membershipsOf, me), (mine) => administeredBy(mine).has(organisation));
};

const isEmployerOf: Requirement = (input) => {
  const me = personIn(input.policy, "employer-admin");
  return !!me && withSubject(input, me, employsThroughAdmin);
};
function employsThroughAdmin(input: RequirementInput, person: string, me: string): Maybe<boolean> {
  const { membershipsOf } = input.policy.lookups;
  const employee = getFact(membershipsOf, person);
  const admin = getFact(membershipsOf, me);
  if (isPromise(employee) || isPromise(admin)) return Promise.all([employee, admin]).then(([found, mine]) => employs(input, found, mine));
  return employs(input, employee, admin);
}
function employs(input: RequirementInput, employee: readonly MembershipFact[], admin: readonly MembershipFact[]): Maybe<boolean> {
  const administered = administeredBy(admin);
  // A list of the employers only where it is needed: this runs for every employee of a list.
  let employed = false;
  for (const membership of employee) employed ||= membership.role === "employee" && administered.has(membership.organisationId);
  // A record an employer controls (a membership, a report) is judged on that employer alone.
  if (!employed || input.field.personal?.controller !== "EMPLOYER") return employed;
  return afterWith(input.controllers(), { employee, administered }, controlledByAnEmployer);
}
/** One of the record's controllers employs the person and is administered by the caller (no list of them made: this runs per record). */
function controlledByAnEmployer(controlling: readonly string[], { employee, administered }: { employee: readonly MembershipFact[]; administered: ReadonlySet<string> }): boolean {
  for (const membership of employee) {
    if (membership.role === "employee" && administered.has(membership.organisationId) && controlling.includes(membership.organisationId)) return true;
  }
  return false;
}

const isProcessorOnInstruction: Requirement = async (input) => {
  const { policy, subject, controllers, field, mode } = input;
  const me = personIn(policy, "support");
  const person = me && (await subject());
  if (!me || !person) return false;
  const open = (await policy.lookups.instructionsFor.load(person)).filter((instruction) => instruction.processorPersonId === null || instruction.processorPersonId === me);
  // Reaching the person (Query.person) reads nothing personal: any open instruction about them will do.
  if (!field.personal) return open.length > 0;
  const controlling = await controllers();
  const instruction = open.find((candidate) => candidate.categories.includes(field.personal!.category) && controlling.includes(candidate.controllerId));
  if (!instruction || !(await basisHolds(input))) return false;
  await policy.lookups.recordStaffAccess.load({ instructionId: instruction.id, caseId: null, readerId: me, personId: person, field: field.coordinate, access: mode });
  return true;
};

const hasSupportCase = (kinds: string[] | null): Requirement => async (input) => {
  const { policy, subject, field, mode } = input;
  const me = personIn(policy, "support");
  const person = me && (await subject());
  if (!me || !person) return false;
  const cases = await policy.lookups.openCasesOf.load(person);
  // The record's basis, as for every controller and processor (`basisHoldsWith`): a restriction of
  // processing (GDPR Art. 18) stops staff's reads and writes alike, whatever other case is open.
  if (!(await basisHoldsWith(input, person, cases))) return false;
  const open = cases.find((candidate) => kinds === null || kinds.includes(candidate.kind));
  if (!open) return false;
  if (!field.personal) return true;
  if (!SUPPORT_CATEGORIES.has(field.personal.category) || field.personal.controller !== "PLATFORM") return false;
  await policy.lookups.recordStaffAccess.load({ instructionId: null, caseId: open.id, readerId: me, personId: person, field: field.coordinate, access: mode });
  return true;
};

/**
 * Support staff closing a case (the mutation's `caseId`): one of the person's open cases, and not
 * a restriction of processing, which stops staff too and which the person lifts (GDPR Art.
 * 18(3)): closing it would open the person's data to the staff member again. A closed case, or
 * one that does not exist, is refused alike. Recorded as a write under the case.
 */
const closesOpenCase: Requirement = async (input) => {
  const { policy, subject, field, args, mode } = input;
  const me = personIn(policy, "support");
  const person = me && (await subject());
  const caseId = (args as { caseId?: unknown }).caseId;
  if (!me || !person || typeof caseId !== "string") return false;
  const open = await policy.lookups.openCasesOf.load(person);
  // Not while the record's basis fails (`basisHoldsWith`): a restriction stops staff's writes too,
  // and so is never itself closed by them.
  if (!(await basisHoldsWith(input, person, open))) return false;
  const closing = open.find((candidate) => candidate.id === caseId);
  if (!closing) return false;
  if (!field.personal || !SUPPORT_CATEGORIES.has(field.personal.category) || field.personal.controller !== "PLATFORM") return false;
  await policy.lookups.recordStaffAccess.load({ instructionId: null, caseId: closing.id, readerId: me, personId: person, field: field.coordinate, access: mode });
  return true;
};

/**
 * A partner holds a capability for one declared operation about one person (the gateway checks
 * the operation and its variables). Here, in each subgraph, the record must also be about that
 * person: a capability for anna unlocks anna's declared fields, and nobody else's, whatever the
 * operation reaches. A record about nobody (or nobody known) is not the partner's. (Its basis is
 * checked beside it, in `partner:<name>`: a partner is a processor, and a withdrawn consent or a
 * restriction stops it as it stops the controller.)
 */
const isPartnerFor = (role: string): Requirement => ({ policy, subject }) => {
  const bound = policy.caller?.role === role ? policy.caller.capability?.personId : undefined;
  return bound !== undefined && after(subject(), (person) => bound === person);
};

/** The requirements DESIGN.md §4 names; `consent:<purpose>` and `partner:<name>` take a parameter. */
export const builtInRequirements: Record<string, RequirementDefinition> = {
  authenticated: {
    description: "any verified caller; used for reference data that is not personal",
    evaluate: ({ policy }) => policy.caller !== null,
    reads: "caller",
    declaration: [],
  },
  nobody: { description: "never holds: the field is not readable through the graph", evaluate: () => false, reads: "caller", declaration: [] },
  self: {
    description: "the caller is the person the record is about",
    evaluate: ({ policy, subject }) => {
      const me = policy.caller?.personId;
      return me !== undefined && after(subject(), (person) => me === person);
    },
    reads: "subject",
    declaration: [],
  },
  "therapist-of": {
    description:
      "the caller is a therapist with their own active care relationship with the person, at any practice, and no restriction of processing is in force; for the platform's identity and contact records a therapist needs to treat, never for care records",
    evaluate: (input) => andBasisHolds(input, isTherapistOf(input)),
    reads: "subject",
    declaration: ["basis", "purpose"],
    role: "therapist",
  },
  "patient-of": {
    description:
      "the caller has an active care relationship in which the person is their therapist, and no restriction of processing is in force: a patient reads the name of whoever treats them (a therapist's professional identity is public in the BIG and RIZIV/INAMI registers), and no other therapist's",
    evaluate: (input) => andBasisHolds(input, isPatientOf(input)),
    reads: "subject",
    declaration: ["basis", "purpose"],
  },
  "treating-therapist": {
    description:
      "the caller is a therapist of the practice that controls this record, with their own active care relationship with the person at that practice",
    evaluate: isTreatingTherapist,
    reads: "subject-and-controllers",
    declaration: [],
    role: "therapist",
  },
  "care-team": {
    description:
      "treating-therapist, and the record's lawful basis still holds: the consent it rests on is given (not withdrawn, not expired) and no restriction of processing is in force",
    evaluate: (input) => andBasisHolds(input, isTreatingTherapist(input)),
    reads: "subject-and-controllers",
    declaration: ["basis", "purpose"],
    role: "therapist",
  },
  "employer-of": {
    description:
      "the caller administers an organisation that currently employs the person; on a record an employer controls (a membership, a report), that organisation must be the record's controller; and no restriction of processing is in force",
    evaluate: (input) => andBasisHolds(input, isEmployerOf(input)),
    // The record's controllers matter only on a record an employer controls.
    reads: (field) => (field.personal?.controller === "EMPLOYER" ? "subject-and-controllers" : "subject"),
    declaration: ["controller", "basis", "purpose"],
    role: "employer-admin",
  },
  "administers-organisation": {
    description:
      "the caller is an employer admin of this organisation (the record is the organisation itself): for its own lists, such as its members, each of whose items is still read under its own policy",
    evaluate: administersOrganisation,
  },
  "platform-staff": {
    description: "the caller is the platform's support staff; for operational data that is not personal only (a role alone never opens a personal field)",
    evaluate: hasRole("support"),
    reads: "caller",
    declaration: [],
  },
  "processor-on-instruction": {
    description:
      "the caller is support staff acting on an open, time-boxed instruction from the organisation that controls this record, naming them or any staff and covering this field's category, while the record's lawful basis still holds (a withdrawn consent or a restriction stops the processor as it stops the controller); every read is recorded",
    evaluate: isProcessorOnInstruction,
    recordsAccess: true,
  },
  "support-case": {
    description:
      "the caller is support staff and the person has an open support case or data-subject request, and no restriction of processing open (GDPR Art. 18: it stops staff as it stops every controller and processor); identity and contact data of records the platform controls only; every read is recorded",
    evaluate: hasSupportCase(null),
    recordsAccess: true,
  },
  "rectification-request": {
    description:
      "the caller is support staff and the person has an open rectification request (GDPR Art. 16), and no restriction of processing open; identity and contact data of records the platform controls only; every write is recorded",
    evaluate: hasSupportCase(["RECTIFICATION"]),
    recordsAccess: true,
  },
  "closes-open-case": {
    description:
      "the caller is support staff closing one of the person's open cases (the mutation's caseId), while no restriction of processing is open (the person alone lifts one, GDPR Art. 18(3), and it stops staff's writes too); contact data of records the platform controls only; every write is recorded",
    evaluate: closesOpenCase,
    recordsAccess: true,
  },
  "internal-service": { description: "the caller is one of the platform's own jobs (partners' webhooks recording a send's delivery status, retention)", evaluate: hasRole("service"), reads: "caller", declaration: [] },
  "second-factor": {
    description: "the caller completed a second-factor login (a one-time code) for this session",
    evaluate: ({ policy }) => policy.caller?.authMethods?.includes("otp") ?? false,
    reads: "caller",
    declaration: [],
  },
  auditor: { description: "the caller is an auditor: policy metadata, registers and logs, never personal values", evaluate: hasRole("auditor"), reads: "caller", declaration: [] },
  researcher: {
    description: "the caller is a researcher: pseudonymised or aggregated views only, and only together with the person's consent:research",
    evaluate: hasRole("researcher"),
    reads: "caller",
    declaration: [],
  },
};

/** Resolves a requirement name to its definition; undefined for a name nothing implements. */
export function findRequirement(name: string, conditions: Record<string, { description: string; evaluate: Condition }>): RequirementDefinition | undefined {
  const builtIn = builtInRequirements[name];
  if (builtIn) return builtIn;
  const consent = /^consent:([a-z][a-z0-9-]*)$/.exec(name);
  if (consent) return { description: `the person has given, and not withdrawn, consent for ${consent[1]}`, evaluate: hasConsent(consent[1]!), reads: "subject", declaration: [] };
  const partner = /^partner:([a-z][a-z0-9-]*)$/.exec(name);
  if (partner) {
    // Whatever the SDL says: a grant holds only on a field the partner's declared operations
    // select (`integrations/registry`), so a stray grant opens nothing; and only on records
    // about the one person the partner's capability names.
    return {
      description: `the caller is the ${partner[1]} partner adapter with a capability for one of its declared field sets, a declared ${partner[1]} operation selects this field, the record is about the person that capability names, and the record's basis still holds (its consent given, no restriction of processing): a processor is stopped with the controller`,
      evaluate: (input) => (input.partnerFields.get(partner[1]!)?.has(input.field.coordinate) ?? false) && andBasisHolds(input, isPartnerFor(name)(input)),
      perField: true,
    };
  }
  const condition = conditions[name];
  if (condition) return { description: condition.description, evaluate: ({ parent, args }) => condition.evaluate(parent, args), ofRecord: true, condition: condition.evaluate };
  return undefined;
}
