import { mintToken } from '../../src/auth/token-secret';
import { auditRepository } from '../../src/graph/audit.repository';
import { changeFeedRepository } from '../../src/graph/change-feed.repository';
import { newUid } from '../../src/domain/uid';
import type { FeedChange } from '../../src/domain/feed';
import { gqlOk, uniqueName, useTestSkein } from '../helpers/skein';
import { spawnSkein } from '../setup/skein-process';
import { encodeCursor } from '../../src/services/pagination';
import { codeOf, createToken, gqlAs, gqlAsOk } from '../helpers/tokens';

/**
 * The change feed (issue 17): every mutation's OK audit entry numbered in its workspace, 1, 2, 3…
 * in commit order with no gaps, read as a cursor connection (`changes`) that never finds a change
 * behind a cursor it already passed.
 */

const START_RUN = 'mutation($i: StartRunInput!) { startRun(input: $i) { id uid } }';
const FINISH_RUN = 'mutation($id: ID!) { finishRun(id: $id, state: COMPLETED) { id } }';
const CHANGES = `query($w: String!, $a: String, $n: Int) {
  changes(workspace: $w, after: $a, first: $n) {
    edges { cursor node { seq cursor action objectType objectId node { __typename id } } }
    pageInfo { hasNextPage endCursor }
  }
}`;

interface ChangeNode {
  seq: number;
  cursor: string;
  action: string;
  objectType: string | null;
  objectId: string | null;
  node: { __typename: string; id: string } | null;
}
interface ChangesPage {
  changes: {
    edges: Array<{ cursor: string; node: ChangeNode }>;
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
  };
}

