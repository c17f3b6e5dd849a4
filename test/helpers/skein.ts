import { startSkein, type SkeinHandle } from '../../src/app';
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
    logger: createLogger(process.env.SKEIN_TEST_LOG_LEVEL ?? 'silent'),
    progress: () => undefined,
  });
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
