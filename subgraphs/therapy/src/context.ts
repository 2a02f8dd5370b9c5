import type { WithPolicy } from "@grondslag/policy";
import type { SubgraphContext } from "@grondslag/server";
import type { Loaders } from "./createLoaders.ts";

export interface TherapyContext extends SubgraphContext, WithPolicy {
  loaders: Loaders;
  /** The request's calendar day, fixed once so every field of an answer agrees; tests set it. */
  today: string;
}
