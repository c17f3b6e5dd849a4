import {
  getOperationAST,
  GraphQLError,
  parse,
  specifiedRules,
  validate,
  type DocumentNode,
  type GraphQLSchema,
  type ValidationRule,
} from 'graphql';
import type { Principal } from '../auth/principal';
import { badInput, SkeinError } from '../errors';
import { apolloLimits, checkVariables, operationCost, tokenLimitError, type LimitsConfig } from './limits';
import { asRequestError } from './limits/errors';
import { introspects, mayIntrospect, type IntrospectionPolicy } from './introspection';
import { formatCount, limitExceeded } from '../domain/limits';

/** What a graphql-ws client sends to start an operation. */
export interface SubscribePayload {
  query: string;
  operationName?: string | null;
  variables?: Record<string, unknown> | null;
}

/**
 * The checks an HTTP operation gets before it runs (src/graphql/apollo.ts and limits/), for an
 * operation that arrives over graphql-ws: raw variables, tokens, graphql-js's rules with armor's
 * depth, alias and directive limits, the introspection policy, and Skein's cost. Only
 * subscriptions are served over a socket: queries and mutations go over HTTP, where the audit,
 * the rate limits and the answer's size bounds are.
 */
export class SubscriptionRules {
  private readonly validationRules: ValidationRule[];

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly limits: LimitsConfig,
    private readonly introspection: IntrospectionPolicy,
  ) {
    this.validationRules = [...specifiedRules, ...apolloLimits(limits, { introspection: true }).validationRules];
  }

  /** The parsed document when the operation may run; the errors to answer otherwise. */
  check(payload: SubscribePayload, caller: Principal): DocumentNode | readonly GraphQLError[] {
    const tooLarge = checkVariables(payload.variables ?? {}, this.limits);
    if (tooLarge) return [asRequestError(tooLarge)];
    let document: DocumentNode;
    try {
      document = parse(payload.query, { maxTokens: this.limits.maxTokens });
    } catch (err) {
      const refusal = tokenLimitError(err, this.limits.maxTokens);
      return [refusal ? asRequestError(refusal) : (err as GraphQLError)];
    }
    const errors = validate(this.schema, document, this.validationRules);
    if (errors.length > 0) return errors;
    const operation = getOperationAST(document, payload.operationName ?? undefined);
    if (!operation) return [refused(badInput('Name the operation to run (operationName): the document has several.'))];
    if (operation.operation !== 'subscription') {
      return [
        refused(badInput('Only subscriptions are served over WebSocket; send queries and mutations to POST /graphql.')),
      ];
    }
    if (!mayIntrospect(this.introspection, caller) && introspects(document)) {
      return [refused(badInput('Introspection is not allowed for this caller.'))];
    }
    const cost = operationCost({ schema: this.schema, document, operation, variables: payload.variables ?? {} });
    if (cost > this.limits.maxCost) {
      const message = `The subscription costs ${formatCount(cost)}`;
      return [refused(limitExceeded('maxCost', message, this.limits.maxCost, 'Select fewer fields or nodes.'))];
    }
    return document;
  }
}

const refused = (err: SkeinError): GraphQLError => asRequestError(err);
