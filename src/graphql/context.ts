import { randomUUID } from 'node:crypto';
import { OPEN, type Principal } from '../auth/principal';
import { QueryStats, type GraphExecutor } from '../graph/executor';
import { createLoaders, type Loaders } from './loaders';
import type { Logger } from '../logger';
import type { Bodies } from '../storage';
import { createServices, type Services } from '../services';
import { AuditTrail } from '../services/audit';
import type { RequestOrigin } from '../auth/authenticator';
import type { FeedNotifier } from '../services/feed-notifier';

/** Everything a resolver may use for one request. Nothing here outlives the request. */
export interface Context {
  readonly requestId: string;
  readonly logger: Logger;
  readonly caller: Principal;
  readonly stats: QueryStats;
  readonly services: Services;
  readonly loaders: Loaders;
  /** The request's audit trail: a mutation opens its entry here (audit.middleware.ts). */
  readonly audit: AuditTrail;
  /**
   * A new context for the same caller, where one operation outlives a request (a subscription
   * makes one per page it reads: src/graphql/change-stream.ts); absent on HTTP requests.
   */
  readonly fresh?: () => Context;
}

export interface ContextDeps {
  graph: GraphExecutor;
  logger: Logger;
  bodies?: Bodies;
  /** SKEIN_IDEMPOTENCY_TTL; the default when absent. */
  idempotencyTtlSeconds?: number;
  /** SKEIN_SEARCH_INDEXES; the default when absent. */
  searchIndexLimit?: number;
  /** SKEIN_PURGE_GRACE; the default when absent. */
  purgeGraceSeconds?: number;
  /** SKEIN_TOKEN_MAX_TTL; the default when absent. */
  tokenMaxTtlSeconds?: number;
  /** The process's change-feed notifier (services/feed-notifier.ts); subscriptions only poll when absent. */
  feed?: FeedNotifier;
}

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** Keeps a caller-supplied request id (for tracing across services) only when it is sane. */
export function requestIdFrom(header: string | undefined): string {
  return header && REQUEST_ID.test(header) ? header : randomUUID();
}

export function createContext(
  deps: ContextDeps,
  requestId: string,
  caller: Principal = OPEN,
  origin: Omit<RequestOrigin, 'requestId'> = { ip: null },
): Context {
  const stats = new QueryStats();
  const graph = deps.graph.withStats(stats);
  // Unslotted: a refusal is recorded while the request may hold all its sessions (executor.ts).
  const audit = new AuditTrail(graph.unslotted(), caller, { ...origin, requestId }, deps.feed);
  const services = createServices({
    graph: graph.withWriteHook(audit),
    caller,
    audit,
    bodies: deps.bodies,
    idempotencyTtlSeconds: deps.idempotencyTtlSeconds,
    searchIndexLimit: deps.searchIndexLimit,
    purgeGraceSeconds: deps.purgeGraceSeconds,
    tokenMaxTtlSeconds: deps.tokenMaxTtlSeconds,
    feed: deps.feed,
  });
  return {
    requestId,
    logger: deps.logger.child({ requestId }),
    caller,
    stats,
    services,
    loaders: createLoaders(services),
    audit,
  };
}
