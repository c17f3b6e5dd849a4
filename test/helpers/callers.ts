import type { ApolloServer } from '@apollo/server';
import { randomUUID } from 'node:crypto';
import { makePrincipal, OPEN, type Principal, type Role } from '../../src/auth/principal';
import type { AuditRecord } from '../../src/domain/audit';
import { createApollo } from '../../src/graphql/apollo';
import { createContext, type Context } from '../../src/graphql/context';
import { getSchema } from '../../src/graphql/schema';
import type { GraphExecutor } from '../../src/graph/executor';
import { createLogger } from '../../src/logger';

/**
 * GraphQL as a given principal, in-process (no HTTP authentication): each call builds the context
 * a request would get (its services, loaders and audit trail) for `caller`, under a request id of
 * its own, so a test can find what the call wrote to the audit trail.
 */

/** An API token's principal holding `role` in each workspace given. */
export function tokenIn(roles: Record<string, Role>, id = `token:${randomUUID().slice(0, 12)}`): Principal {
  return makePrincipal({ kind: 'token', id, roles: Object.entries(roles), tokenId: id.slice(6) });
}

/** An SSO user's principal (roles as the grants of their subject and groups would give them). */
export function ssoUser(roles: Record<string, Role> = {}, subject = randomUUID().slice(0, 8)): Principal {
  return makePrincipal({ kind: 'sso', id: `user:${subject}`, roles: Object.entries(roles) });
}

export interface Answer<T> {
  data: T | null;
  errors: Array<{ message: string; extensions?: { code?: string } }>;
  requestId: string;
  /** Cypher round trips the request cost. */
  queries: number;
}

export interface InProcessApi {
  as<T = Record<string, unknown>>(
    caller: Principal,
    query: string,
    variables?: Record<string, unknown>,
  ): Promise<Answer<T>>;
  /** `as`, failing the test on any error. */
  ok<T = Record<string, unknown>>(caller: Principal, query: string, variables?: Record<string, unknown>): Promise<T>;
  stop(): Promise<void>;
}

export async function inProcessApi(graph: () => GraphExecutor): Promise<InProcessApi> {
  const apollo: ApolloServer<Context> = createApollo(await getSchema(), {});
  await apollo.start();
  const as = async <T>(caller: Principal, query: string, variables: Record<string, unknown> = {}) => {
    const requestId = `h3-${randomUUID()}`;
    const context = createContext({ graph: graph(), logger: createLogger('silent') }, requestId, caller);
    const res = await apollo.executeOperation({ query, variables }, { contextValue: context });
    const body = res.body.kind === 'single' ? res.body.singleResult : undefined;
    return {
      data: (body?.data ?? null) as T | null,
      errors: (body?.errors ?? []) as Answer<T>['errors'],
      requestId,
      queries: context.stats.queries,
    };
  };
  return {
    as,
    async ok<T>(caller: Principal, query: string, variables: Record<string, unknown> = {}) {
      const answer = await as<T>(caller, query, variables);
      expect(answer.errors).toEqual([]);
      return answer.data as T;
    },
    stop: () => apollo.stop(),
  };
}

export { OPEN };

/** What a request wrote to the audit trail, oldest first. */
export async function auditOf(graph: GraphExecutor, requestId: string): Promise<AuditRecord[]> {
  return graph
    .read((tx) =>
      tx.run<AuditRecord>('MATCH (a:AuditEvent {requestId: $requestId}) RETURN a {.*} AS a ORDER BY a.id', {
        requestId,
      }),
    )
    .then((rows) => rows.map((r) => (r as unknown as { a: AuditRecord }).a));
}
