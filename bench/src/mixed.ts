import { runLoad } from "./runLoad.ts";
import { startBothCopies } from "./startBothCopies.ts";

// `pnpm --filter @grondslag/bench mixed <therapist|employer|patient> [rounds] [concurrency]`: a
// diagnostic, not the benchmark. Both copies of the graph (with and without enforcement) are
// loaded at the same moments, `concurrency` requests each, for 5 s a round, so the machine's
// drift hits both alike and the ratio moves by a few hundredths between runs where `pnpm bench`'s
// rounds move by tenths. Each copy has half the requests in flight of the benchmark's rounds, so
// a round trip the policy adds weighs more here; raise `concurrency` to see what is CPU.
const [which = "therapist", roundsArgument = "4", concurrencyArgument = "2"] = process.argv.slice(2).filter((argument) => !argument.startsWith("--"));
const rounds = Number(roundsArgument);
const concurrency = Number(concurrencyArgument);
if (!Number.isInteger(rounds) || rounds < 1 || !Number.isInteger(concurrency) || concurrency < 1) throw new Error("usage: mixed <therapist|employer|patient> [rounds ≥ 1] [concurrency ≥ 1]");

const { operation, send: senders, stop } = await startBothCopies(which);
const send = senders.gateway;
for (const variant of ["on", "off"] as const) await runLoad(send[variant], 4, 2, operation.check);

const ratios: string[] = [];
const total = { on: 0, off: 0 };
for (let round = 0; round < rounds; round += 1) {
  const [withPolicy, without] = await Promise.all([runLoad(send.on, concurrency, 5, operation.check), runLoad(send.off, concurrency, 5, operation.check)]);
  ratios.push((withPolicy.perSecond / without.perSecond).toFixed(3));
  total.on += withPolicy.requests;
  total.off += without.requests;
}
process.stdout.write(`${operation.name}, mixed load (${concurrency} + ${concurrency} in flight): policy on/off ${(total.on / total.off).toFixed(3)} (rounds ${ratios.join(" ")})\n`);
await stop();
