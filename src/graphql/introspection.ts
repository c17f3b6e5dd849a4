import type { ApolloServerPlugin } from '@apollo/server';
import { BREAK, GraphQLError, visit, type DocumentNode } from 'graphql';
import { isSignedIn, OPEN, type Principal } from '../auth/principal';
import { ErrorCode } from '../errors';
import type { IntrospectionPolicy } from '../domain/introspection';
import type { Context } from './context';

export type { IntrospectionPolicy } from '../domain/introspection';

/**
 * Whether `caller` may introspect under `policy` (SKEIN_INTROSPECTION, src/domain/introspection.ts).
 * "Did you mean …" suggestions in errors name fields too, so they are hidden from exactly the
 * callers who may not introspect: otherwise guessing field names would rebuild the schema.
 */
export function mayIntrospect(policy: IntrospectionPolicy, caller: Principal): boolean {
  if (policy === 'on') return true;
  if (policy === 'off') return false;
  return isSignedIn(caller);
}

/**
 * Applies the policy per request (the caller is known only then, so this is a plugin rather
 * than one of the validation rules Apollo shares between requests): an operation that selects
 * `__schema` or `__type` is refused before it runs, and suggestions are cut from error messages.
 * `__typename` is not introspection: clients (and GraphiQL) send it everywhere.
 */
export function introspectionPolicyPlugin(policy: IntrospectionPolicy): ApolloServerPlugin<Context> {
  return {
    async requestDidStart({ contextValue }) {
      // Every HTTP request's context has its caller; a context made in-process without one is
      // the open user's, as createContext's default caller is.
      if (mayIntrospect(policy, (contextValue.caller as Principal | undefined) ?? OPEN)) return;
      return {
        async didResolveOperation({ document }) {
          if (introspects(document)) throw introspectionRefused(policy);
        },
        async willSendResponse({ response }) {
          if (response.body.kind !== 'single') return;
          for (const error of response.body.singleResult.errors ?? []) {
            (error as { message: string }).message = withoutSuggestions(error.message);
          }
        },
      };
    },
  };
}

/** True when the document selects `__schema` or `__type` anywhere (fragments included). */
export function introspects(document: DocumentNode): boolean {
  let found = false;
  visit(document, {
    Field(node) {
      if (node.name.value === '__schema' || node.name.value === '__type') {
        found = true;
        return BREAK;
      }
      return undefined;
    },
  });
  return found;
}

/** graphql-js's suggestions: `Did you mean "a", "b" or "c"?`, `Did you mean the enum value "X"?`. */
const SUGGESTION = /\s*Did you mean [^?]*\?/g;

export function withoutSuggestions(message: string): string {
  return message.replace(SUGGESTION, '');
}

function introspectionRefused(policy: IntrospectionPolicy): GraphQLError {
  const [code, status, message] =
    policy === 'off'
      ? [
          ErrorCode.FORBIDDEN,
          403,
          'Introspection is turned off on this server (SKEIN_INTROSPECTION=off). The schema is published with Skein as schema/schema.graphql.',
        ]
      : [
          ErrorCode.UNAUTHENTICATED,
          401,
          'Introspection needs a signed-in caller: send an API token or an SSO access token as "Authorization: Bearer <token>".',
        ];
  return new GraphQLError(message, { extensions: { code, http: { status } } });
}
