import { buildStack } from "./splitStack.ts";

/** The split project's processes run the built bundles: `pnpm build` once per run, before its files. */
export default function setup(): void {
  buildStack();
}
