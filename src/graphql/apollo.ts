import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { unwrapResolverError } from '@apollo/server/errors';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import { GraphQLError, type GraphQLFormattedError, type GraphQLSchema } from 'graphql';
import type { Context } from './context';
import { boundMessage, clip, ErrorCode, isClientFacingCode, isStackExhaustion, SkeinError } from '../errors';
import { jitGateway } from './executor';
import { apolloLimits, LIMIT_DEFAULTS, tokenLimitError, type LimitsConfig } from './limits';
import { stringifyInTurns } from './limits/event-loop';
import { introspectionPolicyPlugin, type IntrospectionPolicy } from './introspection';

/**
 * Apollo Server with per-field work turned off: the cache-control plugin hooks every field
 * (measured: 38 ms against 13 ms for a 1,000-object answer), and the default landing page loads
 * from a CDN, which fails offline.
 */
export function createApollo(
  schema: GraphQLSchema,
  options: { jit?: boolean; limits?: LimitsConfig; introspection?: IntrospectionPolicy } = {},
): ApolloServer<Context> {
  const limitsConfig = options.limits ?? LIMIT_DEFAULTS;
  // Parse, validation and cost limits (README "Limits"): all run before the executor compiles.
  // Introspection (and field suggestions) depend on the caller, so they are decided per request
  // by introspectionPolicyPlugin, not by armor's request-independent rules.
  const limits = apolloLimits(limitsConfig, { introspection: true });
  return new ApolloServer<Context>({
    // Operations run compiled by graphql-jit (src/graphql/executor.ts): measured on a 500-run page,
    // 68 ms of server CPU a request against 106 ms with graphql-js, byte-identical answers.
    ...(options.jit === false ? { schema } : { gateway: jitGateway(schema) }),
    formatError: (formatted, error) => formatError(formatted, tokenLimitError(error, limitsConfig.maxTokens) ?? error),
    parseOptions: limits.parseOptions,
    validationRules: limits.validationRules,
    // Apollo's default appends a newline, which makes a large answer a two-part string that Node
    // then copies flat again to measure and send it (~1-2 ms and a 2.5 MB copy on 5,000 nodes).
    // Encoded a field at a time, so an 11 MB answer never holds the event loop for 100 ms.
    stringifyResult: (result) => stringifyInTurns(result),
    includeStacktraceInErrorResponses: false,
    // On for Apollo whatever NODE_ENV says (the playground's docs need it); who may introspect is
    // SKEIN_INTROSPECTION's to say, per caller (introspectionPolicyPlugin).
    introspection: true,
    // Skein owns shutdown (HTTP server, driver, local Neo4j in order); Apollo's own signal handler
    // would re-raise SIGINT and kill the process before the local Neo4j has stopped.
    stopOnTerminationSignals: false,
    plugins: [
      ApolloServerPluginCacheControlDisabled(),
      ApolloServerPluginLandingPageDisabled(),
      logInternalErrors,
      introspectionPolicyPlugin(options.introspection ?? 'authenticated'),
      ...(limits.plugins as ApolloServerPlugin<Context>[]),
    ],
  });
}

export const INTERNAL_MESSAGE = 'Internal server error. The server log has the details under this request id.';

/**
 * User errors pass through with their code, their echoes of the client's input bounded
 * (`boundMessage`); anything else is masked to a code and a message.
 */
export function formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const original = skeinErrorIn(error) ?? unwrapResolverError(error);
  if (original instanceof SkeinError) {
    const extensions = { code: original.code, ...boundDetails(original.details) };
    return { ...formatted, message: boundMessage(original.message), extensions };
  }
  if (isClientFacingCode(formatted.extensions?.code)) {
    return { ...formatted, message: boundMessage(formatted.message), extensions: boundDetails(formatted.extensions) };
  }
  // A request that failed outside execution carries its request id already (see failedRequest).
  const requestId = formatted.extensions?.requestId;
  return {
    message: INTERNAL_MESSAGE,
    locations: formatted.locations,
    path: formatted.path,
    extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR, ...(typeof requestId === 'string' ? { requestId } : {}) },
  };
}

/**
 * The SkeinError behind a GraphQLError that Apollo wrapped outside execution (a validation rule's
 * or a plugin's refusal: `ValidationError.originalError`), where unwrapResolverError, which
 * needs a field path, does not look.
 */
function skeinErrorIn(error: unknown): SkeinError | undefined {
  let e: unknown = error;
  for (let hops = 0; hops < 3 && e instanceof GraphQLError; hops++) e = e.originalError;
  return e instanceof SkeinError ? e : undefined;
}

/** Error details (extensions) with every string value clipped: `notFound` puts the id there too. */
function boundDetails(details: Record<string, unknown> = {}): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(details)) out[key] = typeof value === 'string' ? clip(value) : value;
  return out;
}

/**
 * Internal failures are logged in full, at `error` with the stack (and the request id); clients get
 * the masked form plus the id. User errors are the client's business: one `info` line a request,
 * without a stack, so they do not bury real failures.
 */
const logInternalErrors: ApolloServerPlugin<Context> = {
  async requestDidStart() {
    return {
      async didEncounterErrors({ errors, contextValue }) {
        const userErrors: { code: unknown; message: string; path?: readonly (string | number)[] }[] = [];
        for (const err of errors) {
          const original = skeinErrorIn(err) ?? unwrapResolverError(err);
          if (original instanceof SkeinError) {
            userErrors.push({ code: original.code, message: boundMessage(original.message), path: err.path });
          } else if (isClientFacingCode(err.extensions?.code)) {
            userErrors.push({ code: err.extensions.code, message: boundMessage(err.message), path: err.path });
          } else {
            contextValue.logger.error({ err: original, path: err.path }, 'internal error while answering a request');
          }
        }
        if (userErrors.length > 0) {
          const shown = userErrors.slice(0, LOGGED_USER_ERRORS);
          contextValue.logger.info(
            { userErrors: shown, count: userErrors.length },
            'request answered with user errors',
          );
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

  /**
   * Apollo calls this when a request fails outside the phases that answer errors themselves (a
   * validation rule that exhausts the stack on a 10,000-fragment chain is the one seen). Left to
   * Apollo, the answer is a 500 without the request id and the log line is plain text from its
   * own logger. What this hook throws replaces that error (Apollo 5 answers it with
   * `errorResponse`, formatError and the status in `extensions.http`, and skips its own log line),
   * so the failure is logged here as JSON with the request id, and answered with it.
   */
  async unexpectedErrorProcessingRequest({ requestContext, error }) {
    throw failedRequest(error, requestContext.contextValue);
  },
};

/** How many user errors of one request its log line lists. */
const LOGGED_USER_ERRORS = 5;

/**
 * The answer for a request that failed outside execution. Exhausting the stack there means the
 * document nests deeper than graphql-js can walk: that is the client's document, not a fault.
 */
export function failedRequest(error: Error, context: Partial<Context>): GraphQLError {
  const requestId = context.requestId;
  if (isStackExhaustion(error)) {
    context.logger?.info({ reason: error.message }, 'refused a document nested too deeply to process');
    return new GraphQLError(TOO_DEEP_MESSAGE, {
      extensions: { code: ErrorCode.QUERY_TOO_COMPLEX, requestId, http: { status: 400 } },
    });
  }
  context.logger?.error({ err: error }, 'unexpected error while processing a request');
  return new GraphQLError(INTERNAL_MESSAGE, {
    extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR, requestId, http: { status: 500 } },
  });
}

export const TOO_DEEP_MESSAGE =
  'The operation nests too deeply (fragments or selections inside one another) to be processed; flatten it.';
