/**
 * The change feed's counter lock, measured at the graph layer (issue 17): `writers` concurrent
 * writes into ONE workspace, each a write and its audit entry as a mutation writes them, with the
 * entry numbered in the feed (seq) or not, for both ways the executor joins a record:
 * a multi-statement transaction (record last) and a one-statement write (record in the statement);
 * and with seq where each writer has a workspace (and a counter) of its own, for the lock's share.
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

/** Workspaces: 'one' for every writer in one (they share its counter), 'own' for one each. */
type Spread = 'one' | 'own';

async function round(
  graph: GraphExecutor,
  calls: number,
  writers: number,
  numbered: boolean,
  oneStatement: boolean,
  spread: Spread,
) {
  const base = `feedlock${Date.now()}${numbered ? 'n' : 'p'}`;
  let next = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: writers }, async (_, w) => {
      const ws = spread === 'one' ? base : `${base}-${w}`;
      const g = graph.withWriteHook(hook(ws, numbered));
      const options = oneStatement ? { oneStatement, recordIf: 'true' } : {};
      while (next++ < calls) await g.write((tx) => tx.run(CREATE, { uid: newUid(), ws }), options);
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
        const variants: Array<[boolean, Spread]> = [
          [false, 'one'],
          [true, 'one'],
          [true, 'own'],
        ];
        for (const [numbered, spread] of variants) {
          const rate = await round(graph, calls, writers, numbered, oneStatement, spread);
          const how = oneStatement ? 'one statement' : 'transaction  ';
          const what = `${numbered ? 'with seq' : 'no seq  '}, ${spread === 'one' ? 'one workspace  ' : 'own workspaces'}`;
          process.stdout.write(`${how} ${what}: ${rate.toFixed(0)} writes/s\n`);
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
