import type { Database } from "@grondslag/db";
import { queryPrepared } from "@grondslag/db";
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

/** Reads one kind of fact about a person; within a request, every person's facts are read together. */
export interface FactLoader<T> {
  load(personId: string): Promise<T>;
  /**
   * At once when this request has read the person's facts of this kind, else as `load`: a rule
   * whose facts are at hand decides without waiting a turn. Optional: test doubles may omit it.
   */
  get?(personId: string): T | Promise<T>;
}

/** The kinds of fact, each from one published view. */
type Kind = "care" | "membership" | "consent" | "instruction" | "case";

/** What the look-up hands back per kind, for one person. */
interface FactsByKind {
  care: readonly CareFact[];
  membership: readonly MembershipFact[];
  consent: ReadonlySet<string>;
  instruction: readonly Instruction[];
  case: readonly OpenCase[];
}

/**
 * One fact of the facts statement (`SELECTS`): its kind, the person it is about, then the kind's
 * own values, in the order its branch lists them.
 */
type FactRow = [Kind, string, ...unknown[]];

/**
 * A rule that needs a person's care relationships, memberships or instructions goes on to ask
 * whether the record's basis holds (open cases, and consents where the basis is a consent) for
 * the same person: those kinds are asked for with it, so they come in the same statement rather
 * than one round trip later. Memberships come with open cases only: the rule that reads them
 * (`employer-of`) guards employment, contact and trip data, none of it on a consent basis, so a
 * consent would be read for nothing (one branch of the statement, a row per consent given). Should
 * an employer ever read a field on a consent basis, its consents are read then, a round trip later.
 */
const ASKED_WITH: Record<Kind, Kind[]> = { care: ["case", "consent"], membership: ["case"], instruction: ["case", "consent"], consent: [], case: [] };

const { careRelationships, memberships, consents, instructions, openCases, recordStaffAccess } = policyFacts;
const current = (started: string, ended: string) => `${started} <= $2::date and (${ended} is null or ${ended} > $2::date)`;

/**
 * One branch of the facts statement per kind, over the view its owner publishes. `$1` is the
 * persons, one text[] parameter (`= any(…)` lets each view use its person index; an
 * `in (select … from unnest(…))` made the planner loop over every consent row per person); `$2` is
 * the request's day. Each fact is a JSON array, `[kind, person, …the kind's values]`, every value
 * cast to the type `FactRow` reads (text, boolean, text[]) whatever type a view gives its column:
 * an id the view made a number would otherwise arrive as a JSON number and compare unequal.
 */
const branch = (kind: Kind, person: string, relation: string, values: readonly string[], where = "") =>
  `select json_build_array('${kind}'::text, ${person}::text, ${values.join(", ")}) as fact from ${relation} where ${person} = any($1::text[])${where}`;
const SELECTS: Record<Kind, string> = {
  care: branch("care", "patient_id", careRelationships.relation, ["therapist_person_id::text", "practice_id::text", `(${current("started_on", "ended_on")})::boolean`]),
  membership: branch("membership", "person_id", memberships.relation, ["organisation_id::text", "role::text"], ` and ${current("started_on", "ended_on")}`),
  consent: branch("consent", "person_id", consents.relation, ["purpose_id::text"]),
  instruction: branch("instruction", "person_id", instructions.relation, ["id::text", "controller_id::text", "processor_person_id::text", "categories::text[]"]),
  case: branch("case", "person_id", openCases.relation, ["id::text", "kind::text"]),
};

/** The kinds whose branch reads the day (`$2`); a statement without one takes the persons alone. */
const DATED = new Set<Kind>(["care", "membership"]);

/**
 * The facts statement for the kinds a batch reads (sorted): its text depends on nothing else,
 * so it is written once per combination and prepared once per connection. Its answer is one
 * row, the facts as one JSON array (`json_agg`), not a row per fact: PGlite, the embedded
 * default, runs on the graph's own thread and spends about 7 µs of it on each row it hands back
 * (100 rows, a therapist's 50 patients' care relationships and consents: 0.96 ms a run; one row
 * holding them: 0.40 ms); one `JSON.parse` reads them all, on either database.
 */
const statements = new Map<string, { text: string; dated: boolean }>();
function statementFor(kinds: readonly Kind[]): { text: string; dated: boolean } {
  const key = kinds.join(",");
  let statement = statements.get(key);
  if (!statement) {
    const union = kinds.map((kind) => SELECTS[kind]).join(" union all ");
    statement = { text: `select coalesce(json_agg(facts.fact), '[]'::json) as facts from (${union}) as facts`, dated: kinds.some((kind) => DATED.has(kind)) };
    statements.set(key, statement);
  }
  return statement;
}

