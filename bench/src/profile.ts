import { writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import { buildStacks } from "./buildStacks.ts";
import { createBenchSetup } from "./createBenchSetup.ts";
import { createSubgraphCall, directFetches } from "./direct.ts";
import { loadBenchEnv } from "./env.ts";
import { QUICK, generateDataset } from "./generateDataset.ts";
import { operationNamed, type Answer } from "./operations.ts";
import { post, runLoad } from "./runLoad.ts";
import { mappedToSources } from "./mappedToSources.ts";

// `pnpm --filter @grondslag/bench profile <therapist|employer|patient> <on|off> [out.cpuprofile] [--heap] [--direct]`:
// one operation on one copy of the graph (quick dataset), a profile of 10 s of load only.
// `--heap`: where the load allocates (sampling heap profile) instead of where it spends CPU.
// `--survivors` (with `--heap`): only what outlived a scavenge (promoted to the old generation, or
// alive at the end): what makes the collector copy and mark, rather than what it frees at once.
// `--direct`: the subgraphs called straight (as the gateway's query plan would), without the gateway.
// The profile's frames are mapped back to the sources through the bundles' source maps, so any
// viewer shows `schema/policy/src/...` rather than a place in a bundle that is gone after the run.
const [which = "therapist", variant = "on", out = `/tmp/bench-${which}-${variant}.cpuprofile`] = process.argv.slice(2).filter((argument) => !argument.startsWith("--"));
const heap = process.argv.includes("--heap");
const survivors = process.argv.includes("--survivors");
const direct = process.argv.includes("--direct");
const build = operationNamed(which);
const env = loadBenchEnv();
const { enforced, unenforced } = await buildStacks();
const stackModule = variant === "off" ? unenforced : enforced;
const { database, gatewayKey, issueToken, stackOptions } = await createBenchSetup(enforced.createDatabase, env.DATABASE_URL);
const stack = await stackModule.createStack(stackOptions);
const dataset = await generateDataset(database.db, QUICK);
const { gatewayUrl, subgraphUrls } = await stack.listen({ gatewayPort: 0, subgraphPorts: Object.fromEntries(stack.subgraphs.map((subgraph) => [subgraph.name, 0])) });
const operation = build(dataset);
const target = { url: gatewayUrl, token: await issueToken(operation.caller), query: operation.query };
const forwarding = enforced.createForwarding(gatewayKey);
const fetches = directFetches(operation, dataset)!;
const send = async (): Promise<Answer> => (direct ? fetches(...createSubgraphCall(subgraphUrls, await forwarding.sign(operation.caller))) : post(target));
await runLoad(send, 4, 3, operation.check);
const session = new Session();
session.connect();
await session.post(heap ? "HeapProfiler.enable" : "Profiler.enable");
await session.post(heap ? "HeapProfiler.startSampling" : "Profiler.start", heap ? { samplingInterval: 4096, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: !survivors } : {});
const result = await runLoad(send, 4, 10, operation.check);
const { profile } = heap ? await session.post("HeapProfiler.stopSampling") : await session.post("Profiler.stop");
writeFileSync(out, JSON.stringify(mappedToSources(profile)));
process.stdout.write(`${operation.name}, policy ${variant}${direct ? ", subgraphs straight" : ""}: ${result.perSecond.toFixed(1)} req/s; profile in ${out}\n`);
await stack.stop();
await database.close();
