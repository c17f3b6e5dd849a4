import { makePrincipal, OPEN, type Principal } from '../../src/auth/principal';
import { createServices } from '../../src/services';
import { restrictedId } from '../../src/domain/restricted-id';
import { QueryStats, type GraphExecutor } from '../../src/graph/executor';
import type { LineageRecord, LineageEdgeRecord, LineageNode, LineagePathRecord } from '../../src/domain/lineage';
import { LineageService } from '../../src/services/lineage.service';
import { toGlobalId } from '../../src/domain/global-id';
import { uniqueName, useTestSkein } from '../helpers/skein';

/**
 * Lineage on small hand-built graphs, written with raw Cypher in the stored model's shape (so a
 * test can make what the API refuses: a cycle, back-dated events). Every answer is checked
 * exactly, as `name@depth` lists and `from-TYPE->to` edge lists.
 */

type Row = Record<string, unknown>;

class TestGraph {
  private readonly uidOf = new Map<string, string>();
  private readonly nameOf = new Map<string, string>();
  private readonly workspaces = new Set<string>();
  private readonly artifacts: Row[] = [];
  private readonly executions: Row[] = [];
  private readonly events: Array<{ type: 'INPUT' | 'OUTPUT'; from: string; to: string; at: string; path: string }> = [];
  private clock = Date.parse('2026-01-01T00:00:00.000Z');

  constructor(readonly workspace: string) {
    this.workspaces.add(workspace);
  }

  /** The next moment on this graph's clock, one minute after the last. */
  tick(): string {
    this.clock += 60_000;
    return new Date(this.clock).toISOString();
  }

  artifact(name: string, opts: { kind?: string; workspace?: string; at?: string } = {}): this {
    const workspace = opts.workspace ?? this.workspace;
    this.workspaces.add(workspace);
    const uid = this.newUid(name);
    this.artifacts.push({
      uid,
      workspace,
      key: name,
      version: 1,
      kind: opts.kind ?? 'DATASET',
      state: 'AVAILABLE',
      digest: `${name}-digest`.padEnd(64, '0'),
      location: `s3://test/${name}`,
      createdAt: opts.at ?? this.tick(),
      runUid: `${workspace}-run`,
      spec: '{}',
    });
    return this;
  }

  /** An execution reading `inputs` and writing `outputs` (outputs not yet made are made, as datasets). */
  step(
    name: string,
    inputs: string[],
    outputs: string[],
    opts: { kind?: string; workspace?: string; at?: string; outputKind?: string } = {},
  ): this {
    const workspace = opts.workspace ?? this.workspace;
    this.workspaces.add(workspace);
    const at = opts.at ?? this.tick();
    const uid = this.newUid(name);
    this.executions.push({
      uid,
      workspace,
      runUid: `${workspace}-run`,
      name,
      kind: opts.kind ?? 'STEP',
      state: 'COMPLETED',
      startedAt: at,
      codeVersion: `git:${name}`,
      createdAt: at,
      'param.lr': 0.1,
    });
    for (const i of inputs) this.read(i, name, at);
    for (const o of outputs) {
      if (!this.uidOf.has(o)) this.artifact(o, { workspace, at, kind: opts.outputKind });
      this.write(name, o, at);
    }
    return this;
  }

  read(artifact: string, execution: string, at = this.tick()): this {
    this.events.push({ type: 'INPUT', from: this.uid(artifact), to: this.uid(execution), at, path: artifact });
    return this;
  }

  write(execution: string, artifact: string, at = this.tick()): this {
    this.events.push({ type: 'OUTPUT', from: this.uid(execution), to: this.uid(artifact), at, path: artifact });
    const a = this.artifacts.find((x) => x.uid === this.uid(artifact))!;
    a.producerUid = this.uid(execution);
    return this;
  }

  uid(name: string): string {
    const uid = this.uidOf.get(name);
    if (!uid) throw new Error(`no node ${name}`);
    return uid;
  }

  id(name: string): string {
    const uid = this.uid(name);
    return toGlobalId(this.artifacts.some((a) => a.uid === uid) ? 'Artifact' : 'Execution', uid);
  }

  name(uid: string): string {
    return this.nameOf.get(uid) ?? `?${uid}`;
  }

