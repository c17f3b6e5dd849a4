import { OPEN } from '../../src/auth/principal';
import { Writable } from 'node:stream';
import { GraphQLObjectType, GraphQLSchema, GraphQLString } from 'graphql';
import pino from 'pino';
import { createApollo, INTERNAL_MESSAGE } from '../../src/graphql/apollo';
import type { Context } from '../../src/graphql/context';
import { badInput } from '../../src/errors';
import { QueryStats } from '../../src/graph/executor';

/** A schema with one field that fails internally and one that fails with a user error. */
const schema = new GraphQLSchema({
  query: new GraphQLObjectType({
    name: 'Query',
    fields: {
      broken: {
        type: GraphQLString,
        resolve: () => {
          throw new Error('connection to 10.0.0.7:7687 refused (password=hunter2)');
        },
      },
      picky: {
        type: GraphQLString,
        resolve: () => {
          throw badInput('Workspace names may only contain letters, digits, "-" and "_".', { field: 'name' });
        },
      },
    },
  }),
});

function contextWithLogLines(lines: string[]): Context {
  const sink = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return {
    requestId: 'req-123',
    logger: pino({ level: 'error' }, sink).child({ requestId: 'req-123' }),
    caller: OPEN,
    stats: new QueryStats(),
    services: {} as Context['services'],
    loaders: {} as Context['loaders'],
    audit: {} as Context['audit'],
  };
}

describe('error masking', () => {
  const apollo = createApollo(schema);
  beforeAll(() => apollo.start());
  afterAll(() => apollo.stop());

  it('returns an internal failure without its detail, and logs the detail with the request id', async () => {
    const lines: string[] = [];
    const res = await apollo.executeOperation({ query: '{ broken }' }, { contextValue: contextWithLogLines(lines) });
    const body = res.body.kind === 'single' ? res.body.singleResult : undefined;
    const error = body?.errors?.[0];
    expect(error?.message).toBe(INTERNAL_MESSAGE);
    expect(error?.extensions).toEqual({ code: 'INTERNAL_SERVER_ERROR', requestId: 'req-123' });
    expect(JSON.stringify(body)).not.toContain('hunter2');
    expect(lines.join('')).toContain('hunter2');
    expect(lines.join('')).toContain('"requestId":"req-123"');
  });

  it('passes a user error through with its code and message', async () => {
    const res = await apollo.executeOperation({ query: '{ picky }' }, { contextValue: contextWithLogLines([]) });
    const error = res.body.kind === 'single' ? res.body.singleResult.errors?.[0] : undefined;
    expect(error?.message).toContain('Workspace names may only contain');
    expect(error?.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'name' });
  });

  it('keeps GraphQL validation errors visible', async () => {
    const res = await apollo.executeOperation({ query: '{ nope }' }, { contextValue: contextWithLogLines([]) });
    const error = res.body.kind === 'single' ? res.body.singleResult.errors?.[0] : undefined;
    expect(error?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(error?.message).toContain('nope');
  });
});
