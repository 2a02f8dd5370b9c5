import type { WithPolicy } from "@grondslag/policy";
import type { SubgraphContext } from "@grondslag/server";
import type { Loaders } from "./createLoaders.ts";

export interface ConsentContext extends SubgraphContext, WithPolicy {
  loaders: Loaders;
  /** The instant this request reads consent states at: one value, so all fields agree. */
  now: Date;
}
