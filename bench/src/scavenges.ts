import { GCProfiler } from "node:v8";
import { promotedBy, spaceUsed } from "./heapSpaces.ts";
import { runLoad } from "./runLoad.ts";
import { startBothCopies } from "./startBothCopies.ts";

// `pnpm --filter @grondslag/bench scavenges <therapist|employer|patient> [rounds] [seconds] [--direct]`:
// a diagnostic, not the benchmark. What each scavenge (V8's young-generation collection) carries
// and costs, with the policy and without, under the benchmark's load: the copies alternate, each
// run starts from a full collection (as `pnpm bench` runs them), concurrency 4. Per copy: scavenges
// per request, and per scavenge its main-thread cost and the bytes that survived it (copied within
// the young generation or promoted to the old). A scavenge's cost follows what survives it, not
// what was allocated; an enforced copy whose requests keep more young data alive pays here.
// Why the full collection matters: without it, the few major collections of a run land in one
// copy's runs or the other's by chance, and they move the scavenges around them more than the
// policy does (docs/performance.md, "This round: the facts statement as one row").
const [which = "therapist", roundsArgument = "8", secondsArgument = "3"] = process.argv.slice(2).filter((argument) => !argument.startsWith("--"));
const [rounds, seconds] = [Number(roundsArgument), Number(secondsArgument)];
if (!Number.isInteger(rounds) || rounds < 2 || !(seconds > 0)) throw new Error("usage: scavenges <therapist|employer|patient> [rounds ≥ 2] [seconds > 0] [--direct]");
if (typeof (globalThis as { gc?: unknown }).gc !== "function") throw new Error("Run it with node --expose-gc (as the package script does): each run starts from a full collection.");
const direct = process.argv.includes("--direct");

const { operation, send, stop } = await startBothCopies(which);
const sends = direct ? send.direct : send.gateway;
for (const variant of ["on", "off"] as const) await runLoad(sends[variant], 4, 2, operation.check);

const totals = { on: { requests: 0, scavenges: 0, costMs: 0, survived: 0 }, off: { requests: 0, scavenges: 0, costMs: 0, survived: 0 } };
for (let round = 0; round < rounds; round += 1) {
  for (const variant of round % 2 === 0 ? (["off", "on"] as const) : (["on", "off"] as const)) {
    const profiler = new GCProfiler();
    profiler.start();
    const result = await runLoad(sends[variant], 4, seconds, operation.check);
    const collections = profiler.stop()?.statistics ?? [];
    const total = totals[variant];
    total.requests += result.requests;
    // The full collection that starts the run, and any other, is not a scavenge: left out.
    for (const collection of collections) {
      if (collection.gcType !== "Scavenge") continue;
      total.scavenges += 1;
      total.costMs += collection.cost / 1000;
      total.survived += spaceUsed(collection.afterGC.heapSpaceStatistics, "new_space") + promotedBy(collection);
    }
  }
}
await stop();

const perScavenge = (variant: "on" | "off") => {
  const { requests, scavenges, costMs, survived } = totals[variant];
  return { perRequest: scavenges / requests, costMs: costMs / scavenges, survivedMB: survived / 1e6 / scavenges };
};
const [on, off] = [perScavenge("on"), perScavenge("off")];
const line = (label: string, figures: ReturnType<typeof perScavenge>) =>
  `  ${label}: ${figures.perRequest.toFixed(3)} scavenges a request; per scavenge ${figures.costMs.toFixed(2)} ms, ${figures.survivedMB.toFixed(2)} MB survived\n`;
process.stdout.write(
  `${operation.name}${direct ? ", subgraphs straight" : ", through the gateway"}, ${rounds} rounds of ${seconds} s, each run from a full collection\n` +
    line("policy on ", on) +
    line("policy off", off) +
    `  on/off per scavenge: cost ${(on.costMs / off.costMs).toFixed(3)}, survived ${(on.survivedMB / off.survivedMB).toFixed(3)}; scavenges a request ${(on.perRequest / off.perRequest).toFixed(3)}\n`,
);
process.exit(0);
