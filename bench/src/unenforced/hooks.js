// Module resolution hooks for the benchmark's second copy of the graph, the one without
// enforcement. Registered by the benchmark process only (`module.register` in ../main.ts);
// production never loads this file, so nothing a deployment can set switches the policy off.
//
// Every workspace module imported from a URL tagged `?unenforced` is loaded again under that
// tag (a separate module instance beside the enforced one), and the policy's
// `createPolicySchema.ts` is replaced by `./createPolicySchema.ts` beside this file. Packages
// in node_modules (graphql, Apollo) stay shared, so both copies use one graphql instance.
// Plain JavaScript: hooks run on Node's loader thread, before any TypeScript loader applies.
const TAG = "?unenforced";
const POLICY_SCHEMA = "/schema/policy/src/createPolicySchema.ts";
const REPLACEMENT = new URL("./createPolicySchema.ts", import.meta.url).href;

/** @type {import("node:module").ResolveHook} */
export async function resolve(specifier, context, nextResolve) {
  const resolved = await nextResolve(specifier, context);
  if (!context.parentURL?.endsWith(TAG) || !resolved.url.startsWith("file:") || resolved.url.includes("/node_modules/")) return resolved;
  const url = resolved.url.endsWith(POLICY_SCHEMA) ? REPLACEMENT : resolved.url.replace(/\?.*$/, "");
  return { ...resolved, url: `${url}${TAG}`, shortCircuit: true };
}
