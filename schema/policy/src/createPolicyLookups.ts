import type { Database } from "@grondslag/db";
import { queryRows } from "@grondslag/db";
import DataLoader from "dataloader";
import { sql } from "drizzle-orm";
import { policyFacts } from "./policyFacts.ts";

/** A care relationship as therapy publishes it: who treats whom, at which practice. */
export interface CareFact {
  therapistPersonId: string;
  practiceId: string;
  /** Started and not ended on the request's day. */
  active: boolean;
}

/** A current membership as identity publishes it. */
export interface MembershipFact {
  organisationId: string;
  role: string;
}

/** An open instruction from a controller to the platform's staff, as consent publishes it. */
export interface Instruction {
  id: string;
  /** The organisation that gave it: it covers only the records this organisation controls. */
  controllerId: string;
  /** The staff member it names; null: any support staff. */
  processorPersonId: string | null;
  categories: string[];
}

/** An open support case or data-subject request, as consent publishes it. */
export interface OpenCase {
  id: string;
  /** SUPPORT, ACCESS, RECTIFICATION, ERASURE, RESTRICTION, PORTABILITY, OBJECTION. */
  kind: string;
}

/** One read (or write) of one field of one person by platform staff, under an instruction or a case. */
export interface StaffAccess {
  instructionId: string | null;
  caseId: string | null;
  readerId: string;
  personId: string;
  /** `Type.field`: which field, never its value. */
  field: string;
  access: "read" | "write";
}

/**
 * The policy layer's look-ups. They read only what the owning subgraphs publish for them
 * (`policyFacts`: versioned views and a function in each owner's migrations), never a
 * subgraph's tables. One DataLoader per kind of fact, so the rules for a list of N records cost
 * one statement per kind, not N. Created per request: nothing withdrawal can change outlives it.
 */
export function createPolicyLookups(db: Database, today: string) {
  const ids = (keys: readonly string[]) => sql.join(keys.map((key) => sql`${key}`), sql`, `);
  const grouped = <Row extends { person_id: string }, Fact>(keys: readonly string[], rows: Row[], toFact: (row: Row) => Fact) => {
    const byPerson = new Map<string, Fact[]>(keys.map((key) => [key, []]));
    for (const row of rows) byPerson.get(row.person_id)?.push(toFact(row));
    return keys.map((key) => byPerson.get(key)!);
  };
  const { careRelationships, memberships, consents, instructions, openCases, recordStaffAccess } = policyFacts;

  return {
    /** The care relationships in which each person is the patient, with their practice. */
    careRelationshipsOf: new DataLoader<string, CareFact[]>(async (personIds) => {
      const rows = await queryRows<{ person_id: string; therapist_person_id: string; practice_id: string; active: boolean }>(
        db,
        sql`
          select patient_id as person_id, therapist_person_id, practice_id,
                 (started_on <= ${today} and (ended_on is null or ended_on > ${today})) as active
          from ${sql.raw(careRelationships.relation)} where patient_id in (${ids(personIds)})`,
      );
      return grouped(personIds, rows, (row) => ({ therapistPersonId: row.therapist_person_id, practiceId: row.practice_id, active: row.active }));
    }),
    /** Current memberships of each person: as an employee (whose employer) and as an admin (of what). */
    membershipsOf: new DataLoader<string, MembershipFact[]>(async (personIds) => {
      const rows = await queryRows<{ person_id: string; organisation_id: string; role: string }>(
        db,
        sql`
          select person_id, organisation_id, role from ${sql.raw(memberships.relation)}
          where person_id in (${ids(personIds)}) and started_on <= ${today} and (ended_on is null or ended_on > ${today})`,
      );
      return grouped(personIds, rows, (row) => ({ organisationId: row.organisation_id, role: row.role }));
    }),
    /** Purposes each person has a given, unwithdrawn, unexpired consent for. */
    consentsOf: new DataLoader<string, Set<string>>(async (personIds) => {
      const rows = await queryRows<{ person_id: string; purpose_id: string }>(
        db,
        sql`select person_id, purpose_id from ${sql.raw(consents.relation)} where person_id in (${ids(personIds)})`,
      );
      return grouped(personIds, rows, (row) => row.purpose_id).map((purposes) => new Set(purposes));
    }),
    /** Open instructions about each person, from whichever controller gave them. */
    instructionsFor: new DataLoader<string, Instruction[]>(async (personIds) => {
      const rows = await queryRows<{ person_id: string; id: string; controller_id: string; processor_person_id: string | null; categories: string[] | string }>(
        db,
        sql`
          select person_id, id, controller_id, processor_person_id, categories
          from ${sql.raw(instructions.relation)} where person_id in (${ids(personIds)})`,
      );
      return grouped(personIds, rows, (row) => ({
        id: row.id,
        controllerId: row.controller_id,
        processorPersonId: row.processor_person_id,
        categories: parseTextArray(row.categories),
      }));
    }),
    /** Open support cases and data-subject requests of each person. */
    openCasesOf: new DataLoader<string, OpenCase[]>(async (personIds) => {
      const rows = await queryRows<{ person_id: string; id: string; kind: string }>(
        db,
        sql`select person_id, id, kind from ${sql.raw(openCases.relation)} where person_id in (${ids(personIds)})`,
      );
      return grouped(personIds, rows, (row) => ({ id: row.id, kind: row.kind.toUpperCase() }));
    }),
    /** Records staff reads and writes through consent's function; one statement per batch, awaited before the value is returned. */
    recordStaffAccess: new DataLoader<StaffAccess, true, string>(
      async (accesses) => {
        const values = accesses.map(
          (access) => sql`(${access.instructionId}::text, ${access.caseId}::text, ${access.readerId}::text, ${access.personId}::text, ${access.field}::text, ${access.access}::text)`,
        );
        await db.execute(sql`
          select ${sql.raw(recordStaffAccess.relation)}(v.instruction_id, v.case_id, v.reader_id, v.person_id, v.field, v.access)
          from (values ${sql.join(values, sql`, `)}) as v(instruction_id, case_id, reader_id, person_id, field, access)`);
        return accesses.map(() => true as const);
      },
      // One record per field, person and basis per request, however many rows of it were read.
      { cacheKeyFn: (access) => [access.instructionId, access.caseId, access.readerId, access.personId, access.field, access.access].join("|") },
    ),
  };
}

export type PolicyLookups = ReturnType<typeof createPolicyLookups>;

/** postgres-js parses text[] to an array; PGlite may hand back the literal `{a,b}`. */
function parseTextArray(value: string[] | string): string[] {
  if (Array.isArray(value)) return value;
  return value.replace(/^\{|\}$/g, "").split(",").filter(Boolean);
}
