import type { GraphExecutor } from '../graph/executor';
import { DEFAULT_IDEMPOTENCY_TTL_SECONDS, sweepIdempotencyRecords } from '../graph/idempotency';
import type { Logger } from '../logger';
import type { BodyService } from './bodies';
import { DEFAULT_PURGE_GRACE_SECONDS } from '../graph/lifecycle.repository';
import type { PurgeReport } from './lifecycle.service';

/**
 * The clean-ups every instance runs on unref'd timers (they never keep the process alive):
 *   - PENDING uploads older than SKEIN_UPLOAD_TTL are aborted, every quarter of the TTL (between
 *     10 s and 15 min). Each abort locks its artifact, so two sweeps never abort one upload twice.
 *   - Objects no Body names (S3 only: a presigned PUT still works after abortUpload) are deleted,
 *     once an upload URL made at the abort can no longer be used, at the same pace.
 *   - Idempotency records older than SKEIN_IDEMPOTENCY_TTL are deleted, hourly (or every quarter
 *     of a shorter TTL).
 *   - Deleted runs, artifacts and workspaces older than SKEIN_PURGE_GRACE are purged and the bodies
 *     no artifact holds any more collected (`purge`), hourly (or every quarter of a shorter grace).
 * `bodies` is built once for the process: the body clean-ups need no request. The answer stops the
 * timers and waits for a sweep in progress.
 */
export function scheduleCleanups(
  graph: GraphExecutor,
  bodies: BodyService,
  logger: Logger,
  {
    idempotencyTtlSeconds = DEFAULT_IDEMPOTENCY_TTL_SECONDS,
    purge,
    purgeGraceSeconds = DEFAULT_PURGE_GRACE_SECONDS,
  }: { idempotencyTtlSeconds?: number; purge?: () => Promise<PurgeReport>; purgeGraceSeconds?: number } = {},
): () => Promise<void> {
  const { uploadTtlSeconds, uploadUrlExpiresIn } = bodies.info();
  const ttlMs = uploadTtlSeconds * 1000;
  const uploadsEveryMs = Math.min(Math.max(ttlMs / 4, 10_000), 15 * 60_000);
  const keysEveryMs = Math.min(Math.max((idempotencyTtlSeconds * 1000) / 4, 10_000), 3600_000);
  const stops = [
    every(uploadsEveryMs, logger, 'upload clean-up', async () => {
      const { aborted, failed } = await bodies.cleanupExpired({ olderThan: new Date(Date.now() - ttlMs) });
      if (aborted.length > 0) logger.info({ count: aborted.length }, 'aborted expired PENDING uploads');
      for (const f of failed) logger.warn({ err: f.error, artifactUid: f.uid }, 'could not clean up an expired upload');
    }),
    every(uploadsEveryMs, logger, 'orphan body sweep', async () => {
      const deleted = await bodies.sweepOrphans({ olderThanMs: uploadUrlExpiresIn * 1000 });
      if (deleted.length > 0) logger.info({ count: deleted.length }, 'deleted bodies no artifact holds');
    }),
    every(keysEveryMs, logger, 'idempotency key sweep', async () => {
      const deleted = await sweepIdempotencyRecords(graph, { ttlSeconds: idempotencyTtlSeconds });
      if (deleted > 0) logger.info({ count: deleted }, 'deleted expired idempotency keys');
    }),
  ];
  if (purge) {
    const purgeEveryMs = Math.min(Math.max((purgeGraceSeconds * 1000) / 4, 10_000), 3600_000);
    stops.push(
      every(purgeEveryMs, logger, 'purge of deleted things', async () => {
        const report = await purge();
        if (report.artifacts + report.runs + report.workspaces + report.bodies > 0)
          logger.info({ report }, 'purged deleted runs, artifacts and workspaces');
      }),
    );
  }
  return async () => {
    await Promise.all(stops.map((stop) => stop()));
  };
}

/** Runs `task` every `ms` (never two at once); a failure is logged and the next round tries again. */
function every(ms: number, logger: Logger, what: string, task: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | undefined;
  const timer = setInterval(() => {
    running ??= task()
      .catch((err: unknown) => logger.warn({ err }, `${what} failed; it runs again later`))
      .finally(() => (running = undefined));
  }, ms);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}
