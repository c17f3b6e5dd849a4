import { clip, ErrorCode, type SkeinError } from '../../errors';
import { formatCount, limitExceeded, type LimitsConfig } from '../../domain/limits';

export type VariableLimits = Pick<LimitsConfig, 'maxVariableElements' | 'maxVariableDepth'>;

/**
 * Bounds each variable's raw JSON before GraphQL coerces it. Coercion walks every element
 * recursively (graphql-js) and a service then validates and turns it into Cypher: a 100,000-element
 * `and` list kept Neo4j busy for 11 minutes, and a 10,000-deep `not` overflowed the stack. Counting
 * the parsed JSON here is iterative and stops at the first element over a limit, so any body the
 * size limit lets in is judged in milliseconds.
 *
 * Elements are array items plus object keys; depth counts nested arrays and objects (a scalar
 * variable has depth 0). Returns the refusal for the first variable over a limit, else undefined.
 */
export function checkVariables(variables: unknown, limits: VariableLimits): SkeinError | undefined {
  if (!isObject(variables)) return undefined;
  for (const [name, value] of Object.entries(variables)) {
    const problem = measure(value, limits);
    if (problem === 'elements') {
      return limitExceeded(
        'maxVariableElements',
        `The variable $${clip(name)} holds more than ${formatCount(limits.maxVariableElements)} elements (array items and object keys)`,
        limits.maxVariableElements,
        'Send large lists in several requests.',
        ErrorCode.BAD_USER_INPUT,
      );
    }
    if (problem === 'depth') {
      return limitExceeded(
        'maxVariableDepth',
        `The variable $${clip(name)} is nested more than ${formatCount(limits.maxVariableDepth)} levels deep`,
        limits.maxVariableDepth,
        'Flatten the value (filters nest at most a few levels).',
        ErrorCode.BAD_USER_INPUT,
      );
    }
  }
  return undefined;
}

/** Walks a JSON value without recursion; stops as soon as it is over a limit. */
function measure(root: unknown, limits: VariableLimits): 'elements' | 'depth' | undefined {
  let elements = 0;
  const stack: Array<{ value: unknown; depth: number }> = [{ value: root, depth: 0 }];
  while (stack.length > 0) {
    const { value, depth } = stack.pop()!;
    const children = Array.isArray(value) ? value : isObject(value) ? Object.values(value) : undefined;
    if (!children) continue;
    if (depth + 1 > limits.maxVariableDepth) return 'depth';
    elements += children.length;
    if (elements > limits.maxVariableElements) return 'elements';
    for (const child of children) {
      if (typeof child === 'object' && child !== null) stack.push({ value: child, depth: depth + 1 });
    }
  }
  return undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
