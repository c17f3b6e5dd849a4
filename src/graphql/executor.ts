import type { ApolloServerOptionsWithGateway } from '@apollo/server';
import {
  execute,
  getNamedType,
  getVariableValues,
  GraphQLError,
  GraphQLScalarType,
  GraphQLSchema,
  isEnumType,
  isInputObjectType,
  Kind,
  visit,
  type DocumentNode,
  type ExecutionResult,
  type GraphQLInputObjectType,
  type TypeNode,
  type VariableDefinitionNode,
} from 'graphql';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';
import { ErrorCode, isStackExhaustion, quoted } from '../errors';
import { guardJitCallbacks } from './jit-guard';
import { jitFanOut } from './limits/jit-size';
import type { Logger } from '../logger';

/**
 * Executes operations with graphql-jit: each distinct (query, operation) is compiled once into a
 * JavaScript function that walks the answer without graphql-js's per-field machinery
 * (executeFields, completeValue, argument coercion, isPromise on every value). On a 500-run page
 * of ~30,000 fields this was most of the GraphQL side's CPU.
 *
 * Apollo Server 5 has no executor option; its `gateway` option is the documented way to supply
 * one (`load()` returns `{ executor }`). Apollo still parses, validates, runs the plugins and
 * formats errors; only execution is replaced. An operation graphql-jit cannot compile runs on
 * graphql-js `execute`, and that decision is cached like a compiled query.
 */

/** Compiled operations kept (LRU). Each is a few KB of generated code; clients send few shapes. */
export const DEFAULT_MAX_COMPILED = 1000;

/**
 * Operations larger than this, in field instances as graphql-jit generates them (`jitFanOut`:
 * every concrete type of an interface or union, at every level), run on graphql-js uncompiled.
 * Measured (compile time, heap kept): the CLI's lineage query 160 units, 45 ms, 340 KB; three
 * levels of `producer { inputs { edges { node { artifact …` 624 units, 140 ms, 1.3 MB; four
 * levels 4,397 units, 1.15 s, 19 MB. Compiling blocks the event loop, so the cut keeps one
 * compile near 100 ms; graphql-js does work only for the values an answer holds.
 */
export const MAX_JIT_FANOUT = 400;

/**
 * The compiled code the cache keeps, in the same units (plus PER_ENTRY_WEIGHT an entry). A unit
 * kept 1-4.5 KB of heap in the measurements above, so this bounds the cache near 90 MB whatever
 * documents clients send; by count alone, 1,000 deep documents held gigabytes (issue 12).
 */
export const MAX_CACHED_FANOUT = 20_000;

/** What a compiled entry costs besides its fan-out (measured: ~40 KB for a 40-unit document). */
const PER_ENTRY_WEIGHT = 20;

// The gateway types, as @apollo/server exposes them (@apollo/server-gateway-interface is its dependency).
type GatewayInterface = ApolloServerOptionsWithGateway<object>['gateway'];
type GatewayExecutor = NonNullable<Awaited<ReturnType<GatewayInterface['load']>>['executor']>;
type GatewayGraphQLRequestContext = Parameters<GatewayExecutor>[0];
type GatewaySchemaLoadOrUpdateCallback = Parameters<GatewayInterface['onSchemaLoadOrUpdate']>[0];

/** What graphql-jit puts in `errors`: GraphQLError-shaped, but its own class. */
interface JitError {
  message: string;
  locations?: readonly { line: number; column: number }[];
  path?: readonly (string | number)[];
  originalError?: Error | null;
  extensions?: Record<string, unknown>;
}

/**
 * A compiled operation, and the variables graphql-js coerces before it runs (see
 * `opaqueVariables`): their definitions as the client wrote them.
 */
interface JitOperation {
  query: CompiledQuery;
  coerceFirst: readonly VariableDefinitionNode[];
}

type Compiled = JitOperation | 'fallback';

