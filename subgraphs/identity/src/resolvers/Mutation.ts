import type { Database } from "@grondslag/db";
import { eq } from "drizzle-orm";
import { badUserInput, parseArguments } from "@grondslag/server";
import { GraphQLError } from "graphql";
import { z } from "zod";
import type { IdentityContext } from "../context.ts";
import { persons } from "../db/tables.ts";
import type { MutationResolvers } from "../generated/resolvers.ts";

const contactDetails = z.object({
  personId: z.string().min(1),
  // The account's address: corrected, never removed (sign-in codes may go to it).
  // At most 254 characters, the most an address can be used at (RFC 5321's path limit): a longer
  // one was stored, and second-factor codes would be mailed to it.
  email: z.email("email must be an email address").max(254, "email must be at most 254 characters").optional(),
  // `null` removes the number: a phone is optional contact data the person may take back.
  phone: z.string().regex(/^\+[1-9]\d{7,14}$/, "phone must be in international format, e.g. +31612345678, or null to remove it").nullable().optional(),
});

export function createMutation(db: Database) {
  return {
    // Access was decided before this runs, from the `write` policies of Person.email and Person.phone.
    updateContactDetails: async (_: unknown, args: unknown, { loaders }: IdentityContext) => {
      if ((args as { email?: unknown }).email === null) throw badUserInput("email can be corrected, not removed: give the new address.", "email");
      const { personId, email, phone } = parseArguments(contactDetails, args);
      const changes = { ...(email !== undefined ? { email } : {}), ...(phone !== undefined ? { phone } : {}) };
      if (Object.keys(changes).length === 0) {
        throw badUserInput("Give an email address, a phone number, or both.");
      }
      const updated = await db.update(persons).set(changes).where(eq(persons.id, personId)).returning({ id: persons.id });
      if (updated.length === 0) throw new GraphQLError("No person with that id.", { extensions: { code: "NOT_FOUND" } });
      loaders.person.clear(personId);
      return { id: personId };
    },
  } satisfies MutationResolvers;
}
