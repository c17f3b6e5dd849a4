/**
 * The change feed's counter lock, measured at the graph layer (issue 17): `writers` concurrent
 * writes into ONE workspace, each a write and its audit entry as a mutation writes them, with the
 * entry numbered in the feed (seq) or not, for both ways the executor joins a record:
 * a multi-statement transaction (record last) and a one-statement write (record in the statement).
 * Rounds alternate, so a busy machine's noise falls on both sides. Run (Neo4j env set):
 *   node -r ./test/setup/register-ts.js bench/feed-lock.ts [calls] [writers] [rounds]
 */
import { createDriver } from '../src/graph/driver';
import { GraphExecutor, type Prelude, type Tx, type WriteHook } from '../src/graph/executor';
import { auditRepository } from '../src/graph/audit.repository';
import { newUid } from '../src/domain/uid';

const CREATE = 'CREATE (n:FeedLockBench {uid: $uid, workspace: $ws}) RETURN n.uid AS uid';

function hook(ws: string, numbered: boolean): WriteHook {
  const record = () => ({
    id: newUid(),
    at: new Date().toISOString(),
    actor: 'bench',
    action: 'bench',
    outcome: 'OK' as const,
    workspace: ws,
    objectType: null,
    objectId: null,
    reason: null,
    ip: null,
    requestId: null,
  });
  return {
    pending: () => true,
    write: (tx: Tx) =>
      numbered ? auditRepository.appendChanges(tx, [record()]) : auditRepository.append(tx, [record()]),
    prelude: (): Prelude =>
      numbered ? auditRepository.changesPrelude([record()]) : auditRepository.prelude([record()]),
    committed: () => undefined,
  };
}

async function round(graph: GraphExecutor, calls: number, writers: number, numbered: boolean, oneStatement: boolean) {
  const ws = `feedlock${Date.now()}${numbered ? 'n' : 'p'}`;
  const g = graph.withWriteHook(hook(ws, numbered));
  const one = () =>
    g.write((tx) => tx.run(CREATE, { uid: newUid(), ws }), oneStatement ? { oneStatement, recordIf: 'true' } : {});
  let next = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: writers }, async () => {
      while (next++ < calls) await one();
    }),
  );
  return calls / (Number(process.hrtime.bigint() - started) / 1e9);
}

async function main(): Promise<void> {
  const [calls = 2000, writers = 8, rounds = 2] = process.argv.slice(2).map(Number);
  const driver = createDriver({
    uri: process.env.NEO4J_URI!,
    username: 'neo4j',
    password: process.env.NEO4J_PASSWORD ?? '',
    queryTimeoutMs: 30_000,
    local: { heapMb: 0, pageCacheMb: 0 },
  });
  const graph = new GraphExecutor(driver, { timeoutMs: 30_000 });
  try {
    for (let r = 0; r < rounds; r += 1) {
      for (const oneStatement of [false, true]) {
        for (const numbered of [false, true]) {
          const rate = await round(graph, calls, writers, numbered, oneStatement);
          const how = oneStatement ? 'one statement' : 'transaction  ';
          process.stdout.write(`${how} ${numbered ? 'with seq' : 'no seq  '}: ${rate.toFixed(0)} writes/s\n`);
        }
      }
    }
    await graph.runSchema('MATCH (n:FeedLockBench) CALL (n) { DELETE n } IN TRANSACTIONS OF 10000 ROWS');
  } finally {
    await driver.close();
  }
}

void main().catch((err: unknown) => {
  process.stderr.write(`${String(err)}\n`);
  process.exit(1);
});