/**
 * graphql-jit's options. `disableLeafSerialization` hands String, ID, Int, Float, Boolean and enum
 * values to the answer as they are, instead of through graphql-js's coercing serializers: each
 * leaf of each object otherwise costs a call that allocates its error location and path up front,
 * about a third of the garbage of a 5,000-node lineage answer (3 ms of 70 ms CPU measured A/B).
 * It is sound here because Skein's views are typed (strict TypeScript from the repositories up)
 * and every enum's values are their names (checked when the executor is made); custom scalars
 * (DateTime, Scalar, JSON) are still serialized. A test compares the two byte for byte.
 */
const JIT_OPTIONS = { disableLeafSerialization: true };

/** graphql-jit's `compileQuery`, as this executor calls it. */
export type Compile = (
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName?: string,
) => CompiledQuery | ExecutionResult;

export class JitExecutor {
  private readonly cache = new Map<string, Compiled>();
  /** Each cached entry's weight (MAX_CACHED_FANOUT), and their sum. */
  private readonly weights = new Map<string, number>();
  private cachedWeight = 0;
  private readonly recursiveInputs: ReadonlySet<string>;
  /** The schema plus the opaque variable type, as graphql-jit compiles against it. */
  private readonly jitSchema: GraphQLSchema;

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly maxCompiled = DEFAULT_MAX_COMPILED,
    /** graphql-jit's compiler; replaceable for tests. */
    private readonly compile: Compile = (s, document, operationName) =>
      compileQuery(s, document, operationName, JIT_OPTIONS),
  ) {
    this.recursiveInputs = recursiveInputTypes(schema);
    this.jitSchema = withOpaqueVariableType(schema);
    assertEnumsAreTheirNames(schema);
    guardJitCallbacks();
  }

  /** How many operations are cached (compiled or marked for graphql-js). */
  get size(): number {
    return this.cache.size;
  }

  /**
   * Variables are the client's input, and every error in them is reported as Apollo reports it
   * when it runs graphql-js itself: graphql-js's message, naming the client's variable and the path
   * inside it (`Variable "$i" got invalid value [1] at "i.params[0].value"`), BAD_USER_INPUT, HTTP
   * 400. graphql-jit coerces most variables with code it compiled for the operation (~40x faster
   * than graphql-js on 1,000 metric points: 0.1 ms against 3.7), but its errors name a variable of
   * that code (`$value`) and reached clients as internal errors. So jit coerces first, and only when
   * it refuses does graphql-js coerce again, for the errors.
   */
  readonly execute: GatewayExecutor = async (rc: GatewayGraphQLRequestContext) => {
    // Apollo leaves the operation unset when the document has several and no (or an unknown)
    // operationName; graphql-js would say so, but from a code path that expects an operation.
    if (!rc.operation) return { errors: [operationNotResolved(rc.operationName)] };
    const variables = rc.request.variables ?? {};
    const compiled = this.compiled(rc);
    if (compiled === 'fallback') return this.executeWithGraphqlJs(rc, variables);
    let values = variables;
    if (compiled.coerceFirst.length > 0) {
      const coerced = coerceVariables(this.schema, compiled.coerceFirst, variables);
      if ('errors' in coerced) return { errors: coerced.errors };
      values = { ...variables, ...coerced.values };
    }
    let result: ExecutionResult;
    try {
      result = await compiled.query.query(undefined, rc.context, values);
    } catch (err) {
      // Compiled code threw outside any resolver (see guardJitCallbacks). A query only reads, so
      // graphql-js answers it again and reports the failing field; a mutation is not run twice.
      if (rc.operation.operation !== 'query') throw err;
      loggerOf(rc.context)?.error({ err }, 'graphql-jit failed on a query; answered by graphql-js');
      return this.executeWithGraphqlJs(rc, variables);
    }
    // Without `data`, jit refused the variables and ran nothing: graphql-js reports them in the
    // client's words (or, should it accept them, answers the operation, which ran nowhere yet).
    if (result.data === undefined) return this.executeWithGraphqlJs(rc, variables);
    return result.errors?.length ? { ...result, errors: result.errors.map(asGraphQLError) } : result;
  };

  /** graphql-js `execute`, its variable errors reported as the client's (`asVariableErrors`). */
  private async executeWithGraphqlJs(rc: GatewayGraphQLRequestContext, variables: Record<string, unknown>) {
    const result = await execute({
      schema: this.schema,
      document: rc.document,
      contextValue: rc.context,
      variableValues: variables,
      operationName: rc.operationName,
    });
    // Without `data`, execute refused the variables (Apollo has resolved the operation already).
    if (result.data !== undefined || !result.errors) return result;
    const definitions = rc.operation.variableDefinitions ?? [];
    return { errors: asVariableErrors(this.schema, definitions, variables, result.errors) };
  }

  private compiled(rc: GatewayGraphQLRequestContext): Compiled {
    // Apollo hashes the query text (sha256); with the operation name it names one operation.
    const key = `${rc.operationName ?? ''}\u0000${rc.queryHash}`;
    const hit = this.cache.get(key);
    if (hit !== undefined) {
      // Refresh recency: a Map iterates in insertion order, so the first key is the least recent.
      this.cache.delete(key);
      this.cache.set(key, hit);
      return hit;
    }
    const fanOut = jitFanOut(this.schema, rc.document, rc.operationName, MAX_JIT_FANOUT);
    let made: Compiled = 'fallback';
    if (fanOut <= MAX_JIT_FANOUT) {
      try {
        const { document, coerceFirst } = opaqueVariables(rc.document, this.recursiveInputs);
        const c = this.compile(this.jitSchema, document, rc.operationName ?? undefined);
        if (isCompiledQuery(c)) made = { query: c, coerceFirst };
      } catch {
        made = 'fallback';
      }
    }
    this.remember(key, made, made === 'fallback' ? 1 : fanOut + PER_ENTRY_WEIGHT);
    return made;
  }

  /** Caches `made`, evicting the least recently used entries past the count or the weight bound. */
  private remember(key: string, made: Compiled, weight: number): void {
    this.cache.set(key, made);
    this.weights.set(key, weight);
    this.cachedWeight += weight;
    while (this.cache.size > this.maxCompiled || (this.cachedWeight > MAX_CACHED_FANOUT && this.cache.size > 1)) {
      const oldest = this.cache.keys().next().value!;
      this.cache.delete(oldest);
      this.cachedWeight -= this.weights.get(oldest) ?? 0;
      this.weights.delete(oldest);
    }
  }

  /** The cached entries' total weight, in jit fan-out units (for tests). */
  get weight(): number {
    return this.cachedWeight;
  }
}

