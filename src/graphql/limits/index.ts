import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, type ParseOptions, type ValidationRule } from 'graphql';
import { SkeinError } from '../../errors';
import { armorProtections } from './armor';
import { operationCost } from './cost';
import { formatCount, limitExceeded, type LimitsConfig } from '../../domain/limits';
import { asRequestError } from './errors';

export { LIMIT_DEFAULTS, LIMIT_VARIABLES, type LimitsConfig } from '../../domain/limits';
export { checkVariables } from './variables';
export { operationCost } from './cost';

/**
 * Every limit Apollo checks before execution, so before graphql-jit compiles anything
 * (src/graphql/executor.ts runs only after all of these passed):
 *
 * - parse: at most `maxTokens` tokens (graphql-js stops lexing there);
 * - validation: depth, aliases and directives (graphql-armor, armor.ts);
 * - once the operation and its variables are known: Skein's cost (cost.ts).
 *
 * Variables' raw JSON is bounded earlier still, in the HTTP layer (variables.ts), and each
 * request's share of Neo4j in its executor (src/graph/request-limits.ts).
 */
export interface ApolloLimits {
  parseOptions: ParseOptions;
  validationRules: ValidationRule[];
  plugins: ApolloServerPlugin[];
}

export function apolloLimits(limits: LimitsConfig, options: { introspection: boolean }): ApolloLimits {
  const armor = armorProtections(limits, options);
  return {
    parseOptions: { maxTokens: limits.maxTokens },
    validationRules: armor.validationRules,
    plugins: [...armor.plugins, costLimitPlugin(limits.maxCost)],
  };
}

/** Refuses an operation whose cost (priced with the request's variables) is over `maxCost`. */
function costLimitPlugin(maxCost: number): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, operation, request }) {
          if (!operation) return;
          const cost = operationCost({ schema, document, operation, variables: request.variables ?? {} });
          if (cost <= maxCost) return;
          throw asRequestError(
            limitExceeded(
              'maxCost',
              `The query costs ${formatCount(cost)}`,
              maxCost,
              'Ask for fewer nodes (maxNodes, first), fewer fields or fewer aliases, or split it into several requests.',
            ),
          );
        },
      };
    },
  };
}

/**
 * graphql-js reports the token limit as a syntax error ("Document contains more that N tokens.
 * Parsing aborted."); this turns it into Skein's refusal, naming the variable. Undefined for
 * any other error.
 */
export function tokenLimitError(error: unknown, maxTokens: number): SkeinError | undefined {
  if (!(error instanceof GraphQLError)) return undefined;
  if (!/Document contains more th[ae][nt] \d+ tokens/.test(error.message)) return undefined;
  return limitExceeded(
    'maxTokens',
    `The query has more than ${formatCount(maxTokens)} tokens (names, punctuation and values)`,
    maxTokens,
    'Send a shorter query; pass long lists as variables.',
  );
}
