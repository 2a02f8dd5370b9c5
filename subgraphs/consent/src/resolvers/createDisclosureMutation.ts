import type { Database } from "@grondslag/db";
import { parseArguments } from "@grondslag/server";
import { and, desc, eq } from "drizzle-orm";
import { GraphQLError } from "graphql";
import { z } from "zod";
import type { ConsentContext } from "../context.ts";
import { disclosures, partnerEvents, type DisclosureRow } from "../db/tables.ts";
import type { MutationResolvers } from "../generated/resolvers.ts";
import { movesDeliveryStatusForward } from "../getDeliveryStatusMove.ts";

const partnerName = z.string().regex(/^[a-z][a-z0-9-]{0,63}$/, "partner must be a partner's name such as 'twilio'");
const reference = z.string().trim().min(1, "reference must not be empty").max(200, "reference is too long");

const partnerStatusArgs = z.object({
  partner: partnerName,
  reference,
  status: z
    .string()
    .trim()
    .toLowerCase()
    .regex(/^[a-z][a-z0-9_-]{0,31}$/, "status must be a partner's status such as 'delivered'"),
});


/**
 * The disclosure log's writer in the graph: the partners' webhooks (role `service`). A send itself
 * is recorded by the partner outbox through `consent.record_disclosure_v1` (migrations 0004 and
 * 0005, which check its input), in the transaction that settles the send: there is no mutation for it.
 */
export function createDisclosureMutation(db: Database) {
  // Access was decided before this runs, from the `write` policy of Disclosure.deliveryStatus: internal-service.
  return {
    recordPartnerStatus: async (_: unknown, args: unknown, { loaders, now }: ConsentContext): Promise<DisclosureRow> => {
      const { partner, reference, status } = parseArguments(partnerStatusArgs, args);
      const answer = await db.transaction(async (tx) => {
        // Locks the send's disclosures, so two webhooks for it apply one after the other.
        const rows = await tx
          .select()
          .from(disclosures)
          .where(and(eq(disclosures.partner, partner), eq(disclosures.reference, reference)))
          .orderBy(desc(disclosures.occurredAt), desc(disclosures.id))
          .for("update");
        // Nothing is recorded, so the partner's retry can still apply once the disclosure is.
        if (rows.length === 0) throw new GraphQLError("no disclosure to that partner has that reference", { extensions: { code: "NOT_FOUND" } });
        const [event] = await tx.insert(partnerEvents).values({ partner, reference, status, receivedAt: now }).onConflictDoNothing().returning();
        // A replay: that status was recorded before, and moved whatever it moved then.
        if (!event) return rows[0]!;
        const moved = new Map<string, DisclosureRow>();
        for (const row of rows) {
          if (!movesDeliveryStatusForward(row.deliveryStatus, status)) continue;
          const [updated] = await tx
            .update(disclosures)
            .set({ deliveryStatus: status, deliveryUpdatedAt: now })
            .where(eq(disclosures.id, row.id))
            .returning();
          moved.set(row.id, updated!);
        }
        // One send normally has one disclosure; should it concern several people, the newest answers.
        return moved.get(rows[0]!.id) ?? rows[0]!;
      });
      loaders.disclosuresOfPerson.clearAll();
      return answer;
    },
  } satisfies MutationResolvers;
}
