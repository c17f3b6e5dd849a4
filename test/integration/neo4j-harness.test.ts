import neo4j, { type Driver } from 'neo4j-driver';

// The harness itself: global setup must have left a Neo4j answering Bolt at NEO4J_URI.
describe('neo4j harness', () => {
  let driver: Driver;

  beforeAll(() => {
    const uri = process.env.NEO4J_URI;
    if (!uri) throw new Error('NEO4J_URI is not set: run through jest (global setup starts Neo4j)');
    driver = neo4j.driver(uri, neo4j.auth.basic('neo4j', process.env.NEO4J_PASSWORD ?? ''));
  });

  afterAll(async () => {
    await driver?.close();
  });

  it('answers RETURN 1 over Bolt', async () => {
    const { records } = await driver.executeQuery('RETURN 1 AS one');
    expect(records[0]?.get('one').toNumber()).toBe(1);
  });
});