describe('change feed', () => {
  const t = useTestSkein({ workspace: 'feed' });

  const startRun = async (ws: string, name: string) =>
    (await gqlOk<{ startRun: { id: string; uid: string } }>(t.url, START_RUN, { i: { workspace: ws, name } })).startRun;

  const feed = (ws: string, afterSeq = 0, limit = 1000): Promise<FeedChange[]> =>
    changeFeedRepository.after(t.skein.graph, { workspace: ws, afterSeq, limit });

  it('numbers 20 concurrent mutations 1..20 after the workspace was made, each once, matching them', async () => {
    const runs = await Promise.all(Array.from({ length: 20 }, (_, i) => startRun(t.ws, `r${i}`)));
    const changes = await feed(t.ws);
    expect(changes.map((c) => c.seq)).toEqual(Array.from({ length: 21 }, (_, i) => i + 1));
    expect(changes[0]).toMatchObject({ action: 'createWorkspace', objectType: 'Workspace', objectId: t.ws });
    const started = changes.slice(1);
    expect(started.every((c) => c.action === 'startRun' && c.workspace === t.ws)).toBe(true);
    // A create is named by what it made: each run once.
    expect(started.every((c) => c.objectType === 'Run')).toBe(true);
    expect(new Set(started.map((c) => c.objectId))).toEqual(new Set(runs.map((r) => r.uid)));
    // An id-named mutation names its object: the feed tells which run finished.
    await gqlOk(t.url, FINISH_RUN, { id: runs[3]!.id });
    expect((await feed(t.ws, 21))[0]).toMatchObject({
      seq: 22,
      action: 'finishRun',
      objectType: 'Run',
      objectId: runs[3]!.id,
    });
    expect(await changeFeedRepository.lastSeq(t.skein.graph, t.ws)).toBe(22);
    // A page after a cursor starts right after it.
    expect((await feed(t.ws, 15, 3)).map((c) => c.seq)).toEqual([16, 17, 18]);
  });

  it('numbers several entries written in one statement one by one (no two share a seq)', async () => {
    const last = await changeFeedRepository.lastSeq(t.skein.graph, t.ws);
    const entry = (n: number) => ({
      id: newUid(),
      at: new Date().toISOString(),
      actor: 'system',
      action: `bulk${n}`,
      outcome: 'OK' as const,
      workspace: t.ws,
      objectType: null,
      objectId: null,
      reason: null,
      ip: null,
      requestId: null,
    });
    await t.skein.graph.write((tx) => auditRepository.appendChanges(tx, [entry(1), entry(2), entry(3)]));
    const changes = await feed(t.ws, last);
    expect(changes.map((c) => [c.seq, c.action])).toEqual([
      [last + 1, 'bulk1'],
      [last + 2, 'bulk2'],
      [last + 3, 'bulk3'],
    ]);
  });

  it('numbers a change made through another instance, which never saw the run (an admin skips the lookup)', async () => {
    const run = await startRun(t.ws, 'elsewhere');
    const other = await spawnSkein({ S3_BUCKET: '', SKEIN_MIGRATE: 'false' });
    try {
      const before = await changeFeedRepository.lastSeq(t.skein.graph, t.ws);
      await gqlOk(other.graphqlUrl, FINISH_RUN, { id: run.id });
      expect(await feed(t.ws, before)).toEqual([
        expect.objectContaining({ seq: before + 1, action: 'finishRun', objectType: 'Run', objectId: run.id }),
      ]);
    } finally {
      other.child.kill('SIGTERM');
      await other.exited;
    }
  });

  it('goes on through a workspace deleted, purged and made again under its name: no seq twice', async () => {
    const name = uniqueName('feedpurge').toLowerCase();
    const make = () =>
      gqlOk(t.url, 'mutation($i: CreateWorkspaceInput!) { createWorkspace(input: $i) { name } }', { i: { name } });
    await make();
    await gqlOk(t.url, 'mutation($n: String!) { deleteWorkspace(name: $n) { name } }', { n: name });
    await gqlOk(t.url, 'mutation($w: String, $t: DateTime) { purgeDeleted(workspace: $w, olderThan: $t) { runs } }', {
      w: name,
      t: new Date().toISOString(), // after the deletion, which committed before its answer came
    });
    await make();
    const changes = await feed(name);
    expect(changes.map((c) => [c.seq, c.action])).toEqual([
      [1, 'createWorkspace'],
      [2, 'deleteWorkspace'],
      [3, 'purgeDeleted'],
      [4, 'createWorkspace'],
    ]);
  });

  it('reads as a connection: cursors resume right after a change, and node is the object as it is now', async () => {
    const ws = (
      await gqlOk<{ createWorkspace: { name: string } }>(
        t.url,
        'mutation($i: CreateWorkspaceInput!) { createWorkspace(input: $i) { name } }',
        { i: { name: uniqueName('feedconn').toLowerCase() } },
      )
    ).createWorkspace.name;
    const run = await startRun(ws, 'one');
    await gqlOk(t.url, FINISH_RUN, { id: run.id });
    const first = await gqlOk<ChangesPage>(t.url, CHANGES, { w: ws, n: 2 });
    expect(first.changes.edges.map((e) => e.node.action)).toEqual(['createWorkspace', 'startRun']);
    expect(first.changes.pageInfo.hasNextPage).toBe(true);
    expect(first.changes.edges[0]!.node.node).toEqual({ __typename: 'Workspace', id: expect.any(String) });
    expect(first.changes.edges[1]!.node.node).toEqual({ __typename: 'Run', id: run.id });
    const rest = await gqlOk<ChangesPage>(t.url, CHANGES, { w: ws, a: first.changes.pageInfo.endCursor });
    expect(rest.changes.edges.map((e) => e.node)).toEqual([
      expect.objectContaining({ seq: 3, action: 'finishRun', node: { __typename: 'Run', id: run.id } }),
    ]);
    expect(rest.changes.pageInfo).toEqual({ hasNextPage: false, endCursor: rest.changes.edges[0]!.cursor });
    // The change's own cursor is its edge's.
    expect(rest.changes.edges[0]!.node.cursor).toBe(rest.changes.edges[0]!.cursor);
    const bad = await gqlAs(t.url, null, CHANGES, { w: ws, a: 'bm90LWEtc2Vx' });
    expect(codeOf(bad)).toBe('BAD_USER_INPUT');
  });

  it('names a logged artifact version by its uid, and node is that version', async () => {
    const logged = await gqlOk<{ logArtifact: { id: string; uid: string } }>(
      t.url,
      'mutation($i: LogArtifactInput!) { logArtifact(input: $i) { id uid } }',
      { i: { workspace: t.ws, key: uniqueName('data'), kind: 'DATASET' } },
    );
    const before = (await changeFeedRepository.lastSeq(t.skein.graph, t.ws)) - 1;
    const page = await gqlOk<ChangesPage>(t.url, CHANGES, { w: t.ws, a: encodeCursor(before) });
    expect(page.changes.edges.map((e) => e.node)).toEqual([
      expect.objectContaining({
        action: 'logArtifact',
        objectType: 'Artifact',
        objectId: logged.logArtifact.uid,
        node: { __typename: 'DatasetArtifact', id: logged.logArtifact.id },
      }),
    ]);
  });

  it('a reader polling while 8 writers run never sees a gap, a repeat or a change behind its cursor', async () => {
    const ws = (
      await gqlOk<{ createWorkspace: { name: string } }>(
        t.url,
        'mutation($i: CreateWorkspaceInput!) { createWorkspace(input: $i) { name } }',
        { i: { name: uniqueName('feedpoll').toLowerCase() } },
      )
    ).createWorkspace.name;
    const perWriter = 15;
    let writing = true;
    const writers = Promise.all(
      Array.from({ length: 8 }, async (_, w) => {
        for (let i = 0; i < perWriter; i += 1) await startRun(ws, `w${w}-${i}`);
      }),
    ).finally(() => (writing = false));
    const seen: number[] = [];
    let after: string | null = null;
    const readAll = async () => {
      for (;;) {
        const page: ChangesPage = await gqlOk<ChangesPage>(t.url, CHANGES, { w: ws, a: after, n: 7 });
        seen.push(...page.changes.edges.map((e) => e.node.seq));
        after = page.changes.pageInfo.endCursor ?? after;
        if (!page.changes.pageInfo.hasNextPage) return;
      }
    };
    while (writing) await readAll();
    await writers;
    await readAll();
    expect(seen).toEqual(Array.from({ length: 1 + 8 * perWriter }, (_, i) => i + 1));
  });
});

