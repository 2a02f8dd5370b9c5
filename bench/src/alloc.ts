import { createHook } from "node:async_hooks";
import { GCProfiler, getHeapStatistics, type HeapSpaceStatistics } from "node:v8";
import { promotedBy } from "./heapSpaces.ts";
import type { Answer } from "./operations.ts";
import { startBothCopies } from "./startBothCopies.ts";

// `pnpm --filter @grondslag/bench alloc <therapist|employer|patient> [requests] [--sites]`: a diagnostic,
// not the benchmark. What one operation allocates and how many promises it makes, per request,
// with and without the policy, through the gateway and straight to the subgraphs. Unlike
// throughput these barely move between runs (±1 %) on a box whose speed drifts by a third
// within seconds, so they show what a change to the policy's hot path saves before a noisy
// timing can. Requests are sent one at a time: the counts are per request, not under load.
// `--sites`: also where the policy's extra promises are made (below).
const [which = "employer", requestsArgument = "40"] = process.argv.slice(2).filter((argument) => !argument.startsWith("--"));
const sites = process.argv.includes("--sites");
if (sites) process.setSourceMapsEnabled(true);
const requests = Number(requestsArgument);
if (!Number.isInteger(requests) || requests < 1) throw new Error("usage: alloc <therapist|employer|patient> [requests ≥ 1]");

const { operation, send, stop } = await startBothCopies(which);
const paths: Record<string, () => Promise<Answer>> = {
  "gateway, policy on ": send.gateway.on,
  "gateway, policy off": send.gateway.off,
  "direct, policy on  ": send.direct.on,
  "direct, policy off ": send.direct.off,
};

const used = (spaces: HeapSpaceStatistics[]) => spaces.reduce((sum, space) => sum + space.spaceUsedSize, 0);
for (const [path, send] of Object.entries(paths)) {
  for (let warm = 0; warm < 10; warm += 1) operation.check(await send());
  let promises = 0;
  const counting = createHook({ init: (_id, type) => void (type === "PROMISE" && (promises += 1)) }).enable();
  operation.check(await send());
  counting.disable();
  // Allocated: what the heap grew by, plus what every collection in between freed.
  const profiler = new GCProfiler();
  const before = getHeapStatistics().used_heap_size;
  profiler.start();
  for (let sent = 0; sent < requests; sent += 1) operation.check(await send());
  const collections = profiler.stop()?.statistics ?? [];
  const freed = collections.reduce((sum, collection) => sum + used(collection.beforeGC.heapSpaceStatistics) - used(collection.afterGC.heapSpaceStatistics), 0);
  const allocated = getHeapStatistics().used_heap_size - before + freed;
  // What the collector spent, and what the scavenges promoted to the old generation: objects
  // that outlive a scavenge are copied, and promoted ones are collected later, at more cost.
  const scavenges = collections.filter((collection) => collection.gcType === "Scavenge");
  const promoted = scavenges.reduce((sum, scavenge) => sum + promotedBy(scavenge), 0);
  const gcMs = collections.reduce((sum, collection) => sum + collection.cost, 0) / 1000;
  process.stdout.write(
    `${operation.name}, ${path}: ${promises} promises/request, ${(allocated / 2 ** 20 / requests).toFixed(2)} MiB allocated/request, ` +
      `GC ${(gcMs / requests).toFixed(2)} ms/request, ${(promoted / 2 ** 20 / requests).toFixed(2)} MiB promoted/request\n`,
  );
}

if (sites) {
  // One request straight to each copy's subgraphs, every promise counted by the frame that made
  // it (the first outside Node's internals, mapped to the sources); printed: the frames where the
  // enforced copy makes more than the other, with how many more.
  const bySite = async (send: () => Promise<Answer>) => {
    const counts = new Map<string, number>();
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 12;
    const hook = createHook({
      init: (_id, type) => {
        if (type !== "PROMISE") return;
        const frame = (new Error().stack ?? "").split("\n").slice(1).find((line) => !line.includes("node:internal") && !line.includes("<anonymous>") && !line.includes("alloc.ts")) ?? "(no frame)";
        const site = frame.trim().replace(/^at /, "").replace(/\(?file:\/\/|\(/, "(").replace(/[^ (]*node_modules\/(\.pnpm\/[^/]+\/node_modules\/)?/, "");
        counts.set(site, (counts.get(site) ?? 0) + 1);
      },
    }).enable();
    operation.check(await send());
    hook.disable();
    Error.stackTraceLimit = limit;
    return counts;
  };
  const withPolicy = await bySite(paths["direct, policy on  "]!);
  const without = await bySite(paths["direct, policy off "]!);
  const extra = [...new Set([...withPolicy.keys(), ...without.keys()])]
    .map((site) => [site, (withPolicy.get(site) ?? 0) - (without.get(site) ?? 0)] as const)
    .filter(([, more]) => more !== 0)
    .sort((a, b) => b[1] - a[1]);
  process.stdout.write(`${operation.name}, straight to the subgraphs: promises made where the policy makes more (or fewer) than without it\n`);
  for (const [site, more] of extra.filter(([, more]) => Math.abs(more) >= 5)) process.stdout.write(`${String(more).padStart(6)}  ${site}\n`);
}
await stop();
