import { cpus, totalmem } from "node:os";
import type { Caller } from "@grondslag/auth";
import { buildStacks } from "./buildStacks.ts";
import { createBenchSetup } from "./createBenchSetup.ts";
import { loadBenchEnv } from "./env.ts";
import { FULL, generateDataset, QUICK } from "./generateDataset.ts";
import { employerOverview, patientHome, therapistPatients, type Answer, type Operation } from "./operations.ts";
import { createSubgraphCall, directFetches } from "./direct.ts";
import { median, medianInterval, percentile, post, runLoad, type LoadResult, type Target } from "./runLoad.ts";

// `pnpm bench` (full) or `pnpm bench --quick` (CI-sized): see docs/performance.md.
const quick = process.argv.includes("--quick");
// `--only <name part>` runs the operations whose name holds it (e.g. under --cpu-prof).
const only = process.argv.includes("--only") ? process.argv[process.argv.indexOf("--only") + 1] : undefined;
const env = loadBenchEnv();
const size = quick ? QUICK : FULL;
// Rounds rather than one long run per path: this machine's speed drifts by a third within
// seconds (docs/performance.md), so each ratio compares paths run back to back in one round, and
// the figure printed is the median round's; every round's ratio is printed beside it. An even
// number of rounds, so that each of the two orders (below) runs as often as the other. Each run is
// measured from the full collection that starts it (./runLoad.ts); letting it settle first was
// tried and not adopted (docs/performance.md, "The collection before every run").
const timing = quick ? { warmupSeconds: 1, rounds: 8, roundSeconds: 1.5, concurrency: 4 } : { warmupSeconds: 3, rounds: 8, roundSeconds: 3.5, concurrency: 4 };
const print = (line = "") => process.stdout.write(`${line}\n`);
// runLoad collects the heap before each run: without it a path pays for the garbage of the path before it.
if (typeof (globalThis as { gc?: unknown }).gc !== "function") throw new Error("Run the benchmark with node --expose-gc (as `pnpm bench` does).");
const startedAt = performance.now();

// Two copies of the graph, built as production builds it (./buildStacks.ts): as it ships, and
// with the policy's schema builder swapped for one without enforcement. Only this process can.
const { enforced, unenforced } = await buildStacks();

let statements = 0;
const { database, gatewayKey, issueToken, stackOptions } = await createBenchSetup(enforced.createDatabase, env.DATABASE_URL, () => (statements += 1));
print(`# grondslag bench (${quick ? "quick" : "full"}) on ${database.kind}; ${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`);

const on = await enforced.createStack({ ...stackOptions, seedDemoData: true });
let phase = performance.now();
const dataset = await generateDataset(database.db, size);
print(`# dataset: ${Object.entries(dataset.counts).map(([name, count]) => `${count} ${name}`).join(", ")} (${((performance.now() - phase) / 1000).toFixed(1)} s)`);
print(`# rounds: ${timing.rounds} per path, concurrency ${timing.concurrency}; each run a full collection, then ${timing.roundSeconds} s measured`);
// Vacuumed as well as analysed: autovacuum would otherwise visit the freshly written tables during the rounds.
await database.execute("VACUUM ANALYZE");
const off = await unenforced.createStack({ ...stackOptions, seedDemoData: false });
const free = { gatewayPort: 0, subgraphPorts: Object.fromEntries(on.subgraphs.map((subgraph) => [subgraph.name, 0])) };
const listening = { on: await on.listen(free), off: await off.listen(free) };
const forwarding = enforced.createForwarding(gatewayKey);

type Variant = "on" | "off" | "direct";
const tokens = new Map<string, string>();
const tokenFor = async (caller: Caller) => tokens.get(caller.subject) ?? tokens.set(caller.subject, await issueToken(caller)).get(caller.subject)!;
const targetOf = async (operation: Operation, variant: "on" | "off"): Promise<Target> => ({ url: listening[variant].gatewayUrl, token: await tokenFor(operation.caller), query: operation.query });

/** How a variant sends the operation: through either gateway, or to the enforced subgraphs directly. */
async function senderOf(operation: Operation, variant: Variant): Promise<(() => Promise<Answer>) | undefined> {
  if (variant !== "direct") {
    const target = await targetOf(operation, variant);
    return () => post(target);
  }
  const fetches = directFetches(operation, dataset);
  if (!fetches) return undefined;
  // A forwarded token per request, as the gateway signs one (they live 60 s).
  return async () => fetches(...createSubgraphCall(listening.on.subgraphUrls, await forwarding.sign(operation.caller)));
}

/** Statements the database received per request, over `repeat` requests one at a time. */
async function statementsPerRequest(operation: Operation, variant: Variant, repeat = 3): Promise<number> {
  const send = (await senderOf(operation, variant))!;
  operation.check(await send());
  const before = statements;
  for (let i = 0; i < repeat; i += 1) operation.check(await send());
  return (statements - before) / repeat;
}

const measured = [patientHome(dataset), therapistPatients(dataset, 50), employerOverview(dataset, 50)].filter((operation) => !only || operation.name.includes(only));
const rows: string[] = [];
const ratios: string[] = [];
// Why the run fails, if it does: said at the end, beside the figures.
const failures: string[] = [];

