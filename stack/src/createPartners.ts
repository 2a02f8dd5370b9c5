import { randomUUID } from "node:crypto";
import { operationHash, type Caller } from "@grondslag/auth";
import type { DatabaseHandle } from "@grondslag/db";
import { createGraphClient, createPartnerRunner, migratePartnerOutbox, toGraphQLError, type AnyPartnerAdapter, type PartnerPackage } from "@grondslag/integration-common";
import type { Logger, PlatformServices, RouteHandler } from "@grondslag/server";
import { buildASTSchema, GraphQLError, Kind, parse, type OperationDefinitionNode } from "graphql";

/**
 * Each registered partner package's configuration, by the package's partner name (as its
 * `configFromEnv` builds it, or as a test builds it with SDK clients of its own). A package
 * without one is registered but not configured: its channels answer NOT_CONFIGURED.
 */
export type PartnerConfig = Readonly<Record<string, unknown>>;

export interface Partners {
  /** PlatformServices.sendToPartner: one send, by channel, through the outbox. */
  send: NonNullable<PlatformServices["sendToPartner"]>;
  /** The configured packages' webhooks, by path, for the gateway. */
  routes: Record<string, RouteHandler>;
  /** Applies the partner outbox's migrations (its own schema, `partner_outbox`). */
  migrate(): Promise<void>;
  /** Runs the outbox's worker (retries, reconciliation) every `intervalMs`, until stopped. */
  startWorker(options?: { intervalMs?: number }): { stop(): Promise<void> };
  /**
   * The operations the platform itself sends to the gateway: every registered declaration's
   * field set (read with a capability) and the webhooks' status record. Production registers
   * them beside the frontends' persisted operations, or the platform's own sends would be refused.
   */
  operations: { name: string; type: "query" | "mutation"; body: string }[];
  /** The operations each partner role may run with a capability: its declarations' hashes (the gateway's `partnerOperations`). */
  capabilityOperations: Record<string, string[]>;
}

const RECORD_STATUS = /* GraphQL */ `
  mutation RecordPartnerStatus($partner: String!, $reference: String!, $status: String!) {
    recordPartnerStatus(partner: $partner, reference: $reference, status: $status) { __typename }
  }
`;

/**
 * Wires the registered partner packages to the platform: every channel a configured package
 * serves becomes reachable through the one `sendToPartner`, and its webhooks are mounted. The
 * stack knows no partner by name: registering a package in `integrations/registry` (or passing
 * it in `packages`, as a test fixture does) is all it takes. Adapters read their field sets
 * through the gateway as `partner:<name>`; without a token issuer, sending answers NOT_CONFIGURED.
 */
export function createPartners(options: {
  packages: readonly PartnerPackage[];
  config: PartnerConfig;
  /** The store of the outbox; absent in the gateway's own process, which only mounts webhooks. */
  database?: DatabaseHandle | undefined;
  supergraphSdl: string;
  gatewayUrl: () => string;
  issueToken: ((caller: Caller) => Promise<string>) | undefined;
  log: Logger;
  /** The outbox's timings (PartnerRunnerOptions); defaults suit production. */
  outbox?: { reconcileAfterMs?: number; leaseMs?: number };
}): Partners {
  const { config, issueToken, database } = options;
  const log = options.log.child({ component: "partners" });
  const graph = issueToken ? createGraphClient({ url: options.gatewayUrl, tokenFor: issueToken }) : undefined;
  const runner = graph && database && createPartnerRunner({ graph, schema: buildASTSchema(parse(options.supergraphSdl), { assumeValidSDL: true }), database: database.db, log, ...options.outbox });

  const adapters = new Map<string, AnyPartnerAdapter>();
  const routes: Record<string, RouteHandler> = {};
  const partners = new Set<string>();
  for (const partnerPackage of options.packages) {
    if (partners.has(partnerPackage.partner)) throw new Error(`Two partner packages are registered as ${partnerPackage.partner}.`);
    partners.add(partnerPackage.partner);
    const settings = config[partnerPackage.partner];
    if (settings === undefined) continue;
    for (const [channel, adapter] of Object.entries(partnerPackage.channels(settings))) {
      if (!adapter) continue;
      if (adapters.has(channel)) throw new Error(`Two partner packages serve the channel ${channel}; register one.`);
      adapters.set(channel, adapter);
    }
    if (!graph || !partnerPackage.webhooks) continue;
    const service: Caller = { subject: `${partnerPackage.partner}-adapter`, role: "service" };
    const mounted = partnerPackage.webhooks(settings, {
      recordStatus: async ({ reference, status }) => {
        const answer = await graph(RECORD_STATUS, { partner: partnerPackage.partner, reference, status }, service);
        // Any error (a refusal of our own service caller included) is the partner's cue to retry:
        // an unknown reference (NOT_FOUND) may be one whose send is recorded a moment later.
        if (answer.errors?.length) {
          throw new Error(`${partnerPackage.partner} status not recorded: ${answer.errors.map((error) => error.message).join("; ")}`);
        }
      },
    });
    for (const [path, handler] of Object.entries(mounted)) {
      if (routes[path]) throw new Error(`Two partner packages mount ${path}.`);
      routes[path] = handler;
    }
  }

  const send: Partners["send"] = async (channel, request) => {
    const adapter = adapters.get(channel);
    if (!runner || !adapter) {
      throw new GraphQLError(`Sending by ${channel} is not configured here (see integrations/README.md).`, { extensions: { code: "NOT_CONFIGURED" } });
    }
    try {
      const { reference } = await runner.run(
        adapter,
        {
          personId: request.personId,
          input: request.input,
          idempotencyKey: request.idempotencyKey ?? `${channel}:${randomUUID()}`,
          ...(request.variables ? { variables: request.variables } : {}),
          ...(request.requestId ? { requestId: request.requestId } : {}),
        },
        { channel },
      );
      return { reference };
    } catch (error) {
      throw toGraphQLError(error);
    }
  };

  const operations = [
    ...options.packages.flatMap((partnerPackage) => partnerPackage.declarations.map((declaration) => operationOf(declaration.fieldSet))),
    operationOf(RECORD_STATUS),
  ];

  const capabilityOperations: Record<string, string[]> = {};
  for (const partnerPackage of options.packages) {
    for (const declaration of partnerPackage.declarations) (capabilityOperations[`partner:${declaration.partner}`] ??= []).push(operationHash(declaration.fieldSet));
  }

  return {
    send,
    routes,
    operations,
    capabilityOperations,
    migrate: async () => {
      if (database) await migratePartnerOutbox(database);
    },
    startWorker: ({ intervalMs } = {}) => {
      if (!runner) return { stop: async () => {} };
      return runner.startWorker((channel) => adapters.get(channel), intervalMs === undefined ? {} : { intervalMs });
    },
  };
}

/** A document of one operation as a persisted-operation entry: its name, kind and exact text. */
function operationOf(body: string): Partners["operations"][number] {
  const operation = parse(body).definitions.find((definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION);
  if (!operation?.name || operation.operation === "subscription") throw new Error(`A platform operation must be one named query or mutation:\n${body}`);
  return { name: operation.name.value, type: operation.operation, body };
}
