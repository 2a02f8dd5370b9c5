import { buildStacks } from "./buildStacks.ts";
import { createBenchSetup } from "./createBenchSetup.ts";
import { loadBenchEnv } from "./env.ts";
import { QUICK, generateDataset } from "./generateDataset.ts";
import { employerOverview, patientHome, therapistPatients } from "./operations.ts";
import { post, runLoad } from "./runLoad.ts";

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

const env = loadBenchEnv();
const { enforced, unenforced } = await buildStacks();
const { database, issueToken, stackOptions } = await createBenchSetup(enforced.createDatabase, env.DATABASE_URL);
const on = await enforced.createStack({ ...stackOptions, seedDemoData: true });
const dataset = await generateDataset(database.db, QUICK);
await database.execute("ANALYZE");
const off = await unenforced.createStack({ ...stackOptions, seedDemoData: false });
const ports = { gatewayPort: 0, subgraphPorts: Object.fromEntries(on.subgraphs.map((subgraph) => [subgraph.name, 0])) };
const urls = { on: (await on.listen(ports)).gatewayUrl, off: (await off.listen(ports)).gatewayUrl };
const operation = which === "employer" ? employerOverview(dataset, 50) : which === "patient" ? patientHome(dataset) : therapistPatients(dataset, 50);
const token = await issueToken(operation.caller);
const send = { on: () => post({ url: urls.on, token, query: operation.query }), off: () => post({ url: urls.off, token, query: operation.query }) };
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
await Promise.all([on.stop(), off.stop()]);
await database.close();
