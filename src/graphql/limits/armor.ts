import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import type { ValidationRule } from 'graphql';
import { formatCount, limitExceeded, type LimitsConfig } from '../../domain/limits';
import { asRequestError } from './errors';

export type ArmorLimits = Pick<LimitsConfig, 'maxDepth' | 'maxAliases' | 'maxDirectives'>;

/** Armor's rejection callback (its types package is not a direct dependency). */
type RejectCallback = NonNullable<
  NonNullable<NonNullable<ConstructorParameters<typeof ApolloArmor>[0]>['maxDepth']>['onReject']
>[number];

/**
 * graphql-armor's structural limits as Apollo validation rules: they run with graphql-js's own
 * rules, before the executor (src/graphql/executor.ts) sees the document, so graphql-jit never
 * compiles a document that breaks one. Of armor's protections Skein turns off two:
 *
 * - max tokens: graphql-js's parser counts tokens itself (`parseOptions.maxTokens`, see index.ts),
 *   in the one parse Apollo does; armor's Apollo plugin parses the text a second time and throws
 *   from a hook, which Apollo answers as HTTP 500.
 * - cost limit: it multiplies by `first`/`last` literals only, so it neither sees `maxNodes` nor
 *   sizes given as variables, and would count a `runs(first: 1000)` page far above the lineage
 *   aliases that exhausted the server. Skein's own model (cost.ts) replaces it.
 *
 * Field suggestions ("Did you mean …") are blocked only when introspection is off. Skein decides
 * both per caller (SKEIN_INTROSPECTION, src/graphql/introspection.ts), which armor's rules, shared
 * by every request, cannot; Skein passes `introspection: true` here and hides them there.
 */
export function armorProtections(
  limits: ArmorLimits,
  options: { introspection: boolean },
): { plugins: ApolloServerPlugin[]; validationRules: ValidationRule[] } {
  const armor = new ApolloArmor({
    maxDepth: {
      n: limits.maxDepth,
      // Fragment spreads count as a level: a 2,500-fragment chain is refused here, not walked.
      flattenFragments: false,
      propagateOnRejection: false,
      onReject: [
        report((found) =>
          limitExceeded(
            'maxDepth',
            `The query nests fields ${found} levels deep`,
            limits.maxDepth,
            'Ask for fewer nested levels; for deep lineage use lineage(of:, depth:) instead of nesting fields.',
          ),
        ),
      ],
    },
    maxAliases: {
      n: limits.maxAliases,
      propagateOnRejection: false,
      onReject: [
        report((found) =>
          limitExceeded(
            'maxAliases',
            `The query has ${found} aliases`,
            limits.maxAliases,
            'Split it into several requests.',
          ),
        ),
      ],
    },
    maxDirectives: {
      n: limits.maxDirectives,
      propagateOnRejection: false,
      onReject: [
        report((found) =>
          limitExceeded(
            'maxDirectives',
            `The query has ${found} directives`,
            limits.maxDirectives,
            'Use fewer @include/@skip directives.',
          ),
        ),
      ],
    },
    maxTokens: { enabled: false },
    costLimit: { enabled: false },
    blockFieldSuggestion: { enabled: !options.introspection },
  });
  const { plugins, validationRules } = armor.protect();
  return { plugins, validationRules };
}

/**
 * Armor reports "… limit of N exceeded, found M." (with `exposeLimits`, its default); Skein's
 * message names the variable to raise, so the measured M is read back from armor's text.
 */
function report(refusal: (found: string) => ReturnType<typeof limitExceeded>): RejectCallback {
  return (context, error) => {
    const found = /found (\d+)/.exec(error.message)?.[1];
    context?.reportError(asRequestError(refusal(found === undefined ? 'too many' : formatCount(+found))));
  };
}
