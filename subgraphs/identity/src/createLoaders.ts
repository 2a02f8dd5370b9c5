import { byKey, groupByKey, loadPages, selectPage, type Database, type Page, type PagedList, type PageKey } from "@grondslag/db";
import { policyFacts } from "@grondslag/policy";
import DataLoader from "dataloader";
import { and, eq, gt, inArray, isNull, lte, or, sql } from "drizzle-orm";
import {
  memberships,
  organisations,
  persons,
  secondFactors,
  type MembershipRow,
  type OrganisationRow,
  type PersonRow,
  type SecondFactorRow,
} from "./db/tables.ts";

/** An organisation's memberships, in id order (`Organisation.members`). */
const MEMBERS = {
  table: memberships,
  parent: memberships.organisationId,
  id: memberships.id,
  order: [{ column: memberships.id, direction: "asc" }],
} satisfies PagedList<typeof memberships>;

/**
 * Who is in an organisation's members list on `today`: its current employees, none whose
 * processing is restricted. The restriction is read from the open cases consent publishes for
 * the policy (`policyFacts.openCases`): the membership's own policy (`employer-of`) would hide such
 * a member anyway, but a member hidden after the page was read would still set its cursors.
 */
function currentMembers(today: string) {
  const restricted = sql`exists (select 1 from ${sql.raw(policyFacts.openCases.relation)} c where c.person_id = ${memberships.personId} and lower(c.kind::text) = 'restriction')`;
  return and(eq(memberships.role, "employee"), lte(memberships.startedOn, today), or(isNull(memberships.endedOn), gt(memberships.endedOn, today)), sql`not ${restricted}`);
}

/** One set per request: each loader turns the N look-ups of a request into one query. */
export function createLoaders(db: Database) {
  const membersOn = new Map<string, DataLoader<PageKey, Page<MembershipRow>, string>>();
  return {
    /** A page of each organisation's current members on `today` (the request's day). */
    membersOfOrganisation: (today: string): DataLoader<PageKey, Page<MembershipRow>, string> => {
      let loader = membersOn.get(today);
      if (!loader) {
        const list = { ...MEMBERS, filter: currentMembers(today) };
        loader = new DataLoader<PageKey, Page<MembershipRow>, string>((keys) => loadPages(keys, (ids, limit, after) => selectPage(db, list, ids, limit, after)), {
          cacheKeyFn: (key) => JSON.stringify([key.parentId, key.first, key.after]),
        });
        membersOn.set(today, loader);
      }
      return loader;
    },
    person: new DataLoader<string, PersonRow | undefined>(async (ids) =>
      byKey(ids, await db.select().from(persons).where(inArray(persons.id, [...ids])), (row) => row.id),
    ),
    organisation: new DataLoader<string, OrganisationRow | undefined>(async (ids) =>
      byKey(ids, await db.select().from(organisations).where(inArray(organisations.id, [...ids])), (row) => row.id),
    ),
    secondFactor: new DataLoader<string, SecondFactorRow | undefined>(async (personIds) =>
      byKey(personIds, await db.select().from(secondFactors).where(inArray(secondFactors.personId, [...personIds])), (row) => row.personId),
    ),
    membershipsOfPerson: new DataLoader<string, MembershipRow[]>(async (personIds) =>
      groupByKey(
        personIds,
        await db.select().from(memberships).where(inArray(memberships.personId, [...personIds])).orderBy(memberships.startedOn),
        (row) => row.personId,
      ),
    ),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
