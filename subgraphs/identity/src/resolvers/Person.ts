import type { IdentityContext } from "../context.ts";
import type { PersonRow } from "../db/tables.ts";

type PersonReference = { id: string };

const load = (person: PersonReference, { loaders }: IdentityContext) => loaders.person.load(person.id);
const column =
  <K extends keyof PersonRow>(key: K) =>
  async (person: PersonReference, _: unknown, context: IdentityContext) =>
    (await load(person, context))?.[key] ?? null;

/** A Person is a reference until a field is read: the row is loaded, in a batch, per field. */
export const Person = {
  __resolveReference: (reference: PersonReference) => ({ id: reference.id }),
  givenName: column("givenName"),
  familyName: column("familyName"),
  initials: column("initials"),
  email: column("email"),
  phone: column("phone"),
  dateOfBirth: column("dateOfBirth"),
  language: column("language"),
  pseudonym: column("pseudonym"),
  closedAt: column("closedAt"),
  status: async (person: PersonReference, _: unknown, context: IdentityContext) => (await load(person, context))?.status.toUpperCase() ?? null,
  address: async (person: PersonReference, _: unknown, context: IdentityContext) => {
    const row = await load(person, context);
    return row?.street && row.postalCode && row.city && row.country
      ? { personId: row.id, street: row.street, postalCode: row.postalCode, city: row.city, country: row.country }
      : null;
  },
  memberships: (person: PersonReference, _: unknown, { loaders }: IdentityContext) => loaders.membershipsOfPerson.load(person.id),
};
