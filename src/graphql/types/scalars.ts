import { GraphQLScalarType, Kind, type GraphQLScalarTypeConfig, type ValueNode } from 'graphql';
import { GraphQLJSON, GraphQLSafeInt } from 'graphql-scalars';
import { metricValueFromJson, metricValueToJson, type NonFiniteName } from '../../domain/metric';
import { type Scalar } from '../../domain/scalar';
import { parseIsoTime } from '../../domain/time';

export { GraphQLJSON as JSONScalar };

/**
 * Metric steps (MLflow's are 64-bit): graphql-scalars' SafeInt, a whole number within ±(2^53 − 1).
 * Not a 64-bit "Long": JSON clients (JavaScript, jq, most JSON parsers) read numbers as doubles,
 * so a step beyond 2^53 could not come back as the number it was; every step MLflow clients log
 * (epochs, batches, millisecond timestamps) fits. GraphQL's Int stops at 2^31 − 1.
 */
export const StepScalar = new GraphQLScalarType<number, number>({
  ...(GraphQLSafeInt.toConfig() as GraphQLScalarTypeConfig<number, number>),
  description:
    'A whole number within ±(2^53 − 1) = ±9,007,199,254,740,991, the largest range JSON clients read exactly: a ' +
    "metric step. MLflow's steps are 64-bit; the steps logged in practice (epochs, batches, millisecond " +
    'timestamps) fit, and a larger one is refused rather than rounded.',
});

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

/** What run filters compare params and results with: a string, a number or a boolean (never a list or object). */
export const ScalarValue = new GraphQLScalarType<Scalar, Scalar>({
  name: 'Scalar',
  description: 'A string, a number or a boolean: a value run filters compare params and results with.',
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

/**
 * Metric values: any double, as MLflow stores them. JSON has no NaN or Infinity, so those travel
 * as the strings "NaN", "Infinity" and "-Infinity" (protobuf's JSON names, which MLflow's REST API
 * uses); every other value is a JSON number.
 */
export const MetricValueScalar = new GraphQLScalarType<number, number | NonFiniteName>({
  name: 'MetricValue',
  description:
    'A metric value: a finite number, or one of the strings "NaN", "Infinity", "-Infinity" (JSON has no numbers ' +
    'for those), e.g. 0.93 or "NaN".',
  serialize: (value) => metricValueToJson(value as number),
  parseValue: (value) => parseMetricValue(value),
  parseLiteral: (ast) => parseMetricValue(literalValue(ast)),
});

function parseMetricValue(value: unknown): number {
  const parsed = metricValueFromJson(value);
  if (parsed === null) {
    throw new TypeError(
      `MetricValue expects a finite number or one of "NaN", "Infinity", "-Infinity"; got ${JSON.stringify(value)}.`,
    );
  }
  return parsed;
}
