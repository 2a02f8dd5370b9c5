import type { IdentityContext } from "../context.ts";
import type { PersonRow } from "../db/tables.ts";

export const Person = {
  __resolveReference: (reference: { id: string }, { loaders }: IdentityContext) => loaders.person.load(reference.id),
  address: (person: PersonRow) =>
    person.street && person.postalCode && person.city && person.country
      ? { street: person.street, postalCode: person.postalCode, city: person.city, country: person.country }
      : null,
  status: (person: PersonRow) => person.status.toUpperCase(),
  memberships: (person: PersonRow, _: unknown, { loaders }: IdentityContext) => loaders.membershipsOfPerson.load(person.id),
};
