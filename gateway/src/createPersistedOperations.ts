import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import type { Refusal } from "./Refusal.ts";

/** Apollo's persisted query manifest, the format `@apollo/generate-persisted-query-manifest` writes. */
export interface PersistedQueryManifest {
  format: "apollo-persisted-query-manifest";
  version: 1;
  operations: { id: string; name: string; type: "query" | "mutation" | "subscription"; body: string }[];
}

export interface PersistedOperationsOptions {
  manifest?: PersistedQueryManifest;
  /** Production: only operations in the manifest run. Default false (development). */
  requireRegistered?: boolean;
  /** Development: operations registered by hash (APQ) kept in memory. Default 1,000. */
  maxRegistered?: number;
}

export interface PersistedOperations {
  /**
   * Gives the request its query text, from the manifest or from an earlier APQ registration,
   * so the limits always screen the text that will run; or refuses it.
   */
  resolve(body: Record<string, unknown>): { body: Record<string, unknown> } | { refusal: Refusal };
}

export const sha256 = (text: string): string => createHash("sha256").update(text).digest("hex");

/** Reads a manifest and checks that every id is the sha256 of its body, so a typo stops the start. */
export function loadPersistedQueryManifest(path: string): PersistedQueryManifest {
  const manifest = JSON.parse(readFileSync(path, "utf8")) as PersistedQueryManifest;
  if (manifest.format !== "apollo-persisted-query-manifest" || manifest.version !== 1 || !Array.isArray(manifest.operations)) {
    throw new Error(`${path} is not an Apollo persisted query manifest (format "apollo-persisted-query-manifest", version 1)`);
  }
  for (const operation of manifest.operations) {
    if (operation.id !== sha256(operation.body)) throw new Error(`${path}: operation ${operation.name}'s id is not the sha256 of its body (${sha256(operation.body)})`);
  }
  return manifest;
}

/**
 * Registered operations (the manifest frontend teams commit) and automatic persisted queries.
 * In production only registered operations run, sent by hash or in full; in development any
 * operation runs, and APQ works as Apollo clients expect. The gateway keeps the APQ texts
 * itself, not Apollo's cache, so an operation sent by hash alone is screened like any other.
 */
export function createPersistedOperations(options: PersistedOperationsOptions = {}): PersistedOperations {
  const registered = new Map((options.manifest?.operations ?? []).map((operation) => [operation.id, operation.body]));
  const requireRegistered = options.requireRegistered ?? false;
  const maxRegistered = options.maxRegistered ?? 1000;
  const automatic = new Map<string, string>();

  const refuse = (code: string, message: string) => ({ refusal: { status: 400, code, message } });
  const notRegistered = () =>
    refuse("OPERATION_NOT_REGISTERED", "This graph runs registered operations only: add the operation to gateway/persisted-operations.json.");

  return {
    resolve(body) {
      const persisted = (body.extensions as { persistedQuery?: { sha256Hash?: unknown } } | undefined)?.persistedQuery;
      const hash = typeof persisted?.sha256Hash === "string" ? persisted.sha256Hash : undefined;
      const query = typeof body.query === "string" ? body.query : undefined;

      if (hash !== undefined && query === undefined) {
        const known = registered.get(hash) ?? (requireRegistered ? undefined : automatic.get(hash));
        if (known !== undefined) return { body: { ...body, query: known } };
        if (requireRegistered) return notRegistered();
        // Apollo's code for "send the text with the hash": APQ clients retry with it.
        return refuse("PERSISTED_QUERY_NOT_FOUND", "PersistedQueryNotFound");
      }
      if (query === undefined) return { body };
      const computed = sha256(query);
      if (hash !== undefined && hash !== computed) {
        return refuse("PERSISTED_QUERY_HASH_MISMATCH", "extensions.persistedQuery.sha256Hash is not the sha256 of the query sent with it.");
      }
      if (requireRegistered) return registered.has(computed) ? { body } : notRegistered();
      if (hash !== undefined && !registered.has(hash)) {
        if (automatic.size >= maxRegistered) automatic.delete(automatic.keys().next().value!);
        automatic.set(hash, query);
      }
      return { body };
    },
  };
}
