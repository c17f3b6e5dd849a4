import { Kind, parse, specifiedRules, validate, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import { compileQuery, type CompiledQuery } from 'graphql-jit';
import { LINEAGE_QUERY } from '../../src/client/lineage';
import { ErrorCode, SkeinError } from '../../src/errors';
import { JitExecutor, MAX_CACHED_FANOUT, MAX_JIT_FANOUT, type Compile } from '../../src/graphql/executor';
import { apolloLimits, checkVariables, LIMIT_DEFAULTS, operationCost, tokenLimitError } from '../../src/graphql/limits';
import { jitFanOut } from '../../src/graphql/limits/jit-size';
import { GraphRecordBudget, SessionSlots } from '../../src/graph/request-limits';
import { getSchema } from '../../src/graphql/schema';

/** Issue 12, finding 1: `levels` of artifact -> producer -> inputs -> edges -> node -> artifact. */
export function nestedProducers(levels: number): string {
  let inner = 'uid';
  for (let i = 0; i < levels; i++) inner = `producer { inputs { edges { node { artifact { ${inner} } } } } }`;
  return `{ artifact(ref: "store://artifacts/none/none") { ${inner} } }`;
}

/** Issue 12, finding 4: aliases of lineage, each with its own maxNodes (which defeats de-duplication). */
export function lineageAliases(count: number, maxNodes: number, of = 'store://artifacts/none/none'): string {
  const aliases = Array.from(
    { length: count },
    (_, i) => `a${i}: lineage(of: "${of}", depth: 100, maxNodes: ${maxNodes - i}) { nodes { __typename } }`,
  );
  return `{ ${aliases.join(' ')} }`;
}

let schema: GraphQLSchema;
beforeAll(async () => {
  schema = await getSchema();
});

const costOf = (query: string, variables: Record<string, unknown> = {}) => {
  const document = parse(query);
  const operation = document.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION) as OperationDefinitionNode;
  return operationCost({ schema, document, operation, variables });
};

// Every field costs 1 for each time it may appear in the answer.
describe('the cost model', () => {
  it('prices a page by its first (literal, variable, variable default, or the API default of 50)', () => {
    const page = (first: string) => `query($n: Int = 7) { workspaces${first} { edges { node { name } } } }`;
    // workspaces 1 + edges 1 + (node 1 + name 1) per item
    expect(costOf(page('(first: 10)'))).toBe(2 + 10 * 2);
    expect(costOf(page('(first: $n)'), { n: 200 })).toBe(2 + 200 * 2);
    expect(costOf(page('(first: $n)'))).toBe(2 + 7 * 2);
    expect(costOf(page(''))).toBe(2 + 50 * 2);
    // Over the API's maximum: priced at the maximum, and the service refuses it with its own message.
    expect(costOf(page('(first: 1000000)'))).toBe(2 + 1000 * 2);
  });

  it('counts a lineage by its maxNodes, and sibling fields of the lists once', () => {
    const q = (args: string) => `{ lineage(of: "x"${args}) { truncated nodes { __typename } edges { from to } } }`;
    // lineage, truncated, nodes and edges once; __typename per node, from and to per edge
    expect(costOf(q(', maxNodes: 100'))).toBe(4 + 100 * 1 + 100 * 2);
    expect(costOf(q(''))).toBe(4 + 1000 * 3);
  });

  it('counts one of the alternatives of an interface, not their sum', () => {
    const q = `{ artifact(ref: "x") { uid
      ... on DatasetArtifact { format rowCount }
      ... on ModelArtifact { framework algorithm trainingDatasetId } } }`;
    expect(costOf(q)).toBe(1 + 1 + 3);
  });

  it('adds aliases up: 1,000 aliases of lineage(maxNodes: 5000) are far over the limit (finding 4)', () => {
    const cost = costOf(lineageAliases(1000, 5000));
    expect(cost).toBeGreaterThan(1000 * 4000);
    expect(cost).toBeGreaterThan(LIMIT_DEFAULTS.maxCost);
    expect(costOf(lineageAliases(2, 5000))).toBeLessThan(LIMIT_DEFAULTS.maxCost);
  });

  it('multiplies nested pages', () => {
    const q =
      '{ runs(workspace: "w", first: 100) { edges { node { executions(first: 20) { edges { node { uid } } } } } } }';
    // runs, edges; per run: node, executions, edges; per execution: node, uid
    expect(costOf(q)).toBe(2 + 100 * (3 + 20 * 2));
  });
});

