import { toGraphQLEnum } from "@grondslag/server";
import type { MobilityContext } from "../context.ts";
import type { MobilityCardRow } from "../db/tables.ts";
import type { MobilityCardResolvers } from "../generated/resolvers.ts";

export const MobilityCard = {
  __resolveReference: (reference: { id: string }, { loaders }: MobilityContext) => loaders.card.load(reference.id),
  kind: (card: MobilityCardRow) => toGraphQLEnum(card.kind),
  status: (card: MobilityCardRow) => toGraphQLEnum(card.status),
} satisfies MobilityCardResolvers;
