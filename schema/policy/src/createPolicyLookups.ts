import type { Database } from "@grondslag/db";
import { queryRows } from "@grondslag/db";
import DataLoader from "dataloader";
import { sql } from "drizzle-orm";
import { policyFacts, type PolicyFact } from "./policyFacts.ts";

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

/** Reads one kind of fact about a person; within a request, every person's facts are read together. */
export interface FactLoader<T> {
  load(personId: string): Promise<T>;
}

/** Every fact the policy reads about one person, as one look-up returns them. */
interface PersonFacts {
  careRelationships: CareFact[];
  memberships: MembershipFact[];
  consents: Set<string>;
  instructions: Instruction[];
  openCases: OpenCase[];
}

type FactRow =
  | { kind: "care"; person_id: string; fact: { therapistPersonId: string; practiceId: string; active: boolean } }
  | { kind: "membership"; person_id: string; fact: MembershipFact }
  | { kind: "consent"; person_id: string; fact: { purpose: string } }
  | { kind: "instruction"; person_id: string; fact: { id: string; controllerId: string; processorPersonId: string | null; categories: string[] | string } }
  | { kind: "case"; person_id: string; fact: { id: string; kind: string } };

/**
 * The policy layer's look-ups. They read only what the owning subgraphs publish for them
 * (`policyFacts`: versioned views and a function in each owner's migrations), never a
 * subgraph's tables. Created per request: nothing withdrawal can change outlives it.
 *
 * Every person the rules ask about in one turn of the event loop (the subjects of a list of N
 * records, and the caller: "which organisations does eva administer" is a membership like any
 * other) is read in one statement that answers all five kinds of fact at once: a rule that
 * needs a care relationship and then, for the basis, open cases and consents waits for one
 * round trip to the database instead of three in a row. The `*Of` loaders are views of it.
 */
export function createPolicyLookups(db: Database, today: string) {
  const { careRelationships, memberships, consents, instructions, openCases, recordStaffAccess } = policyFacts;
  const relation = (fact: PolicyFact) => sql.raw(fact.relation);

  const factsOf = new DataLoader<string, PersonFacts>(async (personIds) => {
    const ids = sql`select unnest(array[${sql.join(personIds.map((id) => sql`${id}::text`), sql`, `)}]) as person_id`;
    const rows = await queryRows<FactRow>(
      db,
      sql`
        with subject as (${ids})
        select 'care' as kind, patient_id as person_id,
               json_build_object('therapistPersonId', therapist_person_id, 'practiceId', practice_id,
                                 'active', started_on <= ${today}::date and (ended_on is null or ended_on > ${today}::date)) as fact
          from ${relation(careRelationships)} where patient_id in (select person_id from subject)
        union all
        select 'membership', person_id, json_build_object('organisationId', organisation_id, 'role', role)
          from ${relation(memberships)}
          where person_id in (select person_id from subject) and started_on <= ${today}::date and (ended_on is null or ended_on > ${today}::date)
        union all
        select 'consent', person_id, json_build_object('purpose', purpose_id) from ${relation(consents)} where person_id in (select person_id from subject)
        union all
        select 'instruction', person_id,
               json_build_object('id', id, 'controllerId', controller_id, 'processorPersonId', processor_person_id, 'categories', categories)
          from ${relation(instructions)} where person_id in (select person_id from subject)
        union all
        select 'case', person_id, json_build_object('id', id, 'kind', kind) from ${relation(openCases)} where person_id in (select person_id from subject)`,
    );
    const byPerson = new Map<string, PersonFacts>(
      personIds.map((id) => [id, { careRelationships: [], memberships: [], consents: new Set<string>(), instructions: [], openCases: [] }]),
    );
    for (const row of rows) {
      const facts = byPerson.get(row.person_id);
      if (!facts) continue;
      // postgres-js parses json; PGlite may hand back its text.
      const fact = typeof row.fact === "string" ? JSON.parse(row.fact) : row.fact;
      if (row.kind === "care") facts.careRelationships.push(fact);
      else if (row.kind === "membership") facts.memberships.push(fact);
      else if (row.kind === "consent") facts.consents.add(fact.purpose);
      else if (row.kind === "instruction") facts.instructions.push({ ...fact, categories: parseTextArray(fact.categories) });
      else facts.openCases.push({ id: fact.id, kind: String(fact.kind).toUpperCase() });
    }
    return personIds.map((id) => byPerson.get(id)!);
  });
  const view = <T>(pick: (facts: PersonFacts) => T): FactLoader<T> => ({ load: (personId) => factsOf.load(personId).then(pick) });

  return {
    /** The care relationships in which each person is the patient, with their practice. */
    careRelationshipsOf: view((facts) => facts.careRelationships),
    /** Current memberships of each person: as an employee (whose employer) and as an admin (of what). */
    membershipsOf: view((facts) => facts.memberships),
    /** Purposes each person has a given, unwithdrawn, unexpired consent for. */
    consentsOf: view((facts) => facts.consents),
    /** Open instructions about each person, from whichever controller gave them. */
    instructionsFor: view((facts) => facts.instructions),
    /** Open support cases and data-subject requests of each person. */
    openCasesOf: view((facts) => facts.openCases),
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
