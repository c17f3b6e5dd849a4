import { GraphQLScalarType, Kind, type ValueNode } from 'graphql';
import { GraphQLJSON } from 'graphql-scalars';
import { type Scalar } from '../../domain/scalar';
import { parseIsoTime } from '../../domain/time';

export { GraphQLJSON as JSONScalar };

/**
 * Times are ISO-8601 UTC strings end to end (stored so in Neo4j, where the fixed format sorts
 * correctly as text). Serialising is the identity: no per-field parsing on large answers.
 */
export const DateTimeScalar = new GraphQLScalarType<string, string>({
  name: 'DateTime',
  description: 'A moment in time, as an ISO-8601 string in UTC, e.g. "2026-11-23T16:36:00.000Z".',
  serialize: (value) => value as string,
  parseValue: (value) => parseDateTime(value),
  parseLiteral: (ast) => parseDateTime(ast.kind === Kind.STRING ? ast.value : undefined),
});

function parseDateTime(value: unknown): string {
  const time = parseIsoTime(value);
  if (time === null) {
    throw new TypeError(
      `DateTime expects an ISO-8601 time such as "2026-11-23T16:36:00Z"; got ${JSON.stringify(value)}.`,
    );
  }
  return time;
}

/** Param, result and property values: a string, a number or a boolean (never an object). */
export const ScalarValue = new GraphQLScalarType<Scalar, Scalar>({
  name: 'Scalar',
  description: 'A string, a number or a boolean: the value of a param, a result or a property.',
  serialize: (value) => value as Scalar,
  parseValue: (value) => parseScalar(value),
  parseLiteral: (ast) => parseScalar(literalValue(ast)),
});

function literalValue(ast: ValueNode): unknown {
  switch (ast.kind) {
    case Kind.STRING:
      return ast.value;
    case Kind.BOOLEAN:
      return ast.value;
    case Kind.INT:
    case Kind.FLOAT:
      return Number(ast.value);
    default:
      return undefined;
  }
}

function parseScalar(value: unknown): Scalar {
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  throw new TypeError(`Scalar expects a string, a finite number or a boolean; got ${JSON.stringify(value)}.`);
}
