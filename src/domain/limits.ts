import { ErrorCode, SkeinError } from '../errors';

/**
 * What one request may ask for and hold (README "Limits"). Each limit has an environment
 * variable of the same name in SCREAMING_CASE (SKEIN_MAX_DEPTH …), read in src/config.ts.
 *
 * The defaults are generous: every document the README, the playground, the CLI and the demo
 * send passes with room to spare (test/unit/limits-legit.test.ts runs them all through these
 * limits with the largest page sizes the API allows), while the documents that took Skein down
 * (issue 12: a 500-byte 7-type nested query, 200-1,000 lineage aliases, 100,000-element
 * variables) are refused before anything runs.
 */
export interface LimitsConfig {
  /** Field nesting of an operation, fragments included (graphql-armor max-depth). */
  maxDepth: number;
  /** Aliased fields in an operation (graphql-armor max-aliases). */
  maxAliases: number;
  /** Lexical tokens of the query text (graphql-js's parser stops there). */
  maxTokens: number;
  /** Directives in an operation (graphql-armor max-directives). */
  maxDirectives: number;
  /** Skein's cost: an upper bound on the values an answer can hold (src/graphql/limits/cost.ts). */
  maxCost: number;
  /** Array elements plus object keys in one variable's raw JSON. */
  maxVariableElements: number;
  /** Nesting of one variable's raw JSON (arrays and objects). */
  maxVariableDepth: number;
  /** Neo4j sessions one request may hold at once (of the driver's pool of 100). */
  maxRequestSessions: number;
  /** Records (rows and the items of collected lists) one request may read from Neo4j. */
  maxGraphRecords: number;
}

export const LIMIT_DEFAULTS: Readonly<LimitsConfig> = Object.freeze({
  maxDepth: 15,
  maxAliases: 50,
  maxTokens: 5_000,
  maxDirectives: 50,
  // 100 runs -> their executions -> their inputs and outputs, at the default page size of 50,
  // prices at 2,280,402 (test/integration/batching.test.ts sends it); the CLI's lineage at
  // maxNodes 10,000 at 140,018.
  maxCost: 3_000_000,
  // A 10,000-file directory (createUpload's largest), every optional field given: 60,001.
  maxVariableElements: 75_000,
  maxVariableDepth: 32,
  maxRequestSessions: 4,
  maxGraphRecords: 200_000,
});

/** The environment variable that sets each limit, for messages a person can act on. */
export const LIMIT_VARIABLES: Readonly<Record<keyof LimitsConfig, string>> = Object.freeze({
  maxDepth: 'SKEIN_MAX_DEPTH',
  maxAliases: 'SKEIN_MAX_ALIASES',
  maxTokens: 'SKEIN_MAX_TOKENS',
  maxDirectives: 'SKEIN_MAX_DIRECTIVES',
  maxCost: 'SKEIN_MAX_COST',
  maxVariableElements: 'SKEIN_MAX_VARIABLE_ELEMENTS',
  maxVariableDepth: 'SKEIN_MAX_VARIABLE_DEPTH',
  maxRequestSessions: 'SKEIN_MAX_REQUEST_SESSIONS',
  maxGraphRecords: 'SKEIN_MAX_GRAPH_RECORDS',
});

/** 52000 -> "52,000": limits and measurements are read by people. */
export const formatCount = (n: number): string => Math.round(n).toLocaleString('en-US');

/**
 * A refusal that names what was measured, the limit and the variable that sets it:
 * "The query costs 52,000; the limit is 20,000 (SKEIN_MAX_COST). Ask for fewer nodes …".
 */
export function limitExceeded(
  limit: keyof LimitsConfig,
  measured: string,
  max: number,
  advice: string,
  code: ErrorCode = ErrorCode.QUERY_TOO_COMPLEX,
): SkeinError {
  const variable = LIMIT_VARIABLES[limit];
  return new SkeinError(code, `${measured}; the limit is ${formatCount(max)} (${variable}). ${advice}`, {
    limit: variable,
    max,
  });
}
