import { run } from '../../src/cli';
import { memoryIo } from '../../src/cli/io';
import { gql, gqlOk, useTestSkein } from '../helpers/skein';

/**
 * The audit trail: each mutation writes one event in its own transaction (so a mutation that fails
 * leaves none), the trail reads as a cursor connection, and `skein audit export` prints it as JSON
 * lines. Auth is off here (the single loopback user, an admin); who may read it is in access tests.
 */

interface AuditNode {
  id: string;
  actor: string;
  action: string;
  outcome: string;
  workspace: string | null;
  objectType: string | null;
  objectId: string | null;
  requestId: string | null;
}

const AUDIT = `query($w: String, $n: Int, $a: String) {
  auditEvents(workspace: $w, first: $n, after: $a) {
    edges { node { id actor action outcome workspace objectType objectId requestId } }
    pageInfo { hasNextPage endCursor }
  }
}`;

describe('audit trail', () => {
  const t = useTestSkein({ workspace: 'audit' });

  const events = async (workspace: string | null, first = 100, after: string | null = null) => {
    const data = await gqlOk<{
      auditEvents: { edges: Array<{ node: AuditNode }>; pageInfo: { endCursor: string | null; hasNextPage: boolean } };
    }>(t.url, AUDIT, { w: workspace, n: first, a: after });
    return data.auditEvents;
  };

  const startRun = async (name: string) => {
    const data = await gqlOk<{ startRun: { id: string; uid: string } }>(
      t.url,
      'mutation($i: StartRunInput!) { startRun(input: $i) { id uid } }',
      { i: { workspace: t.ws, name } },
    );
    return data.startRun;
  };

  it('records each mutation once, with its workspace and object, in order', async () => {
    const a = await startRun('first');
    await gqlOk(t.url, 'mutation($id: ID!) { finishRun(id: $id, state: COMPLETED) { id } }', { id: a.id });
    const page = await events(t.ws);
    const actions = page.edges.map((e) => e.node.action);
    expect(actions).toEqual(['createWorkspace', 'startRun', 'finishRun']);
    for (const { node } of page.edges) {
      expect(node).toMatchObject({ actor: 'anonymous', outcome: 'OK', workspace: t.ws });
      expect(node.requestId).toEqual(expect.any(String));
    }
    expect(page.edges[0]!.node).toMatchObject({ objectType: 'Workspace', objectId: t.ws });
    expect(page.edges[2]!.node).toMatchObject({ objectType: 'Run', objectId: a.id }); // as the caller named it
  });

  it('writes nothing for a mutation that failed (the event shares its transaction)', async () => {
    const before = (await events(t.ws, 1000)).edges.length;
    const res = await gql(t.url, 'mutation($i: StartRunInput!) { startRun(input: $i) { id } }', {
      i: { workspace: t.ws, name: 'bad', parent: 'not-a-run' },
    });
    expect(res.errors?.[0]?.extensions?.code).toBeDefined();
    expect((await events(t.ws, 1000)).edges.length).toBe(before);
  });

  it('keeps a refused or failed request that names a huge workspace (clipped), never an internal error', async () => {
    const res = await gql(
      t.url,
      'mutation($n: String!) { updateWorkspace(name: $n, input: { description: "d" }) { name } }',
      {
        n: 'x'.repeat(70_000),
      },
    );
    expect(res.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it('pages with cursors, and the export prints every event as a JSON line', async () => {
    for (const name of ['p1', 'p2', 'p3']) await startRun(name);
    const all = (await events(t.ws, 1000)).edges.map((e) => e.node.id);
    const first = await events(t.ws, 2);
    expect(first.pageInfo.hasNextPage).toBe(true);
    const rest = await events(t.ws, 1000, first.pageInfo.endCursor);
    expect([...first.edges, ...rest.edges].map((e) => e.node.id)).toEqual(all);

    const io = memoryIo();
    const code = await run(['node', 'skein', '--url', t.url, 'audit', 'export', '-w', t.ws, '--page-size', '2'], io);
    expect(code).toBe(0);
    const lines = io
      .out()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as AuditNode);
    expect(lines.map((l) => l.id)).toEqual(all);
    expect(io.err()).toContain(`Exported ${all.length} audit events.`);
  });
});