describe('change feed access', () => {
  const admin = mintToken();
  const t = useTestSkein({ env: { SKEIN_AUTH: 'on', SKEIN_ADMIN_TOKEN: admin.text } });

  it('is read with the workspace: a token of another workspace is refused, a viewer of it is served', async () => {
    const made = async () => {
      const name = uniqueName('feedacc').toLowerCase();
      await gqlAsOk(t.url, admin.text, 'mutation($i: CreateWorkspaceInput!) { createWorkspace(input: $i) { name } }', {
        i: { name },
      });
      return name;
    };
    const [ws, other] = await Promise.all([made(), made()]);
    const reader = await createToken(t.url, admin.text, { workspace: ws, role: 'VIEWER' });
    const outsider = await createToken(t.url, admin.text, { workspace: other, role: 'VIEWER' });
    const ok = await gqlAsOk<ChangesPage>(t.url, reader.text, CHANGES, { w: ws });
    // The owner's token for the reader is a change too, without naming the token to readers.
    expect(ok.changes.edges.map((e) => e.node)).toEqual([
      expect.objectContaining({ seq: 1, action: 'createWorkspace', objectId: ws }),
      expect.objectContaining({ seq: 2, action: 'createToken', objectType: 'Token', objectId: null, node: null }),
    ]);
    const refused = await gqlAs<ChangesPage>(t.url, outsider.text, CHANGES, { w: ws });
    // Refused as Skein refuses a read of what the caller may not see: as if it were not there.
    expect(codeOf(refused)).toBe('NOT_FOUND');
    expect(refused.data).toBeNull();
    const anonymous = await gqlAs<ChangesPage>(t.url, null, CHANGES, { w: ws });
    expect(codeOf(anonymous)).toBe('UNAUTHENTICATED');
  });
});
