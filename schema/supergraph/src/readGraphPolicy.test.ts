import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { readFieldPolicies, readGraphPolicy } from "@grondslag/policy";
import { parse, print } from "graphql";
import { describe, expect, it } from "vitest";
import { loadPartnerFields } from "./checkPartnerGrants.ts";
import { composeSupergraph, loadSubgraphSources, loadSupergraphSdl } from "./composeSupergraph.ts";

describe("every field of every subgraph declares its policy", () => {
  it.each(loadSubgraphSources().map((source) => [source.name, source] as const))("%s has no field without a declaration", (_, source) => {
    expect(readFieldPolicies(source.typeDefs).problems).toEqual([]);
  });

  it("a field added without a declaration fails the check, in the subgraph and in the composed graph", () => {
    const sources = loadSubgraphSources().map((source) =>
      source.name === "identity" ? { ...source, typeDefs: parse(`${print(source.typeDefs)}\nextend type Organisation { website: String }`) } : source,
    );
    const identity = sources.find((source) => source.name === "identity")!;
    expect(readFieldPolicies(identity.typeDefs).problems).toEqual(["Organisation.website declares no data category: add @personal(...) or @notPersonal"]);
    expect(() => readGraphPolicy(composeSupergraph(sources))).toThrow(/Organisation\.website declares no data category/);
  });
});

describe("the policy as data", () => {
  const policy = readGraphPolicy(loadSupergraphSdl());

  it("has one entry per field of every subgraph, read from the composed supergraph", () => {
    const declared = new Set(loadSubgraphSources().flatMap((source) => readFieldPolicies(source.typeDefs).policies.map((field) => field.coordinate)));
    expect(new Set(policy.map((entry) => entry.coordinate))).toEqual(declared);
  });

  it("names the subgraph, category, basis, controller, retention and the read and write policies", () => {
    expect(policy.find((entry) => entry.coordinate === "Person.email")).toEqual({
      coordinate: "Person.email",
      subgraph: "identity",
      subgraphs: ["identity"],
      personal: true,
      category: "CONTACT",
      basis: "CONTRACT",
      controller: "PLATFORM",
      purpose: null,
      retention: { keep: "P67D", from: "ACCOUNT_CLOSED" },
      read: [["self"], ["therapist-of"], ["support-case"]],
      readPolicy: "self | therapist-of | support-case",
      write: [["self"], ["rectification-request"]],
      writePolicy: "self | rectification-request",
      writes: null,
      partners: [],
    });
    expect(policy.find((entry) => entry.coordinate === "Person.id")?.subgraphs.sort()).toEqual(["billing", "consent", "identity", "mobility", "therapy"]);
    expect(policy.find((entry) => entry.coordinate === "ExerciseProgram.title")).toMatchObject({ basis: "EXPLICIT_CONSENT", controller: "CARE_PRACTICE", purpose: "health-data" });
  });

  it("names the declared partner purposes that receive a field", () => {
    const withPartners = readGraphPolicy(loadSupergraphSdl(), loadPartnerFields(loadSupergraphSdl()));
    const twilio = { partner: "twilio", purpose: "second-factor-login", legalRole: "processor", basis: "CONTRACT" };
    expect(withPartners.find((entry) => entry.coordinate === "Person.smsRecipient")?.partners).toEqual([{ ...twilio, operation: "TwilioSmsRecipient" }]);
    expect(withPartners.find((entry) => entry.coordinate === "Query.person")?.partners).toEqual([
      { ...twilio, operation: "SendGridMailRecipient" },
      { ...twilio, operation: "TwilioSmsRecipient" },
    ]);
    expect(withPartners.find((entry) => entry.coordinate === "Person.phone")?.partners).toEqual([]);
  });

  it("is what `pnpm --silent policy:json` prints", () => {
    const printed = spawnSync(process.execPath, ["--import", "tsx", "src/printPolicy.ts"], {
      cwd: fileURLToPath(new URL("..", import.meta.url)),
      encoding: "utf8",
    });
    expect(printed.status).toBe(0);
    expect(JSON.parse(printed.stdout)).toEqual(readGraphPolicy(loadSupergraphSdl(), loadPartnerFields(loadSupergraphSdl())));
  }, 60_000);
});
