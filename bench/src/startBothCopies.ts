import { buildStacks } from "./buildStacks.ts";
import { createBenchSetup } from "./createBenchSetup.ts";
import { createSubgraphCall, directFetches } from "./direct.ts";
import { loadBenchEnv } from "./env.ts";
import { QUICK, generateDataset } from "./generateDataset.ts";
import { operationNamed, type Answer, type Operation } from "./operations.ts";
import { post } from "./runLoad.ts";

/** How one request of the operation is sent, by copy (`on`: as it ships, `off`: without enforcement) and path. */
export interface Senders {
  gateway: Record<"on" | "off", () => Promise<Answer>>;
  /** The query plan's fetches straight to each copy's subgraphs (./direct.ts), with a forwarded caller signed per request. */
  direct: Record<"on" | "off", () => Promise<Answer>>;
}

/**
 * What the diagnostics (alloc, cpu, mixed, profile:diff) share: both copies of the graph built and
 * started in this process over one database at `DATABASE_URL` (PGlite when unset), the quick
 * dataset generated and vacuumed, and one operation (`therapist`, `employer` or `patient`) ready
 * to send on every path. `pnpm bench` itself (main.ts) sets up the same way, for every operation.
 */
export async function startBothCopies(which: string): Promise<{ operation: Operation; send: Senders; stop: () => Promise<void> }> {
  const build = operationNamed(which);
  const env = loadBenchEnv();
  const { enforced, unenforced } = await buildStacks();
  const { database, gatewayKey, issueToken, stackOptions } = await createBenchSetup(enforced.createDatabase, env.DATABASE_URL);
  const on = await enforced.createStack({ ...stackOptions, seedDemoData: true });
  const dataset = await generateDataset(database.db, QUICK);
  await database.execute("VACUUM ANALYZE");
  const off = await unenforced.createStack({ ...stackOptions, seedDemoData: false });
  const ports = { gatewayPort: 0, subgraphPorts: Object.fromEntries(on.subgraphs.map((subgraph) => [subgraph.name, 0])) };
  const listening = { on: await on.listen(ports), off: await off.listen(ports) };
  const operation = build(dataset);
  const token = await issueToken(operation.caller);
  const forwarding = enforced.createForwarding(gatewayKey);
  const fetches = directFetches(operation, dataset)!;
  const gateway = (copy: "on" | "off") => () => post({ url: listening[copy].gatewayUrl, token, query: operation.query });
  const direct = (copy: "on" | "off") => async () => fetches(...createSubgraphCall(listening[copy].subgraphUrls, await forwarding.sign(operation.caller)));
  return {
    operation,
    send: { gateway: { on: gateway("on"), off: gateway("off") }, direct: { on: direct("on"), off: direct("off") } },
    stop: async () => {
      await Promise.all([on.stop(), off.stop()]);
      await database.close();
    },
  };
}
