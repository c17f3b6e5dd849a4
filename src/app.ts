import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Driver } from 'neo4j-driver';
import { createApollo } from './graphql/apollo';
import type { Config } from './config';
import { createContext } from './graphql/context';
import { createDriver } from './graph/driver';
import { bodyRepository } from './graph/body.repository';
import { GraphExecutor } from './graph/executor';
import { migrate } from './graph/migrations';
import { warmUp } from './graph/warmup';
import { bodyEndpoints, countReceivedBytes } from './http/body-endpoints';
import type { Drain } from './http/drain';
import type { Readiness } from './http/health';
import { hostPolicy } from './http/host-check';
import { openLineageValidator } from './http/openlineage-validate';
import { startWatchedNeo4j, type WatchedNeo4j } from '../tools/watched-neo4j';
import { createLogger, type Logger } from './logger';
import { setSearchIndexLog } from './graph/search-index';
import { getSchema } from './graphql/schema';
import { createHttpServer } from './server';
import { SYSTEM, type Principal } from './auth/principal';
import { attachSubscriptions } from './http/subscriptions';
import { FeedNotifier } from './services/feed-notifier';
import { OPEN_AUTHENTICATOR, type Authenticator, type RequestOrigin } from './auth/authenticator';
import { createSsoVerifier } from './auth/oidc';
import { IdentityService, provisionAdminToken } from './services/identity.service';
import { ErrorCode, SkeinError } from './errors';
import { corsPolicy } from './http/cors';
import { createRateLimiter, NO_RATE_LIMIT, type RateLimiter } from './http/rate-limit';
import { sendRefusal } from './http/respond';
import { createServices } from './services';
import { scheduleCleanups } from './services/cleanup';
import { startWebhookDispatcher } from './services/webhook-dispatch';
import { createBodies, LocalBodyStore, type Bodies } from './storage';

export interface SkeinHandle {
  readonly url: string;
  readonly graphqlUrl: string;
  readonly graph: GraphExecutor;
  /** The body store (S3 or local) and its settings. */
  readonly bodies: Bodies;
  /** Bytes received on all HTTP connections so far (body bytes only reach it in the local mode). */
  bytesReceived(): number;
  /** The Neo4j Skein started itself (absent with NEO4J_URI): its process, for tests that kill it. */
  readonly localNeo4j?: { readonly pid: number };
  /**
   * Stops in order: /readyz turns 503, the HTTP server drains (requests in flight finish, up to
   * SKEIN_SHUTDOWN_GRACE_MS; new ones get 503), then the sweeps, the body store, the driver and
   * the local Neo4j stop.
   */
  stop(): Promise<void>;
}

export interface StartOptions {
  logger?: Logger;
  /** Human progress lines (first start fetches Neo4j's jars, which takes a while). */
  progress?: (message: string) => void;
  /**
   * Skein cannot go on (its local Neo4j died and could not be restarted). `skein serve` stops
   * and exits with the message; by default it is logged.
   */
  onFatal?: (err: Error) => void;
}

/**
 * Starts Skein: a local Neo4j when no NEO4J_URI is set, migrations (unless turned off), warm-up,
 * then the HTTP server. `stop()` undoes all of it in reverse order.
 */
