import type { ConsentContext } from "../context.ts";

export const Query = {
  consentPurposes: (_: unknown, __: unknown, { loaders }: ConsentContext) => loaders.purposeCatalogue(),
};
