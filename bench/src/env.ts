import { z } from "zod";

const envSchema = z.object({
  /** PostgreSQL URL; the benchmark resets the subgraphs' schemas in it. Unset: embedded PGlite in memory. */
  DATABASE_URL: z.string().url().optional(),
});

export type BenchEnv = z.infer<typeof envSchema>;

/** The benchmark's one configuration read: which database. */
export function loadBenchEnv(source: Record<string, string | undefined> = process.env): BenchEnv {
  return envSchema.parse({ DATABASE_URL: source.DATABASE_URL || undefined });
}
