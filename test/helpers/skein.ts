import type { Driver } from 'neo4j-driver';
import { startSkein, type SkeinHandle } from '../../src/app';
import { createDriver } from '../../src/graph/driver';
import { GraphExecutor } from '../../src/graph/executor';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/logger';

/**
 * A Skein server in this test process, on a free port, against the Neo4j (and S3) that jest's
 * global setup started. Warm-up is skipped: tests want the answer, not the latency.
 */
export async function startTestSkein(env: Record<string, string> = {}): Promise<SkeinHandle> {
  if (!process.env.NEO4J_URI)
    throw new Error('NEO4J_URI is not set: run the tests through jest (global setup starts Neo4j).');
  const config = loadConfig({ ...process.env, SKEIN_PORT: '0', SKEIN_WARMUP: 'false', ...env });
  return startSkein(config, {
    // Errors only: a passing run logs none, and an internal error behind a failing test (the
    // client sees a masked message) then shows with its stack in the test output.
    logger: createLogger(process.env.SKEIN_TEST_LOG_LEVEL ?? 'error'),
    progress: () => undefined,
  });
}

/** How useTestSkein starts its server: startTestSkein's signature, or a wrapper of it (startS3Skein…). */
export type StartSkein<H extends SkeinHandle> = (env: Record<string, string>) => Promise<H>;

export interface TestSkeinOptions<H extends SkeinHandle> {
  /** Prefix of a workspace to create for the suite; without it there is no `ws`. */
  workspace?: string;
  /** Settings over process.env, as startTestSkein takes them. */
  env?: Record<string, string>;
  /** Starts the server; startTestSkein by default. */
  start?: StartSkein<H>;
}

/**
 * A suite's server, and its workspace when one was asked for. The fields are set in beforeAll, so
 * they are valid only inside tests and hooks: read while the describe body runs, they throw.
 */
export interface TestSkein<H extends SkeinHandle = SkeinHandle> {
  readonly skein: H;
  /** skein.graphqlUrl */
  readonly url: string;
  readonly ws: string;
}

/**
 * The fixture most suites share, registered in one call: start a server in beforeAll (and create
 * the suite's workspace), stop it in afterAll. Hooks a suite adds after this call run after these
 * ones, so they may use the server in beforeAll, but it is already stopped in their afterAll.
 */
export function useTestSkein<H extends SkeinHandle>(
  options: TestSkeinOptions<H> & { start: StartSkein<H> },
): TestSkein<H>;
export function useTestSkein(options?: TestSkeinOptions<SkeinHandle>): TestSkein;
export function useTestSkein(options: TestSkeinOptions<SkeinHandle> = {}): TestSkein {
  const { workspace, env = {}, start = startTestSkein } = options;
  let skein: SkeinHandle | undefined;
  let ws: string | undefined;
  beforeAll(async () => {
    skein = await start(env);
    if (workspace !== undefined) ws = await createWorkspace(skein.graphqlUrl, workspace);
  });
  afterAll(() => skein?.stop());
  return {
    get skein() {
      return setInBeforeAll(skein, 'skein');
    },
    get url() {
      return setInBeforeAll(skein, 'skein').graphqlUrl;
    },
    get ws() {
      if (workspace === undefined) throw new Error('useTestSkein: no workspace was asked for (options.workspace)');
      return setInBeforeAll(ws, 'ws');
    },
  };
}

function setInBeforeAll<T>(value: T | undefined, name: string): T {
  if (value === undefined)
    throw new Error(`useTestSkein: ${name} is set in beforeAll; read it only inside tests and hooks`);
  return value;
}

/** A new workspace named `prefix-<unique>`; returns its name. */
export async function createWorkspace(url: string, prefix = 'ws'): Promise<string> {
  const name = uniqueName(prefix).toLowerCase();
  await gqlOk(url, 'mutation($i: CreateWorkspaceInput!) { createWorkspace(input: $i) { name } }', { i: { name } });
  return name;
}

export interface GraphQLResponse<T = Record<string, unknown>> {
  data?: T;
  errors?: Array<{ message: string; path?: string[]; extensions?: Record<string, unknown> }>;
}

/** POSTs one operation to a running server. */
export async function gql<T = Record<string, unknown>>(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<GraphQLResponse<T>> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  return (await res.json()) as GraphQLResponse<T>;
}

/** Like gql, but fails the test on any error and returns the data. */
export async function gqlOk<T = Record<string, unknown>>(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<T> {
  const res = await gql<T>(url, query, variables);
  if (res.errors?.length) throw new Error(`GraphQL errors: ${JSON.stringify(res.errors, null, 2)}`);
  return res.data as T;
}

/** A name no other test (or worker) will use: tests share one database and isolate by name. */
export function uniqueName(prefix = 't'): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

/**
 * Skein's driver and executor on the test Neo4j, for suites that talk to the graph without a
 * Skein server (so without its migrations: such a suite must not rely on Skein's constraints).
 */
export function testGraph(): { driver: Driver; graph: GraphExecutor } {
  const driver = createDriver({
    uri: process.env.NEO4J_URI!,
    username: 'neo4j',
    password: process.env.NEO4J_PASSWORD ?? '',
    queryTimeoutMs: 30_000,
    local: { heapMb: 0, pageCacheMb: 0 },
  });
  return { driver, graph: new GraphExecutor(driver, { timeoutMs: 30_000 }) };
}
