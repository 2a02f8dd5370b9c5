import { existsSync } from "node:fs";
import { chromium, type Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestStack, type TestStack } from "./startTestStack.ts";

// The explorer as a frontend developer meets it: a real Chromium opens GraphiQL where the
// gateway serves it, pastes anna's token, runs a query and reads her name, with no request
// leaving the gateway's own origin (no CDN: it must work offline).
// eslint-disable-next-line no-restricted-properties -- the browser lives outside the graph's config: where scripts/setup.sh put it, or CHROMIUM_PATH
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

let graph: TestStack;
let browser: Browser;
beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium is missing at ${CHROMIUM}: run scripts/setup.sh (it installs Debian's chromium), or set CHROMIUM_PATH.`);
  }
  graph = await startTestStack();
  // --no-sandbox: CI runs as root in a container, where Chromium's sandbox cannot start.
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox", "--disable-dev-shm-usage"] });
});
afterAll(async () => {
  await browser?.close();
  await graph?.stop();
});

describe("the explorer", () => {
  it("runs a query with a pasted token and shows the caller's data, offline", async () => {
    const page = await browser.newPage();
    const origin = new URL(graph.gatewayUrl).origin;
    const elsewhere: string[] = [];
    page.on("request", (request) => {
      if (!request.url().startsWith(origin) && !request.url().startsWith("data:")) elsewhere.push(request.url());
    });
    const problems: string[] = [];
    page.on("pageerror", (error) => problems.push(error.message));

    await page.goto(graph.gatewayUrl);
    await expect.poll(() => page.locator("body").textContent(), { timeout: 20_000 }).toContain("pnpm@10 --silent token anna");
    await page.locator(".graphiql-execute-button").waitFor({ timeout: 20_000 });
    // With the token in, GraphiQL loads the schema again, as anna (introspection).
    const schemaLoaded = page.waitForResponse(async (response) => response.url() === graph.gatewayUrl && (await response.text()).includes("__schema"));
    await page.fill("#token", await graph.tokenFor("anna"));
    expect((await schemaLoaded).status()).toBe(200);
    await page.locator(".graphiql-execute-button").click();

    await expect.poll(() => page.locator(".graphiql-response").textContent(), { timeout: 20_000 }).toContain('"givenName": "Anna"');
    expect(problems).toEqual([]);
    expect(elsewhere).toEqual([]);
  });

  it("without a token, shows the gateway's refusal in the page", async () => {
    const page = await browser.newPage();
    await page.goto(graph.gatewayUrl);
    await page.locator(".graphiql-execute-button").waitFor({ timeout: 20_000 });
    await page.click(".graphiql-execute-button");
    await expect.poll(() => page.locator(".graphiql-response").textContent(), { timeout: 20_000 }).toContain("UNAUTHENTICATED");
  });
});
