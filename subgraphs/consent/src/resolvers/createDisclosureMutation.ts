import type { Database } from "@grondslag/db";
import { and, desc, eq } from "drizzle-orm";
import { GraphQLError } from "graphql";
import { z } from "zod";
import type { ConsentContext } from "../context.ts";
import { disclosures, partnerEvents, type DisclosureRow } from "../db/tables.ts";
import type { MutationResolvers } from "../generated/resolvers.ts";
import { movesDeliveryStatusForward } from "../getDeliveryStatusMove.ts";

/** GDPR Art. 6/9 bases, as the policy vocabulary's LawfulBasis names them. */
const LAWFUL_BASES = ["CONSENT", "EXPLICIT_CONSENT", "CONTRACT", "LEGAL_OBLIGATION", "LEGITIMATE_INTEREST", "CONTROLLER_INSTRUCTION"] as const;

const partnerName = z.string().regex(/^[a-z][a-z0-9-]{0,63}$/, "partner must be a partner's name such as 'twilio'");
const reference = z.string().trim().min(1, "reference must not be empty").max(200, "reference is too long");

const disclosureInput = z.object({
  partner: partnerName,
  personId: z.string().trim().min(1, "personId must not be empty").max(200, "personId is too long"),
  fields: z
    .array(z.string().regex(/^[_A-Za-z][_0-9A-Za-z]*\.[_A-Za-z][_0-9A-Za-z]*$/, "fields must be field names such as 'Person.phone'"))
    .min(1, "fields must name at least one field")
    .max(200, "fields names too many fields"),
  purpose: z.string().trim().min(1, "purpose must not be empty").max(200, "purpose is too long"),
  basis: z.enum(LAWFUL_BASES, `basis must be one of ${LAWFUL_BASES.join(", ")}`),
  outcome: z.enum(["SENT", "FAILED", "UNKNOWN"]),
  reference: reference.nullish(),
  idempotencyKey: z.string().trim().min(1, "idempotencyKey must not be empty").max(200, "idempotencyKey is too long"),
});

const partnerStatusArgs = z.object({
  partner: partnerName,
  reference,
  status: z
    .string()
    .trim()
    .toLowerCase()
    .regex(/^[a-z][a-z0-9_-]{0,31}$/, "status must be a partner's status such as 'delivered'"),
});

const badInput = (message: string) => new GraphQLError(message, { extensions: { code: "BAD_USER_INPUT" } });

function parse<T>(schema: z.ZodType<T>, value: unknown): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw badInput(parsed.error.issues.map((issue) => issue.message).join("; "));
  return parsed.data;
}

/** The disclosure log's two writers: the partner adapters (role `service`) and their webhooks. */
export function createDisclosureMutation(db: Database) {
  // Access was decided before these run, from the `write` policies of Disclosure.outcome and
  // Disclosure.deliveryStatus: internal-service.
  return {
    recordDisclosure: async (_: unknown, args: { input: unknown }, { loaders, now }: ConsentContext): Promise<DisclosureRow> => {
      const input = parse(disclosureInput, args.input);
      const [created] = await db
        .insert(disclosures)
        .values({
          id: crypto.randomUUID(), partner: input.partner, personId: input.personId, fields: input.fields, purpose: input.purpose,
          basis: input.basis, outcome: input.outcome === "SENT" ? "sent" : input.outcome === "FAILED" ? "failed" : "unknown", reference: input.reference ?? null,
          idempotencyKey: input.idempotencyKey, occurredAt: now,
        })
        // The key is unique: of two concurrent calls with it, one inserts and the other reads its row.
        .onConflictDoNothing({ target: disclosures.idempotencyKey })
        .returning();
      if (created) {
        // Pages are cached by person, size and cursor: any of this request's may now be stale.
        loaders.disclosuresOfPerson.clearAll();
        return created;
      }
      const [existing] = await db.select().from(disclosures).where(eq(disclosures.idempotencyKey, input.idempotencyKey));
      if (!existing) throw new Error("A disclosure's idempotency key conflicted, but no disclosure holds it.");
      // A key reused for another partner or person is a bug in the adapter, not a retry.
      if (existing.partner !== input.partner || existing.personId !== input.personId) {
        throw badInput("idempotencyKey was already used for another disclosure");
      }
      return existing;
    },

    recordPartnerStatus: async (_: unknown, args: unknown, { loaders, now }: ConsentContext): Promise<DisclosureRow> => {
      const { partner, reference, status } = parse(partnerStatusArgs, args);
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
