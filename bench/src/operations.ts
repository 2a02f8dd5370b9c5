import type { Caller } from "@grondslag/auth";
import type { Dataset } from "./generateDataset.ts";

/** One GraphQL answer as it comes over HTTP. */
export interface Answer {
  data?: Record<string, unknown> | null;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
}

/** An operation the benchmark drives: who asks, what, and how to tell a right answer. */
export interface Operation {
  name: string;
  caller: Caller;
  query: string;
  /** Throws, saying what differs, when the answer is not the dataset's. */
  check(answer: Answer): void;
}

const PROGRAMS = /* GraphQL */ `carePrograms { id title exercises { id name sets repetitions } compliance(first: 5) { nodes { id performedOn done painScore } } }`;
const WORK_TRIPS = /* GraphQL */ `workTrips(first: 20) { nodes { id startedAt endedAt distanceKm purpose } }`;

function fail(operation: string, message: string): never {
  throw new Error(`${operation}: ${message}`);
}

function equalList(operation: string, what: string, actual: unknown[], expected: unknown[]) {
  if (actual.length !== expected.length || actual.some((value, index) => value !== expected[index])) {
    fail(operation, `${what}: expected [${expected.slice(0, 5).join(", ")}${expected.length > 5 ? ", …" : ""}] (${expected.length}), got [${actual.slice(0, 5).join(", ")}${actual.length > 5 ? ", …" : ""}] (${actual.length})`);
  }
}

function noErrors(operation: string, answer: Answer) {
  if (answer.errors?.length) fail(operation, `errors: ${JSON.stringify(answer.errors.slice(0, 3))}`);
  if (!answer.data) fail(operation, "no data");
}

type ProgramAnswer = { id: string; exercises: unknown[]; compliance: { nodes: unknown[] } };

function checkPrograms(operation: string, dataset: Dataset, personId: string, programs: ProgramAnswer[] | null | undefined) {
  const expected = dataset.programsOf.get(personId) ?? [];
  equalList(operation, `programs of ${personId}`, (programs ?? []).map((program) => program.id), expected.map((program) => program.id));
  for (const [index, program] of (programs ?? []).entries()) {
    if (program.exercises.length !== expected[index]!.exercises) fail(operation, `exercises of ${program.id}: ${program.exercises.length}`);
    if (program.compliance.nodes.length !== Math.min(5, expected[index]!.complianceEntries)) fail(operation, `compliance of ${program.id}: ${program.compliance.nodes.length}`);
  }
}

/** A patient's home screen: their programs with today's exercises and recent reports, their last trips. */
export function patientHome(dataset: Dataset): Operation {
  const { personId, givenName } = dataset.patient;
  const name = "patient home";
  return {
    name,
    caller: { subject: `bench-${personId}`, role: "subject", personId },
    query: /* GraphQL */ `query PatientHome { me { id givenName familyName email ${PROGRAMS} careRelationships { id active therapist { profession practice { name } } } trips(first: 10) { nodes { id startedAt distanceKm mode } } } }`,
    check(answer) {
      noErrors(name, answer);
      const me = answer.data!.me as { id: string; givenName: string; carePrograms: ProgramAnswer[]; careRelationships: unknown[]; trips: { nodes: { id: string }[] } };
      if (me.id !== personId || me.givenName !== givenName) fail(name, `me is ${me.id} ${me.givenName}`);
      checkPrograms(name, dataset, personId, me.carePrograms);
      if (me.careRelationships.length !== 1) fail(name, `care relationships: ${me.careRelationships.length}`);
      equalList(name, "trips", me.trips.nodes.map((trip) => trip.id), (dataset.tripsOf.get(personId) ?? []).slice(0, 10));
    },
  };
}

/** A therapist's list of `count` patients, each with their programs, exercises and compliance (one alias per patient). */
export function therapistPatients(dataset: Dataset, count: number): Operation {
  const name = `therapist ${count} patients`;
  const patients = dataset.therapist.patients.slice(0, count);
  if (patients.length < count) throw new Error(`${name}: the dataset has only ${patients.length} patients for the therapist`);
  const aliases = patients.map((id, index) => `p${index}: person(id: "${id}") { id ${PROGRAMS} }`).join("\n");
  return {
    name,
    caller: { subject: `bench-${dataset.therapist.personId}`, role: "therapist", personId: dataset.therapist.personId },
    query: `query TherapistPatients {\n${aliases}\n}`,
    check(answer) {
      noErrors(name, answer);
      for (const [index, id] of patients.entries()) {
        const person = answer.data![`p${index}`] as { id: string; carePrograms: ProgramAnswer[] } | null;
        if (person?.id !== id) fail(name, `p${index} is ${person?.id}, expected ${id}`);
        checkPrograms(name, dataset, id, person.carePrograms);
      }
    },
  };
}

/** An employer's monthly reimbursement overview: for `count` employees, their employment and latest work trips. */
export function employerOverview(dataset: Dataset, count: number): Operation {
  const name = `employer ${count} employees`;
  const employees = dataset.employer.employees.slice(0, count);
  if (employees.length < count) throw new Error(`${name}: the dataset has only ${employees.length} employees for the employer`);
  const aliases = employees.map((id, index) => `e${index}: person(id: "${id}") { id memberships { id employeeNumber organisation { id name } } ${WORK_TRIPS} }`).join("\n");
  return {
    name,
    caller: { subject: `bench-${dataset.employer.personId}`, role: "employer-admin", personId: dataset.employer.personId, organisationId: dataset.employer.organisationId },
    query: `query EmployerOverview {\n${aliases}\n}`,
    check(answer) {
      noErrors(name, answer);
      for (const [index, id] of employees.entries()) {
        const person = answer.data![`e${index}`] as { id: string; memberships: { id: string }[]; workTrips: { nodes: { id: string }[] } } | null;
        if (person?.id !== id) fail(name, `e${index} is ${person?.id}, expected ${id}`);
        equalList(name, `memberships of ${id}`, person.memberships.map((membership) => membership.id), [dataset.membershipAtEmployer.get(id)]);
        equalList(name, `work trips of ${id}`, person.workTrips.nodes.map((trip) => trip.id), (dataset.workTripsOf.get(id) ?? []).slice(0, 20));
      }
    },
  };
}

const DIAGNOSED: Record<string, (dataset: Dataset) => Operation> = {
  patient: patientHome,
  therapist: (dataset) => therapistPatients(dataset, 50),
  employer: (dataset) => employerOverview(dataset, 50),
};

/**
 * How a diagnostic builds the operation it is named (`patient`, `therapist`, `employer`: the
 * benchmark's three at 50 items). An unknown name fails here, before the graph is built, rather
 * than measuring another operation than the one asked for.
 */
export function operationNamed(which: string): (dataset: Dataset) => Operation {
  const build = Object.hasOwn(DIAGNOSED, which) ? DIAGNOSED[which] : undefined;
  if (!build) throw new Error(`Unknown operation "${which}": one of ${Object.keys(DIAGNOSED).join(", ")}.`);
  return build;
}
