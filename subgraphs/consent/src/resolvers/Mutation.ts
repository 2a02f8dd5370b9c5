import type { Database } from "@grondslag/db";
import { and, eq, inArray, sql } from "drizzle-orm";
import { badUserInput, parseArguments } from "@grondslag/server";
import { GraphQLError } from "graphql";
import { z } from "zod";
import type { ConsentContext } from "../context.ts";
import { consentRecords, purposes, type ConsentRecordRow } from "../db/tables.ts";
import type { MutationResolvers } from "../generated/resolvers.ts";
import { getConsentState } from "../getConsentState.ts";
import { createDisclosureMutation } from "./createDisclosureMutation.ts";
import { createSupportCaseMutation } from "./createSupportCaseMutation.ts";

const consentArgs = z.object({
  personId: z.string().trim().min(1, "personId must not be empty").max(200, "personId is too long"),
  purposeId: z.string().regex(/^[a-z][a-z0-9-]{0,63}$/, "purposeId must be a purpose slug such as 'health-data'"),
});
/**
 * How the person gave it: in the app or on the web, as the client says. Paper and a guardian's
 * consent are recorded by the platform from the signed form, not given through the graph.
 */
const giveArgs = consentArgs.extend({
  method: z.enum(["IN_APP", "WEB"], "method must be IN_APP or WEB: paper and a guardian's consent are not given through the graph").default("IN_APP"),
});

type Transaction = Parameters<Parameters<Database["transaction"]>[0]>[0];

/**
 * Reads a person's consents for a purpose under a transaction-scoped lock on that pair, so two
 * concurrent requests cannot both see "no active consent" and both give one.
 */
async function lockConsents(tx: Transaction, personId: string, purposeId: string): Promise<ConsentRecordRow[]> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`consent:${personId}:${purposeId}`}))`);
  return tx
    .select()
    .from(consentRecords)
    .where(and(eq(consentRecords.personId, personId), eq(consentRecords.purposeId, purposeId)))
    .orderBy(consentRecords.givenAt, consentRecords.id);
}

/** Gives of one person's consent for one purpose in 24 hours, at most (`giveConsent`). */
export const MAX_GIVES_PER_DAY = 10;

export function createMutation(db: Database) {
  // Access was decided before these run, from the `write` policy of ConsentRecord.state for args.personId.
  return {
    giveConsent: async (_: unknown, args: unknown, { loaders, now }: ConsentContext) => {
      const { personId, purposeId, method } = parseArguments(giveArgs, args);
      const record = await db.transaction(async (tx) => {
        const [purpose] = await tx.select().from(purposes).where(eq(purposes.id, purposeId));
        if (!purpose) throw badUserInput("unknown purpose", "purposeId");
        const all = await lockConsents(tx, personId, purposeId);
        const active = all.filter((row) => getConsentState(row, now) === "given");
        if (active.length > 0) return active[active.length - 1]!;
        // Each give is a record kept as proof for years: giving and withdrawing in a loop would grow
        // the person's consents without end. Withdrawing is never limited (GDPR Art. 7(3)).
        const dayAgo = now.getTime() - 86_400_000;
        if (all.filter((row) => row.givenAt.getTime() > dayAgo).length >= MAX_GIVES_PER_DAY) {
          throw new GraphQLError(`A consent for one purpose can be given at most ${MAX_GIVES_PER_DAY} times in a day: try again tomorrow.`, { extensions: { code: "TOO_MANY_REQUESTS" } });
        }
        const [created] = await tx
          .insert(consentRecords)
          .values({
            id: crypto.randomUUID(), personId, purposeId, lawfulBasis: purpose.lawfulBasis, noticeVersion: purpose.noticeVersion,
            state: "given", givenAt: now, method: method === "WEB" ? "web" : "in_app",
          })
          .returning();
        return created!;
      });
      loaders.consentsOfPerson.clear(personId);
      return record;
    },

    withdrawConsent: async (_: unknown, args: unknown, { loaders, now }: ConsentContext) => {
      const { personId, purposeId } = parseArguments(consentArgs, args);
      const record = await db.transaction(async (tx) => {
        const [purpose] = await tx.select({ id: purposes.id }).from(purposes).where(eq(purposes.id, purposeId));
        if (!purpose) throw badUserInput("unknown purpose", "purposeId");
        const all = await lockConsents(tx, personId, purposeId);
        const active = all.filter((row) => getConsentState(row, now) === "given");
        if (active.length === 0) {
          // Withdrawn already (a retry, or a second tap): answered with that record, unchanged, as
          // giving twice answers the given one. Never given, or expired: nothing to withdraw.
          const latest = all.at(-1);
          if (latest && latest.state === "withdrawn") return latest;
          throw badUserInput("no active consent for that purpose", "purposeId");
        }
        const withdrawn = await tx
          .update(consentRecords)
          .set({ state: "withdrawn", withdrawnAt: now })
          .where(inArray(consentRecords.id, active.map((row) => row.id)))
          .returning();
        // The latest, should more than one have been active.
        return withdrawn.sort((a, b) => a.givenAt.getTime() - b.givenAt.getTime() || (a.id < b.id ? -1 : 1)).at(-1)!;
      });
      loaders.consentsOfPerson.clear(personId);
      return record;
    },

    ...createDisclosureMutation(db),
    ...createSupportCaseMutation(db),
  } satisfies MutationResolvers;
}
