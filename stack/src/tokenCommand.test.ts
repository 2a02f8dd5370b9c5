import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { DEFAULT_DATA_DIR } from "./env.ts";
import { tokenCommand } from "./tokenCommand.ts";

describe("tokenCommand", () => {
  it("names the graph's DATA_DIR unless it is the default, so its tokens are signed with the graph's keys", () => {
    // Found probing as a frontend team: the banner's command, run as printed beside a graph started
    // with DATA_DIR=/tmp/..., made keys in .data/ and printed tokens the graph refused.
    expect(tokenCommand(DEFAULT_DATA_DIR)).toBe("npx -y pnpm@10 --silent token");
    expect(tokenCommand("/tmp/probe")).toBe("DATA_DIR='/tmp/probe' npx -y pnpm@10 --silent token");
  });

  it("quotes the directory for the shell, whatever it holds", () => {
    const odd = "/tmp/it's a $HOME `dir`";
    const prefix = tokenCommand(odd).replace(/ npx -y pnpm@10 --silent token$/, "");
    expect(execFileSync("sh", ["-c", `${prefix} sh -c 'printf %s "$DATA_DIR"'`], { encoding: "utf8" })).toBe(odd);
  });
});
