import { OPEN } from '../../src/auth/principal';
import { Writable } from 'node:stream';
import { HeaderMap } from '@apollo/server';
import {
  GraphQLError,
  GraphQLInt,
  GraphQLObjectType,
  GraphQLSchema,
  GraphQLString,
  parse,
  type OperationDefinitionNode,
} from 'graphql';
import pino from 'pino';
import { createApollo, failedRequest, formatError, INTERNAL_MESSAGE } from '../../src/graphql/apollo';
import type { Context } from '../../src/graphql/context';
import { badInput, boundMessage, clip, ECHO_LIMIT, MAX_MESSAGE_LENGTH, notFound, quoted } from '../../src/errors';
import { namedOnly, omittedAsNull, QueryStats } from '../../src/graph/executor';
import { coerceVariables, JitExecutor, type Compile } from '../../src/graphql/executor';
import { LIMIT_DEFAULTS } from '../../src/graphql/limits';
import { getSchema } from '../../src/graphql/schema';

/**
 * Issue 12, findings 6 and 8, at the Apollo edge: which errors are the client's, what they say,
 * how much of the input they echo, and how each is logged.
 */

const schema = new GraphQLSchema({
  query: new GraphQLObjectType({
    name: 'Query',
    fields: {
      count: { type: GraphQLInt, args: { n: { type: GraphQLInt } }, resolve: (_, a: { n?: number }) => a.n ?? 0 },
      picky: {
        type: GraphQLString,
        args: { name: { type: GraphQLString } },
        resolve: (_, a: { name: string }) => {
          throw notFound('Workspace', a.name);
        },
      },
      broken: {
        type: GraphQLString,
        resolve: () => {
          throw new Error('connection to 10.0.0.7:7687 refused');
        },
      },
    },
  }),
});

/** Limits far above any request here: what must hold when they do not stop a document. */
const UNLIMITED = { ...LIMIT_DEFAULTS, maxTokens: 10_000_000, maxDepth: 1_000_000, maxAliases: 1_000_000 };

interface LogLine {
  level: number;
  msg: string;
  requestId?: string;
  err?: { stack?: string };
  [key: string]: unknown;
}

function contextLoggingTo(lines: LogLine[], requestId = 'req-7'): Context {
  const sink = new Writable({
    write(chunk, _enc, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line) as LogLine);
      done();
    },
  });
  return {
    requestId,
    logger: pino({ level: 'info' }, sink).child({ requestId }),
    caller: OPEN,
    stats: new QueryStats(),
    services: {} as Context['services'],
    loaders: {} as Context['loaders'],
    audit: {} as Context['audit'],
  };
}

