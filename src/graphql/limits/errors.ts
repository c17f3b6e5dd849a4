import { GraphQLError } from 'graphql';
import { ErrorCode, SkeinError } from '../../errors';
import { formatCount, LIMIT_VARIABLES, type LimitsConfig } from './defaults';

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
