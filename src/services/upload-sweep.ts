import { ANONYMOUS } from '../auth/principal';
import type { GraphExecutor } from '../graph/executor';
import type { Logger } from '../logger';
import type { Bodies } from '../storage';
import { createServices } from '.';

/**
 * Aborts PENDING uploads older than SKEIN_UPLOAD_TTL, every quarter of the TTL (between 10 s and
 * 15 min), on an unref'd timer so it never keeps the process alive. Every instance may run it:
 * each abort locks its artifact, so two sweeps never abort one upload twice.
 */
export function scheduleUploadCleanup(graph: GraphExecutor, bodies: Bodies, logger: Logger): () => Promise<void> {
  const ttlMs = bodies.settings.uploadTtlSeconds * 1000;
  const everyMs = Math.min(Math.max(ttlMs / 4, 10_000), 15 * 60_000);
  let running: Promise<void> | undefined;
  const sweep = async () => {
    const uploads = createServices({ graph, caller: ANONYMOUS, bodies }).uploads;
    const { aborted, failed } = await uploads.cleanupExpired({ olderThan: new Date(Date.now() - ttlMs) });
    if (aborted.length > 0) logger.info({ count: aborted.length }, 'aborted expired PENDING uploads');
    for (const f of failed) logger.warn({ err: f.error, artifactUid: f.uid }, 'could not clean up an expired upload');
  };
  const timer = setInterval(() => {
    running ??= sweep()
      .catch((err: unknown) => logger.warn({ err }, 'upload clean-up failed; it runs again later'))
      .finally(() => (running = undefined));
  }, everyMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}
