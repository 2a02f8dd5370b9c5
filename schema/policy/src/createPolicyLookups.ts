import type { Database } from "@grondslag/db";
import DataLoader from "dataloader";
import { sql } from "drizzle-orm";
import { queryRows } from "@grondslag/db";

/** An open instruction from a controlling practice to the platform's staff. */
export interface Instruction {
  id: string;
  /** The staff member it names; null: any support staff. */
  processorPersonId: string | null;
  categories: string[];
}

export interface InstructedRead {
  instructionId: string;
  readerId: string;
  personId: string;
  /** `Type.field`: which field was read, never its value. */
  field: string;
}

/**
 * The policy layer's own look-ups across the subgraphs' schemas (DESIGN.md §3 allows exactly
 * this). One DataLoader each, so the rules for a list of N people cost one query per kind of
 * fact, not N. Created per request: facts are read once per request and never reused after.
 */
export function createPolicyLookups(db: Database, today: string) {
  const ids = (keys: readonly string[]) => sql.join(keys.map((key) => sql`${key}`), sql`, `);
  const setsBy = (keys: readonly string[], rows: { key: string; value: string }[]) => {
    const sets = new Map(keys.map((key) => [key, new Set<string>()]));
    for (const row of rows) sets.get(row.key)?.add(row.value);
    return keys.map((key) => sets.get(key)!);
  };

  return {
    /** Person ids of the therapists with an active care relationship with each person. */
    therapistsOf: new DataLoader<string, Set<string>>(async (personIds) =>
      setsBy(
        personIds,
        await queryRows(db, sql`
          select cr.patient_id as key, t.person_id as value
          from therapy.care_relationship cr join therapy.therapist t on t.id = cr.therapist_id
          where cr.patient_id in (${ids(personIds)})
            and cr.started_on <= ${today} and (cr.ended_on is null or cr.ended_on > ${today})`),
      ),
    ),
    /** Purposes each person has a given, unwithdrawn, unexpired consent for. */
    consentsOf: new DataLoader<string, Set<string>>(async (personIds) =>
      setsBy(
        personIds,
        await queryRows(db, sql`
          select person_id as key, purpose_id as value from consent.consent_record
          where person_id in (${ids(personIds)}) and state = 'given' and (expires_at is null or expires_at > now())`),
      ),
    ),
    /** Organisations that currently employ each person. */
    employersOf: new DataLoader<string, Set<string>>(async (personIds) =>
      setsBy(
        personIds,
        await queryRows(db, sql`
          select person_id as key, organisation_id as value from identity.membership
          where person_id in (${ids(personIds)}) and role = 'employee' and (ended_on is null or ended_on > ${today})`),
      ),
    ),
    /** Organisations each person currently administers as employer admin. */
    administeredBy: new DataLoader<string, Set<string>>(async (personIds) =>
      setsBy(
        personIds,
        await queryRows(db, sql`
          select person_id as key, organisation_id as value from identity.membership
          where person_id in (${ids(personIds)}) and role = 'employer_admin' and (ended_on is null or ended_on > ${today})`),
      ),
    ),
    /**
     * Open instructions about each person, from a practice that treats (or treated) them: only
     * the controller of a person's care data can instruct the platform to process it.
     */
    instructionsFor: new DataLoader<string, Instruction[]>(async (personIds) => {
      const rows = await queryRows<{ person_id: string; id: string; processor_person_id: string | null; categories: string[] | string }>(
        db,
        sql`
          select i.person_id, i.id, i.processor_person_id, i.categories
          from consent.processing_instruction i
          where i.person_id in (${ids(personIds)})
            and i.revoked_at is null and i.valid_from <= now() and i.valid_until > now()
            and exists (
              select 1 from therapy.care_relationship cr join therapy.therapist t on t.id = cr.therapist_id
              where cr.patient_id = i.person_id and t.practice_id = i.controller_id)`,
      );
      const byPerson = new Map<string, Instruction[]>(personIds.map((id) => [id, []]));
      for (const row of rows) {
        byPerson.get(row.person_id)?.push({ id: row.id, processorPersonId: row.processor_person_id, categories: parseTextArray(row.categories) });
      }
      return personIds.map((id) => byPerson.get(id)!);
    }),
    /** Records reads made under an instruction; one insert per batch, awaited before the value is returned. */
    recordInstructedRead: new DataLoader<InstructedRead, true, string>(
      async (reads) => {
        const values = reads.map(
          (read) => sql`(${crypto.randomUUID()}, ${read.instructionId}, ${read.readerId}, ${read.personId}, ${read.field}, now())`,
        );
        await db.execute(sql`
          insert into consent.instructed_read (id, instruction_id, reader_id, person_id, field, read_at)
          values ${sql.join(values, sql`, `)}`);
        return reads.map(() => true as const);
      },
      // One record per field and person per request, however many rows of it were read.
      { cacheKeyFn: (read) => `${read.instructionId}|${read.readerId}|${read.personId}|${read.field}` },
    ),
  };
}

export type PolicyLookups = ReturnType<typeof createPolicyLookups>;

/** postgres-js parses text[] to an array; PGlite may hand back the literal `{a,b}`. */
function parseTextArray(value: string[] | string): string[] {
  if (Array.isArray(value)) return value;
  return value.replace(/^\{|\}$/g, "").split(",").filter(Boolean);
}
