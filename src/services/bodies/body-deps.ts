import type { GraphExecutor } from '../../graph/executor';
import type { Bodies } from '../../storage';
import type { Access } from '../access';
import type { ArtifactService } from '../artifact.service';
import type { AuditTrail } from '../audit';

/** Store calls one use case runs at once (heads, multipart aborts, deletes). */
export const STORE_CONCURRENCY = 16;

/** What the body use cases need: the request's executor, the artifact use cases and the body store. */
export class BodyDeps {
  constructor(
    readonly graph: GraphExecutor,
    readonly artifacts: ArtifactService,
    private readonly configured: Bodies | undefined,
    /** The request's authorization point: every body use case asks it once (authorize.ts). */
    readonly access: Access,
    /** The request's audit trail: download URLs handed out by a read are recorded in it. */
    readonly audit: AuditTrail,
    /** SKEIN_IDEMPOTENCY_TTL, for createUpload's keys; the default when absent. */
    readonly idempotencyTtlSeconds?: number,
  ) {}

  /** The store and its rules; only the use cases that talk to the store ask, so others work without one. */
  get bodies(): Bodies {
    if (!this.configured) throw new Error('no body store is configured for this service');
    return this.configured;
  }
}
