import { GraphQLError } from 'graphql';
import type { SkeinError } from '../../errors';

/**
 * The same refusal as a GraphQLError for Apollo's request pipeline (validation rules, plugin
 * hooks): HTTP 400, and `originalError` the SkeinError, which formatError shows as written.
 */
export function asRequestError(error: SkeinError): GraphQLError {
  return new GraphQLError(error.message, {
    originalError: error,
    extensions: { code: error.code, ...error.details, http: { status: 400 } },
  });
}
