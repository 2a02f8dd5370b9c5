import DataLoader from "dataloader";

/**
 * A DataLoader that also answers at once for what this request already has (loaded or primed):
 * `peek`. A subgraph's subject and controllers finders ask it first (as the policy's facts answer
 * `FactLoader.get` from what they read), so a list whose practices are at hand is decided without
 * waiting a turn per record. Created per request, like every loader: nothing outlives the request.
 */
export class SettledLoader<K, V> extends DataLoader<K, V> {
  private readonly settled: Map<K, V>;

  constructor(batch: (keys: readonly K[]) => Promise<readonly (V | Error)[]>) {
    const settled = new Map<K, V>();
    super(async (keys) => {
      const values = await batch(keys);
      values.forEach((value, index) => {
        if (!(value instanceof Error)) settled.set(keys[index]!, value);
      });
      return values;
    });
    this.settled = settled;
  }

  override prime(key: K, value: V | PromiseLike<V> | Error): this {
    // As DataLoader's own prime: a key already there keeps its value.
    if (!this.settled.has(key) && !(value instanceof Error) && !isPromiseLike(value)) this.settled.set(key, value);
    return super.prime(key, value);
  }

  /** The value this request already has for the key; undefined when it has none (yet). */
  peek(key: K): V | undefined {
    return this.settled.get(key);
  }
}

const isPromiseLike = (value: unknown): value is PromiseLike<unknown> =>
  typeof value === "object" && value !== null && typeof (value as { then?: unknown }).then === "function";
