import {
  GraphQLEnumType,
  GraphQLError,
  GraphQLInputObjectType,
  GraphQLInt,
  GraphQLList,
  GraphQLNonNull,
  GraphQLObjectType,
  GraphQLSchema,
  GraphQLString,
  parse,
  type GraphQLInputFieldConfigMap,
} from 'graphql';
import { compileQuery, isCompiledQuery } from 'graphql-jit';
import { GraphQLJSON } from 'graphql-scalars';
import { createApollo } from '../../src/graphql/apollo';
import type { Context } from '../../src/graphql/context';
import { badInput, SkeinError } from '../../src/errors';
import { QueryStats } from '../../src/graph/executor';
import { JitExecutor, recursiveInputTypes, type Compile } from '../../src/graphql/executor';
import { createLogger } from '../../src/logger';
import { getSchema } from '../../src/graphql/schema';

const Item = new GraphQLObjectType({
  name: 'Item',
  fields: {
    n: { type: GraphQLInt },
    picky: {
      type: GraphQLString,
      resolve: () => {
        throw badInput('No picky items.', { field: 'picky' });
      },
    },
  },
});

const schema = new GraphQLSchema({
  query: new GraphQLObjectType({
    name: 'Query',
    fields: {
      hello: { type: GraphQLString, args: { name: { type: GraphQLString } }, resolve: (_, a) => `hi ${a.name}` },
      items: { type: new GraphQLList(Item), resolve: () => [{ n: 1 }, { n: 2 }] },
    },
  }),
});

type Request = Parameters<JitExecutor['execute']>[0];
const request = (query: string, variables: Record<string, unknown> = {}, operationName: string | null = null) =>
  ({
    request: { variables },
    document: parse(query),
    operation: parse(query).definitions[0],
    operationName,
    queryHash: query,
    context: {},
  }) as unknown as Request;