/**
 * Without leaf serialization (JIT_OPTIONS) an enum value reaches the answer as its internal value,
 * which is right only when that is its name: TypeScript string enums whose values are their keys.
 */
export function assertEnumsAreTheirNames(schema: GraphQLSchema): void {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isEnumType(type) || type.name.startsWith('__')) continue;
    const odd = type.getValues().find((v) => v.value !== v.name);
    if (odd) {
      throw new Error(
        `Enum ${type.name}.${odd.name} has the internal value ${JSON.stringify(odd.value)}; ` +
          'graphql-jit answers internal values as they are, so each must equal its name.',
      );
    }
  }
}

/**
 * graphql-jit cannot compile a variable whose type is a recursive input type (RunFilter, whose
 * and/or/not hold RunFilters): its coercion-code generator recurses until the stack overflows,
 * after seconds of CPU (zalando-incubator/graphql-jit#81, open since 2020). So in the document jit
 * compiles, such variables are declared as OPAQUE_VARIABLE, whose parsing passes values through,
 * and graphql-js coerces them from the client's definitions before each call (`coerceVariables`):
 * the same values and errors as graphql-js, with jit executing the selection.
 */
const OPAQUE_VARIABLE = new GraphQLScalarType({
  name: 'SkeinOpaqueVariable',
  description: 'Internal to the graphql-jit executor: a variable graphql-js has coerced already.',
  parseValue: (value) => value,
});

