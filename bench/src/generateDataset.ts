import type { Database } from "@grondslag/db";
import { tables as consent } from "@grondslag/consent";
import { tables as identity } from "@grondslag/identity";
import { tables as mobility } from "@grondslag/mobility";
import { tables as therapy } from "@grondslag/therapy";
import type { PgTable } from "drizzle-orm/pg-core";

/** How much data a run generates; the quick run has the same shape, smaller. */
export interface DatasetSize {
  people: number;
  practices: number;
  therapists: number;
  employers: number;
  trips: number;
  /** Patients of the measured therapist and employees of the measured employer: the largest list measured. */
  measuredListSize: number;
}

export const FULL: DatasetSize = { people: 10_000, practices: 40, therapists: 200, employers: 25, trips: 100_000, measuredListSize: 500 };
export const QUICK: DatasetSize = { people: 1_200, practices: 8, therapists: 20, employers: 5, trips: 10_000, measuredListSize: 500 };

export interface ExpectedProgram {
  id: string;
  exercises: number;
  complianceEntries: number;
}

/** The generated world, kept in memory so every answer can be checked against it. */
export interface Dataset {
  /** The therapist whose patient list is measured: a person id and the patients, all treated by them alone, all consenting. */
  therapist: { personId: string; patients: string[] };
  /** The employer admin whose reimbursement overview is measured, and the employees of that employer. */
  employer: { personId: string; organisationId: string; employees: string[] };
  /** The patient whose home screen is measured (one of the therapist's patients, also an employee). */
  patient: { personId: string; givenName: string };
  programsOf: Map<string, ExpectedProgram[]>;
  /** Every trip of a person, newest first. */
  tripsOf: Map<string, string[]>;
  /** Business and commute trips of a person, newest first. */
  workTripsOf: Map<string, string[]>;
  /** The membership of each employee at the measured employer. */
  membershipAtEmployer: Map<string, string>;
  counts: Record<string, number>;
}

/** A small seeded PRNG (mulberry32): the same dataset on every run and machine. */
function createRandom(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (below: number) => Math.floor(next() * below), pick: <T>(items: readonly T[]) => items[Math.floor(next() * items.length)]! };
}

const GIVEN = ["Anna", "Bram", "Daan", "Emma", "Finn", "Julia", "Lars", "Mila", "Noah", "Sara", "Sem", "Tess", "Lucas", "Fleur", "Jesse", "Lotte"];
const FAMILY = ["de Jong", "Jansen", "de Vries", "van den Berg", "Bakker", "Visser", "Smit", "Meijer", "Peeters", "Maes", "Claes", "Willems"];
const CITIES = ["Utrecht", "Amersfoort", "Gent", "Antwerpen", "Rotterdam", "Zwolle", "Leuven", "Haarlem"];
const EXERCISES = ["Squat", "Bridge", "Plank", "Lunge", "Calf raise", "Row", "Step-up", "Side plank"];
const MODES = ["car", "bike", "e_bike", "train", "bus", "tram", "metro", "walk"] as const;
const DAY_MS = 86_400_000;

const day = (date: Date) => date.toISOString().slice(0, 10);
const pad = (n: number) => String(n).padStart(6, "0");

/**
 * Generates the dataset (deterministic: a seeded PRNG) and inserts it in multi-row batches
 * through each subgraph's drizzle tables, into a store that holds the demo cast already (for
 * the purpose catalogue). Ids carry a `b-` prefix so they never meet the demo cast's.
 */
