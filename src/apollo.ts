import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { unwrapResolverError } from '@apollo/server/errors';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import type { GraphQLFormattedError, GraphQLSchema } from 'graphql';
import type { Context } from './context';
import { ErrorCode, SkeinError, isClientFacingCode } from './errors';
import { jitGateway } from './graphql-executor';

/**
 * Apollo Server with per-field work turned off: the cache-control plugin hooks every field
 * (measured: 38 ms against 13 ms for a 1,000-object answer), and the default landing page loads
 * from a CDN, which fails offline.
 */
export function createApollo(schema: GraphQLSchema, options: { jit?: boolean } = {}): ApolloServer<Context> {
  return new ApolloServer<Context>({
    // Operations run compiled by graphql-jit (src/graphql-executor.ts): measured on a 500-run page,
    // 68 ms of server CPU a request against 106 ms with graphql-js, byte-identical answers.
    ...(options.jit === false ? { schema } : { gateway: jitGateway(schema) }),
    formatError,
    // Apollo's default appends a newline, which makes a large answer a two-part string that Node
    // then copies flat again to measure and send it (~1-2 ms and a 2.5 MB copy on 5,000 nodes).
    stringifyResult: (result) => JSON.stringify(result),
    includeStacktraceInErrorResponses: false,
    // The schema is public (schema/schema.graphql is published); the playground's docs need it
    // even when NODE_ENV=production, where Apollo would turn introspection off.
    introspection: true,
    // Skein owns shutdown (HTTP server, driver, local Neo4j in order); Apollo's own signal handler
    // would re-raise SIGINT and kill the process before the local Neo4j has stopped.
    stopOnTerminationSignals: false,
    plugins: [ApolloServerPluginCacheControlDisabled(), ApolloServerPluginLandingPageDisabled(), logInternalErrors],
  });
}

export const INTERNAL_MESSAGE = 'Internal server error. The server log has the details under this request id.';

/** User errors pass through as written; anything else is masked to a code and a message. */
export function formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const original = unwrapResolverError(error);
  if (original instanceof SkeinError) {
    return { ...formatted, message: original.message, extensions: { code: original.code, ...original.details } };
  }
  if (isClientFacingCode(formatted.extensions?.code)) return formatted;
  return {
    message: INTERNAL_MESSAGE,
    locations: formatted.locations,
    path: formatted.path,
    extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR },
  };
}

/** Internal failures are logged in full (with the request id); clients get the masked form plus the id. */
const logInternalErrors: ApolloServerPlugin<Context> = {
  async requestDidStart() {
    return {
      async didEncounterErrors({ errors, contextValue }) {
        for (const err of errors) {
          const original = unwrapResolverError(err);
          if (original instanceof SkeinError || isClientFacingCode(err.extensions?.code)) continue;
          contextValue.logger.error({ err: original, path: err.path }, 'internal error while answering a request');
        }
      },
      async willSendResponse({ response, contextValue }) {
        if (response.body.kind !== 'single') return;
        for (const e of response.body.singleResult.errors ?? []) {
          if (e.extensions?.code === ErrorCode.INTERNAL_SERVER_ERROR) {
            (e.extensions as Record<string, unknown>).requestId = contextValue.requestId;
          }
        }
      },
    };
  },
};
