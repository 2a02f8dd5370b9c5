import type { IdentityContext } from "../context.ts";
import type { OrganisationRow } from "../db/tables.ts";

export const Organisation = {
  __resolveReference: (reference: { id: string }, { loaders }: IdentityContext) => loaders.organisation.load(reference.id),
  kind: (organisation: OrganisationRow) => organisation.kind.toUpperCase(),
};
