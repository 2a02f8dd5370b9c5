import type { WithPolicy } from "@grondslag/policy";
import type { SubgraphContext } from "@grondslag/server";
import type { Loaders } from "./createLoaders.ts";

export interface IdentityContext extends SubgraphContext, WithPolicy {
  loaders: Loaders;
}
