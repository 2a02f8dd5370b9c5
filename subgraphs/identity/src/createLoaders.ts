import { byKey, groupByKey, type Database } from "@grondslag/db";
import DataLoader from "dataloader";
import { inArray } from "drizzle-orm";
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

/** One set per request: each loader turns the N look-ups of a request into one query. */
export function createLoaders(db: Database) {
  return {
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
