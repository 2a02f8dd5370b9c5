import { describe, expect, it } from "vitest";
import type { Answer } from "./operations.ts";
import { runLoad } from "./runLoad.ts";

/** A path that answers after `ms`, counting what it was sent. */
function slowPath(ms: number) {
  const path = {
    sent: 0,
    send: async (): Promise<Answer> => {
      path.sent += 1;
      await new Promise((resolve) => setTimeout(resolve, ms));
      return { data: { ok: true } };
    },
  };
  return path;
}

const mean = (values: readonly number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;

describe("runLoad", () => {
  it("counts every request when nothing settles first", async () => {
    const path = slowPath(5);
    const result = await runLoad(path.send, 2, 0.1, () => undefined);
    expect(result.requests).toBe(path.sent);
    expect(result.latencies).toHaveLength(result.requests);
  });

  it("leaves the settling requests out, and measures the rate of the rest from the first of them", async () => {
    const path = slowPath(5);
    const checked: Answer[] = [];
    const result = await runLoad(path.send, 2, 0.15, (answer) => checked.push(answer), 0.15);
    // Every answer is checked, the settling ones too; only those sent after settling are counted.
    expect(checked).toHaveLength(path.sent);
    expect(result.requests).toBeGreaterThan(0);
    expect(result.requests).toBeLessThan(path.sent);
    expect(result.latencies).toHaveLength(result.requests);
    // A closed loop without pauses: each worker's rate is one over its mean latency, so the sum is
    // the concurrency over the mean latency, whatever the box's speed. A window that began when
    // the run began (settling included) would put it at about half of that.
    const expected = 2 / (mean(result.latencies) / 1000);
    expect(result.perSecond / expected).toBeGreaterThan(0.8);
    expect(result.perSecond / expected).toBeLessThan(1.25);
  });
});
