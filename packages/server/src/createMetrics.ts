import { Counter, Histogram, Registry } from "prom-client";

export interface MetricsOptions {
  /** Every series carries it as the `service` label: `gateway`, `identity`, ... */
  service: string;
  /** Distinct operation names kept as labels; later ones count as `other`. Default 500. */
  maxOperations?: number;
}

export interface Metrics {
  /** This server's own registry: several stacks in one test process must not share prom-client's global one. */
  registry: Registry;
  /** `graphql_requests_total{operation, outcome}`: outcome `ok`, `partial` (data and errors) or `error`. */
  requests: Counter<"operation" | "outcome">;
  /** `graphql_request_duration_seconds{operation}`. */
  requestDuration: Histogram<"operation">;
  /** A counter registered here, for the metrics only one kind of server has. */
  counter<L extends string>(name: string, help: string, labelNames: readonly L[]): Counter<L>;
  /** A histogram registered here, with the default latency buckets. */
  histogram<L extends string>(name: string, help: string, labelNames: readonly L[]): Histogram<L>;
  /** The label for an operation: its name, `anonymous`, or `other` past the bounds. */
  operationLabel(name: string | null | undefined): string;
  /** The Prometheus text exposition format, for `GET /metrics`. */
  render(): Promise<{ contentType: string; body: string }>;
}

/** Names GraphQL allows; anything else (a raw `operationName` that matched nothing) is `other`. */
const GRAPHQL_NAME = /^[_A-Za-z][_0-9A-Za-z]{0,63}$/;

/**
 * One registry per server. Labels are schema metadata and operation names only, never query
 * text or variables: a label is kept forever by every scraper, so a person's value in one would
 * be a copy nobody can erase. The operation name is the client's choice, so its label set is
 * bounded (in production only registered operations run, which bounds it again).
 */
export function createMetrics(options: MetricsOptions): Metrics {
  const registry = new Registry();
  registry.setDefaultLabels({ service: options.service });
  const maxOperations = options.maxOperations ?? 500;
  const operations = new Set<string>();

  const counter = <L extends string>(name: string, help: string, labelNames: readonly L[]) => new Counter<L>({ name, help, labelNames, registers: [registry] });
  const histogram = <L extends string>(name: string, help: string, labelNames: readonly L[]) =>
    new Histogram<L>({ name, help, labelNames, buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10], registers: [registry] });

  return {
    registry,
    requests: counter("graphql_requests_total", "GraphQL requests by operation name and outcome.", ["operation", "outcome"]),
    requestDuration: histogram("graphql_request_duration_seconds", "GraphQL request latency by operation name.", ["operation"]),
    counter,
    histogram,
    operationLabel(name) {
      if (!name) return "anonymous";
      if (!GRAPHQL_NAME.test(name)) return "other";
      if (operations.has(name)) return name;
      if (operations.size >= maxOperations) return "other";
      operations.add(name);
      return name;
    },
    async render() {
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
  };
}
