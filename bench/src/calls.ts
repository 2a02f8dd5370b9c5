import { readFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import { fileURLToPath } from "node:url";
import { mappedToSources, placeOf } from "./mappedToSources.ts";
import { startBothCopies } from "./startBothCopies.ts";

// `pnpm --filter @grondslag/bench calls <therapist|employer|patient> [requests] [--direct]`: a
// diagnostic, not the benchmark. How many JavaScript function calls one request makes, with the
// policy and without, and in which functions they differ. Like `alloc`'s counts, and unlike any
// timing on this box, they do not drift: a change to the policy's hot path shows here as fewer
// calls before a noisy timing could show it. Counted by V8's precise coverage (invocation counts),
// requests sent one at a time, each copy's window on its own; frames in the production bundles are
// mapped back to the sources, so both copies' versions of a function are one row. A call V8 inlines
// may not be counted by every tier: read the counts as work done, not as time.

const [which = "therapist", requestsArgument = "5"] = process.argv.slice(2).filter((argument) => !argument.startsWith("--"));
const requests = Number(requestsArgument);
if (!Number.isInteger(requests) || requests < 1) throw new Error("usage: calls <therapist|employer|patient> [requests ≥ 1] [--direct]");
const direct = process.argv.includes("--direct");

const { operation, send, stop } = await startBothCopies(which);
const sends = direct ? send.direct : send.gateway;
// Warm: each copy's code compiled and its caches (parsed documents, plans, prepared statements) filled.
for (const variant of ["on", "off"] as const) for (let warm = 0; warm < 5; warm += 1) operation.check(await sends[variant]());

interface CoverageFunction {
  functionName: string;
  ranges: { startOffset: number; count: number }[];
}
interface ScriptCoverage {
  url: string;
  functions: CoverageFunction[];
}

const session = new Session();
session.connect();
await session.post("Profiler.enable");
await session.post("Profiler.startPreciseCoverage", { callCount: true, detailed: false });

/** Calls per request by function (its name and place in the sources), over `requests` requests of one copy. */
async function countCalls(variant: "on" | "off"): Promise<Map<string, number>> {
  // Taking the coverage resets its counters: what the next take reports is this window's alone.
  await session.post("Profiler.takePreciseCoverage");
  // Taking it stops the process for seconds, past the servers' keep-alive (5 s): a pooled
  // connection the server is closing just then fails the next request. Both copies' requests open
  // fresh ones instead, after every idle connection is gone.
  await new Promise((resolve) => setTimeout(resolve, 6_000));
  for (let sent = 0; sent < requests; sent += 1) operation.check(await sends[variant]());
  const { result } = (await session.post("Profiler.takePreciseCoverage")) as { result: ScriptCoverage[] };
  const counts = new Map<string, number>();
  for (const script of result) {
    const place = placeIn(script.url);
    for (const fn of script.functions) {
      const range = fn.ranges[0];
      if (!range || range.count === 0) continue;
      const row = `${fn.functionName || "(anonymous)"} ${place(range.startOffset)}`;
      counts.set(row, (counts.get(row) ?? 0) + range.count / requests);
    }
  }
  return counts;
}

const lineStarts = new Map<string, number[]>();
/** Where an offset of a script is, as `profile:diff` names it: the bundles' frames mapped to the sources, a package by its path. */
function placeIn(url: string): (offset: number) => string {
  if (!url.startsWith("file://")) return () => url;
  let starts = lineStarts.get(url);
  if (!starts) {
    starts = [0];
    const text = readFileSync(fileURLToPath(url), "utf8");
    for (let index = text.indexOf("\n"); index !== -1; index = text.indexOf("\n", index + 1)) starts.push(index + 1);
    lineStarts.set(url, starts);
  }
  const known = starts;
  return (offset) => {
    let low = 0;
    let high = known.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (known[middle]! <= offset) low = middle;
      else high = middle - 1;
    }
    const { callFrame } = mappedToSources({ callFrame: { url, lineNumber: low, columnNumber: offset - known[low]! } });
    return `${placeOf(callFrame.url)}:${callFrame.lineNumber + 1}`;
  };
}

const counted = { on: await countCalls("on"), off: await countCalls("off") };
await session.post("Profiler.stopPreciseCoverage");
await stop();

const total = (counts: Map<string, number>) => [...counts.values()].reduce((sum, count) => sum + count, 0);
const policy = (counts: Map<string, number>) => [...counts].filter(([row]) => row.includes(" schema/policy/")).reduce((sum, [, count]) => sum + count, 0);
process.stdout.write(
  `${operation.name}${direct ? ", subgraphs straight" : ", through the gateway"}, ${requests} requests each: JavaScript calls per request\n` +
    `  with the policy ${Math.round(total(counted.on))} (of which in schema/policy ${Math.round(policy(counted.on))}), without ${Math.round(total(counted.off))}\n` +
    `${"more".padStart(8)} ${"on".padStart(8)} ${"off".padStart(8)}  function\n`,
);
const rows = [...new Set([...counted.on.keys(), ...counted.off.keys()])]
  .map((row) => ({ row, on: counted.on.get(row) ?? 0, off: counted.off.get(row) ?? 0 }))
  .sort((a, b) => Math.abs(b.on - b.off) - Math.abs(a.on - a.off))
  .slice(0, 40);
for (const { row, on, off } of rows) process.stdout.write(`${Math.round(on - off).toString().padStart(8)} ${Math.round(on).toString().padStart(8)} ${Math.round(off).toString().padStart(8)}  ${row}\n`);
process.exit(0);