export async function startSkein(config: Config, options: StartOptions = {}): Promise<SkeinHandle> {
  const logger = options.logger ?? createLogger(config.logLevel);
  setSearchIndexLog(logger);
  const progress = options.progress ?? ((m: string) => logger.info(m));
  const onFatal = options.onFatal ?? ((err: Error) => logger.fatal(err.message));
  const cleanups: Array<() => Promise<void>> = [];
  const readiness: Readiness = { started: false };
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      readiness.stopping = true;
      for (const cleanup of cleanups.reverse())
        await cleanup().catch((err: unknown) => logger.warn({ err }, 'error while stopping'));
    })());
  try {
    const neo4j = config.neo4j.uri
      ? { uri: config.neo4j.uri, username: config.neo4j.username, password: config.neo4j.password, local: undefined }
      : await startLocalNeo4j(config, { logger, progress, readiness, onFatal }, cleanups);
    const driver = createDriver({
      ...config.neo4j,
      uri: neo4j.uri,
      username: neo4j.username,
      password: neo4j.password,
    });
    cleanups.push(() => driver.close());
    const graph = new GraphExecutor(driver, {
      database: config.neo4j.database,
      timeoutMs: config.neo4j.queryTimeoutMs,
      perRequest: config.limits,
    });
    await waitForNeo4j(driver, neo4j.uri);
    const bodies = await createBodies(config);
    cleanups.push(() => bodies.store.close());
    const { server, drain, subscriptions, feed } = await listen(config, graph, logger, readiness, bodies);
    const bytesReceived = countReceivedBytes(server);
    cleanups.push(() => closeServer(drain, config.http.shutdownGraceMs, logger));
    // Before the drain: a subscription never finishes by itself, so its socket is closed (1001).
    cleanups.push(() => subscriptions.close());
    await prepareGraph(config, graph, progress);
    if (config.auth.mode === 'on') await provisionFirstAdmin(config, graph, progress, logger);
    readiness.started = true;
    // One body service for the whole process: the sweeps belong to no request.
    const processServices = createServices({
      graph,
      caller: SYSTEM,
      bodies,
      purgeGraceSeconds: config.purgeGraceSeconds,
    });
    cleanups.push(
      scheduleCleanups(graph, processServices.bodies, logger, {
        idempotencyTtlSeconds: config.idempotencyTtlSeconds,
        purge: () => processServices.lifecycle.purge(),
        purgeGraceSeconds: config.purgeGraceSeconds,
      }),
    );
    // Stopped before the driver closes (cleanups run in reverse): deliveries under way give their leases back.
    const webhooks = startWebhookDispatcher(graph, logger, config.webhooks);
    // A commit in this process delivers at once; other instances' commits wait for the next poll.
    const unwoken = feed.onEveryChange(() => webhooks.wake());
    cleanups.push(async () => {
      unwoken();
      await webhooks.stop();
    });
    const url = urlOf(server, config.http.host);
    return { url, graphqlUrl: `${url}/graphql`, graph, bodies, bytesReceived, stop, localNeo4j: neo4j.local };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** The local Neo4j, watched (restarted if it dies); answers where it is and its credentials. */
async function startLocalNeo4j(
  config: Config,
  deps: { logger: Logger; progress: (m: string) => void; readiness: Readiness; onFatal: (err: Error) => void },
  cleanups: Array<() => Promise<void>>,
): Promise<{ uri: string; username: string; password: string; local: WatchedNeo4j }> {
  deps.progress('Starting the local Neo4j (no NEO4J_URI set)…');
  const neo4j = await startWatchedNeo4j({
    config,
    logger: deps.logger,
    progress: deps.progress,
    onDown: (reason) => (deps.readiness.graphDown = reason),
    onUp: () => (deps.readiness.graphDown = undefined),
    onFatal: deps.onFatal,
  });
  cleanups.push(() => neo4j.stop());
  deps.progress(`Local Neo4j is up at ${neo4j.url} (user neo4j, password in ${config.dataDir}/neo4j/password)`);
  return { uri: neo4j.url, username: neo4j.username, password: neo4j.password, local: neo4j };
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
    const applied = await migrate(graph, {
      onApplying: (m) => progress(`Applying migration ${m.version} (${m.name})…`),
      onApplied: (m) => progress(`Applied migration ${m.version} (${m.name})`),
    });
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
): Promise<{ server: Server; drain: Drain; subscriptions: { close(): Promise<void> }; feed: FeedNotifier }> {
  const schema = await getSchema();
  const apollo = createApollo(schema, { limits: config.limits, introspection: config.introspection });
  // Compiled before the first request (and a broken vendor/openlineage copy fails the start, not a client).
  openLineageValidator();
  const authenticator = createAuthenticator(config, graph);
  // The single loopback user of an auth-off server is not limited.
  const limiter = config.auth.mode === 'on' ? createRateLimiter(config.rateLimit) : NO_RATE_LIMIT;
  const authenticate = (authorization: string | undefined, origin: RequestOrigin) =>
    limiter.authenticated(origin.ip, () => authenticator.authenticate(authorization, origin));
  // One per process: commits here wake this process's change-feed subscriptions and webhook dispatcher.
  const feed = new FeedNotifier(config.feedPollMs);
  const contextFor = (caller: Principal, origin: RequestOrigin & { requestId: string }) =>
    createContext(
      {
        graph,
        logger,
        bodies,
        idempotencyTtlSeconds: config.idempotencyTtlSeconds,
        searchIndexLimit: config.searchIndexLimit,
        purgeGraceSeconds: config.purgeGraceSeconds,
        tokenMaxTtlSeconds: config.auth.tokenMaxTtlSeconds,
        feed,
      },
      origin.requestId,
      caller,
      { ip: origin.ip },
    );
  const hosts = hostPolicy({
    bindHost: config.http.host,
    allowedHosts: config.http.allowedHosts,
    publicUrl: config.bodies.publicUrl,
  });
  await apollo.start();
  const { server, drain } = createHttpServer({
    apollo,
    graph,
    logger,
    readiness,
    maxBodyBytes: config.http.maxBodyBytes,
    limits: config.limits,
    makeContext: async (req, requestId) => {
      const origin = { ip: req.socket.remoteAddress ?? null, requestId };
      return contextFor(await authenticate(req.headers.authorization, origin), origin);
    },
    // The local store's signed URLs are answered here; with S3 the clients talk to S3 instead.
    bodies:
      bodies.store instanceof LocalBodyStore
        ? limitedBodies(limiter, localBodyEndpoints(bodies.store, graph, logger))
        : undefined,
    cors: corsPolicy(config.corsOrigins),
    hosts,
  });
  // GraphQL subscriptions over graphql-ws on the same server and path (src/http/subscriptions.ts).
  const subscriptions = attachSubscriptions(server, {
    schema,
    limits: config.limits,
    introspection: config.introspection,
    logger,
    authenticate,
    contextFor,
    hosts,
    allowedOrigins: config.corsOrigins,
    drain,
  });
  server.on('close', () => void apollo.stop());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.http.port, config.http.host, resolve);
  });
  if (bodies.store instanceof LocalBodyStore) bodies.store.setPublicUrl(urlOf(server, config.http.host));
  return { server, drain, subscriptions, feed };
}

