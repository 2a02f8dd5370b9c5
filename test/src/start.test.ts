import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { postGraphQL } from "./postGraphQL.ts";

// `pnpm start` and `pnpm token` as a newcomer runs them: embedded PGlite on disk, the
// development keys created on first start, Ctrl-C to stop, and the data kept across restarts.
const stackDir = fileURLToPath(new URL("../../stack", import.meta.url));
const dataDir = mkdtempSync(join(tmpdir(), "grondslag-start-"));
// eslint-disable-next-line no-restricted-properties -- the child is `pnpm start` itself: it inherits this environment, as from a shell.
const env = { ...process.env, DATA_DIR: dataDir, GATEWAY_PORT: "0", SUBGRAPH_PORT_BASE: "0", LOG_LEVEL: "info", DATABASE_URL: "", NODE_ENV: "development" };
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

interface Started {
  child: ChildProcess;
  gatewayUrl: string;
  output: () => string;
}

function start(): Promise<Started> {
  const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], { cwd: stackDir, env, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not up after 60 s:\n${output}`)), 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const url = /GraphQL:\s+(http:\/\/\S+\/graphql)/.exec(output)?.[1];
      if (url) {
        clearTimeout(timer);
        resolve({ child, gatewayUrl: url, output: () => output });
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.once("exit", (code) => reject(new Error(`exited with ${code} before it was up:\n${output}`)));
  });
}

function interrupt(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error("did not stop within 15 s of SIGINT"));
    }, 15_000);
    child.once("exit", (code) => {
      clearTimeout(timer);
      resolve(code);
    });
    child.kill("SIGINT");
  });
}

describe("pnpm start", () => {
  it("starts on PGlite with demo data, answers anna's token, stops on Ctrl-C and keeps its data", async () => {
    const first = await start();
    const token = spawnSync(process.execPath, ["--import", "tsx", "src/token.ts", "anna"], { cwd: stackDir, env, encoding: "utf8" });
    expect(token.status).toBe(0);
    expect(token.stdout.trim()).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);

    const { body } = await postGraphQL(first.gatewayUrl, `{ me { id trips { nodes { id } } invoices { nodes { number } } consents { state } } }`, token.stdout.trim());
    expect(body.errors).toBeUndefined();
    expect(body.data?.me).toMatchObject({ id: "anna", invoices: { nodes: expect.arrayContaining([{ number: "GS-2026-000123" }]) } });
    expect(first.output()).toContain("seeded the demo cast into an empty store");
    expect(await interrupt(first.child)).toBe(0);

    // The same token still works after a restart: the keys and the data were kept on disk.
    const second = await start();
    const again = await postGraphQL(second.gatewayUrl, `{ me { id trips { nodes { id } } } }`, token.stdout.trim());
    expect(again.body.data?.me).toEqual(body.data?.me && { id: "anna", trips: (body.data.me as { trips: unknown }).trips });
    expect(second.output()).not.toContain("seeded the demo cast");
    expect(await interrupt(second.child)).toBe(0);
  }, 120_000);

  it("prints the personas when `pnpm token` is given none it knows", () => {
    const result = spawnSync(process.execPath, ["--import", "tsx", "src/token.ts", "mallory"], { cwd: stackDir, env, encoding: "utf8" });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("usage: pnpm token <persona>");
    expect(result.stderr).toMatch(/tom\s+therapist at fysio-utrecht/);
  });
});
