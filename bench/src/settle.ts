import { median, medianInterval, runLoad, type LoadResult } from "./runLoad.ts";
import { startBothCopies } from "./startBothCopies.ts";

// `pnpm --filter @grondslag/bench settle <therapist|employer|patient> [rounds] [settle seconds] [measured seconds]`:
// a diagnostic, not the benchmark. Does letting each run settle after its collection change the
// on/off ratio, measured in rounds shaped as `pnpm bench` shapes them (policy off, on, direct;
// then direct, on, off)? Each round runs twice, once as the benchmark measures (each run from its
// full collection) and once settled (the same, then `settle` seconds of load unmeasured): the two
// protocols alternate in pairs of rounds, so that over every four rounds each protocol runs first
// as often as second, in either order of the paths, and both see the box's drift alike.
// docs/performance.md, "The collection before every run", says why: the collection drops
// optimised code, and the climb back is a cost a graph that serves does not pay.
const [which = "employer", roundsArgument = "8", settleArgument = "0.5", secondsArgument = "1.5"] = process.argv.slice(2);
const [rounds, settle, seconds] = [Number(roundsArgument), Number(settleArgument), Number(secondsArgument)];
if (!Number.isInteger(rounds) || rounds < 4 || rounds % 4 !== 0 || !(settle > 0) || !(seconds > 0)) {
  throw new Error("usage: settle <therapist|employer|patient> [rounds: a multiple of 4] [settle seconds > 0] [measured seconds > 0]");
}

type Path = "on" | "off" | "direct";
type Protocol = "from the collection" | "settled";
const { operation, send, stop } = await startBothCopies(which);
const senders: Record<Path, typeof send.gateway.on> = { on: send.gateway.on, off: send.gateway.off, direct: send.direct.on };
for (const path of ["on", "off", "direct"] as const) await runLoad(senders[path], 4, 1, operation.check);

const results: Record<Protocol, Record<Path, LoadResult[]>> = {
  "from the collection": { on: [], off: [], direct: [] },
  settled: { on: [], off: [], direct: [] },
};
for (let round = 0; round < rounds; round += 1) {
  const protocols: Protocol[] = Math.floor(round / 2) % 2 === 0 ? ["from the collection", "settled"] : ["settled", "from the collection"];
  for (const protocol of protocols) {
    for (const path of round % 2 === 0 ? (["off", "on", "direct"] as const) : (["direct", "on", "off"] as const)) {
      results[protocol][path].push(await runLoad(senders[path], 4, seconds, operation.check, protocol === "settled" ? settle : 0));
    }
  }
}
for (const protocol of ["from the collection", "settled"] as const) {
  const { on, off, direct } = results[protocol];
  const ratios = on.map((result, round) => result.perSecond / off[round]!.perSecond);
  const mean = (runs: LoadResult[]) => (runs.reduce((sum, result) => sum + result.perSecond, 0) / runs.length).toFixed(1);
  const label = protocol === "settled" ? `settled ${settle} s` : protocol;
  const { low, high, coverage } = medianInterval(ratios);
  process.stdout.write(
    `${operation.name}, ${label}: policy on/off ${median(ratios).toFixed(3)} (${Math.round(coverage * 100)} % interval ${low.toFixed(2)}–${high.toFixed(2)}; rounds ${ratios.map((ratio) => ratio.toFixed(2)).join(" ")}); req/s on ${mean(on)}, off ${mean(off)}, direct ${mean(direct)}\n`,
  );
}
await stop();