/** Auth off (loopback only): everyone is the single user. On: tokens and SSO (identity.service.ts). */
function createAuthenticator(config: Config, graph: GraphExecutor): Authenticator {
  if (config.auth.mode === 'off') return OPEN_AUTHENTICATOR;
  return new IdentityService(graph, createSsoVerifier(config));
}

/**
 * The first admin (auth on): SKEIN_ADMIN_TOKEN provisioned, or a bootstrap token minted when no
 * admin token exists and printed here, once, on the start-up lines; never logged.
 */
async function provisionFirstAdmin(
  config: Config,
  graph: GraphExecutor,
  progress: (m: string) => void,
  logger: Logger,
): Promise<void> {
  const { minted, warning } = await provisionAdminToken(graph, { adminToken: config.auth.adminToken });
  if (warning) logger.warn(warning);
  if (!minted) return;
  progress(
    [
      'Auth is on and no admin token existed, so Skein made one. It is shown this once and never again:',
      '',
      `    ${minted}`,
      '',
      'Keep it like a password. Use it with the CLI (SKEIN_TOKEN=<it> skein token create --workspace W --role editor)',
      'or as "Authorization: Bearer <it>"; create your own admin tokens with it, then revoke it (skein token revoke <id>).',
    ].join('\n'),
  );
}

function localBodyEndpoints(store: LocalBodyStore, graph: GraphExecutor, logger: Logger) {
  const isWanted = (key: string, forUpload: string | null) =>
    graph.read((tx) => bodyRepository.isWanted(tx, store.id, key, forUpload));
  return bodyEndpoints(store, logger, { isWanted });
}

/** The /bodies/ endpoints behind the per-address rate limit (429 with Retry-After when over). */
function limitedBodies(
  limiter: RateLimiter,
  serve: (req: IncomingMessage, res: ServerResponse) => Promise<void>,
): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  return async (req, res) => {
    try {
      await limiter.limitBodies(req.socket.remoteAddress ?? null);
    } catch (err) {
      if (!(err instanceof SkeinError) || err.code !== ErrorCode.RATE_LIMITED) throw err;
      return sendRefusal(res, err);
    }
    return serve(req, res);
  };
}

async function closeServer(drain: Drain, graceMs: number, logger: Logger): Promise<void> {
  const { cut } = await drain.close(graceMs);
  if (cut > 0) logger.warn({ cut, graceMs }, 'closed connections of requests still running after the grace period');
}

function urlOf(server: Server, host: string): string {
  const { port } = server.address() as AddressInfo;
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}
