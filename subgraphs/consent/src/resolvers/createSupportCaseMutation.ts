import type { Database } from "@grondslag/db";
import { parseArguments } from "@grondslag/server";
import { and, count, eq, gt, isNull, or, sql } from "drizzle-orm";
import { GraphQLError } from "graphql";
import { z } from "zod";
import type { ConsentContext } from "../context.ts";
import { caseKind, supportCases } from "../db/tables.ts";
import type { MutationResolvers } from "../generated/resolvers.ts";

const DATA_SUBJECT_REQUEST_DAYS = 30;
/**
 * A person's cases open at once, and opened in a day, at most: each is a row kept for a year and
 * read whole in `Person.supportCases`, and each data-subject request sets the platform a 30-day
 * deadline. Found probing as an attacker: 122 open cases made one 1.5-KB query a 7.7-MB answer.
 */
export const MAX_OPEN_CASES = 10;
export const MAX_CASES_PER_DAY = 20;

const openArgs = z.object({
  personId: z.string().trim().min(1, "personId must not be empty").max(200, "personId is too long"),
  kind: z.string().transform((kind) => kind.toLowerCase()).pipe(z.enum(caseKind.enumValues)),
  topic: z.string().trim().min(1, "topic must not be empty").max(2000, "topic must be at most 2000 characters"),
});
const closeArgs = z.object({ caseId: z.string().trim().min(1, "caseId must not be empty").max(200, "caseId is too long") });


/** The case's person: whose `self` opens and closes it, and whose open case lets staff in. */
export async function personOfCase(caseId: unknown, { loaders }: ConsentContext): Promise<string | null> {
  return typeof caseId === "string" ? ((await loaders.supportCase.load(caseId))?.personId ?? null) : null;
}

export function createSupportCaseMutation(db: Database) {
  // Access was decided before these run, from the `write` policies of SupportCase.openedAt and .closedAt.
  return {
    openSupportCase: async (_: unknown, args: unknown, { loaders, now }: ConsentContext) => {
      const { personId, kind, topic } = parseArguments(openArgs, args);
      const dueAt = kind === "support" ? null : new Date(now.getTime() + DATA_SUBJECT_REQUEST_DAYS * 86_400_000);
      const created = await db.transaction(async (tx) => {
        // One at a time per person, so two requests at once cannot both find room for one more.
        await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`support-case:${personId}`}))`);
        // A restriction of processing is never held back by the limits (it is how a person stops
        // everyone reading their data, GDPR Art. 18); asked again while one is open, it is that one.
        if (kind === "restriction") {
          const [open] = await tx.select().from(supportCases).where(and(eq(supportCases.personId, personId), eq(supportCases.kind, "restriction"), isNull(supportCases.closedAt))).limit(1);
          if (open) return open;
          const [row] = await tx.insert(supportCases).values({ id: crypto.randomUUID(), personId, kind, topic, openedAt: now, dueAt }).returning();
          return row;
        }
        const dayAgo = new Date(now.getTime() - 86_400_000);
        const [counted] = await tx
          .select({ open: count(sql`case when ${supportCases.closedAt} is null then 1 end`), today: count(sql`case when ${gt(supportCases.openedAt, dayAgo)} then 1 end`) })
          .from(supportCases)
          .where(and(eq(supportCases.personId, personId), or(isNull(supportCases.closedAt), gt(supportCases.openedAt, dayAgo))));
        if ((counted?.open ?? 0) >= MAX_OPEN_CASES || (counted?.today ?? 0) >= MAX_CASES_PER_DAY) {
          throw new GraphQLError(`At most ${MAX_OPEN_CASES} cases may be open at once, and ${MAX_CASES_PER_DAY} opened in a day: close one, or try again tomorrow. A restriction of processing can always be asked for.`, {
            extensions: { code: "TOO_MANY_REQUESTS" },
          });
        }
        const [row] = await tx.insert(supportCases).values({ id: crypto.randomUUID(), personId, kind, topic, openedAt: now, dueAt }).returning();
        return row;
      });
      loaders.supportCasesOfPerson.clear(personId);
      return created!;
    },
    // Who may close which case (staff: an open one, not a restriction) is `SupportCase.closedAt`'s write policy.
    closeSupportCase: async (_: unknown, args: unknown, { caller, loaders, now }: ConsentContext) => {
      const { caseId } = parseArguments(closeArgs, args);
      const [closed] = await db
        .update(supportCases)
        .set({ closedAt: now, closedBy: caller?.personId ?? caller?.subject ?? null })
        .where(and(eq(supportCases.id, caseId), isNull(supportCases.closedAt)))
        .returning();
      loaders.supportCase.clear(caseId);
      if (closed) return closed;
      // Closed already (the person retrying, or a close that raced this one): answered as it
      // stands, with the first close's time, and nothing written, as withdrawing a withdrawn consent is.
      const existing = await loaders.supportCase.load(caseId);
      if (!existing) throw new GraphQLError("No support case with that id.", { extensions: { code: "NOT_FOUND" } });
      return existing;
    },
  } satisfies MutationResolvers;
}
