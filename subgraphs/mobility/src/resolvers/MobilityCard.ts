import type { MobilityContext } from "../context.ts";
import type { MobilityCardRow } from "../db/tables.ts";

export const MobilityCard = {
  __resolveReference: (reference: { id: string }, { loaders }: MobilityContext) => loaders.card.load(reference.id),
  kind: (card: MobilityCardRow) => card.kind.toUpperCase(),
  status: (card: MobilityCardRow) => card.status.toUpperCase(),
};