/**
 * The facts of the statement's one row. Both drivers parse a json column; anything else fails the
 * look-up, and with it the decision, loudly: read as no facts, it would deny every record without
 * saying why.
 */
export function factsIn(answer: readonly { facts: unknown }[]): FactRow[] {
  const facts = answer[0]?.facts;
  if (!Array.isArray(facts)) throw new Error("The policy's facts statement did not answer a JSON array.");
  return facts as FactRow[];
}

/** What the facts statements of a request read. */
interface FactStore {
  facts: DataLoader<string, FactsByKind[Kind]>;
  /** What the statements read, by kind and person: `get` answers from it at once, `load` without another statement. */
  known: { [K in Kind]: Map<string, FactsByKind[K]> };
}

/**
 * What a person without facts of a kind has: one value for every such person and request (most
 * persons have no open case, many no consent), never changed (the facts are read-only).
 */
const NONE: FactsByKind = { care: Object.freeze([]), membership: Object.freeze([]), consent: new Set<string>(), instruction: Object.freeze([]), case: Object.freeze([]) };

function createFactStore(db: Database, today: string, callerPersonId: string | undefined): FactStore {
  const known: FactStore["known"] = { care: new Map(), membership: new Map(), consent: new Map(), instruction: new Map(), case: new Map() };
  const facts: DataLoader<string, FactsByKind[Kind]> = new DataLoader(async (keys) => {
    const asked = keys.map((key) => [key.slice(0, key.indexOf("|")) as Kind, key.slice(key.indexOf("|") + 1)] as const);
    // The kinds asked for and those asked for beside them (`ASKED_WITH`), for the persons asked
    // about and the caller while any of the caller's facts of these kinds is unread: one
    // statement instead of a round trip more for each.
    const reading = new Set<Kind>();
    for (const [kind] of asked) {
      reading.add(kind);
      for (const also of ASKED_WITH[kind]) reading.add(also);
    }
    // Sorted: the statement's text depends only on which kinds are read (statementFor).
    const kinds = [...reading].sort();
    const about = new Set(asked.map(([, person]) => person));
    if (callerPersonId !== undefined && kinds.some((kind) => !known[kind].has(callerPersonId))) about.add(callerPersonId);
    const persons = [...about];
    const statement = statementFor(kinds);
    const rows = factsIn(await queryPrepared<{ facts: unknown }>(db, statement.text, statement.dated ? [textArray(persons), today] : [textArray(persons)]));
    // What was found, by kind and person.
    const found = new Map<Kind, Map<string, Set<string> | unknown[]>>(kinds.map((kind) => [kind, new Map()]));
    for (const row of rows) {
      const [kind, person] = row;
      const byPerson = found.get(kind);
      if (!byPerson) continue;
      let bucket = byPerson.get(person);
      if (!bucket) byPerson.set(person, (bucket = kind === "consent" ? new Set<string>() : []));
      if (kind === "consent") (bucket as Set<string>).add(row[2] as string);
      else if (kind === "care") (bucket as CareFact[]).push({ therapistPersonId: row[2] as string, practiceId: row[3] as string, active: row[4] === true });
      else if (kind === "membership") (bucket as MembershipFact[]).push({ organisationId: row[2] as string, role: row[3] as string });
      else if (kind === "instruction") (bucket as Instruction[]).push({ id: row[2] as string, controllerId: row[3] as string, processorPersonId: (row[4] as string | null) ?? null, categories: (row[5] as string[] | null) ?? [] });
      else (bucket as OpenCase[]).push({ id: row[2] as string, kind: String(row[3]).toUpperCase() });
    }
    // Kept by kind and person, what was asked for and what came beside it (no promise per fact:
    // `load` answers from here): every kind read, for every person of the batch, what was found or
    // nothing (`NONE`). What a request already read stays as it was first read.
    for (const kind of kinds) {
      const kept = known[kind] as Map<string, FactsByKind[Kind]>;
      const byPerson = found.get(kind)!;
      for (const person of persons) if (!kept.has(person)) kept.set(person, (byPerson.get(person) as FactsByKind[Kind] | undefined) ?? NONE[kind]);
    }
    // From here `known` answers every key of this batch (`load` asks it first): the loader's own
    // cache only joins the loads made while the statement runs. Emptied now, it does not keep a
    // promise per key for as long as the store is shared (`SHARED_FACTS_MS`): kept, those made the
    // enforced graph's young-generation collections copy about a sixth more (bench `scavenges`).
    facts.clearAll();
    return asked.map(([kind, person]) => known[kind].get(person)!);
  });
  return { facts, known };
}

/** How long a gateway request's facts wait for its next fetch, after the last one began. */
export const SHARED_FACTS_MS = 1_000;
/** Gateway requests whose facts are kept at once, at most: the oldest go first. */
const MAX_SHARED_REQUESTS = 5_000;
const sharedStores = new Map<string, { store: FactStore; until: number }>();

