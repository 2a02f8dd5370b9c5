// What the benchmark takes from a built copy of the graph (./buildStacks.ts). The database is
// opened by the enforced copy's own `createDatabase`: the policy runs its facts statements
// through that copy's registry of handles.
export { createStack, createForwarding } from "@grondslag/stack";
export { createDatabase } from "@grondslag/db";
