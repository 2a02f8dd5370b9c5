import type { MobilityContext } from "../context.ts";
import type { TripRow } from "../db/tables.ts";

export const Trip = {
  source: (trip: TripRow) => trip.source.toUpperCase(),
  // Metres are stored exactly; the schema promises kilometres to one decimal.
  distanceKm: (trip: TripRow) => Math.round(trip.distanceMeters / 100) / 10,
  mode: (trip: TripRow) => trip.mode.toUpperCase(),
  purpose: (trip: TripRow) => trip.purpose.toUpperCase(),
  travellerRole: (trip: TripRow) => trip.travellerRole?.toUpperCase() ?? null,
  card: (trip: TripRow, _: unknown, { loaders }: MobilityContext) => (trip.cardId ? loaders.card.load(trip.cardId) : null),
};
