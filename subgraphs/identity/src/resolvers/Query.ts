import type { IdentityContext } from "../context.ts";

export const Query = {
  me: (_: unknown, __: unknown, { caller, loaders }: IdentityContext) =>
    caller?.personId ? loaders.person.load(caller.personId) : null,
};