/**
 * The facts store of a gateway request, shared by its read-only fetches to the subgraphs of
 * this process (all five in one process, as the stack ships): the therapist's view asks identity
 * whether she may read a patient, then therapy for the patient's programs, and both read the
 * same care relationships, consents and open cases. Read once per gateway request instead of
 * once per fetch; a fetch that may write, or a request without the gateway's id, reads its own.
 *
 * What keeps it to one request: the key is the forwarded token's id, which the gateway signs
 * anew for every request, so the next request (after a withdrawal, say) reads afresh; and the
 * caller, so that one caller's store never serves another. A fetch
 * that may write drops its request's store before it runs, so a fetch after a write (a mutation's
 * follow-up entity fetch) reads afresh too. The store outlives a fetch by `SHARED_FACTS_MS` only,
 * which bounds memory and how long a replayed forwarded token could see it.
 */
function factsOfGatewayRequest(request: string, caller: string | undefined, readOnly: boolean, today: string, create: () => FactStore): FactStore {
  // The caller too: a store read for one caller never serves another, whatever the token ids.
  const key = `${request}|${caller ?? "-"}|${today}`;
  if (!readOnly) {
    sharedStores.delete(key);
    return create();
  }
  const now = Date.now();
  // Oldest first (a store is moved to the end when a fetch uses it): drop the expired, and beyond the cap.
  for (const [old, entry] of sharedStores) {
    if (entry.until > now && sharedStores.size < MAX_SHARED_REQUESTS) break;
    sharedStores.delete(old);
  }
  const found = sharedStores.get(key);
  const store = found?.store ?? create();
  sharedStores.delete(key);
  sharedStores.set(key, { store, until: now + SHARED_FACTS_MS });
  return store;
}

/** Which gateway request a policy context serves (`createPolicyContext`): its facts are shared by the request's read-only fetches. */
export interface FactsSharing {
  /** The forwarded token's id: one per gateway request. */
  gatewayRequest?: string;
  /** No operation of the fetch can write. */
  readOnly: boolean;
}

/**
 * The policy layer's look-ups. They read only what the owning subgraphs publish for them
 * (`policyFacts`: versioned views and a function in each owner's migrations), never a
 * subgraph's tables. Created per request: nothing withdrawal can change outlives it (a gateway
 * request's read-only fetches share one store of facts: `factsOfGatewayRequest`).
 *
 * Every fact the rules ask for in one turn of the event loop (the subjects of a list of N
 * records, and the caller: "which organisations does eva administer" is a membership like any
 * other) is read in one statement, a `union all` over the views of the kinds asked for: a rule
 * that needs a care relationship and then, for the basis, open cases and consents waits for one
 * round trip to the database instead of three in a row (`ASKED_WITH`). Only the views of the
 * kinds asked for are read: a subgraph tested alone reads only what its test migrated. The
 * caller's own facts of a kind come with the first statement that reads that kind: rules compare
 * the subject's facts with the caller's ("does eva administer anna's employer"), and would
 * otherwise wait a round trip more for them.
 */
export function createPolicyLookups(db: Database, today: string, callerPersonId?: string, request?: FactsSharing) {
  const create = () => createFactStore(db, today, callerPersonId);
  const { facts, known } = request?.gatewayRequest !== undefined ? factsOfGatewayRequest(request.gatewayRequest, callerPersonId, request.readOnly, today, create) : create();
  const view = <K extends Kind>(kind: K): FactLoader<FactsByKind[K]> => ({
    get(personId) {
      return known[kind].get(personId) ?? this.load(personId);
    },
    // What is asked for beside it, and the caller's own, come in the same statement (`createFactStore`).
    load: (personId) => {
      const read = known[kind].get(personId);
      return read !== undefined ? Promise.resolve(read) : (facts.load(`${kind}|${personId}`) as Promise<FactsByKind[K]>);
    },
  });

  return {
    /** The care relationships in which each person is the patient, with their practice. */
    careRelationshipsOf: view("care"),
    /** Current memberships of each person: as an employee (whose employer) and as an admin (of what). */
    membershipsOf: view("membership"),
    /** Purposes each person has a given, unwithdrawn, unexpired consent for. */
    consentsOf: view("consent"),
    /** Open instructions about each person, from whichever controller gave them. */
    instructionsFor: view("instruction"),
    /** Open support cases and data-subject requests of each person. */
    openCasesOf: view("case"),
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

/** A text[] literal for one parameter: every element quoted, `"` and `\` escaped. */
function textArray(values: readonly string[]): string {
  return `{${values.map((value) => `"${value.replace(/["\\]/g, "\\$&")}"`).join(",")}}`;
}
