import { toGraphQLEnum } from "@grondslag/server";
import type { MobilityContext } from "../context.ts";
import type { TripRow } from "../db/tables.ts";
import type { TripResolvers } from "../generated/resolvers.ts";

export const Trip = {
  source: (trip: TripRow) => toGraphQLEnum(trip.source),
  // Metres are stored exactly; the schema promises kilometres to one decimal.
  distanceKm: (trip: TripRow) => Math.round(trip.distanceMeters / 100) / 10,
  mode: (trip: TripRow) => toGraphQLEnum(trip.mode),
  purpose: (trip: TripRow) => toGraphQLEnum(trip.purpose),
  travellerRole: (trip: TripRow) => (trip.travellerRole ? toGraphQLEnum(trip.travellerRole) : null),
  card: (trip: TripRow, _: unknown, { loaders }: MobilityContext) => (trip.cardId ? loaders.card.load(trip.cardId) : null),
} satisfies TripResolvers;
