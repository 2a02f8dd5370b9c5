import type { SubgraphContext } from "@grondslag/server";
import type { Loaders } from "./createLoaders.ts";

export interface ConsentContext extends SubgraphContext {
  loaders: Loaders;
  /** The instant this request reads consent states at: one value, so all fields agree. */
  now: Date;
}
