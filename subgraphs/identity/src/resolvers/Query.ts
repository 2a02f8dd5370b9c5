import type { IdentityContext } from "../context.ts";
import type { QueryResolvers } from "../generated/resolvers.ts";

// Both answer a bare reference: whether the person exists is never told by the root field,
// only by the fields the caller's policy lets through.
export const Query = {
  me: (_: unknown, __: unknown, { caller }: IdentityContext) => (caller?.personId ? { id: caller.personId } : null),
  person: (_: unknown, { id }: { id: string }) => ({ id }),
} satisfies QueryResolvers;
