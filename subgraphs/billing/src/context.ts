import type { WithPolicy } from "@grondslag/policy";
import type { SubgraphContext } from "@grondslag/server";
import type { Loaders } from "./createLoaders.ts";

export interface BillingContext extends SubgraphContext, WithPolicy {
  loaders: Loaders;
}