/** The schema with OPAQUE_VARIABLE added; the same type objects, so the same resolvers. */
export function withOpaqueVariableType(schema: GraphQLSchema): GraphQLSchema {
  if (schema.getType(OPAQUE_VARIABLE.name)) throw new Error(`The schema may not define ${OPAQUE_VARIABLE.name}.`);
  const config = schema.toConfig();
  return new GraphQLSchema({ ...config, types: [...config.types, OPAQUE_VARIABLE] });
}

/** The document with each variable of a recursive input type declared as OPAQUE_VARIABLE. */
export function opaqueVariables(
  document: DocumentNode,
  recursiveInputs: ReadonlySet<string>,
): { document: DocumentNode; coerceFirst: VariableDefinitionNode[] } {
  const coerceFirst: VariableDefinitionNode[] = [];
  const opaque = { kind: Kind.NAMED_TYPE, name: { kind: Kind.NAME, value: OPAQUE_VARIABLE.name } } as const;
  const rewritten = visit(document, {
    VariableDefinition(node) {
      if (!recursiveInputs.has(namedTypeOf(node.type))) return undefined;
      coerceFirst.push(node);
      return { ...node, type: opaque };
    },
  });
  return { document: coerceFirst.length > 0 ? rewritten : document, coerceFirst };
}

function namedTypeOf(type: TypeNode): string {
  return type.kind === Kind.NAMED_TYPE ? type.name.value : namedTypeOf(type.type);
}

/** More are not worth reading: graphql-js's own default when it executes. */
const MAX_VARIABLE_ERRORS = 50;

/**
 * The variables coerced by graphql-js against the client's definitions, or the client's errors:
 * each BAD_USER_INPUT, as Apollo reports them when it runs graphql-js itself (its message
 * matching misses some, such as the error-limit one, so the code is set here).
 */
export function coerceVariables(
  schema: GraphQLSchema,
  definitions: readonly VariableDefinitionNode[],
  inputs: Record<string, unknown>,
): { values: Record<string, unknown> } | { errors: GraphQLError[] } {
  const { coerced, errors } = getVariableValues(schema, definitions, inputs, { maxErrors: MAX_VARIABLE_ERRORS });
  return errors ? { errors: asVariableErrors(schema, definitions, inputs, errors) } : { values: coerced };
}

/** The client's document names no operation to run (graphql-js's words), as Apollo reports it itself. */
function operationNotResolved(operationName: string | null | undefined): GraphQLError {
  const message = operationName
    ? `Unknown operation named ${quoted(operationName)}.`
    : 'Must provide operation name if query contains multiple operations.';
  return new GraphQLError(message, {
    extensions: { code: 'OPERATION_RESOLUTION_FAILURE', http: { status: 400 } },
  });
}

/** graphql-js's variable errors as the client's: BAD_USER_INPUT, and stack exhaustion named. */
function asVariableErrors(
  schema: GraphQLSchema,
  definitions: readonly VariableDefinitionNode[],
  inputs: Record<string, unknown>,
  errors: readonly Error[],
): GraphQLError[] {
  return errors.map((e) =>
    isStackExhaustion(e) ? tooDeep(schema, definitions, inputs) : asUserInputError(e as GraphQLError),
  );
}

/** getVariableValues types its errors as GraphQLErrors; the one it catches may be any Error. */
function asUserInputError(error: GraphQLError): GraphQLError {
  return new GraphQLError(error.message, {
    nodes: error.nodes,
    originalError: error.originalError,
    extensions: { ...error.extensions, code: ErrorCode.BAD_USER_INPUT },
  });
}

