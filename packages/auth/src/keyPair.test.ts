import { mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { loadOrCreateKeyPair } from "./keyPair.ts";

const directories: string[] = [];
afterEach(() => {
  for (const directory of directories.splice(0)) rmSync(directory, { recursive: true, force: true });
});

describe("loadOrCreateKeyPair", () => {
  it("gives callers starting at the same moment one key, never a half-written file", async () => {
    const directory = mkdtempSync(join(tmpdir(), "grondslag-keys-"));
    directories.push(directory);
    const file = join(directory, "keys", "gateway.jwk.json");
    // Each call checks for the file, then awaits the key's generation: all eight find none and race to create it.
    const pairs = await Promise.all(Array.from({ length: 8 }, () => loadOrCreateKeyPair(file)));
    expect(new Set(pairs.map((pair) => pair.kid)).size).toBe(1);
    expect((await loadOrCreateKeyPair(file)).kid).toBe(pairs[0]!.kid);
    // Only the key is left, readable by its owner alone.
    expect(readdirSync(join(directory, "keys"))).toEqual(["gateway.jwk.json"]);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });
});
