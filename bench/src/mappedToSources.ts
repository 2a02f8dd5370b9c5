import { readFileSync } from "node:fs";
import { SourceMap } from "node:module";
import { fileURLToPath } from "node:url";

interface CallFrame {
  url: string;
  lineNumber: number;
  columnNumber: number;
}

/** The profile with each frame in a bundle moved to its place in the sources (the bundles are removed at exit). */
export function mappedToSources<T extends object>(profile: T): T {
  const maps = new Map<string, SourceMap | undefined>();
  const mapOf = (url: string) => {
    if (!maps.has(url)) {
      try {
        maps.set(url, new SourceMap(JSON.parse(readFileSync(`${fileURLToPath(url)}.map`, "utf8")) as never));
      } catch {
        maps.set(url, undefined);
      }
    }
    return maps.get(url);
  };
  const visit = (value: unknown): void => {
    if (typeof value !== "object" || value === null) return;
    if (Array.isArray(value)) return value.forEach(visit);
    const frame = (value as { callFrame?: CallFrame }).callFrame;
    if (frame?.url.includes("/bench/dist/")) {
      const entry = mapOf(frame.url)?.findEntry(frame.lineNumber, frame.columnNumber) as { originalSource?: string; originalLine?: number; originalColumn?: number } | undefined;
      if (entry?.originalSource) Object.assign(frame, { url: new URL(entry.originalSource, frame.url).href, lineNumber: entry.originalLine, columnNumber: entry.originalColumn });
    }
    for (const child of Object.values(value)) visit(child);
  };
  visit(profile);
  return profile;
}

/**
 * A frame's place as the diagnostics print it: a package's file by its path inside the package,
 * a file of this repository by its path from the repository's top (`schema/policy/src/…`).
 */
export function placeOf(url: string): string {
  return url.replace(/^.*\/node_modules\/(\.pnpm\/[^/]+\/node_modules\/)?/, "").replace(/^file:\/\/.*?\/(schema|subgraphs|packages|gateway|integrations|stack|bench)\//, "$1/");
}
