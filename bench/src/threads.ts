import { readdirSync } from "node:fs";
import { cpuOfStat, postgresCpu } from "./procCpu.ts";
import { runLoad } from "./runLoad.ts";
import { startBothCopies } from "./startBothCopies.ts";

// `pnpm --filter @grondslag/bench threads <therapist|employer|patient> [rounds] [seconds]`: a
// diagnostic, not the benchmark. Where a request's time goes across the box's threads, with the
// policy and without: rounds as the benchmark's (the two copies through the gateway, back to
// back, the order swapped every round, each run from a collected heap), and for each run the CPU
// of this process's main thread (the graph's JavaScript and the collector's share of it), of its
// other threads (V8's workers: the collector's parallel and concurrent work, background
// compilation; libuv's), and of every postgres process on the box, per request; and how much of
// the wall clock the main thread ran. On two cores shared with postgres, a main thread with work
// always waiting (event-loop utilisation about 1) still runs only part of the time: what the
// workers and postgres take, it waits for. So throughput follows the main thread's CPU per
// request divided by that share. Read from /proc in 10-ms ticks: only sums over seconds mean
// anything, which is what it prints. Run it with `NODE_OPTIONS=--v8-pool-size=…` to change
// how many workers V8 starts (4 by default; 0: the cores less one).
const [which = "therapist", roundsArgument = "6", secondsArgument = "3"] = process.argv.slice(2).filter((argument) => !argument.startsWith("--"));
const [rounds, seconds] = [Number(roundsArgument), Number(secondsArgument)];
if (!Number.isInteger(rounds) || rounds < 2 || !(seconds > 0)) throw new Error("usage: threads <therapist|employer|patient> [rounds ≥ 2] [seconds > 0]");

interface Sample {
  main: number;
  workers: number;
  postgres: number;
}

function sample(): Sample {
  let main = 0;
  let workers = 0;
  for (const thread of readdirSync("/proc/self/task")) {
    const used = cpuOfStat(`/proc/self/task/${thread}/stat`);
    if (Number(thread) === process.pid) main += used;
    else workers += used;
  }
  return { main, workers, postgres: postgresCpu() };
}

const { operation, send, stop } = await startBothCopies(which);
const senders = { on: send.gateway.on, off: send.gateway.off };
for (const variant of ["on", "off"] as const) await runLoad(senders[variant], 4, 2, operation.check);

type Totals = { requests: number; wall: number } & Sample;
const totals: Record<"on" | "off", Totals> = {
  on: { requests: 0, wall: 0, main: 0, workers: 0, postgres: 0 },
  off: { requests: 0, wall: 0, main: 0, workers: 0, postgres: 0 },
};
const perRequest = (value: number, requests: number) => (value / requests).toFixed(1).padStart(5);
for (let round = 0; round < rounds; round += 1) {
  for (const variant of round % 2 === 0 ? (["off", "on"] as const) : (["on", "off"] as const)) {
    const before = sample();
    const started = performance.now();
    const { requests } = await runLoad(senders[variant], 4, seconds, operation.check);
    const wall = performance.now() - started;
    const after = sample();
    const used = { main: after.main - before.main, workers: after.workers - before.workers, postgres: after.postgres - before.postgres };
    const total = totals[variant];
    total.requests += requests;
    total.wall += wall;
    total.main += used.main;
    total.workers += used.workers;
    total.postgres += used.postgres;
    process.stdout.write(
      `round ${String(round).padStart(2)} ${variant.padEnd(3)}: ms a request: wall ${perRequest(wall, requests)}, main thread ${perRequest(used.main, requests)}, ` +
        `other threads ${perRequest(used.workers, requests)}, postgres ${perRequest(used.postgres, requests)}; the main thread ran ${(used.main / wall).toFixed(2)} of the time\n`,
    );
  }
}
for (const variant of ["on", "off"] as const) {
  const { requests, wall, main, workers, postgres } = totals[variant];
  process.stdout.write(
    `${operation.name}, policy ${variant.padEnd(3)}: ms a request: wall ${perRequest(wall, requests)}, main thread ${perRequest(main, requests)}, ` +
      `other threads ${perRequest(workers, requests)}, postgres ${perRequest(postgres, requests)}; the main thread ran ${(main / wall).toFixed(3)} of the time\n`,
  );
}
const { on, off } = totals;
process.stdout.write(
  `on/off, all rounds pooled: throughput ${(off.wall / off.requests / (on.wall / on.requests)).toFixed(3)}, ` +
    `main thread's CPU ${(off.main / off.requests / (on.main / on.requests)).toFixed(3)}, other threads' ${(off.workers / off.requests / (on.workers / on.requests)).toFixed(3)}\n`,
);
await stop();
