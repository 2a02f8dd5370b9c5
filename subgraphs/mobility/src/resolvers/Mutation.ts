import type { Database } from "@grondslag/db";
import { badUserInput, toGraphQLEnum } from "@grondslag/server";
import { and, eq, isNull } from "drizzle-orm";
import type { MobilityContext } from "../context.ts";
import { trips, type TripRow } from "../db/tables.ts";
import type { MutationResolvers } from "../generated/resolvers.ts";

const PURPOSES = { BUSINESS: "business", COMMUTE: "commute", PRIVATE: "private" } as const satisfies Record<string, TripRow["purpose"]>;

/** The traveller of a trip; null when there is no such trip. */
export async function travellerOfTrip(tripId: string, { loaders }: MobilityContext): Promise<string | null> {
  return (await loaders.trip.load(tripId))?.personId ?? null;
}

export function createMutation(db: Database) {
  return {
    // Access was decided before this runs, from the `write` policies of Trip.confirmedAt and Trip.purpose (`self`).
    // `tripId` and `purpose` come checked: an ID's form by the input checks (gateway and subgraph),
    // the purpose by its enum, so every purpose that reaches this has its stored value.
    confirmTrip: async (_: unknown, { tripId, purpose }: { tripId: string; purpose: keyof typeof PURPOSES }, { loaders }: MobilityContext): Promise<TripRow> => {
      const stored = PURPOSES[purpose];
      const [confirmed] = await db
        .update(trips)
        .set({ confirmedAt: new Date(), purpose: stored })
        .where(and(eq(trips.id, tripId), isNull(trips.confirmedAt)))
        .returning();
      loaders.trip.clear(tripId);
      if (confirmed) return confirmed;
      // Confirmed already: a retry with the same purpose is answered as it stands, nothing written.
      const existing = await loaders.trip.load(tripId);
      if (!existing) throw badUserInput("No trip with that id.", "tripId");
      if (existing.purpose !== stored) throw badUserInput(`The trip was confirmed as ${String(toGraphQLEnum(existing.purpose))}: a confirmed trip's purpose is not changed.`, "purpose");
      return existing;
    },
  } satisfies MutationResolvers;
}
