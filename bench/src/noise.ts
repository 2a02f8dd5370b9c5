import { median, runLoad } from "./runLoad.ts";
import { startBothCopies } from "./startBothCopies.ts";

// `pnpm --filter @grondslag/bench noise <therapist|employer|patient> [rounds] [seconds] [concurrency] [--same] [--settle=<seconds>]`:
// a diagnostic, not the benchmark. How far one round of `pnpm bench` moves by chance. Rounds as
// the benchmark's (the copy without enforcement and the one with, back to back, the order swapped
// every round, each run from a collected heap), through the gateway, printing each round's rate
// ratio beside each run's CPU per request (this process: the graph, its collector's threads and
// the load). With `--same` both runs of a round are the enforced copy (an A/A test): whatever its
// ratios show is the measure's own noise, since nothing differs.
const [which = "employer", roundsArgument = "16", secondsArgument = "1.5", concurrencyArgument = "4"] = process.argv.slice(2).filter((argument) => !argument.startsWith("--"));
const [rounds, seconds, concurrency] = [Number(roundsArgument), Number(secondsArgument), Number(concurrencyArgument)];
if (!Number.isInteger(rounds) || rounds < 2 || !(seconds > 0) || !Number.isInteger(concurrency) || concurrency < 1) {
  throw new Error("usage: noise <therapist|employer|patient> [rounds ≥ 2] [seconds > 0] [concurrency ≥ 1] [--same]");
}
const same = process.argv.includes("--same");
// `--settle=<seconds>`: each run's first seconds are load, not measured (./runLoad.ts; `pnpm bench` does not settle its runs).
const settleArgument = process.argv.find((argument) => argument.startsWith("--settle="));
const settle = settleArgument ? Number(settleArgument.slice("--settle=".length)) : 0;
if (!(settle >= 0)) throw new Error("usage: --settle=<seconds ≥ 0>");

const { operation, send, stop } = await startBothCopies(which);
const senders = { on: send.gateway.on, off: same ? send.gateway.on : send.gateway.off };
for (const variant of ["on", "off"] as const) await runLoad(senders[variant], concurrency, 1, operation.check);

const ratios: number[] = [];
const cpuRatios: number[] = [];
for (let round = 0; round < rounds; round += 1) {
  const runs: Partial<Record<"on" | "off", { rate: number; cpu: number }>> = {};
  for (const variant of round % 2 === 0 ? (["off", "on"] as const) : (["on", "off"] as const)) {
    // CPU from about when the measure begins (the collection that starts the run and the settling go uncounted; the requests in flight then straddle it).
    let before = process.cpuUsage();
    const measuring = settle > 0 ? setTimeout(() => (before = process.cpuUsage()), settle * 1000) : undefined;
    const result = await runLoad(senders[variant], concurrency, seconds, operation.check, settle);
    clearTimeout(measuring);
    const used = process.cpuUsage(before);
    runs[variant] = { rate: result.perSecond, cpu: (used.user + used.system) / 1000 / result.requests };
  }
  const { on, off } = runs as Record<"on" | "off", { rate: number; cpu: number }>;
  ratios.push(on.rate / off.rate);
  cpuRatios.push(off.cpu / on.cpu);
  process.stdout.write(
    `round ${String(round).padStart(2)}: ${on.rate.toFixed(1)} / ${off.rate.toFixed(1)} req/s = ${(on.rate / off.rate).toFixed(3)}; CPU ${on.cpu.toFixed(1)} / ${off.cpu.toFixed(1)} ms a request = ${(off.cpu / on.cpu).toFixed(3)}\n`,
  );
}
const logs = ratios.map(Math.log);
const mean = logs.reduce((sum, value) => sum + value, 0) / logs.length;
const spread = Math.sqrt(logs.reduce((sum, value) => sum + (value - mean) ** 2, 0) / (logs.length - 1));
process.stdout.write(
  `${operation.name}${same ? ", the enforced copy against itself (A/A)" : ""}: median round ${median(ratios).toFixed(3)}, median CPU ratio ${median(cpuRatios).toFixed(3)}; ` +
    `one round's ratio moves by ${(100 * spread).toFixed(1)} % (standard deviation), so a median of 8 by about ${(100 * 1.25 * spread / Math.sqrt(8)).toFixed(1)} %\n`,
);
await stop();
