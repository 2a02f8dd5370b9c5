import type { Caller } from "@grondslag/auth";
import type { DatabaseHandle } from "@grondslag/db";
import type { DocumentNode, GraphQLSchema, OperationDefinitionNode } from "graphql";
import type { Logger } from "./createLogger.ts";

/** What every resolver of every subgraph finds in its context. */
export interface SubgraphContext {
  /** The verified caller, or null for a request without one (only `_service` is answered). */
  caller: Caller | null;
  /** Set by the subgraph server for each request (absent in unit tests): the gateway's request id. */
  requestId?: string;
  /** The request's logger, naming its id; resolvers and the policy log here when it is set. */
  log?: Logger;
  /** Told of each policy denial, to count it by field and policy (never by record). */
  onPolicyDenial?: (denial: { field: string; policy: string }) => void;
}

/** What a subgraph request tells of the gateway request it belongs to (`Subgraph.createContext`). */
export interface ForwardedRequest {
  /** The gateway request, by its forwarded token's id (`Caller.tokenId`): signed, one per gateway request. */
  gatewayRequest?: string;
  /** True when no operation of this request can write: its documents hold no mutation (nor subscription). */
  readOnly: boolean;
}

/** One send to a partner, as a subgraph asks for it. */
export interface PartnerSendRequest {
  /** The data subject: the disclosure is recorded under this person. */
  personId: string;
  /** The field set's variables; default `{ personId }`. */
  variables?: Record<string, string>;
  /** What the adapter needs besides the fields it reads (a message text). */
  input: unknown;
  /** Names the send: sending again with it sends nothing twice. Default: a new key. */
  idempotencyKey?: string;
  /** The request that caused the send (SubgraphContext.requestId): in the partner's graph read, the logs and the disclosure. */
  requestId?: string | undefined;
}

/** What the platform around the subgraphs offers them; each is optional, and absent in unit tests. */
export interface PlatformServices {
  /**
   * Sends to a partner through a channel a registered partner package serves, such as
   * `one-time-code:sms` (integrations/registry): one member for every partner, so wiring a new
   * one never widens this interface. The adapter reads the fields it needs itself, as
   * `partner:<name>`, through the graph; the send is kept in the partner outbox and recorded in
   * the disclosure log. Throws a GraphQLError: NOT_CONFIGURED (no package serves the channel
   * here), BAD_USER_INPUT or PARTNER_UNAVAILABLE (the partner's answer).
   */
  sendToPartner?(channel: string, send: PartnerSendRequest): Promise<{ reference: string }>;
  /** Signs a session token for a caller who completed a second-factor login. */
  issueSessionToken?(caller: Caller): Promise<{ token: string; expiresAt: Date }>;
  /** The key one-time codes are HMAC'd with before they are stored. */
  otpKey?: string;
}

/** What a subgraph is built from: no I/O happens until `migrate` or a request. */
export interface SubgraphDeps {
  database: DatabaseHandle;
  log: Logger;
  /** The composed supergraph, for a subgraph that reports on the whole graph (consent's policy register). */
  supergraphSdl?: string;
  services?: PlatformServices;
  /**
   * The fields the registered partners' declared operations select (`@grondslag/policy`'s
   * `PartnerFieldGrant`, read from `integrations/registry` by the runtime): a `partner:<name>`
   * grant holds only on these. Absent, no partner grant holds.
   */
  partnerFields?: readonly { coordinate: string; partner: string; purpose: string; legalRole: string; basis: string; operation: string }[];
}

/** The uniform shape of the five subgraphs, so gateway, tests and tools can loop over them. */
export interface Subgraph<TContext extends SubgraphContext = SubgraphContext> {
  name: string;
  typeDefs: DocumentNode;
  schema: GraphQLSchema;
  /**
   * A fresh context per request: its DataLoaders batch within that request only. `request`
   * (absent in unit tests) says which gateway request the fetch belongs to and whether it only
   * reads: the policy shares its facts among a gateway request's read-only fetches.
   */
  createContext(caller: Caller | null, request?: ForwardedRequest): TContext;
  /**
   * Run before each operation executes, with its context; execution waits for it (the policy
   * decides a query's root calls ahead: `@grondslag/policy`'s `prepareRootCalls`). Must not fail.
   */
  prepareExecution?(operation: OperationDefinitionNode, variables: Record<string, unknown> | undefined, context: TContext): void | Promise<void>;
  /** Applies the subgraph's committed migrations to its own Postgres schema. */
  migrate(): Promise<void>;
  /** Whether the subgraph's tables hold any rows; demo data goes only into an empty store. */
  hasData(): Promise<boolean>;
  /** Inserts the demo cast's data; running it twice changes nothing. */
  seedDemoData(): Promise<void>;
}

/** The subgraph package's front door: `name`, `typeDefs` and `createSubgraph(deps)`. */
export interface SubgraphModule {
  name: string;
  typeDefs: DocumentNode;
  createSubgraph(deps: SubgraphDeps): Subgraph;
}
