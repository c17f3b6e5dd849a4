import type { GraphExecutor } from '../../graph/executor';
import type { Bodies } from '../../storage';
import type { ArtifactService } from '../artifact.service';

/** Store calls one use case runs at once (heads, multipart aborts, deletes). */
export const STORE_CONCURRENCY = 16;

/** What the body use cases need: the request's executor, the artifact use cases and the body store. */
export class BodyDeps {
  constructor(
    readonly graph: GraphExecutor,
    readonly artifacts: ArtifactService,
    private readonly configured: Bodies | undefined,
    /** SKEIN_IDEMPOTENCY_TTL, for createUpload's keys; the default when absent. */
    readonly idempotencyTtlSeconds?: number,
  ) {}

  /** The store and its rules; only the use cases that talk to the store ask, so others work without one. */
  get bodies(): Bodies {
    if (!this.configured) throw new Error('no body store is configured for this service');
    return this.configured;
  }
}
