import { describe, expect, it } from "vitest";
import { createMetrics } from "./createMetrics.ts";

describe("createMetrics", () => {
  it("labels an operation by its name only, and folds what would grow without bound into `other`", () => {
    const metrics = createMetrics({ service: "gateway", maxOperations: 2 });
    expect(metrics.operationLabel(undefined)).toBe("anonymous");
    expect(metrics.operationLabel("AnnaEverywhere")).toBe("AnnaEverywhere");
    expect(metrics.operationLabel("x".repeat(65))).toBe("other");
    expect(metrics.operationLabel("{ me { email } }")).toBe("other");
    expect(metrics.operationLabel("Second")).toBe("Second");
    expect(metrics.operationLabel("Third")).toBe("other");
    expect(metrics.operationLabel("AnnaEverywhere")).toBe("AnnaEverywhere");
  });

  it("keeps a registry per server, so two stacks in one process count apart", async () => {
    const [one, two] = [createMetrics({ service: "gateway" }), createMetrics({ service: "gateway" })];
    one.requests.inc({ operation: "Mine", outcome: "ok" });
    const [first, second] = await Promise.all([one.render(), two.render()]);
    expect(first.contentType).toBe("text/plain; version=0.0.4; charset=utf-8");
    expect(first.body).toContain('graphql_requests_total{operation="Mine",outcome="ok",service="gateway"} 1');
    expect(second.body).not.toContain('operation="Mine"');
  });
});
