import type { Answer } from "./operations.ts";

/** Where and as whom a load run sends one operation. */
export interface Target {
  url: string;
  token: string;
  query: string;
}

export interface LoadResult {
  requests: number;
  seconds: number;
  /**
   * Requests per second: each worker's own rate (its requests over the time to its last answer),
   * summed. Not `requests / seconds`: the run ends when the slowest worker's last answer is in,
   * so `seconds` holds a drain in which fewer than `concurrency` requests are in flight, a
   * random share of a latency that is longer, the slower the path (a 1.5-s run of 200-ms
   * requests: about a tenth); and it moves in steps of whole requests.
   */
  perSecond: number;
  /** Latency of each request, in milliseconds. */
  latencies: number[];
}

/** Sends one operation and returns its answer; an HTTP status other than 200 fails. */
export async function post(target: Target): Promise<Answer> {
  const response = await fetch(target.url, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${target.token}` },
    body: JSON.stringify({ query: target.query }),
  });
  const answer = (await response.json()) as Answer;
  if (response.status !== 200) throw new Error(`HTTP ${response.status}: ${JSON.stringify(answer).slice(0, 300)}`);
  return answer;
}

/**
 * A closed loop at fixed concurrency for `seconds`: each of `concurrency` workers sends the
 * next request when its last answer is in. Every answer is checked; the first error ends the
 * run with that error (a benchmark that times failures measures nothing).
 *
 * `settleSeconds` of the same load go first, unmeasured: each worker's measure begins when the
 * first request it sends after them is sent, so the measured requests are whole ones and the load
 * never pauses between the two. Why: the run starts with a full collection, which also drops
 * optimised code (see below), and the graph runs slower until it is compiled again; a graph that
 * serves never forces one. `pnpm bench` does not settle its runs (yet): see docs/performance.md,
 * "The collection before every run"; `noise --settle=…` does.
 */
export async function runLoad(send: () => Promise<Answer>, concurrency: number, seconds: number, check: (answer: Answer) => void, settleSeconds = 0): Promise<LoadResult> {
  // Each run starts from a collected heap (where the process exposes `gc`: `pnpm bench` does), so
  // that a run does not pay for the garbage the run before it left (another path's, in a round).
  // A forced full collection also drops the optimised code that holds weak references to objects
  // it frees (`--trace-deopt`: "marking dependent code … reason: weak objects", some 50 to 110
  // functions each time; the collections V8 makes by itself under load mark few), so the graph
  // then runs at about two thirds of its rate, climbing back over a second or so as it compiles
  // them again: callers that measure from the start (`settleSeconds` 0) measure that too.
  (globalThis as { gc?: () => void }).gc?.();
  const latencies: number[] = [];
  const started = performance.now();
  const settled = started + settleSeconds * 1000;
  const deadline = settled + seconds * 1000;
  const worker = async (): Promise<number> => {
    let answered = 0;
    let from = started;
    let last = started;
    while (performance.now() < deadline) {
      const sent = performance.now();
      const answer = await send();
      last = performance.now();
      check(answer);
      if (sent < settled) {
        // Still settling: the next request, sent now, is the first this worker measures.
        from = last;
        continue;
      }
      latencies.push(last - sent);
      answered += 1;
    }
    return answered === 0 ? 0 : answered / ((last - from) / 1000);
  };
  const rates = await Promise.all(Array.from({ length: concurrency }, worker));
  return { requests: latencies.length, seconds: (performance.now() - settled) / 1000, perSecond: rates.reduce((sum, rate) => sum + rate, 0), latencies };
}

/** The latency below which `fraction` of the requests fell (nearest rank). */
export function percentile(sorted: number[], fraction: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)]!;
}

/** The middle value (the mean of the middle two for an even count); NaN for none. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length / 2;
  return sorted.length % 2 === 1 ? sorted[Math.floor(middle)]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/**
 * A distribution-free interval for the median of `values` (their order statistics): the k-th
 * smallest and k-th largest, k as large as keeps the chance that the true median lies between
 * them at `atLeast` or more, whatever the values' distribution (a round is above or below the
 * median as a fair coin falls: Binomial(n, ½)). With 8 rounds: the 2nd and 7th, 93 %. Fewer
 * values than that needs give their whole range, with the coverage it has.
 */
export function medianInterval(values: readonly number[], atLeast = 0.9): { low: number; high: number; coverage: number } {
  if (values.length === 0) return { low: Number.NaN, high: Number.NaN, coverage: 0 };
  const sorted = [...values].sort((a, b) => a - b);
  const n = sorted.length;
  // Below rank k: P(Binomial(n, ½) ≤ k − 1), built term by term (C(n, i) / 2^n).
  let term = 2 ** -n;
  let below = 0;
  let rank = 1;
  let coverage = 1 - 2 * term;
  for (let next = 2; next <= Math.floor(n / 2); next += 1) {
    below += term;
    term = (term * (n - next + 2)) / (next - 1);
    const wider = 1 - 2 * (below + term);
    // `wider` is the coverage of ranks `next`: taken while it stays at or above the bound.
    if (wider < atLeast) break;
    rank = next;
    coverage = wider;
  }
  return { low: sorted[rank - 1]!, high: sorted[n - rank]!, coverage };
}
