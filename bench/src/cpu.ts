import type { Answer } from "./operations.ts";
import { postgresCpu } from "./procCpu.ts";
import { median } from "./runLoad.ts";
import { startBothCopies } from "./startBothCopies.ts";

// `pnpm --filter @grondslag/bench cpu <therapist|employer|patient> [requests]`: a diagnostic, not the
// benchmark. One request at a time, the four paths in turn (gateway and subgraphs straight, each
// with the policy and without; the order reversed every other round), and for each request the
// CPU this process spent on it and the CPU every postgres process on the box spent meanwhile.
// Printed: the median per path (the process's CPU, which drifts less than throughput on a shared
// box) and the mean of postgres's (counted in 10-ms ticks: only a mean over many requests
// means anything). What it cannot show: the cost of requests overlapping under load (the
// benchmark's concurrency 4), such as garbage kept alive across another request's work.
const [which = "employer", requestsArgument = "100"] = process.argv.slice(2).filter((argument) => !argument.startsWith("--"));
const requests = Number(requestsArgument);
if (!Number.isInteger(requests) || requests < 1) throw new Error("usage: cpu <therapist|employer|patient> [requests ≥ 1]");
const { operation, send, stop } = await startBothCopies(which);
const paths: Record<string, () => Promise<Answer>> = {
  "gateway on ": send.gateway.on,
  "gateway off": send.gateway.off,
  "direct on  ": send.direct.on,
  "direct off ": send.direct.off,
};
const pgTotals = new Map<string, number>(Object.keys(paths).map((path) => [path, 0]));
const samples = new Map<string, number[]>(Object.keys(paths).map((path) => [path, []]));
for (let round = -10; round < requests; round += 1) {
  for (const [path, send] of round % 2 === 0 ? Object.entries(paths) : Object.entries(paths).reverse()) {
    const pgBefore = postgresCpu();
    const before = process.cpuUsage();
    operation.check(await send());
    const used = process.cpuUsage(before);
    const pg = postgresCpu() - pgBefore;
    if (round >= 0) {
      samples.get(path)!.push((used.user + used.system) / 1000);
      pgTotals.set(path, pgTotals.get(path)! + pg);
    }
  }
}
const m: Record<string, number> = Object.fromEntries([...samples].map(([path, values]) => [path, median(values)]));
for (const [path, value] of Object.entries(m)) process.stdout.write(`${operation.name} ${path}: ${value.toFixed(2)} ms CPU/request (median of ${requests}); postgres ${(pgTotals.get(path)! / requests).toFixed(2)} ms/request (mean)\n`);
process.stdout.write(`CPU off/on gateway ${(m["gateway off"]! / m["gateway on "]!).toFixed(3)}, direct ${(m["direct off "]! / m["direct on  "]!).toFixed(3)}\n`);
await stop();
