/**
 * DataLoader batch functions must answer in the order of the keys they were given.
 * These two line rows up with keys: one row per key (or undefined), or all rows per key.
 */
export function byKey<K, R>(keys: readonly K[], rows: readonly R[], keyOf: (row: R) => K): (R | undefined)[] {
  const found = new Map<K, R>();
  for (const row of rows) found.set(keyOf(row), row);
  return keys.map((key) => found.get(key));
}

export function groupByKey<K, R>(keys: readonly K[], rows: readonly R[], keyOf: (row: R) => K): R[][] {
  const groups = new Map<K, R[]>();
  for (const row of rows) {
    const key = keyOf(row);
    const group = groups.get(key);
    if (group) group.push(row);
    else groups.set(key, [row]);
  }
  return keys.map((key) => groups.get(key) ?? []);
}