  async save(graph: GraphExecutor): Promise<this> {
    const now = new Date(this.clock).toISOString();
    await graph.write(async (tx) => {
      await tx.run(
        `UNWIND $names AS name
         CREATE (w:Workspace {name: name, createdAt: $now, updatedAt: $now})
         CREATE (:Run {uid: name + '-run', workspace: name, name: 'run', state: 'COMPLETED', iteration: 0,
                       startedAt: $now, createdAt: $now})-[:IN_WORKSPACE]->(w)`,
        { names: [...this.workspaces], now },
      );
      await tx.run(
        `UNWIND $rows AS row
         MATCH (r:Run {uid: row.runUid})
         CREATE (e:Execution)-[:IN_RUN]->(r) SET e = row`,
        { rows: this.executions },
      );
      await tx.run(
        `UNWIND $rows AS row
         CREATE (k:ArtifactKey {workspace: row.workspace, key: row.key, lastVersion: 1, latestVersion: 1, createdAt: row.createdAt})
         CREATE (a:Artifact)-[:VERSION_OF]->(k) SET a = row`,
        { rows: this.artifacts },
      );
      await tx.run(
        `UNWIND $rows AS ev
         MATCH (a:Artifact {uid: CASE ev.type WHEN 'INPUT' THEN ev.from ELSE ev.to END})
         MATCH (e:Execution {uid: CASE ev.type WHEN 'INPUT' THEN ev.to ELSE ev.from END})
         FOREACH (_ IN CASE ev.type WHEN 'INPUT' THEN [1] ELSE [] END | CREATE (a)-[:INPUT {at: ev.at, path: ev.path}]->(e))
         FOREACH (_ IN CASE ev.type WHEN 'OUTPUT' THEN [1] ELSE [] END | CREATE (e)-[:OUTPUT {at: ev.at, path: ev.path}]->(a))`,
        { rows: this.events },
      );
    });
    return this;
  }

  private newUid(name: string): string {
    if (this.uidOf.has(name)) throw new Error(`node ${name} twice`);
    const uid = `${this.workspace}/${name}`;
    this.uidOf.set(name, uid);
    this.nameOf.set(uid, name);
    return uid;
  }
}

/** `name@depth`, sorted; restricted nodes show as `restricted(KIND)@depth`. */
function nodesOf(g: TestGraph, nodes: LineageNode[]): string[] {
  return nodes.map((n) => `${label(g, n)}@${n.depth}`).sort();
}

function label(g: TestGraph, n: LineageNode): string {
  if (n.type === 'Artifact') return g.name(n.artifact.uid);
  if (n.type === 'Execution') return g.name(n.execution.uid);
  return `restricted(${n.kind})`;
}

/** `from-TYPE->to`, sorted, by node names (ids resolved through the answer's own nodes). */
function edgesOf(g: TestGraph, l: { nodes: LineageNode[]; edges: LineageEdgeRecord[] }): string[] {
  const byId = new Map(l.nodes.map((n) => [n.id, label(g, n)]));
  return l.edges.map((e) => `${byId.get(e.from)}-${e.type}->${byId.get(e.to)}`).sort();
}

const chainOf = (g: TestGraph, p: LineagePathRecord) => p.nodes.map((n) => label(g, n));

