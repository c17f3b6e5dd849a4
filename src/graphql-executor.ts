import type { ApolloServerOptionsWithGateway } from '@apollo/server';
import {
  execute,
  getNamedType,
  getVariableValues,
  GraphQLError,
  isEnumType,
  isInputObjectType,
  Kind,
  visit,
  type DocumentNode,
  type ExecutionResult,
  type GraphQLInputObjectType,
  type GraphQLSchema,
  type TypeNode,
  type VariableDefinitionNode,
} from 'graphql';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';
import { guardJitCallbacks } from './graphql-jit-guard';
import type { Logger } from './logger';

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
 * A compiled operation, and the variables graphql-js coerces for it (see `opaqueVariables`):
 * their definitions as the client wrote them.
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
  private readonly recursiveInputs: ReadonlySet<string>;

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly maxCompiled = DEFAULT_MAX_COMPILED,
    /** graphql-jit's compiler; replaceable for tests. */
    private readonly compile: Compile = (s, document, operationName) =>
      compileQuery(s, document, operationName, JIT_OPTIONS),
  ) {
    this.recursiveInputs = recursiveInputTypes(schema);
    assertEnumsAreTheirNames(schema);
    guardJitCallbacks();
  }

  /** How many operations are cached (compiled or marked for graphql-js). */
  get size(): number {
    return this.cache.size;
  }

  readonly execute: GatewayExecutor = async (rc: GatewayGraphQLRequestContext) => {
    const variables = rc.request.variables ?? {};
    const compiled = this.compiled(rc);
    if (compiled === 'fallback') return this.executeWithGraphqlJs(rc, variables);
    let values = variables;
    if (compiled.coerceFirst.length > 0) {
      const coerced = getVariableValues(this.schema, compiled.coerceFirst, variables);
      if (coerced.errors) return { errors: coerced.errors };
      values = { ...variables, ...coerced.coerced };
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
    return result.errors?.length ? { ...result, errors: result.errors.map(asGraphQLError) } : result;
  };

  private executeWithGraphqlJs(rc: GatewayGraphQLRequestContext, variables: Record<string, unknown>) {
    return execute({
      schema: this.schema,
      document: rc.document,
      contextValue: rc.context,
      variableValues: variables,
      operationName: rc.operationName,
    });
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
    let made: Compiled;
    try {
      const { document, coerceFirst } = opaqueVariables(rc.document, this.recursiveInputs);
      const c = this.compile(this.schema, document, rc.operationName ?? undefined);
      made = isCompiledQuery(c) ? { query: c, coerceFirst } : 'fallback';
    } catch {
      made = 'fallback';
    }
    this.cache.set(key, made);
    if (this.cache.size > this.maxCompiled) this.cache.delete(this.cache.keys().next().value!);
    return made;
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
 * after seconds of CPU (zalando-incubator/graphql-jit#81, open since 2020), and every search
 * that passed its filter as a variable ran on graphql-js. So in the document jit compiles, such
 * variables are declared as the JSON scalar (whose parsing passes values through), and
 * graphql-js's own `getVariableValues` coerces them from the original definitions before each
 * call: the same values and the same errors as graphql-js, with jit executing the selection.
 */
export function opaqueVariables(
  document: DocumentNode,
  recursiveInputs: ReadonlySet<string>,
): { document: DocumentNode; coerceFirst: VariableDefinitionNode[] } {
  const coerceFirst: VariableDefinitionNode[] = [];
  const rewritten = visit(document, {
    VariableDefinition(node) {
      if (!recursiveInputs.has(namedTypeOf(node.type))) return undefined;
      coerceFirst.push(node);
      return { ...node, type: { kind: Kind.NAMED_TYPE, name: { kind: Kind.NAME, value: 'JSON' } } };
    },
  });
  return { document: coerceFirst.length > 0 ? rewritten : document, coerceFirst };
}

function namedTypeOf(type: TypeNode): string {
  return type.kind === Kind.NAMED_TYPE ? type.name.value : namedTypeOf(type.type);
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
