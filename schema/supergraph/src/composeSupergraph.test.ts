import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildSchema, Kind, parse, print } from "graphql";
import { describe, expect, it } from "vitest";
import { partnerPackages } from "@grondslag/partners";
import { checkPartnerGrants } from "./checkPartnerGrants.ts";
import { composeSupergraph, isSupergraphCurrent, loadSubgraphSources, loadSupergraphSdl, supergraphPath } from "./composeSupergraph.ts";

describe("the committed supergraph", () => {
  it("is what composing the five subgraphs gives now", () => {
    expect(isSupergraphCurrent(loadSupergraphSdl())).toBe(true);
  });

  it("is reported stale once a subgraph's SDL changes", () => {
    const sources = loadSubgraphSources().map((source) =>
      source.name === "identity"
        ? { ...source, typeDefs: parse(`${print(source.typeDefs)}\nextend type Organisation { website: String }`) }
        : source,
    );
    expect(composeSupergraph(sources)).toContain("website: String");
    expect(isSupergraphCurrent(loadSupergraphSdl(), sources)).toBe(false);
  });

  it("describes each shared entity once, as the subgraph that owns it does", () => {
    // Found probing as a frontend team: the API described Person as therapy sees it ("only the care they receive").
    const api = buildSchema(loadSupergraphSdl(), { assumeValidSDL: true });
    expect(api.getType("Person")?.description).toMatch(/^A person known to the platform/);
    const describing = loadSubgraphSources().filter((source) =>
      source.typeDefs.definitions.some((definition) => definition.kind === Kind.OBJECT_TYPE_DEFINITION && definition.name.value === "Person" && definition.description),
    );
    expect(describing.map((source) => source.name)).toEqual(["identity"]);
  });

  it("names all five subgraphs", () => {
    const sdl = loadSupergraphSdl();
    for (const name of ["IDENTITY", "THERAPY", "MOBILITY", "BILLING", "CONSENT"]) {
      expect(sdl).toMatch(new RegExp(`${name} @join__graph\\(name: "${name.toLowerCase()}"`));
    }
  });
});

describe("pnpm check:supergraph", () => {
  const cli = (file: string) =>
    spawnSync(process.execPath, ["--import", "tsx", fileURLToPath(new URL("./cli.ts", import.meta.url)), "check", file], {
      encoding: "utf8",
      cwd: fileURLToPath(new URL("..", import.meta.url)),
    });

  it("passes on the committed file and fails on a stale copy of it", () => {
    const dir = mkdtempSync(join(tmpdir(), "supergraph-"));
    const stale = join(dir, "supergraph.graphql");
    const committed = loadSupergraphSdl();
    const withoutAField = committed.replace(/\n\s+givenName:[^\n]*/, "");
    expect(withoutAField).not.toBe(committed);
    writeFileSync(stale, withoutAField);

    expect(cli(supergraphPath).status).toBe(0);
    const failed = cli(stale);
    expect(failed.status).toBe(1);
    expect(failed.stderr).toContain("is stale");
  }, 60_000);
});

describe("partner grants against the partners' declarations", () => {
  const withIdentity = (edit: (sdl: string) => string) =>
    composeSupergraph(
      loadSubgraphSources().map((source) => (source.name === "identity" ? { ...source, typeDefs: parse(edit(print(source.typeDefs))) } : source)),
    );

  it("agree in the committed graph", () => {
    expect(checkPartnerGrants(loadSupergraphSdl())).toEqual([]);
  });

  it("fail on a stray grant no declaration uses, naming the field", () => {
    // As a new user tried: granting partner:mollie the phone number, which no Mollie operation selects.
    const stray = withIdentity((sdl) => sdl.replace(/(\n\s+phone: String [^\n]*@access\(read: \[\["self"\])/, '$1, ["partner:mollie"]'));
    expect(stray).toMatch(/phone: String[\s\S]{0,400}partner:mollie/);
    const problems = checkPartnerGrants(stray);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^Person\.phone grants partner:mollie, but no declared mollie operation selects it/);
  });

  it("fail on a declared field the schema does not grant, naming the field", () => {
    const ungranted = withIdentity((sdl) => sdl.replace(/(mailRecipient: String [^\n]*@access\(read: \[\["self"\]), \["partner:twilio"\]/, "$1"));
    const problems = checkPartnerGrants(ungranted);
    expect(problems).toEqual([expect.stringMatching(/^Person\.mailRecipient is selected by a declared twilio operation, but its read policy does not grant partner:twilio/)]);
  });

  it("fail on a declaration that names another basis than the consent the field it selects is held on", () => {
    const declaration = { partner: "acme-care", legalRole: "processor", purpose: "reminders", basis: "CONTRACT", fieldSet: `query AcmeCare($personId: ID!) { person(id: $personId) { carePrograms { title } } }` } as const;
    const problems = checkPartnerGrants(loadSupergraphSdl(), [...partnerPackages, { partner: "acme-care", declarations: [declaration] }]);
    expect(problems).toContainEqual(expect.stringMatching(/^ExerciseProgram\.title is held on EXPLICIT_CONSENT \(health-data\), but the acme-care operation AcmeCare that selects it declares CONTRACT/));
    // Twilio's fields are held on the contract it declares: nothing of the kind in the committed graph.
    expect(checkPartnerGrants(loadSupergraphSdl()).filter((problem) => problem.includes(" is held on "))).toEqual([]);
  });

  it("fail on a declaration of a throwaway partner whose grant is missing", () => {
    const declaration = { partner: "acme-post", legalRole: "processor", purpose: "mailing", basis: "CONTRACT", fieldSet: `query AcmePost($personId: ID!) { person(id: $personId) { address { city } } }` } as const;
    const problems = checkPartnerGrants(loadSupergraphSdl(), [...partnerPackages, { partner: "acme-post", declarations: [declaration] }]);
    expect(problems).toEqual(
      ["Person.address", "PostalAddress.city", "Query.person"].map((field) => expect.stringMatching(new RegExp(`^${field.replace(".", "\\.")} is selected by a declared acme-post operation`))),
    );
  });
});