/**
 * graphql-js coerces input objects recursively, so a 10,000-deep `not` filter exhausts the stack
 * (getVariableValues catches that and returns the RangeError as an error). It is the client's
 * input: say which variable, found by coercing each alone (only on this failure).
 */
function tooDeep(
  schema: GraphQLSchema,
  definitions: readonly VariableDefinitionNode[],
  inputs: Record<string, unknown>,
): GraphQLError {
  const culprit = definitions.find((d) =>
    getVariableValues(schema, [d], inputs).errors?.some((e: Error) => isStackExhaustion(e)),
  );
  const name = culprit ? `Variable "$${culprit.variable.name.value}"` : 'A variable';
  return new GraphQLError(`${name} nests too deeply to be read; flatten it.`, {
    nodes: culprit ? [culprit] : undefined,
    extensions: { code: ErrorCode.BAD_USER_INPUT },
  });
}

/**
 * The input object types graphql-jit cannot coerce: those that can contain themselves (directly
 * or through other input types), and those that contain such a type anywhere inside.
 */
export function recursiveInputTypes(schema: GraphQLSchema): Set<string> {
  const inputs = Object.values(schema.getTypeMap()).filter(isInputObjectType);
  const children = (t: GraphQLInputObjectType) =>
    Object.values(t.getFields())
      .map((f) => getNamedType(f.type))
      .filter(isInputObjectType);
  const reachable = (from: GraphQLInputObjectType): Set<GraphQLInputObjectType> => {
    const seen = new Set<GraphQLInputObjectType>();
    const stack = children(from);
    while (stack.length > 0) {
      const t = stack.pop()!;
      if (seen.has(t)) continue;
      seen.add(t);
      stack.push(...children(t));
    }
    return seen;
  };
  const reach = new Map(inputs.map((t) => [t, reachable(t)]));
  const cyclic = inputs.filter((t) => reach.get(t)!.has(t));
  return new Set(inputs.filter((t) => cyclic.some((c) => c === t || reach.get(t)!.has(c))).map((t) => t.name));
}

/**
 * graphql-jit's errors pass `instanceof GraphQLError` but are built by its own constructor: no
 * `extensions` object when the resolver's error has none (Apollo's error formatting reads
 * `extensions.code` and would fail, answering a bare "Internal server error"), and no `toJSON`
 * of their own. Rebuild each as graphql-js `execute` would have: same message, locations, path
 * and originalError (what `unwrapResolverError` gives to formatError), extensions from the
 * original error.
 */
function asGraphQLError(error: unknown): GraphQLError {
  const e = error as JitError;
  const out = new GraphQLError(e.message, {
    path: e.path,
    originalError: e.originalError ?? undefined,
    extensions: e.extensions ?? undefined,
  });
  if (e.locations?.length) (out as { locations?: unknown }).locations = e.locations;
  return out;
}

/** The request's logger, when its context has one (Skein's does; tests may pass none). */
function loggerOf(context: unknown): Pick<Logger, 'error'> | undefined {
  const logger = (context as { logger?: Pick<Logger, 'error'> } | undefined)?.logger;
  return typeof logger?.error === 'function' ? logger : undefined;
}

/** A fixed-schema "gateway" whose only job is to hand Apollo the graphql-jit executor. */
export function jitGateway(schema: GraphQLSchema, maxCompiled = DEFAULT_MAX_COMPILED): GatewayInterface {
  const listeners = new Set<GatewaySchemaLoadOrUpdateCallback>();
  return {
    onSchemaLoadOrUpdate(callback) {
      listeners.add(callback);
      return () => listeners.delete(callback);
    },
    async load() {
      for (const l of listeners) l({ apiSchema: schema, coreSupergraphSdl: '' });
      return { executor: new JitExecutor(schema, maxCompiled).execute };
    },
    async stop() {
      listeners.clear();
    },
  };
}
