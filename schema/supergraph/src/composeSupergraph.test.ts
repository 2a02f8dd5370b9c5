import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parse, print } from "graphql";
import { describe, expect, it } from "vitest";
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
