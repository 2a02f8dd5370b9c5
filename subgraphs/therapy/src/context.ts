import type { SubgraphContext } from "@grondslag/server";
import type { Loaders } from "./createLoaders.ts";

export interface TherapyContext extends SubgraphContext {
  loaders: Loaders;
  /** The request's calendar day, fixed once so every field of an answer agrees; tests set it. */
  today: string;
}
