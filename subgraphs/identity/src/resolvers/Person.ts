import { toGraphQLEnum } from "@grondslag/server";
import type { IdentityContext } from "../context.ts";
import type { PersonRow } from "../db/tables.ts";
import type { PersonResolvers } from "../generated/resolvers.ts";
import { toSecondFactorStatus } from "../secondFactor/secondFactorStatus.ts";

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
  status: async (person: PersonReference, _: unknown, context: IdentityContext) => {
    const row = await load(person, context);
    return row ? toGraphQLEnum(row.status) : null;
  },
  address: async (person: PersonReference, _: unknown, context: IdentityContext) => {
    const row = await load(person, context);
    return row?.street && row.postalCode && row.city && row.country
      ? { personId: row.id, street: row.street, postalCode: row.postalCode, city: row.city, country: row.country }
      : null;
  },
  // Where one-time codes go: the phone being enrolled while an enrolment is under way, else the enrolled one.
  smsRecipient: async (person: PersonReference, _: unknown, { loaders }: IdentityContext) => {
    const factor = await loaders.secondFactor.load(person.id);
    return factor?.pendingPhone ?? factor?.phone ?? null;
  },
  mailRecipient: column("email"),
  secondFactor: async (person: PersonReference, _: unknown, context: IdentityContext) =>
    (await load(person, context)) ? toSecondFactorStatus(person.id, await context.loaders.secondFactor.load(person.id)) : null,
  memberships: (person: PersonReference, _: unknown, { loaders }: IdentityContext) => loaders.membershipsOfPerson.load(person.id),
} satisfies PersonResolvers;