describe('errors at the Apollo edge', () => {
  const apollo = createApollo(schema, { limits: UNLIMITED });
  beforeAll(() => apollo.start());
  afterAll(() => apollo.stop());

  /** One HTTP request through Apollo, as src/http/graphql-handler.ts makes it. */
  async function post(body: Record<string, unknown>, lines: LogLine[] = []) {
    const headers = new HeaderMap([['content-type', 'application/json']]);
    const context = contextLoggingTo(lines);
    const res = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: 'POST', headers, search: '', body },
      context: async () => context,
    });
    if (res.body.kind !== 'complete') throw new Error('expected a complete body');
    return { status: res.status ?? 200, body: JSON.parse(res.body.string) as { errors?: Record<string, unknown>[] } };
  }

  it('answers a wrong-typed variable as BAD_USER_INPUT with HTTP 400, naming the variable, as Apollo does', async () => {
    const lines: LogLine[] = [];
    const res = await post({ query: 'query($n: Int) { count(n: $n) }', variables: { n: [1, 2] } }, lines);
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([
      {
        message: 'Variable "$n" got invalid value [1, 2]; Int cannot represent non-integer value: [1, 2]',
        locations: [{ line: 1, column: 7 }],
        extensions: { code: 'BAD_USER_INPUT' },
      },
    ]);
    // The same answer Apollo gives when it runs graphql-js itself.
    const plain = createApollo(schema, { jit: false, limits: UNLIMITED });
    await plain.start();
    try {
      const reference = await plain.executeOperation(
        { query: 'query($n: Int) { count(n: $n) }', variables: { n: [1, 2] } },
        { contextValue: contextLoggingTo([]) },
      );
      expect(reference.http.status).toBe(400);
      expect(reference.body.kind === 'single' && reference.body.singleResult.errors).toEqual(res.body.errors);
    } finally {
      await plain.stop();
    }
  });

  it('logs user errors at info without a stack, one line a request; internal ones at error with it', async () => {
    const lines: LogLine[] = [];
    await post({ query: '{ a: picky(name: "x") b: picky(name: "y") broken }' }, lines);
    const user = lines.filter((l) => l.msg === 'request answered with user errors');
    const internal = lines.filter((l) => l.level >= 50);
    expect(user).toHaveLength(1);
    expect(user[0]).toMatchObject({ level: 30, requestId: 'req-7', count: 2 });
    expect(JSON.stringify(user)).not.toMatch(/stack|\.ts:\d/);
    expect(internal).toHaveLength(1);
    expect(internal[0]!.err!.stack).toContain('connection to 10.0.0.7:7687 refused');
  });

  it.each([
    ['a 10,000-fragment chain', chain(10_000)],
    ['a 5,000-fragment cycle', cycle(5_000)],
  ])('refuses %s with a JSON answer carrying the request id, and logs it as JSON', async (_what, query) => {
    const console = jest.spyOn(global.console, 'error').mockImplementation(() => undefined);
    try {
      const lines: LogLine[] = [];
      const res = await post({ query }, lines);
      expect(res.status).toBe(400);
      expect(res.body.errors).toEqual([
        {
          message: expect.stringContaining('nests too deeply'),
          extensions: { code: 'QUERY_TOO_COMPLEX', requestId: 'req-7' },
        },
      ]);
      expect(lines).toEqual([expect.objectContaining({ level: 30, requestId: 'req-7' })]);
      expect(console).not.toHaveBeenCalled(); // Apollo's own plain-text "Unexpected error" line
    } finally {
      console.mockRestore();
    }
  });

  it('answers any other failure outside execution as an internal error with the request id', () => {
    const lines: LogLine[] = [];
    const error = failedRequest(new TypeError('a plugin broke'), contextLoggingTo(lines));
    expect(error.extensions).toEqual({
      code: 'INTERNAL_SERVER_ERROR',
      requestId: 'req-7',
      http: { status: 500 },
    });
    expect(
      formatError({ message: error.message, extensions: { code: 'INTERNAL_SERVER_ERROR', requestId: 'req-7' } }, error),
    ).toEqual({
      message: INTERNAL_MESSAGE,
      extensions: { code: 'INTERNAL_SERVER_ERROR', requestId: 'req-7' },
    });
    expect(lines).toEqual([
      expect.objectContaining({
        level: 50,
        err: expect.objectContaining({ stack: expect.stringContaining('a plugin broke') }),
      }),
    ]);
  });

  function chain(n: number): string {
    const fragments = Array.from({ length: n }, (_, i) => `fragment F${i} on Query { ...F${i + 1} }`);
    return `{ ...F0 }\n${fragments.join('\n')}\nfragment F${n} on Query { count }`;
  }

  function cycle(n: number): string {
    const fragments = Array.from({ length: n }, (_, i) => `fragment F${i} on Query { ...F${(i + 1) % n} }`);
    return `{ ...F0 }\n${fragments.join('\n')}`;
  }
});

