import type { Principal } from '../auth/principal';
import type { GraphExecutor } from '../graph/executor';
import type { Bodies } from '../storage';
import type { Access } from './access';
import type { AuditTrail } from './audit';
import type { FeedNotifier } from './feed-notifier';

/** What a request (or the process's background work) hands to `createServices`. */
export interface ServiceInit {
  /** The request's executor (counting its queries; writing its audit entries). */
  graph: GraphExecutor;
  caller: Principal;
  /** The request's audit trail; a silent one when absent (background work, service tests). */
  audit?: AuditTrail;
  /** The body store and upload rules; absent where no bodies are handled (some tests). */
  bodies?: Bodies;
  /** How long idempotency keys are remembered (SKEIN_IDEMPOTENCY_TTL); the default when absent. */
  idempotencyTtlSeconds?: number;
  /** How long deleted things wait before the purge (SKEIN_PURGE_GRACE); the default when absent. */
  purgeGraceSeconds?: number;
  /** The most search indexes Skein makes (SKEIN_SEARCH_INDEXES); the default when absent. */
  searchIndexLimit?: number;
  /** The longest lifetime a created API token may have (SKEIN_TOKEN_MAX_TTL); the default when absent. */
  tokenMaxTtlSeconds?: number;
  /** Wakes change-feed followers in this process; followers only poll when absent. */
  feed?: FeedNotifier;
}

/** What a service needs: the init, plus the one authorization point (access.ts) built from it. */
export interface ServiceDeps extends ServiceInit {
  access: Access;
  audit: AuditTrail;
}