describe('the graphql-jit executor', () => {
  /** graphql-jit's compiler, counting its calls. */
  const counting = () => jest.fn<ReturnType<Compile>, Parameters<Compile>>((s, d, o) => compileQuery(s, d, o));

  it('answers through a compiled query, compiled once per operation', async () => {
    const compile = counting();
    const ex = new JitExecutor(schema, 10, compile);
    const q = 'query($n: String) { hello(name: $n) items { n } }';
    expect(await ex.execute(request(q, { n: 'ann' }))).toEqual({
      data: { hello: 'hi ann', items: [{ n: 1 }, { n: 2 }] },
    });
    expect(await ex.execute(request(q, { n: 'bob' }))).toEqual({
      data: { hello: 'hi bob', items: [{ n: 1 }, { n: 2 }] },
    });
    expect(compile).toHaveBeenCalledTimes(1);
    expect(ex.size).toBe(1);
  });

  it('falls back to graphql-js when an operation does not compile, with the same answer', async () => {
    const ex = new JitExecutor(schema, 10, () => {
      throw new Error('unsupported');
    });
    expect(await ex.execute(request('{ hello(name: "x") items { n } }'))).toEqual({
      data: { hello: 'hi x', items: [{ n: 1 }, { n: 2 }] },
    });
    // graphql-jit reporting errors instead of a compiled query is a fallback too.
    const refusing = new JitExecutor(schema, 10, () => ({ errors: [new GraphQLError('unsupported')] }));
    expect(await refusing.execute(request('{ items { n } }'))).toEqual({ data: { items: [{ n: 1 }, { n: 2 }] } });
  });

  it('keeps the cache bounded, dropping the least recently used operation', async () => {
    const compile = counting();
    const ex = new JitExecutor(schema, 2, compile);
    for (const q of ['{ a: hello }', '{ b: hello }', '{ a: hello }', '{ c: hello }']) await ex.execute(request(q));
    expect(ex.size).toBe(2);
    compile.mockClear();
    await ex.execute(request('{ a: hello }'));
    expect(compile).not.toHaveBeenCalled();
    await ex.execute(request('{ b: hello }'));
    expect(compile).toHaveBeenCalledTimes(1);
  });

  it('refuses a schema whose enum values are not their names: they would reach answers unmapped', () => {
    const Level = new GraphQLEnumType({ name: 'Level', values: { LOW: { value: 'low' }, HIGH: { value: 'HIGH' } } });
    const withEnum = new GraphQLSchema({
      query: new GraphQLObjectType({ name: 'Query', fields: { level: { type: Level } } }),
    });
    expect(() => new JitExecutor(withEnum)).toThrow('Enum Level.LOW has the internal value "low"');
    expect(() => new JitExecutor(schema)).not.toThrow();
  });

  it('still reports null for a non-null leaf as an error, without leaf serialization', async () => {
    const strict = new GraphQLSchema({
      query: new GraphQLObjectType({
        name: 'Query',
        fields: { name: { type: new GraphQLNonNull(GraphQLString), resolve: () => null } },
      }),
    });
    const { data, errors } = await new JitExecutor(strict).execute(request('{ name }'));
    expect(data).toBeNull();
    expect(errors?.[0]?.message).toBe('Cannot return null for non-nullable field Query.name.');
  });

  describe('when reading a value throws (a getter, past its resolver)', () => {
    class Shaky {
      readonly ok = 'fine';
      get bad(): string {
        throw new Error('getter blew up');
      }
    }
    const ShakyType = new GraphQLObjectType({
      name: 'Shaky',
      fields: { ok: { type: GraphQLString }, bad: { type: GraphQLString } },
    });
    const shaky = new GraphQLSchema({
      query: new GraphQLObjectType({
        name: 'Query',
        fields: {
          later: { type: new GraphQLList(ShakyType), resolve: async () => [new Shaky()] },
          now: { type: ShakyType, resolve: () => new Shaky() },
          items: { type: new GraphQLList(ShakyType), resolve: () => [Promise.resolve(new Shaky())] },
        },
      }),
      mutation: new GraphQLObjectType({
        name: 'Mutation',
        fields: { poke: { type: GraphQLString, resolve: () => 'poked' } },
      }),
    });

    it.each([
      ['after an async resolver', 'later', [null]],
      ['after a synchronous one', 'now', null],
      ['in a list item that was a promise', 'items', [null]],
    ])(
      'answers it as an error of the field %s, instead of hanging or ending the process',
      async (_how, field, value) => {
        const { data, errors } = await new JitExecutor(shaky).execute(request(`{ ${field} { ok bad } }`));
        expect(data).toEqual({ [field]: value });
        expect(errors?.map((e) => [e.message, e.path?.[0]])).toEqual([['getter blew up', field]]);
      },
    );

    it('answers a query with graphql-js when its compiled code throws; a mutation is not run again', async () => {
      const throwing = new JitExecutor(
        shaky,
        10,
        () => ({ query: () => Promise.reject(new Error('jit bug')) }) as never,
      );
      const logged = jest.fn();
      const query = { ...request('{ later { ok bad } }'), context: { logger: { error: logged } } } as Request;
      const { data, errors } = await throwing.execute(query);
      expect(data).toEqual({ later: [{ ok: 'fine', bad: null }] });
      expect(errors?.[0]?.path).toEqual(['later', 0, 'bad']);
      expect(logged).toHaveBeenCalledWith(
        { err: new Error('jit bug') },
        expect.stringMatching(/answered by graphql-js/),
      );
      await expect(throwing.execute(request('mutation { poke }'))).rejects.toThrow('jit bug');
    });
  });

  it('reports a resolver error as graphql-js does: GraphQLError with path, locations and the original error', async () => {
    const ex = new JitExecutor(schema);
    const { data, errors } = await ex.execute(request('{ items { n picky } }'));
    expect(data).toEqual({
      items: [
        { n: 1, picky: null },
        { n: 2, picky: null },
      ],
    });
    expect(errors).toHaveLength(2);
    const e = errors![0]!;
    expect(e).toBeInstanceOf(GraphQLError);
    expect(e.originalError).toBeInstanceOf(SkeinError);
    expect(e.path).toEqual(['items', 0, 'picky']);
    expect(e.locations).toEqual([{ line: 1, column: 13 }]);
    expect(e.extensions).toEqual({});
  });

  it('keeps the error code through Apollo (formatError and didEncounterErrors see the original error)', async () => {
    const apollo = createApollo(schema);
    await apollo.start();
    try {
      const contextValue = {
        requestId: 'req-1',
        logger: createLogger('silent'),
        stats: new QueryStats(),
      } as unknown as Context;
      const res = await apollo.executeOperation({ query: '{ items { picky } }' }, { contextValue });
      const body = res.body.kind === 'single' ? res.body.singleResult : undefined;
      expect(body?.errors?.[0]).toEqual({
        message: 'No picky items.',
        locations: [{ line: 1, column: 11 }],
        path: ['items', 0, 'picky'],
        extensions: { code: 'BAD_USER_INPUT', field: 'picky' },
      });
    } finally {
      await apollo.stop();
    }
  });

  describe('with a recursive input type (a filter of filters)', () => {
    const Filter: GraphQLInputObjectType = new GraphQLInputObjectType({
      name: 'Filter',
      fields: (): GraphQLInputFieldConfigMap => ({
        eq: { type: GraphQLInt },
        or: { type: new GraphQLList(new GraphQLNonNull(Filter)) },
      }),
    });
    const Search = new GraphQLInputObjectType({ name: 'Search', fields: { filter: { type: Filter } } });
    const Plain = new GraphQLInputObjectType({ name: 'Plain', fields: { n: { type: GraphQLInt } } });
    const recursive = new GraphQLSchema({
      types: [GraphQLJSON],
      query: new GraphQLObjectType({
        name: 'Query',
        fields: {
          echo: {
            type: GraphQLString,
            args: { f: { type: Filter }, s: { type: Search }, p: { type: Plain } },
            resolve: (_, args) => JSON.stringify(args),
          },
        },
      }),
    });

    it('knows which input types graphql-jit cannot coerce: the recursive ones and those holding one', async () => {
      expect([...recursiveInputTypes(recursive)].sort()).toEqual(['Filter', 'Search']);
      expect(recursiveInputTypes(await getSchema())).toContain('RunFilter');
    });

    it('compiles the operation with graphql-jit and coerces those variables with graphql-js', async () => {
      const compile = counting();
      const ex = new JitExecutor(recursive, 10, compile);
      const q = 'query($f: Filter, $s: Search, $p: Plain) { echo(f: $f, s: $s, p: $p) }';
      const f = { or: [{ eq: 1 }, { or: [{ eq: 2 }] }] };
      expect(await ex.execute(request(q, { f, s: { filter: f }, p: { n: 3 } }))).toEqual({
        data: { echo: JSON.stringify({ f, s: { filter: f }, p: { n: 3 } }) },
      });
      expect(compile).toHaveBeenCalledTimes(1);
      expect(isCompiledQuery(compile.mock.results[0]!.value)).toBe(true);
    });

    it('refuses a bad value with the error graphql-js gives', async () => {
      const ex = new JitExecutor(recursive);
      const { data, errors } = await ex.execute(
        request('query($f: Filter) { echo(f: $f) }', { f: { or: [{ eq: 'x' }] } }),
      );
      expect(data).toBeUndefined();
      expect(errors?.map((e) => e.message)).toEqual([
        expect.stringMatching(/^Variable "\$f" got invalid value "x" at "f\.or\[0\]\.eq"; Int cannot represent/),
      ]);
    });
  });

  it("runs Skein's interfaces and unions with synchronous type resolvers", async () => {
    const s = await getSchema();
    for (const name of ['Artifact', 'Node', 'LineageNodeValue']) {
      const type = s.getType(name) as unknown as { resolveType: (v: unknown) => unknown };
      expect(type.resolveType({ kind: 'MODEL', __typename: 'ModelArtifact' })).toBe('ModelArtifact');
    }
  });
});