describe('bounded echoes (finding 8)', () => {
  const long = 'x'.repeat(100_000);

  it('quoted() clips and escapes what a message quotes', () => {
    expect(quoted('short')).toBe('"short"');
    expect(quoted('a"b\n')).toBe('"a\\"b\\n"');
    expect(quoted(long)).toBe(`"${'x'.repeat(ECHO_LIMIT)}…"`);
    expect(clip('abc', 2)).toBe('ab…');
  });

  it('notFound echoes a clipped id, in its message and its details', () => {
    const e = notFound('Workspace', long);
    expect(e.message.length).toBeLessThan(ECHO_LIMIT + 40);
    expect(e.details.id).toBe(clip(long));
  });

  it('boundMessage clips every long quoted run in place and caps the message', () => {
    const graphqlOwn = `Variable "$r" got invalid value "${long}"; Int cannot represent non-integer value: "${long}"`;
    const clipped = `"${'x'.repeat(ECHO_LIMIT)}…"`;
    expect(boundMessage(graphqlOwn)).toBe(
      `Variable "$r" got invalid value ${clipped}; Int cannot represent non-integer value: ${clipped}`,
    );
    expect(boundMessage(`"esc\\"aped ${long}" and "short"`)).toBe(
      `"esc\\"aped ${'x'.repeat(ECHO_LIMIT - 10)}…" and "short"`,
    );
    expect(boundMessage(`unquoted ${long}`).length).toBe(MAX_MESSAGE_LENGTH + 1);
    expect(boundMessage('all "short" and "fine"')).toBe('all "short" and "fine"');
  });

  it('is linear: a 20 MB message of quotes and escapes is bounded in milliseconds', () => {
    const started = Date.now();
    for (const m of ['"a" '.repeat(5_000_000), `"${'\\"'.repeat(5_000_000)}`, `"${'y'.repeat(20_000_000)}"`]) {
      expect(boundMessage(m).length).toBeLessThanOrEqual(MAX_MESSAGE_LENGTH + 1);
    }
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('formatError bounds a user error message and its details', () => {
    const formatted = formatError(
      { message: 'ignored' },
      badInput(`Run ${quoted(long)} is odd: ${long}`, { id: long }),
    );
    expect(formatted.message.length).toBeLessThanOrEqual(MAX_MESSAGE_LENGTH + 1);
    expect(formatted.extensions).toEqual({ code: 'BAD_USER_INPUT', id: clip(long) });
    const own = formatError(
      { message: `Variable "$n" got invalid value "${long}"`, extensions: { code: 'BAD_USER_INPUT' } },
      null,
    );
    expect(own.message).toBe(`Variable "$n" got invalid value "${'x'.repeat(ECHO_LIMIT)}…"`);
  });
});

describe('variables coerced against the client definitions (finding 6)', () => {
  const definitions = (query: string) => (parse(query).definitions[0] as OperationDefinitionNode).variableDefinitions!;

  it('names the variable that nests too deeply, without exhausting the stack of the caller', async () => {
    let f: Record<string, unknown> = { state: ['RUNNING'] };
    for (let i = 0; i < 10_000; i++) f = { not: f };
    const defs = definitions('query($w: String, $f: RunFilter) { __typename }');
    const out = coerceVariables(await getSchema(), defs, { w: 'ok', f });
    expect('errors' in out && out.errors.map((e) => [e.message, e.extensions.code])).toEqual([
      ['Variable "$f" nests too deeply to be read; flatten it.', 'BAD_USER_INPUT'],
    ]);
  });

  it('gives every coercion error the BAD_USER_INPUT code, the error-limit one included', async () => {
    const defs = definitions('query($ids: [ID!]!) { __typename }');
    const out = coerceVariables(await getSchema(), defs, { ids: Array.from({ length: 100 }, () => ({})) });
    expect('errors' in out && out.errors.length).toBe(51);
    expect('errors' in out && out.errors.every((e) => e.extensions.code === 'BAD_USER_INPUT')).toBe(true);
  });
});

describe('the graphql-jit executor and the client variables (finding 6)', () => {
  type Request = Parameters<JitExecutor['execute']>[0];
  const request = (query: string, variables: Record<string, unknown>) =>
    ({
      request: { variables },
      document: parse(query),
      operation: parse(query).definitions[0],
      operationName: null,
      queryHash: query,
      context: {},
    }) as unknown as Request;
  /** A compiled query whose variable coercion refuses everything, as jit's does with `$value`. */
  const refusing: Compile = () =>
    ({ query: async () => ({ errors: [new GraphQLError('Variable "$value" got invalid value 1')] }) }) as never;

  /** A compiler that gives up, so the operation runs on graphql-js. */
  const notCompiling: Compile = () => ({ errors: [new GraphQLError('cannot compile')] });

  it.each([
    ['jit refuses them', refusing],
    ['the operation runs on graphql-js, uncompiled', notCompiling],
  ])('reports bad variables with graphql-js errors naming the client variable when %s', async (_, compile) => {
    const { data, errors } = await new JitExecutor(schema, 10, compile).execute(
      request('query($n: Int) { count(n: $n) }', { n: 'x' }),
    );
    expect(data).toBeUndefined();
    expect(errors?.map((e) => [e.message, e.extensions.code])).toEqual([
      ['Variable "$n" got invalid value "x"; Int cannot represent non-integer value: "x"', 'BAD_USER_INPUT'],
    ]);
  });

  it('answers with graphql-js when jit refuses values graphql-js accepts', async () => {
    const { data } = await new JitExecutor(schema, 10, refusing).execute(
      request('query($n: Int) { count(n: $n) }', { n: 3 }),
    );
    expect(data).toEqual({ count: 3 });
  });

  it('names the client variable and its path when the compiled coercion refuses a nested value', async () => {
    const skein = await getSchema();
    // A run filter compares scalars (a param's value may be a list since issue 14, a filter's not).
    const query = 'query($w: String!, $f: RunFilter) { runs(workspace: $w, filter: $f) { edges { cursor } } }';
    const { errors } = await new JitExecutor(skein).execute(
      request(query, { w: 'w', f: { and: [{ param: { key: 'layers', eq: [10, 3] } }] } }),
    );
    expect(errors?.map((e) => [e.message, e.extensions.code])).toEqual([
      [
        'Variable "$f" got invalid value [10, 3] at "f.and[0].param.eq"; Expected type "Scalar". Scalar expects a string, a finite number or a boolean; got [10,3].',
        'BAD_USER_INPUT',
      ],
    ]);
  });
});

describe('an omitted optional argument is null in every query (finding 7)', () => {
  it('turns undefined parameters into null, and leaves complete ones as they are', () => {
    const complete = { a: 1, b: null };
    expect(omittedAsNull(complete)).toBe(complete);
    expect(omittedAsNull({ a: 1, template: undefined })).toEqual({ a: 1, template: null });
  });
});

describe('a query is sent only the parameters it names', () => {
  it('leaves out what the text never mentions, and keeps anything it might', () => {
    const all = { uid: 'u', maps: {}, params: { lr: 0.1 } };
    expect(namedOnly('MATCH (r:Run {uid: $uid}) SET r += $maps', all)).toEqual({ uid: 'u', maps: {} });
    const named = { uid: 'u' };
    expect(namedOnly('MATCH (r:Run {uid: $uid})', named)).toBe(named);
    // Backticked or commented: the name is in the text, so it goes.
    expect(namedOnly('RETURN $`odd name` AS x // uses params', { 'odd name': 1, params: 2 })).toEqual({
      'odd name': 1,
      params: 2,
    });
  });
});