describe('lineage traversals on hand-built graphs', () => {
  const t = useTestSkein();
  let stats: QueryStats;
  const service = (caller: Principal = OPEN): LineageService => {
    stats = new QueryStats();
    return createServices({ graph: t.skein.graph.withStats(stats), caller }).lineage;
  };

  const graph = () => new TestGraph(uniqueName('lin'));

  describe('a chain raw -> clean -> cleaned -> train -> model', () => {
    let g: TestGraph;
    beforeAll(async () => {
      g = await graph()
        .artifact('raw')
        .step('clean', ['raw'], ['cleaned'])
        .step('train', ['cleaned'], ['model'], { kind: 'TRAINER', outputKind: 'MODEL' })
        .save(t.skein.graph);
    });

    it('walks upstream one step at a time, in one query', async () => {
      const one = await service().lineage(g.id('model'), { depth: 1 });
      expect(stats.queries).toBe(1);
      expect(nodesOf(g, one.nodes)).toEqual(['cleaned@1', 'model@0', 'train@1']);
      expect(edgesOf(g, one)).toEqual(['cleaned-INPUT->train', 'train-OUTPUT->model']);
      expect(one.truncated).toBe(false);
      expect(one.truncatedAtDepth).toBeNull();

      const two = await service().lineage(g.id('model'), { depth: 2 });
      expect(nodesOf(g, two.nodes)).toEqual(['clean@2', 'cleaned@1', 'model@0', 'raw@2', 'train@1']);
      expect(edgesOf(g, two)).toEqual([
        'clean-OUTPUT->cleaned',
        'cleaned-INPUT->train',
        'raw-INPUT->clean',
        'train-OUTPUT->model',
      ]);
    });

    it('walks downstream, and both ways', async () => {
      const down = await service().lineage(g.id('cleaned'), { direction: 'DOWNSTREAM' });
      expect(nodesOf(g, down.nodes)).toEqual(['cleaned@0', 'model@1', 'train@1']);
      const both = await service().lineage(g.id('cleaned'), { direction: 'BOTH', depth: 1 });
      expect(nodesOf(g, both.nodes)).toEqual(['clean@1', 'cleaned@0', 'model@1', 'raw@1', 'train@1']);
      expect(edgesOf(g, both)).toHaveLength(4);
      expect(both.nodes[0]!.depth).toBe(0);
    });

    it('starts from an execution too, and answers the root with all its fields', async () => {
      const l = await service().lineage(g.id('train'), { depth: 1 });
      expect(nodesOf(g, l.nodes)).toEqual(['clean@1', 'cleaned@1', 'train@0']);
      expect(l.root).toMatchObject({
        type: 'Execution',
        execution: { name: 'train', kind: 'TRAINER', params: { lr: 0.1 } },
      });
      const model = await service().lineage(g.id('model'), { depth: 1 });
      expect(model.root).toMatchObject({
        type: 'Artifact',
        artifact: { key: 'model', kind: 'MODEL', version: 1, latestVersion: 1, tags: [], producerUid: g.uid('train') },
      });
    });

    it('filters nodes by kind and type while walking through the others', async () => {
      const models = await service().lineage(g.id('raw'), { direction: 'DOWNSTREAM', filter: { kinds: ['MODEL'] } });
      expect(nodesOf(g, models.nodes)).toEqual(['model@2', 'raw@0']);
      expect(models.edges).toEqual([]);
      const execs = await service().lineage(g.id('raw'), {
        direction: 'DOWNSTREAM',
        filter: { nodeTypes: ['EXECUTION'] },
      });
      expect(nodesOf(g, execs.nodes)).toEqual(['clean@1', 'raw@0', 'train@2']);
    });

    it('refuses depths and caps out of range, and unknown starts', async () => {
      await expect(service().lineage(g.id('model'), { depth: 0 })).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
      await expect(service().lineage(g.id('model'), { depth: 101 })).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
      await expect(service().lineage(g.id('model'), { maxNodes: 10_001 })).rejects.toMatchObject({
        code: 'BAD_USER_INPUT',
      });
      await expect(service().lineage(toGlobalId('Artifact', 'nope'))).rejects.toMatchObject({ code: 'NOT_FOUND' });
      await expect(service().lineage(toGlobalId('Run', g.uid('raw')))).rejects.toMatchObject({
        code: 'BAD_USER_INPUT',
      });
    });
  });

  it('visits every node of a diamond once, at its shortest depth, with every edge', async () => {
    //        raw
    //       /    \
    //    left    right -> r1 -> mid -> r2
    //      |                             \
    //      l1 ------------------------- merge -> out
    const g = await graph()
      .artifact('raw')
      .step('left', ['raw'], ['l1'])
      .step('right', ['raw'], ['r1'])
      .step('mid', ['r1'], ['r2'])
      .step('merge', ['l1', 'r2'], ['out'])
      .save(t.skein.graph);
    const up = await service().lineage(g.id('out'), { depth: 10 });
    expect(nodesOf(g, up.nodes)).toEqual([
      'l1@1',
      'left@2',
      'merge@1',
      'mid@2',
      'out@0',
      'r1@2',
      'r2@1',
      'raw@2',
      'right@3',
    ]);
    expect(edgesOf(g, up)).toEqual([
      'l1-INPUT->merge',
      'left-OUTPUT->l1',
      'merge-OUTPUT->out',
      'mid-OUTPUT->r2',
      'r1-INPUT->mid',
      'r2-INPUT->merge',
      'raw-INPUT->left',
      'raw-INPUT->right',
      'right-OUTPUT->r1',
    ]);
    const down = await service().lineage(g.id('raw'), { direction: 'DOWNSTREAM', depth: 10 });
    expect(nodesOf(g, down.nodes)).toEqual([
      'l1@1',
      'left@1',
      'merge@2',
      'mid@2',
      'out@2',
      'r1@1',
      'r2@2',
      'raw@0',
      'right@1',
    ]);
    expect(edgesOf(g, down)).toEqual(edgesOf(g, up));
  });

  it('answers a fan-in: one execution reading many models', async () => {
    const g = graph();
    const members = Array.from({ length: 12 }, (_, i) => `m${String(i).padStart(2, '0')}`);
    for (const m of members) g.artifact(m, { kind: 'MODEL' });
    await g.step('ensemble', members, ['ens'], { outputKind: 'MODEL' }).save(t.skein.graph);
    const up = await service().lineage(g.id('ens'), { depth: 1 });
    expect(nodesOf(g, up.nodes)).toEqual(['ens@0', 'ensemble@1', ...members.map((m) => `${m}@1`)]);
    expect(edgesOf(g, up)).toEqual(['ensemble-OUTPUT->ens', ...members.map((m) => `${m}-INPUT->ensemble`)].sort());
  });

  describe('a hub read by 30 executions', () => {
    let g: TestGraph;
    const readers = Array.from({ length: 30 }, (_, i) => `r${String(i).padStart(2, '0')}`);
    beforeAll(async () => {
      g = graph().artifact('hub');
      for (const r of readers) g.step(r, ['hub'], [`${r}-out`]);
      await g.save(t.skein.graph);
    });

    it('caps the answer at maxNodes, nearest first, and says where it cut', async () => {
      const capped = await service().lineage(g.id('hub'), { direction: 'DOWNSTREAM', maxNodes: 10 });
      expect(capped.truncated).toBe(true);
      expect(capped.truncatedAtDepth).toBe(1);
      expect(capped.nodes).toHaveLength(11);
      // Breadth first: the ten kept are readers (one event away), none of their outputs (two).
      expect(capped.nodes.slice(1).every((n) => n.type === 'Execution')).toBe(true);
      expect(capped.edges).toHaveLength(10);
      expect(edgesOf(g, capped).every((e) => /^hub-INPUT->r\d\d$/.test(e))).toBe(true);

      const all = await service().lineage(g.id('hub'), { direction: 'DOWNSTREAM', maxNodes: 60 });
      expect(all.truncated).toBe(false);
      expect(all.nodes).toHaveLength(61);
      expect(all.edges).toHaveLength(60);
    });
  });

  it('marks the cut at the level it fell in', async () => {
    const g = await graph()
      .artifact('raw')
      .step('s1', ['raw'], ['a1'])
      .step('s2', ['a1'], ['a2'])
      .step('s3', ['a2'], ['a3'])
      .save(t.skein.graph);
    const l = await service().lineage(g.id('raw'), { direction: 'DOWNSTREAM', maxNodes: 3 });
    // s1 and a1 (step 1), s2 (step 2) fit; a2 (step 2 as well) is the first left out.
    expect(nodesOf(g, l.nodes)).toEqual(['a1@1', 'raw@0', 's1@1', 's2@2']);
    expect(l.truncatedAtDepth).toBe(2);
    expect(edgesOf(g, l)).toEqual(['a1-INPUT->s2', 'raw-INPUT->s1', 's1-OUTPUT->a1']);
    const exact = await service().lineage(g.id('raw'), { direction: 'DOWNSTREAM', maxNodes: 6 });
    expect(exact).toMatchObject({ truncated: false, truncatedAtDepth: null });
  });

  describe('time travel', () => {
    let g: TestGraph;
    beforeAll(async () => {
      g = graph()
        .artifact('raw', { at: '2026-01-01T00:00:00.000Z' })
        .step('first', ['raw'], ['m1'], { at: '2026-02-01T00:00:00.000Z', outputKind: 'MODEL' })
        .step('second', ['raw'], ['m2'], { at: '2026-03-01T00:00:00.000Z', outputKind: 'MODEL' });
      await g.save(t.skein.graph);
    });

    it('ignores events after asOf', async () => {
      const now = await service().lineage(g.id('raw'), { direction: 'DOWNSTREAM' });
      expect(nodesOf(g, now.nodes)).toEqual(['first@1', 'm1@1', 'm2@1', 'raw@0', 'second@1']);
      const then = await service().lineage(g.id('raw'), { direction: 'DOWNSTREAM', asOf: '2026-02-15T00:00:00Z' });
      expect(nodesOf(g, then.nodes)).toEqual(['first@1', 'm1@1', 'raw@0']);
      expect(edgesOf(g, then)).toEqual(['first-OUTPUT->m1', 'raw-INPUT->first']);
      expect(then.asOf).toBe('2026-02-15T00:00:00.000Z');
      const before = await service().lineage(g.id('raw'), { direction: 'DOWNSTREAM', asOf: '2026-01-15T00:00Z' });
      expect(nodesOf(g, before.nodes)).toEqual(['raw@0']);
    });

    it('does not know a node before it existed', async () => {
      await expect(service().lineage(g.id('m2'), { asOf: '2026-02-15T00:00:00Z' })).rejects.toMatchObject({
        code: 'NOT_FOUND',
      });
      await expect(service().lineage(g.id('m2'), { asOf: 'yesterday' })).rejects.toMatchObject({
        code: 'BAD_USER_INPUT',
      });
    });

    it('finds paths as they stood', async () => {
      expect(await service().path(g.id('raw'), g.id('m2'))).not.toBeNull();
      await expect(service().path(g.id('raw'), g.id('m2'), { asOf: '2026-02-15T00:00:00Z' })).rejects.toMatchObject({
        code: 'NOT_FOUND',
      });
      const m1 = await service().path(g.id('raw'), g.id('m1'), { asOf: '2026-02-15T00:00:00Z' });
      expect(m1 && chainOf(g, m1)).toEqual(['raw', 'first', 'm1']);
    });
  });

  it('cannot loop forever on a cycle that bad data made', async () => {
    // a -> e1 -> b -> e2 -> a: the API refuses this; raw writes can still make it.
    const g = await graph()
      .artifact('a')
      .step('e1', ['a'], ['b'])
      .step('e2', ['b'], [])
      .write('e2', 'a')
      .save(t.skein.graph);
    for (const direction of ['UPSTREAM', 'DOWNSTREAM', 'BOTH'] as const) {
      const l = await service().lineage(g.id('a'), { direction, depth: 100 });
      expect(nodesOf(g, l.nodes)).toEqual(
        direction === 'DOWNSTREAM' ? ['a@0', 'b@1', 'e1@1', 'e2@2'] : expect.any(Array),
      );
      expect(new Set(l.nodes.map((n) => n.id)).size).toBe(4);
      expect(edgesOf(g, l)).toEqual(['a-INPUT->e1', 'b-INPUT->e2', 'e1-OUTPUT->b', 'e2-OUTPUT->a']);
    }
    const up = await service().lineage(g.id('a'), { depth: 100 });
    expect(nodesOf(g, up.nodes)).toEqual(['a@0', 'b@1', 'e1@2', 'e2@1']);
  });

  it('keeps artifacts that no execution produced, wherever they sit in the chain', async () => {
    // labels was logged by hand (no producer) and read by train next to a produced dataset.
    const g = await graph()
      .artifact('raw')
      .step('featurize', ['raw'], ['features'])
      .artifact('labels')
      .step('train', ['features', 'labels'], ['model'], { outputKind: 'MODEL' })
      .save(t.skein.graph);
    const up = await service().lineage(g.id('model'), { depth: 3 });
    expect(nodesOf(g, up.nodes)).toEqual(['features@1', 'featurize@2', 'labels@1', 'model@0', 'raw@2', 'train@1']);
    const prov = await service().provenance(g.id('model'));
    expect(
      prov.artifacts
        .filter((a) => a.isSource)
        .map((a) => a.artifact.key)
        .sort(),
    ).toEqual(['labels', 'raw']);
  });

  describe('across workspaces the caller may not all read', () => {
    let g: TestGraph;
    let other: string;
    let caller: Principal;
    beforeAll(async () => {
      g = graph();
      other = uniqueName('lin-other');
      g.artifact('raw')
        .step('theirs', ['raw'], ['shared'], { workspace: other, kind: 'SECRET' })
        .step('ours', ['shared'], ['model'], { outputKind: 'MODEL' });
      await g.save(t.skein.graph);
      caller = makePrincipal({ kind: 'token', id: 't', roles: [[g.workspace, 'VIEWER']] });
    });

    it('shows their nodes as placeholders and keeps walking', async () => {
      const l = await service(caller).lineage(g.id('model'), { depth: 5 });
      expect(nodesOf(g, l.nodes)).toEqual([
        'model@0',
        'ours@1',
        'raw@2',
        'restricted(DATASET)@1',
        'restricted(SECRET)@2',
      ]);
      const restricted = l.nodes.filter((n) => n.type === 'Restricted');
      // Opaque and stable: a digest, the same in the next answer, naming neither uid.
      expect(restricted.map((n) => n.id).sort()).toEqual(
        [restrictedId(g.uid('shared')), restrictedId(g.uid('theirs'))].sort(),
      );
      for (const n of restricted) expect(n.id).toMatch(/^restricted:[A-Za-z0-9_-]{22}$/);
      const again = await service(caller).lineage(g.id('model'), { depth: 5 });
      expect(
        again.nodes
          .filter((n) => n.type === 'Restricted')
          .map((n) => n.id)
          .sort(),
      ).toEqual(restricted.map((n) => n.id).sort());
      expect(JSON.stringify(restricted)).not.toContain(other);
      expect(JSON.stringify(restricted)).not.toContain(g.uid('shared'));
      expect(edgesOf(g, l)).toEqual([
        'ours-OUTPUT->model',
        'raw-INPUT->restricted(SECRET)',
        'restricted(DATASET)-INPUT->ours',
        'restricted(SECRET)-OUTPUT->restricted(DATASET)',
      ]);
      expect(l.edges.filter((e) => e.path !== null).map((e) => e.path)).toEqual(['model']);
    });

    it('does not know a start node it may not read', async () => {
      await expect(service(caller).lineage(g.id('shared'))).rejects.toMatchObject({ code: 'NOT_FOUND' });
      await expect(service(caller).impact(g.id('shared'))).rejects.toMatchObject({ code: 'NOT_FOUND' });
      expect((await service().lineage(g.id('shared'))).root.type).toBe('Artifact');
    });

    it('counts what it hides in impact and provenance', async () => {
      const impact = await service(caller).impact(g.id('raw'));
      expect(impact.groups).toEqual([
        { kind: 'DATASET', count: 1, restricted: 1, artifacts: [] },
        { kind: 'MODEL', count: 1, restricted: 0, artifacts: [expect.objectContaining({ key: 'model' })] },
      ]);
      expect(impact).toMatchObject({ executions: 2, restrictedExecutions: 1, restrictedRuns: 1 });
      expect(impact.runs.map((r) => r.uid)).toEqual([`${g.workspace}-run`]);
      expect(impact.workspaces).toEqual([{ name: g.workspace, nodes: 2 }]);
      expect(impact.restrictedWorkspaces).toBe(1);

      const prov = await service(caller).provenance(g.id('model'));
      expect(prov.restricted).toBe(2);
      expect(prov.artifacts.map((a) => `${a.artifact.key}@${a.depth}:${a.isSource}`)).toEqual(['raw@2:true']);
      expect(prov.executions.map((e) => e.execution.name)).toEqual(['ours']);
    });
  });

  describe('paths', () => {
    let g: TestGraph;
    beforeAll(async () => {
      // raw reaches out two ways: a short one (quick) and a long one (slow1 -> mid -> slow2).
      g = await graph()
        .artifact('raw')
        .step('quick', ['raw'], ['q'])
        .step('slow1', ['raw'], ['s1'])
        .step('slow2', ['s1'], ['s2'])
        .step('join', ['q', 's2'], ['out'])
        .artifact('island')
        .save(t.skein.graph);
    });

    it('finds the shortest chain, either way round, in one query', async () => {
      const down = await service().path(g.id('raw'), g.id('out'));
      expect(stats.queries).toBe(1);
      expect(down).toMatchObject({ direction: 'DOWNSTREAM', length: 4 });
      expect(chainOf(g, down!)).toEqual(['raw', 'quick', 'q', 'join', 'out']);
      expect(down!.nodes.map((n) => n.depth)).toEqual([0, 1, 1, 2, 2]);
      expect(edgesOf(g, down!)).toEqual(['join-OUTPUT->out', 'q-INPUT->join', 'quick-OUTPUT->q', 'raw-INPUT->quick']);
      const up = await service().path(g.id('out'), g.id('raw'));
      expect(up).toMatchObject({ direction: 'UPSTREAM', length: 4 });
      expect(chainOf(g, up!)).toEqual(['out', 'join', 'q', 'quick', 'raw']);
      expect(up!.edges.map((e) => e.type)).toEqual(['OUTPUT', 'INPUT', 'OUTPUT', 'INPUT']);
    });

    it('answers null when nothing links them, and refuses a path to itself', async () => {
      expect(await service().path(g.id('raw'), g.id('island'))).toBeNull();
      expect(await service().path(g.id('q'), g.id('s1'))).toBeNull();
      await expect(service().path(g.id('raw'), g.id('raw'))).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
    });
  });

  it('reports impact grouped by kind, runs and workspaces', async () => {
    const g = await graph()
      .artifact('raw')
      .step('clean', ['raw'], ['cleaned'])
      .step('train', ['cleaned'], ['model', 'metrics'], { outputKind: 'MODEL' })
      .save(t.skein.graph);
    const impact = await service().impact(g.id('raw'), { artifactsPerKind: 1 });
    expect(stats.queries).toBe(1);
    expect(impact.root.type).toBe('Artifact');
    expect(impact.groups.map((x) => [x.kind, x.count, x.restricted, x.artifacts.length])).toEqual([
      ['DATASET', 1, 0, 1],
      ['MODEL', 2, 0, 1],
    ]);
    expect(impact).toMatchObject({ executions: 2, restrictedExecutions: 0, truncated: false, truncatedAtDepth: null });
    expect(impact.runs).toEqual([expect.objectContaining({ uid: `${g.workspace}-run`, name: 'run', isBest: false })]);
    expect(impact.workspaces).toEqual([{ name: g.workspace, nodes: 5 }]);
    const capped = await service().impact(g.id('raw'), { maxNodes: 2 });
    expect(capped).toMatchObject({ truncated: true, truncatedAtDepth: 2, executions: 1 });
  });

  it('reports provenance: sources with versions and digests, executions with code and params, runs', async () => {
    const g = await graph()
      .artifact('raw')
      .step('clean', ['raw'], ['cleaned'])
      .step('train', ['cleaned'], ['model'], { outputKind: 'MODEL', kind: 'TRAINER' })
      .save(t.skein.graph);
    const prov = await service().provenance(g.id('model'));
    expect(stats.queries).toBe(1);
    expect(
      prov.artifacts.map((a) => [a.artifact.key, a.artifact.version, a.artifact.digest, a.depth, a.isSource]),
    ).toEqual([
      ['cleaned', 1, 'cleaned-digest'.padEnd(64, '0'), 1, false],
      ['raw', 1, 'raw-digest'.padEnd(64, '0'), 2, true],
    ]);
    expect(
      prov.executions.map((e) => [e.execution.name, e.execution.codeVersion, e.execution.params, e.depth]),
    ).toEqual([
      ['train', 'git:train', { lr: 0.1 }, 1],
      ['clean', 'git:clean', { lr: 0.1 }, 2],
    ]);
    expect(prov.runs.map((r) => r.uid)).toEqual([`${g.workspace}-run`]);
    expect(prov).toMatchObject({ restricted: 0, truncated: false });
  });

  it('answers many start nodes in one query (the field loader)', async () => {
    const g = graph().artifact('raw');
    for (let i = 0; i < 5; i++) g.step(`s${i}`, ['raw'], [`o${i}`]);
    await g.save(t.skein.graph);
    const svc = service();
    const refs = [0, 1, 2, 3, 4].map((i) => ({ label: 'Artifact' as const, uid: g.uid(`o${i}`) }));
    const answers = await svc.lineageOf([...refs, { label: 'Artifact', uid: 'missing' }], { depth: 1 });
    expect(stats.queries).toBe(1);
    expect(answers.map((l: LineageRecord | null) => l && nodesOf(g, l.nodes))).toEqual([
      ...[0, 1, 2, 3, 4].map((i) => [`o${i}@0`, `raw@1`, `s${i}@1`]),
      null,
    ]);
  });
});
