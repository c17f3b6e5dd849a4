import type { ApolloServerOptionsWithGateway } from '@apollo/server';
import { execute, GraphQLError, type DocumentNode, type ExecutionResult, type GraphQLSchema } from 'graphql';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';

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

type Compiled = CompiledQuery | 'fallback';

/** graphql-jit's `compileQuery`, as this executor calls it. */
export type Compile = (
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName?: string,
) => CompiledQuery | ExecutionResult;

export class JitExecutor {
  private readonly cache = new Map<string, Compiled>();

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly maxCompiled = DEFAULT_MAX_COMPILED,
    /** graphql-jit's compiler; replaceable for tests. */
    private readonly compile: Compile = compileQuery,
  ) {}

  /** How many operations are cached (compiled or marked for graphql-js). */
  get size(): number {
    return this.cache.size;
  }

  readonly execute: GatewayExecutor = async (rc: GatewayGraphQLRequestContext) => {
    const variables = rc.request.variables ?? {};
    const compiled = this.compiled(rc);
    if (compiled === 'fallback') {
      return execute({
        schema: this.schema,
        document: rc.document,
        contextValue: rc.context,
        variableValues: variables,
        operationName: rc.operationName,
      });
    }
    const result = await compiled.query(undefined, rc.context, variables);
    return result.errors?.length ? { ...result, errors: result.errors.map(asGraphQLError) } : result;
  };

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
      const c = this.compile(this.schema, rc.document, rc.operationName ?? undefined);
      made = isCompiledQuery(c) ? c : 'fallback';
    } catch {
      made = 'fallback';
    }
    this.cache.set(key, made);
    if (this.cache.size > this.maxCompiled) this.cache.delete(this.cache.keys().next().value!);
    return made;
  }
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
