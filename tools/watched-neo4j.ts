import path from 'node:path';
import { startNeo4j, type LocalNeo4j } from './local-services';
import type { Config } from '../src/config';
import type { Logger } from '../src/logger';

/**
 * The Neo4j that Skein starts itself when no NEO4J_URI is set, watched: when it dies (an
 * OutOfMemoryError, a kill), Skein says so, answers SERVICE_UNAVAILABLE meanwhile, and starts it
 * again on the same port and store, so the driver reconnects by itself. After
 * SKEIN_NEO4J_RESTARTS restarts within RESTART_WINDOW_MS, or a restart that fails, it gives up and
 * calls `onFatal` (the CLI then stops with that message): a crash loop needs a person.
 */

const RESTART_WINDOW_MS = 10 * 60_000;
const DEFAULT_RESTARTS = 3;

export interface WatchedNeo4j {
  readonly url: string;
  readonly username: string;
  readonly password: string;
  /** The process now running (another one after a restart). */
  readonly pid: number;
  stop(): Promise<void>;
}

export interface WatchOptions {
  config: Config;
  logger: Logger;
  progress: (message: string) => void;
  /** Neo4j is gone and being restarted: answer SERVICE_UNAVAILABLE without waiting for it. */
  onDown: (reason: string) => void;
  onUp: () => void;
  onFatal: (err: Error) => void;
}

export async function startWatchedNeo4j(options: WatchOptions): Promise<WatchedNeo4j> {
  const { config, logger, progress } = options;
  const logFile = path.join(config.dataDir, 'neo4j.log');
  let current: LocalNeo4j = await startNeo4j({
    dataDir: path.join(config.dataDir, 'neo4j'),
    heapMb: config.neo4j.local.heapMb,
    pageCacheMb: config.neo4j.local.pageCacheMb,
    logFile,
    progress,
  });
  let stopping = false;
  let restarting: Promise<void> | undefined;
  const restartTimes: number[] = [];

  const restart = async (status: string): Promise<void> => {
    const reason = `the local Neo4j exited unexpectedly (${status})`;
    options.onDown(reason);
    const now = Date.now();
    while (restartTimes.length > 0 && restartTimes[0]! < now - RESTART_WINDOW_MS) restartTimes.shift();
    const max = config.neo4j.local.restarts ?? DEFAULT_RESTARTS;
    if (restartTimes.length >= max) {
      const tried = max === 0 ? 'SKEIN_NEO4J_RESTARTS is 0' : `it was restarted ${max} times in the last 10 minutes`;
      return options.onFatal(new Error(`${capitalize(reason)} and ${tried}; Skein stops. Its log: ${logFile}`));
    }
    restartTimes.push(now);
    logger.error({ status, attempt: restartTimes.length, max }, `${reason}; restarting it`);
    try {
      current = await startNeo4j({ ...current.options, progress });
    } catch (err) {
      return options.onFatal(
        new Error(`${capitalize(reason)} and could not be restarted: ${firstLine(err)}. Its log: ${logFile}`),
      );
    }
    if (stopping) return; // stop() stops the new one
    watch(current);
    logger.warn({ url: current.url }, 'the local Neo4j is back');
    options.onUp();
  };

  const watch = (service: LocalNeo4j) => {
    void service.exited.then(({ expected, status }) => {
      if (expected || stopping) return;
      restarting = restart(status).finally(() => (restarting = undefined));
    });
  };
  watch(current);

  return {
    url: current.url,
    username: current.username,
    password: current.password,
    get pid() {
      return current.pid;
    },
    async stop() {
      stopping = true;
      await restarting;
      await current.stop();
    },
  };
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function firstLine(err: unknown): string {
  return String((err as Error).message ?? err).split('\n')[0]!;
}