export async function generateDataset(db: Database, size: DatasetSize, now = new Date()): Promise<Dataset> {
  const random = createRandom(20261125);
  const today = new Date(`${day(now)}T00:00:00Z`);
  const daysAgo = (n: number) => day(new Date(today.getTime() - n * DAY_MS));
  const rows: Record<string, unknown[]> = {};
  const add = (name: string, row: unknown) => (rows[name] ??= []).push(row);

  const personIds = Array.from({ length: size.people }, (_, i) => `b-person-${pad(i)}`);
  const givenNames = new Map<string, string>();
  for (const [i, id] of personIds.entries()) {
    const givenName = random.pick(GIVEN);
    const familyName = random.pick(FAMILY);
    givenNames.set(id, givenName);
    add("persons", {
      id, givenName, familyName, initials: `${givenName[0]}.`, email: `${id}@example.nl`, phone: `+3130${pad(i)}`,
      dateOfBirth: `19${50 + random.int(50)}-0${1 + random.int(9)}-1${random.int(9)}`, city: random.pick(CITIES), country: "NL",
      language: "nl", pseudonym: `psn_${id}`,
    });
  }
  // Staff come first: therapists, then one admin per employer; everyone else is a patient, an employee, or both.
  let next = 0;
  const take = () => personIds[next++]!;
  const practiceIds = Array.from({ length: size.practices }, (_, i) => `b-practice-${i}`);
  const employerIds = Array.from({ length: size.employers }, (_, i) => `b-employer-${i}`);
  for (const id of practiceIds) {
    add("organisations", { id, name: `Praktijk ${id}`, kind: "practice", country: "NL" });
    add("practices", { id, name: `Praktijk ${id}`, city: random.pick(CITIES), country: "NL" });
  }
  for (const id of employerIds) add("organisations", { id, name: `Werkgever ${id}`, kind: "employer", country: "NL" });

  const therapists = Array.from({ length: size.therapists }, (_, i) => ({ id: `b-therapist-${i}`, personId: take(), practiceId: practiceIds[i % practiceIds.length]! }));
  for (const [i, therapist] of therapists.entries()) {
    add("therapists", { ...therapist, profession: "fysiotherapeut", registrationNumber: `BIG-${pad(i)}` });
    add("memberships", { id: `b-m-${therapist.id}`, personId: therapist.personId, organisationId: therapist.practiceId, role: "therapist", startedOn: daysAgo(900) });
  }
  const admins = employerIds.map((organisationId) => ({ personId: take(), organisationId }));
  for (const admin of admins) add("memberships", { id: `b-m-admin-${admin.organisationId}`, ...admin, role: "employer_admin", startedOn: daysAgo(900) });
  const others = personIds.slice(next);
  if (others.length < 2 * size.measuredListSize) throw new Error(`The dataset needs at least ${2 * size.measuredListSize} people beside its staff.`);

  // Care: the measured therapist treats the first `measuredListSize` of the others alone, with
  // consent; the rest of the patients are spread over the other therapists, some at two
  // practices and some having withdrawn their consent, as in life.
  const measured = therapists[0]!;
  const programsOf = new Map<string, ExpectedProgram[]>();
  let relationshipCount = 0;
  const addCare = (patientId: string, therapist: (typeof therapists)[number], programs: number) => {
    const relationshipId = `b-care-${relationshipCount++}`;
    add("careRelationships", { id: relationshipId, therapistId: therapist.id, patientId, startedOn: daysAgo(200 + random.int(100)) });
    for (let p = 0; p < programs; p += 1) {
      const programId = `${relationshipId}-p${p}`;
      add("programs", { id: programId, careRelationshipId: relationshipId, patientId, title: `Programma ${p + 1}`, goal: "Pijnvrij traplopen", startedOn: daysAgo(60 - p * 20) });
      const exercises = 3;
      for (let e = 0; e < exercises; e += 1) {
        const exerciseId = `${programId}-e${e}`;
        add("exercises", { id: exerciseId, programId, position: e + 1, name: random.pick(EXERCISES), instructions: "Rustig uitvoeren", sets: 3, repetitions: 10 });
        for (let d = 1; d <= 5; d += 1) {
          add("compliance", { id: `${exerciseId}-d${d}`, exerciseId, patientId, performedOn: daysAgo(d), done: random.next() < 0.8, painScore: random.int(11), effortScore: random.int(11) });
        }
      }
      if (therapist === measured) (programsOf.get(patientId) ?? programsOf.set(patientId, []).get(patientId)!).push({ id: programId, exercises, complianceEntries: exercises * 5 });
    }
  };
  const consentGiven = (personId: string, given: boolean) =>
    add("consents", {
      id: `b-consent-${personId}`, personId, purposeId: "health-data", lawfulBasis: "explicit_consent", noticeVersion: "2026-09",
      state: given ? "given" : "withdrawn", givenAt: new Date(today.getTime() - 300 * DAY_MS), ...(given ? {} : { withdrawnAt: new Date(today.getTime() - 10 * DAY_MS) }), method: "in_app",
    });
  const patients = others.slice(0, size.measuredListSize);
  for (const patientId of patients) {
    addCare(patientId, measured, 2);
    consentGiven(patientId, true);
  }
  for (const patientId of others.slice(size.measuredListSize)) {
    if (random.next() < 0.4) continue;
    addCare(patientId, therapists[1 + random.int(therapists.length - 1)]!, 1 + random.int(2));
    if (random.next() < 0.1) addCare(patientId, therapists[1 + random.int(therapists.length - 1)]!, 1);
    consentGiven(patientId, random.next() < 0.95);
  }

  // Work: the measured employer employs the first `measuredListSize` of the others (the
  // therapist's patients too), the rest work for the other employers or nowhere.
  const employees: string[] = [];
  const membershipAtEmployer = new Map<string, string>();
  for (const [i, personId] of others.entries()) {
    const organisationId = i < size.measuredListSize ? employerIds[0]! : random.next() < 0.8 ? employerIds[1 + random.int(employerIds.length - 1)] : undefined;
    if (!organisationId) continue;
    const id = `b-m-employee-${personId}`;
    add("memberships", { id, personId, organisationId, role: "employee", employeeNumber: `E${pad(i)}`, startedOn: daysAgo(400) });
    employees.push(personId);
    if (organisationId === employerIds[0]) membershipAtEmployer.set(personId, id);
  }

  // Trips: spread over the employees, a few per working day over the last months; each start
  // time distinct, so "newest first" has one answer. A fifth are private.
  const tripsOf = new Map<string, { id: string; at: number; work: boolean }[]>();
  for (let t = 0; t < size.trips; t += 1) {
    const personId = t < employees.length ? employees[t]! : employees[random.int(employees.length)]!;
    const startedAt = new Date(today.getTime() - 3600_000 - t * 67_000);
    const purpose = random.next() < 0.2 ? "private" : random.next() < 0.5 ? "business" : "commute";
    const meters = 1000 + random.int(40_000);
    const id = `b-trip-${pad(t)}`;
    add("trips", {
      id, personId, source: "manual", startedAt, endedAt: new Date(startedAt.getTime() + 1800_000), startPlace: random.pick(CITIES), endPlace: random.pick(CITIES),
      distanceMeters: meters, mode: random.pick(MODES), purpose, co2Grams: Math.round(meters / 10), costCents: Math.round(meters / 50), confirmedAt: startedAt,
    });
    (tripsOf.get(personId) ?? tripsOf.set(personId, []).get(personId)!).push({ id, at: startedAt.getTime(), work: purpose !== "private" });
  }

  const targets: [string, PgTable][] = [
    ["persons", identity.persons], ["organisations", identity.organisations], ["memberships", identity.memberships],
    ["practices", therapy.practices], ["therapists", therapy.therapists], ["careRelationships", therapy.careRelationships],
    ["programs", therapy.exercisePrograms], ["exercises", therapy.exercises], ["compliance", therapy.complianceEntries],
    ["trips", mobility.trips], ["consents", consent.consentRecords],
  ];
  for (const [name, table] of targets) await insertInBatches(db, table, rows[name] ?? []);

  const newestFirst = (trips: { id: string; at: number }[]) => [...trips].sort((a, b) => b.at - a.at).map((trip) => trip.id);
  const patient = patients.find((id) => membershipAtEmployer.has(id) && (tripsOf.get(id)?.length ?? 0) > 0)!;
  return {
    therapist: { personId: measured.personId, patients },
    employer: { personId: admins[0]!.personId, organisationId: employerIds[0]!, employees: employees.filter((id) => membershipAtEmployer.has(id)) },
    patient: { personId: patient, givenName: givenNames.get(patient)! },
    programsOf,
    tripsOf: new Map([...tripsOf].map(([id, trips]) => [id, newestFirst(trips)])),
    workTripsOf: new Map([...tripsOf].map(([id, trips]) => [id, newestFirst(trips.filter((trip) => trip.work))])),
    membershipAtEmployer,
    counts: Object.fromEntries(targets.map(([name]) => [name, rows[name]?.length ?? 0])),
  };
}

/** Multi-row inserts of a thousand rows: one statement each, well under PostgreSQL's 65,535 parameters. */
async function insertInBatches(db: Database, table: PgTable, rows: unknown[]): Promise<void> {
  for (let start = 0; start < rows.length; start += 1000) await db.insert(table).values(rows.slice(start, start + 1000) as never);
}
