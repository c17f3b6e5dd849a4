import 'reflect-metadata';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import type { Driver } from 'neo4j-driver';
import { startNeo4j, type LocalService } from '../tools/local-services';
import { createApollo } from './apollo';
import type { Config } from './config';
import { createContext, requestIdFrom } from './context';
import { createDriver } from './graph/driver';
import { GraphExecutor } from './graph/executor';
import { migrate } from './graph/migrations';
import { warmUp } from './graph/warmup';
import { bodyEndpoints, countReceivedBytes } from './http/body-endpoints';
import type { Readiness } from './http/health';
import { createLogger, type Logger } from './logger';
import { getSchema } from './schema';
import { createHttpServer } from './server';
import { scheduleUploadCleanup } from './services/upload-sweep';
import { createBodies, LocalBodyStore, type Bodies } from './storage';

export interface SkeinHandle {
  readonly url: string;
  readonly graphqlUrl: string;
  readonly graph: GraphExecutor;
  /** The body store (S3 or local) and its settings. */
  readonly bodies: Bodies;
  /** Bytes received on all HTTP connections so far (body bytes only reach it in the local mode). */
  bytesReceived(): number;
  stop(): Promise<void>;
}

export interface StartOptions {
  logger?: Logger;
  /** Human progress lines (first start fetches Neo4j's jars, which takes a while). */
  progress?: (message: string) => void;
}

/**
 * Starts Skein: a local Neo4j when no NEO4J_URI is set, migrations (unless turned off), warm-up,
 * then the HTTP server. `stop()` undoes all of it in reverse order.
 */
export async function startSkein(config: Config, options: StartOptions = {}): Promise<SkeinHandle> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const progress = options.progress ?? ((m: string) => logger.info(m));
  const cleanups: Array<() => Promise<void>> = [];
  const stop = async () => {
    for (const cleanup of cleanups.reverse())
      await cleanup().catch((err: unknown) => logger.warn({ err }, 'error while stopping'));
  };
  try {
    const neo4jUri = config.neo4j.uri ?? (await startLocalNeo4j(config, progress, cleanups));
    const driver = createDriver({ ...config.neo4j, uri: neo4jUri });
    cleanups.push(() => driver.close());
    const graph = new GraphExecutor(driver, {
      database: config.neo4j.database,
      timeoutMs: config.neo4j.queryTimeoutMs,
    });
    await waitForNeo4j(driver, neo4jUri);
    const bodies = await createBodies(config);
    cleanups.push(() => bodies.store.close());
    const readiness: Readiness = { started: false };
    const server = await listen(config, graph, logger, readiness, bodies);
    const bytesReceived = countReceivedBytes(server);
    cleanups.push(() => closeServer(server));
    await prepareGraph(config, graph, progress);
    readiness.started = true;
    cleanups.push(scheduleUploadCleanup(graph, bodies, logger));
    const url = urlOf(server, config.http.host);
    return { url, graphqlUrl: `${url}/graphql`, graph, bodies, bytesReceived, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

async function startLocalNeo4j(
  config: Config,
  progress: (m: string) => void,
  cleanups: Array<() => Promise<void>>,
): Promise<string> {
  progress('Starting the local Neo4j (no NEO4J_URI set)…');
  const neo4j: LocalService = await startNeo4j({
    dataDir: path.join(config.dataDir, 'neo4j'),
    heapMb: config.neo4j.local.heapMb,
    pageCacheMb: config.neo4j.local.pageCacheMb,
    logFile: path.join(config.dataDir, 'neo4j.log'),
    progress,
  });
  cleanups.push(() => neo4j.stop());
  progress(`Local Neo4j is up at ${neo4j.url}`);
  return neo4j.url;
}

async function waitForNeo4j(driver: Driver, uri: string): Promise<void> {
  try {
    await driver.verifyConnectivity();
  } catch (err) {
    throw new Error(`Cannot reach Neo4j at ${uri}: ${(err as Error).message}. Check NEO4J_URI and the credentials.`);
  }
}

async function prepareGraph(config: Config, graph: GraphExecutor, progress: (m: string) => void): Promise<void> {
  if (config.migrateOnStart) {
    const applied = await migrate(graph, { onApplied: (m) => progress(`Applied migration ${m.version} (${m.name})`) });
    if (applied.length === 0) progress('Migrations are current.');
  }
  if (config.warmUp) await warmUp(graph);
}

async function listen(
  config: Config,
  graph: GraphExecutor,
  logger: Logger,
  readiness: Readiness,
  bodies: Bodies,
): Promise<Server> {
  const apollo = createApollo(await getSchema());
  await apollo.start();
  const server = createHttpServer({
    apollo,
    graph,
    logger,
    readiness,
    maxBodyBytes: config.http.maxBodyBytes,
    makeContext: (req) =>
      createContext({ graph, logger, bodies }, requestIdFrom(req.headers['x-request-id'] as string | undefined)),
    // The local store's signed URLs are answered here; with S3 the clients talk to S3 instead.
    bodies: bodies.store instanceof LocalBodyStore ? bodyEndpoints(bodies.store, logger) : undefined,
  });
  server.on('close', () => void apollo.stop());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.http.port, config.http.host, resolve);
  });
  if (bodies.store instanceof LocalBodyStore) bodies.store.setPublicUrl(urlOf(server, config.http.host));
  return server;
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
  });
}

function urlOf(server: Server, host: string): string {
  const { port } = server.address() as AddressInfo;
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}
