import { describe, expect, it } from "vitest";
import type { Answer } from "./operations.ts";
import { medianInterval, runLoad } from "./runLoad.ts";

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

describe("medianInterval", () => {
  it("takes the 2nd and 7th of 8 rounds, which hold the median 93 % of the time", () => {
    const interval = medianInterval([0.91, 0.96, 0.88, 0.9, 0.92, 0.94, 0.89, 0.89]);
    expect(interval).toEqual({ low: 0.89, high: 0.94, coverage: 1 - (2 * 9) / 256 });
  });

  it("widens to the whole range when fewer values cannot reach the bound", () => {
    expect(medianInterval([3, 1, 2])).toEqual({ low: 1, high: 3, coverage: 0.75 });
    expect(medianInterval([5])).toEqual({ low: 5, high: 5, coverage: 0 });
    expect(medianInterval([]).coverage).toBe(0);
  });

  it("covers the median as often as it says, whatever the distribution", () => {
    // A seeded, skewed distribution (exponential) whose median is ln 2: the share of intervals of
    // 16 draws that hold it is within a few points of the coverage they claim (92.3 %).
    let seed = 7;
    const uniform = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) + 0.5) / 2 ** 31;
    const draw = () => -Math.log(1 - uniform());
    let held = 0;
    const trials = 4000;
    let claimed = 0;
    for (let trial = 0; trial < trials; trial += 1) {
      const interval = medianInterval(Array.from({ length: 16 }, draw));
      claimed = interval.coverage;
      if (interval.low <= Math.LN2 && Math.LN2 <= interval.high) held += 1;
    }
    expect(claimed).toBeCloseTo(0.923, 3);
    expect(Math.abs(held / trials - claimed)).toBeLessThan(0.02);
  });
});
