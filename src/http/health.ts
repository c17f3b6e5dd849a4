import type { ServerResponse } from 'node:http';
import { sendJson } from './respond';

export interface Readiness {
  /** False until start-up (migrations, warm-up) has finished. */
  started: boolean;
  /** True from the moment shutdown begins, so a load balancer stops sending before the server closes. */
  stopping?: boolean;
  /** Set while the local Neo4j that Skein started is down (being restarted): why. */
  graphDown?: string;
}

/** Alive: the process answers. Says nothing about Neo4j, so a load balancer never restarts us for its sake. */
export function handleHealthz(res: ServerResponse): void {
  sendJson(res, 200, { status: 'ok' });
}

/** The versions of the migrations not yet applied; it rejects when Neo4j does not answer. */
export type PendingMigrations = () => Promise<number[]>;

/** Ready: start-up is done, Neo4j answers and every migration is applied. 503 otherwise, with the reason. */
export async function handleReadyz(
  pendingMigrations: PendingMigrations,
  readiness: Readiness,
  res: ServerResponse,
): Promise<void> {
  if (readiness.stopping) return sendJson(res, 503, { status: 'stopping' });
  if (!readiness.started) return sendJson(res, 503, { status: 'starting' });
  if (readiness.graphDown)
    return sendJson(res, 503, { status: 'unavailable', reason: 'the graph database is restarting' });
  try {
    const pending = await withinProbeTime(pendingMigrations());
    if (pending.length > 0) return sendJson(res, 503, { status: 'migrations pending', pending });
    sendJson(res, 200, { status: 'ready' });
  } catch (err) {
    sendJson(res, 503, { status: 'unavailable', reason: reasonOf(err) });
  }
}

/**
 * How long /readyz waits for Neo4j. A probe must answer within its own timeout (Kubernetes'
 * default is 1 s), and a query to a Neo4j that just died is retried by the driver until it is back:
 * without a bound /readyz itself hung for as long as the restart took (~15 s measured).
 */
export const READY_PROBE_MS = 900;

class ProbeTimeout extends Error {
  override name = 'ProbeTimeout';
}

function withinProbeTime<T>(work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ProbeTimeout()), READY_PROBE_MS);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

function reasonOf(err: unknown): string {
  if (err instanceof ProbeTimeout) return `the graph database did not answer within ${READY_PROBE_MS} ms`;
  const name = (err as { name?: string }).name;
  return name === 'MigrationError' ? (err as Error).message : 'the graph database does not answer';
}