describe('graphql-armor validation rules', () => {
  const refusal = (query: string) => {
    const { validationRules } = apolloLimits(LIMIT_DEFAULTS, { introspection: true });
    return validate(schema, parse(query), [...specifiedRules, ...validationRules]);
  };

  it('refuses the 6-level nested producer query by its depth, naming the limit and the depth found (finding 1)', () => {
    const [error, ...more] = refusal(nestedProducers(6));
    expect(more).toEqual([]);
    expect(error!.originalError).toBeInstanceOf(SkeinError);
    expect((error!.originalError as SkeinError).code).toBe(ErrorCode.QUERY_TOO_COMPLEX);
    expect(error!.message).toBe(
      'The query nests fields 32 levels deep; the limit is 15 (SKEIN_MAX_DEPTH). ' +
        'Ask for fewer nested levels; for deep lineage use lineage(of:, depth:) instead of nesting fields.',
    );
  });

  it('refuses more aliases than SKEIN_MAX_ALIASES', () => {
    const [error] = refusal(lineageAliases(200, 10_000));
    expect(error!.message).toMatch(/^The query has 200 aliases; the limit is 50 \(SKEIN_MAX_ALIASES\)\./);
  });

  it('refuses more directives than SKEIN_MAX_DIRECTIVES', () => {
    const fields = Array.from({ length: 60 }, () => '__typename @include(if: true)').join(' ');
    expect(refusal(`{ ${fields} }`)[0]!.message).toMatch(/has 60 directives; the limit is 50 \(SKEIN_MAX_DIRECTIVES\)/);
  });

  it('passes a query within every limit', () => {
    expect(refusal(nestedProducers(2))).toEqual([]);
  });

  it('stops parsing at SKEIN_MAX_TOKENS: a 10,000-fragment chain is never walked', () => {
    const chain = Array.from({ length: 10_000 }, (_, i) => `fragment F${i} on Query { ...F${i + 1} }`).join('\n');
    const { parseOptions } = apolloLimits(LIMIT_DEFAULTS, { introspection: true });
    let thrown: unknown;
    try {
      parse(`{ ...F0 } ${chain} fragment F10000 on Query { __typename }`, parseOptions);
    } catch (err) {
      thrown = err;
    }
    expect(tokenLimitError(thrown, LIMIT_DEFAULTS.maxTokens)?.message).toBe(
      'The query has more than 5,000 tokens (names, punctuation and values); the limit is 5,000 (SKEIN_MAX_TOKENS). ' +
        'Send a shorter query; pass long lists as variables.',
    );
  });
});

describe('variable bounds (raw JSON, before coercion)', () => {
  it('refuses a 100,000-element variable in milliseconds, naming the variable and the limit', () => {
    const f = { and: Array.from({ length: 100_000 }, () => ({})) };
    const started = performance.now();
    const refused = checkVariables({ f }, LIMIT_DEFAULTS);
    expect(performance.now() - started).toBeLessThan(50);
    expect(refused?.code).toBe(ErrorCode.BAD_USER_INPUT);
    expect(refused?.message).toBe(
      'The variable $f holds more than 75,000 elements (array items and object keys); ' +
        'the limit is 75,000 (SKEIN_MAX_VARIABLE_ELEMENTS). Send large lists in several requests.',
    );
  });

  it('refuses a 10,000-deep variable without recursing', () => {
    let f: unknown = {};
    for (let i = 0; i < 10_000; i++) f = { not: f };
    expect(checkVariables({ x: 1, f }, LIMIT_DEFAULTS)?.message).toMatch(
      /^The variable \$f is nested more than 32 levels deep; the limit is 32 \(SKEIN_MAX_VARIABLE_DEPTH\)\./,
    );
  });

  it('passes the largest list the API accepts: a 10,000-file directory, every optional field given', () => {
    const files = Array.from({ length: 10_000 }, (_, i) => ({
      path: `d/${i}`,
      size: 1,
      sha256: 'a'.repeat(64),
      contentType: null,
      partSha256: null,
    }));
    expect(
      checkVariables({ i: { artifact: { workspace: 'w', key: 'k', kind: 'DIRECTORY' }, files } }, LIMIT_DEFAULTS),
    ).toBe(undefined);
  });
});

