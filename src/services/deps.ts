import type { Principal } from '../auth/principal';
import type { GraphExecutor } from '../graph/executor';
import type { Bodies } from '../storage';

/** What a service needs: the request's executor (counting its queries) and the caller. */
export interface ServiceDeps {
  graph: GraphExecutor;
  caller: Principal;
  /** The body store and upload rules; absent where no bodies are handled (some tests). */
  bodies?: Bodies;
  /** How long idempotency keys are remembered (SKEIN_IDEMPOTENCY_TTL); the default when absent. */
  idempotencyTtlSeconds?: number;
  /** How long deleted things wait before the purge (SKEIN_PURGE_GRACE); the default when absent. */
  purgeGraceSeconds?: number;
}