for (const operation of measured) {
  const senders = { on: (await senderOf(operation, "on"))!, off: (await senderOf(operation, "off"))!, direct: (await senderOf(operation, "direct"))! };
  const variants = Object.keys(senders) as Variant[];
  // Checked before anything is timed, on every path: the same caller must get the same data.
  for (const variant of variants) operation.check(await senders[variant]());
  const perRequest = { on: await statementsPerRequest(operation, "on"), off: await statementsPerRequest(operation, "off"), direct: await statementsPerRequest(operation, "direct") };
  for (const variant of variants) await runLoad(senders[variant], timing.concurrency, timing.warmupSeconds, operation.check);
  const results: Record<Variant, LoadResult[]> = { on: [], off: [], direct: [] };
  // Interleaved rounds. The enforced gateway runs in the middle of each round, right beside both
  // paths it is compared with, and the other two swap ends every round: drift on a shared
  // machine (its speed moves by a third within seconds) then hits both sides of each ratio
  // alike, and a steady drift cancels over a pair of rounds. With as many rounds of each order,
  // whatever the order itself does (which path ran just before; the direct path shares the
  // enforced subgraphs) weighs on both sides of a ratio alike: docs/performance.md.
  for (let round = 0; round < timing.rounds; round += 1) {
    for (const variant of round % 2 === 0 ? (["off", "on", "direct"] as const) : (["direct", "on", "off"] as const)) {
      results[variant].push(await runLoad(senders[variant], timing.concurrency, timing.roundSeconds, operation.check));
    }
  }
  const summary = (variant: Variant) => {
    const requests = results[variant].reduce((sum, result) => sum + result.requests, 0);
    const seconds = results[variant].reduce((sum, result) => sum + result.seconds, 0);
    const sorted = results[variant].flatMap((result) => result.latencies).sort((a, b) => a - b);
    // Every round's rate (`LoadResult.perSecond`), weighted by how long the round ran.
    const rps = results[variant].reduce((sum, result) => sum + result.perSecond * result.seconds, 0) / seconds;
    return { rps, counted: requests / seconds, requests, p50: percentile(sorted, 0.5), p95: percentile(sorted, 0.95), p99: percentile(sorted, 0.99) };
  };
  const label = { on: "gateway, policy on ", off: "gateway, policy off", direct: "direct, policy on  " };
  for (const variant of variants) {
    const s = summary(variant);
    rows.push(
      `${operation.name.padEnd(22)} ${label[variant]} ${s.rps.toFixed(1).padStart(7)} req/s  p50 ${s.p50.toFixed(1).padStart(7)} ms  p95 ${s.p95.toFixed(1).padStart(7)} ms  p99 ${s.p99.toFixed(1).padStart(7)} ms  ${perRequest[variant].toFixed(1).padStart(5)} statements/request  (${s.requests} requests)`,
    );
  }
  const ratio = roundRatios(results.on, results.off);
  ratios.push(`policy on/off ${operation.name}: ${ratio.median.toFixed(3)}  (${ratio.interval}; rounds ${ratio.rounds}; all rounds pooled ${(summary("on").rps / summary("off").rps).toFixed(2)}; requests over seconds, drains included, ${(summary("on").counted / summary("off").counted).toFixed(2)})`);
  const direct = roundRatios(results.on, results.direct);
  ratios.push(`gateway/direct ${operation.name}: ${direct.median.toFixed(2)}  (${direct.interval}; rounds ${direct.rounds}; all rounds pooled ${(summary("on").rps / summary("direct").rps).toFixed(2)})`);
  if (ratio.median < 0.9) failures.push(`policy on/off ${operation.name} is ${ratio.median.toFixed(3)}, under 0.90`);
  print(rows.slice(-variants.length).join("\n"));
}

print();
print("# statements per request by list size (policy on)");

/** Per round, the throughput of `a` over that of `b` (run back to back): their median, an interval that holds the rounds' true median with a stated chance (`medianInterval`), and each round's. */
function roundRatios(a: LoadResult[], b: LoadResult[]) {
  const each = a.map((result, round) => result.perSecond / b[round]!.perSecond);
  const { low, high, coverage } = medianInterval(each);
  // The interval says how far this run's median could sit from the ratio the box would settle on: a
  // median near 0.90 with an interval across it may fall on either side in the next run.
  return { median: median(each), interval: `${Math.round(coverage * 100)} % interval of the median ${low.toFixed(2)}–${high.toFixed(2)}`, rounds: each.map((value) => value.toFixed(2)).join(" ") };
}
const scaling: string[] = [];
for (const [label, build] of [["therapist patients", (n: number) => therapistPatients(dataset, n)], ["employer employees", (n: number) => employerOverview(dataset, n)]] as const) {
  const counts = [];
  for (const items of [5, 50, 500]) counts.push(await statementsPerRequest(build(items), "on", 1));
  scaling.push(`statements per request ${label} at 5/50/500 items: ${counts.join(" / ")}${new Set(counts).size === 1 ? "" : "  (NOT EQUAL)"}`);
  if (new Set(counts).size !== 1) failures.push(`statements per request ${label} differ by list size`);
}

print();
print("# results");
for (const row of rows) print(row);
for (const ratio of ratios) print(ratio);
for (const line of scaling) print(line);
for (const failure of failures) print(`# FAILED: ${failure}`);
print(`# ${((performance.now() - startedAt) / 1000).toFixed(0)} s in all`);

await Promise.all([on.stop(), off.stop()]);
await database.close();
process.exitCode = failures.length > 0 ? 1 : 0;
