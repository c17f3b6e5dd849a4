import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Driver } from 'neo4j-driver';
import { createApollo } from './graphql/apollo';
import type { Config } from './config';
import { createContext, requestIdFrom } from './graphql/context';
import { createDriver } from './graph/driver';
import { bodyRepository } from './graph/body.repository';
import { GraphExecutor } from './graph/executor';
import { migrate } from './graph/migrations';
import { warmUp } from './graph/warmup';
import { bodyEndpoints, countReceivedBytes } from './http/body-endpoints';
import type { Drain } from './http/drain';
import type { Readiness } from './http/health';
import { hostPolicy } from './http/host-check';
import { startWatchedNeo4j, type WatchedNeo4j } from '../tools/watched-neo4j';
import { createLogger, type Logger } from './logger';
import { getSchema } from './graphql/schema';
import { createHttpServer } from './server';
import { ANONYMOUS, makePrincipal, ROLES, SYSTEM, type Role } from './auth/principal';
import { OPEN_AUTHENTICATOR, type Authenticator } from './auth/authenticator';
import { createSsoVerifier } from './auth/oidc';
import type { SsoVerifier } from './auth/sso';
import { grantRepository } from './graph/grant.repository';
import { ErrorCode, SkeinError, unauthenticated } from './errors';
import { corsPolicy } from './http/cors';
import { createRateLimiter, NO_RATE_LIMIT, type RateLimiter } from './http/rate-limit';
import { sendError } from './http/respond';
import { createServices } from './services';
import { scheduleCleanups } from './services/cleanup';
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
    const { server, drain } = await listen(config, graph, logger, readiness, bodies);
    const bytesReceived = countReceivedBytes(server);
    cleanups.push(() => closeServer(drain, config.http.shutdownGraceMs, logger));
    await prepareGraph(config, graph, progress);
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
): Promise<{ server: Server; drain: Drain }> {
  const apollo = createApollo(await getSchema(), { limits: config.limits, introspection: config.introspection });
  // TEMPORARY (h2, until h1's identity service and SKEIN_AUTH are merged): SSO is the only
  // credential, and auth is on exactly when an issuer is configured.
  const sso = createSsoVerifier(config);
  const authenticator = sso ? temporarySsoAuthenticator(sso, graph) : OPEN_AUTHENTICATOR;
  const limiter = sso ? createRateLimiter(config.rateLimit) : NO_RATE_LIMIT;
  await apollo.start();
  const { server, drain } = createHttpServer({
    apollo,
    graph,
    logger,
    readiness,
    maxBodyBytes: config.http.maxBodyBytes,
    limits: config.limits,
    makeContext: async (req) => {
      const origin = { ip: req.socket.remoteAddress ?? null };
      const caller = await limiter.authenticated(origin.ip, () =>
        authenticator.authenticate(req.headers.authorization, origin),
      );
      return createContext(
        {
          graph,
          logger,
          bodies,
          idempotencyTtlSeconds: config.idempotencyTtlSeconds,
          purgeGraceSeconds: config.purgeGraceSeconds,
        },
        requestIdFrom(req.headers['x-request-id'] as string | undefined),
        caller,
        origin,
      );
    },
    // The local store's signed URLs are answered here; with S3 the clients talk to S3 instead.
    bodies:
      bodies.store instanceof LocalBodyStore
        ? limitedBodies(limiter, localBodyEndpoints(bodies.store, graph, logger))
        : undefined,
    cors: corsPolicy(config.corsOrigins),
    hosts: hostPolicy({
      bindHost: config.http.host,
      allowedHosts: config.http.allowedHosts,
      publicUrl: config.bodies.publicUrl,
    }),
  });
  server.on('close', () => void apollo.stop());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.http.port, config.http.host, resolve);
  });
  if (bodies.store instanceof LocalBodyStore) bodies.store.setPublicUrl(urlOf(server, config.http.host));
  return { server, drain };
}

function localBodyEndpoints(store: LocalBodyStore, graph: GraphExecutor, logger: Logger) {
  const isWanted = (key: string) => graph.read((tx) => bodyRepository.isWanted(tx, store.id, key));
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
      res.setHeader('retry-after', String(err.details.retryAfterSeconds));
      return sendError(res, 429, err.code, err.message);
    }
    return serve(req, res);
  };
}

/**
 * TEMPORARY (h2): a stand-in for h1's identity service, so the SSO tests run a full server.
 * Bearer JWT -> verified identity -> `user:<sub>` with the best role its own and its groups'
 * grants give in each workspace; no credentials -> anonymous.
 */
export function temporarySsoAuthenticator(sso: SsoVerifier, graph: GraphExecutor): Authenticator {
  return {
    async authenticate(authorization) {
      if (!authorization) return ANONYMOUS;
      const jwt = /^Bearer\s+(\S+)$/i.exec(authorization)?.[1];
      if (!jwt) throw unauthenticated('Send credentials as "Authorization: Bearer <token>".');
      const who = await sso.verify(jwt);
      const subjects = [`user:${who.subject}`, ...who.groups.map((g) => `group:${g}`)];
      const grants = await graph.read((tx) => grantRepository.grantsOf(tx, subjects));
      const roles = new Map<string, Role>();
      for (const g of grants) {
        const had = roles.get(g.workspace);
        if (!had || ROLES.indexOf(g.role) > ROLES.indexOf(had)) roles.set(g.workspace, g.role);
      }
      return makePrincipal({ kind: 'sso', id: `user:${who.subject}`, admin: who.admin, roles, groups: who.groups });
    },
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