describe('the compiled-query cache (findings 1 and 2)', () => {
  type Request = Parameters<JitExecutor['execute']>[0];
  const request = (query: string, variables: Record<string, unknown> = {}) => {
    const document = parse(query);
    return {
      request: { variables },
      document,
      operation: document.definitions[0],
      operationName: null,
      queryHash: query,
      context: {},
    } as unknown as Request;
  };

  it('runs an operation too large to compile quickly on graphql-js, without compiling it', async () => {
    expect(jitFanOut(schema, parse(nestedProducers(3)), null, 1e6)).toBeGreaterThan(MAX_JIT_FANOUT);
    expect(jitFanOut(schema, parse(LINEAGE_QUERY), null, 1e6)).toBeLessThanOrEqual(MAX_JIT_FANOUT);
    const compile = jest.fn<ReturnType<Compile>, Parameters<Compile>>((s, d, o) => compileQuery(s, d, o));
    const ex = new JitExecutor(schema, 1000, compile);
    const started = performance.now();
    const answer = await ex.execute(request(nestedProducers(3)));
    expect(performance.now() - started).toBeLessThan(500);
    expect(compile).not.toHaveBeenCalled();
    // Answered by graphql-js: the resolver's failure (this context has no services) is a field error.
    expect(answer.errors?.length).toBeGreaterThan(0);
  });

  it('bounds the cache by the size of the code it holds, not only by count', async () => {
    const fake = { query: async () => ({ data: {} }), stringify: JSON.stringify } as unknown as CompiledQuery;
    const ex = new JitExecutor(schema, 1000, () => fake);
    // 200 different operations of ~180 units each (the CLI's lineage query under another name).
    const q = (i: number) => LINEAGE_QUERY.replace('query(', `query Q${i}(`);
    for (let i = 0; i < 200; i++) await ex.execute(request(q(i), { of: 'x', direction: 'UPSTREAM' }));
    expect(ex.weight).toBeLessThanOrEqual(MAX_CACHED_FANOUT);
    expect(ex.size).toBeLessThan(200);
    expect(ex.size).toBeGreaterThan(50);
  });
});

describe("a request's share of Neo4j", () => {
  it('holds at most max sessions at once, serving waiters in order', async () => {
    const slots = new SessionSlots(2);
    let running = 0;
    let most = 0;
    const order: number[] = [];
    const work = (i: number) =>
      slots.use(async () => {
        running += 1;
        most = Math.max(most, running);
        await new Promise((r) => setImmediate(r));
        order.push(i);
        running -= 1;
      });
    await Promise.all(Array.from({ length: 10 }, (_, i) => work(i)));
    expect(most).toBe(2);
    expect(order).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('frees a slot when the work fails', async () => {
    const slots = new SessionSlots(1);
    await expect(slots.use(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(slots.use(async () => 'next')).resolves.toBe('next');
  });

  it('counts rows and the items of collected lists, and refuses past the budget', () => {
    const budget = new GraphRecordBudget(10);
    budget.spend([{ nodes: [1, 2, 3], edges: [1, 2], n: 5 }]); // 1 row + 5 items
    expect(() => budget.spend([{ a: 1 }, { a: 2 }, { nodes: [1, 2] }])).toThrow(
      'The request read 11 records from the graph; the limit is 10 (SKEIN_MAX_GRAPH_RECORDS). ' +
        'Ask for fewer nodes (maxNodes, first) or fewer aliases per request.',
    );
  });
});
