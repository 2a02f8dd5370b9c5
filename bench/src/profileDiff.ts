import { writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import { mappedToSources, placeOf } from "./mappedToSources.ts";
import { runLoad } from "./runLoad.ts";
import { startBothCopies } from "./startBothCopies.ts";

// `pnpm --filter @grondslag/bench profile:diff <therapist|employer|patient> [windows] [--direct] [--functions]`:
// a diagnostic. One CPU profile of both copies of the graph, loaded in turn in short windows
// (on, off; then off, on; concurrency 4, 0.75 s each), its samples split by window. Printed per
// request: the main thread's time with the policy and without, and where they differ (by area,
// or with `--functions` by function). Two profiles taken one after the other disagree by more
// than the policy costs on this box (its speed drifts by a third within seconds); windows of a
// second, alternated, share the drift. Frames are mapped back to the sources, so the two
// bundles' copies of a function are one row. Times are inflated by the profiler (about twice):
// read the differences against each other, not as milliseconds of production time.
// The profile itself is written to /tmp/profile-diff.cpuprofile, with the windows beside it.

const [which = "therapist", windowsArgument = "20"] = process.argv.slice(2).filter((argument) => !argument.startsWith("--"));
const direct = process.argv.includes("--direct");
const byFunction = process.argv.includes("--functions");
const windowCount = Number(windowsArgument);
if (!Number.isInteger(windowCount) || windowCount < 2) throw new Error("usage: profile:diff <therapist|employer|patient> [windows ≥ 2] [--direct] [--functions]");

const { operation, send, stop } = await startBothCopies(which);
type Variant = "on" | "off";
const sends = direct ? send.direct : send.gateway;
for (const send of Object.values(sends)) await runLoad(send, 4, 3, operation.check);

// The profiler's timestamps and hrtime share the monotonic clock (microseconds).
const micros = () => Number(process.hrtime.bigint() / 1000n);
const session = new Session();
session.connect();
await session.post("Profiler.enable");
await session.post("Profiler.start");
const windows: { variant: Variant; start: number; end: number; requests: number }[] = [];
for (let index = 0; index < windowCount; index += 1) {
  for (const variant of index % 2 === 0 ? (["on", "off"] as const) : (["off", "on"] as const)) {
    const start = micros();
    const { requests } = await runLoad(sends[variant], 4, 0.75, operation.check);
    windows.push({ variant, start, end: micros(), requests });
  }
}
const { profile } = await session.post("Profiler.stop");
await stop();
mappedToSources(profile);
writeFileSync("/tmp/profile-diff.cpuprofile", JSON.stringify(profile));
writeFileSync("/tmp/profile-diff.windows.json", JSON.stringify(windows));

/** Where a frame's time is counted: its function (with place), or the package or part of the repository it runs in. */
function rowOf(frame: { functionName: string; url: string; lineNumber: number }): string {
  const { url } = frame;
  const place = placeOf(url);
  if (byFunction) return `${frame.functionName || "(anonymous)"} ${place}${url ? `:${frame.lineNumber + 1}` : ""}`;
  if (!url) return frame.functionName || "(native)";
  if (url.startsWith("node:")) return "node:";
  const parts = place.split("/");
  return parts[0]!.startsWith("@") ? `${parts[0]}/${parts[1]}` : url.startsWith("file://") && !url.includes("node_modules") ? `${parts[0]}/${parts[1]}` : parts[0]!;
}

const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
const spent: Record<Variant, Map<string, number>> = { on: new Map(), off: new Map() };
const requests: Record<Variant, number> = { on: 0, off: 0 };
for (const window of windows) requests[window.variant] += window.requests;
let time = profile.startTime;
let at = 0;
const samples = profile.samples ?? [];
const deltas = profile.timeDeltas ?? [];
for (let index = 0; index < samples.length; index += 1) {
  time += deltas[index] ?? 0;
  while (at < windows.length && time > windows[at]!.end) at += 1;
  const window = windows[at];
  if (!window || time < window.start) continue;
  // A sample's time: until the next sample.
  const row = rowOf(nodes.get(samples[index]!)!.callFrame);
  spent[window.variant].set(row, (spent[window.variant].get(row) ?? 0) + (deltas[index + 1] ?? 0));
}
const perRequest = (variant: Variant, row: string) => (spent[variant].get(row) ?? 0) / 1000 / requests[variant];
const total = (variant: Variant) => [...spent[variant].values()].reduce((sum, value) => sum + value, 0) / 1000 / requests[variant];
process.stdout.write(
  `${operation.name}${direct ? ", subgraphs straight" : ", through the gateway"}: ${requests.on} requests with the policy, ${requests.off} without, in ${windowCount} pairs of windows\n` +
    `main thread per request (profiled): ${total("on").toFixed(2)} ms with the policy, ${total("off").toFixed(2)} ms without\n` +
    `${"more".padStart(8)} ${"on".padStart(8)} ${"off".padStart(8)}  ms per request, where\n`,
);
const rows = [...new Set([...spent.on.keys(), ...spent.off.keys()])]
  .map((row) => ({ row, on: perRequest("on", row), off: perRequest("off", row) }))
  .sort((a, b) => Math.abs(b.on - b.off) - Math.abs(a.on - a.off))
  .slice(0, byFunction ? 40 : 20);
for (const { row, on: withPolicy, off: without } of rows) {
  process.stdout.write(`${(withPolicy - without).toFixed(3).padStart(8)} ${withPolicy.toFixed(3).padStart(8)} ${without.toFixed(3).padStart(8)}  ${row}\n`);
}
process.exit(0);
