import { createWorkspace, logArtifact, startRun } from '../helpers/pipeline';
import { expectCode } from '../helpers/bodies';
import { gql, gqlOk, useTestSkein, type GraphQLResponse } from '../helpers/skein';

/**
 * Retire and clean up (soft delete and restore): deleted runs, artifact versions and workspaces
 * leave lists, "latest" and tags, still resolve by id with deletedAt set, refuse writes, and show
 * in lineage marked deleted. Each test builds its own runs and keys in the suite's workspace.
 */
describe('soft delete and restore', () => {
  const t = useTestSkein({ workspace: 'lifecycle' });

  const RUN = 'id uid name deletedAt';
  const runView = (id: string) =>
    gqlOk<{ run: { id: string; deletedAt: string | null } }>(t.url, `query($id: ID!) { run(id: $id) { ${RUN} } }`, {
      id,
    }).then((d) => d.run);
  const runNames = async (includeDeleted?: boolean) => {
    const data = await gqlOk<{ runs: { edges: Array<{ node: { id: string } }> } }>(
      t.url,
      'query($w: String!, $inc: Boolean) { runs(workspace: $w, first: 1000, includeDeleted: $inc) { edges { node { id } } } }',
      { w: t.ws, inc: includeDeleted ?? false },
    );
    return data.runs.edges.map((e) => e.node.id);
  };
  const mutate = <T>(query: string, variables: Record<string, unknown>) => gqlOk<T>(t.url, query, variables);
  const deleteRun = (id: string, artifacts = false) =>
    mutate<{ deleteRun: { id: string; deletedAt: string | null } }>(
      `mutation($id: ID!, $a: Boolean) { deleteRun(id: $id, artifacts: $a) { ${RUN} } }`,
      { id, a: artifacts },
    ).then((d) => d.deleteRun);
  const restoreRun = (id: string) =>
    mutate<{ restoreRun: { id: string; deletedAt: string | null } }>(
      `mutation($id: ID!) { restoreRun(id: $id) { ${RUN} } }`,
      { id },
    ).then((d) => d.restoreRun);
  const ART = 'id uid version deletedAt isLatest';
  const artifact = (ref: string) =>
    gql<{ artifact: { id: string; uid: string; version: number; deletedAt: string | null } }>(
      t.url,
      `query($r: String!) { artifact(ref: $r) { ${ART} } }`,
      { r: ref },
    );
  const deleteArtifact = (ref: string, allVersions = false) =>
    mutate<{ deleteArtifact: { id: string; deletedAt: string | null } }>(
      `mutation($r: String!, $all: Boolean) { deleteArtifact(ref: $r, allVersions: $all) { ${ART} } }`,
      { r: ref, all: allVersions },
    ).then((d) => d.deleteArtifact);
  const restoreArtifact = (ref: string, allVersions = false) =>
    mutate<{ restoreArtifact: { id: string; deletedAt: string | null } }>(
      `mutation($r: String!, $all: Boolean) { restoreArtifact(ref: $r, allVersions: $all) { ${ART} } }`,
      { r: ref, all: allVersions },
    ).then((d) => d.restoreArtifact);
  const versions = async (ref: string, includeDeleted = false) => {
    const data = await gqlOk<{ artifact: { versions: { edges: Array<{ node: { version: number } }> } } }>(
      t.url,
      'query($r: String!, $inc: Boolean) { artifact(ref: $r) { versions(includeDeleted: $inc) { edges { node { version } } } } }',
      { r: ref, inc: includeDeleted },
    );
    return data.artifact.versions.edges.map((e) => e.node.version);
  };
  const listedKeys = async (workspace: string, includeDeleted?: boolean) => {
    const data = await gqlOk<{ artifacts: { edges: Array<{ node: { uid: string } }> } }>(
      t.url,
      'query($w: String!, $inc: Boolean) { artifacts(workspace: $w, first: 1000, filter: { includeDeleted: $inc }) { edges { node { uid } } } }',
      { w: workspace, inc: includeDeleted ?? false },
    );
    return data.artifacts.edges.map((e) => e.node.uid);
  };
  const record = (run: string, inputs: string[], outputKey: string) =>
    mutate<{
      recordExecution: {
        id: string;
        uid: string;
        outputs: { edges: Array<{ node: { artifact: { id: string; uid: string } } }> };
      };
    }>(
      `mutation($i: RecordExecutionInput!) { recordExecution(input: $i) {
         id uid outputs { edges { node { artifact { id uid } } } } } }`,
      {
        i: {
          run,
          name: 'step',
          inputs: inputs.map((artifact) => ({ artifact })),
          outputs: [{ artifact: { key: outputKey, kind: 'FILE' } }],
        },
      },
    ).then((d) => ({ ...d.recordExecution, output: d.recordExecution.outputs.edges[0]!.node.artifact }));
  const expectDeletedRefusal = (res: GraphQLResponse, restoreHint: string) => {
    expectCode(res, 'PRECONDITION_FAILED');
    expect(res.errors![0]!.message).toMatch(/deleted/);
    expect(res.errors![0]!.message).toContain(restoreHint);
  };

  it('deletes a run with its child runs and executions, hides them from lists, and restores them', async () => {
    const parent = await startRun(t.url, t.ws, 'parent');
    const child = await mutate<{ startRun: { id: string } }>(
      'mutation($i: StartRunInput!) { startRun(input: $i) { id } }',
      { i: { workspace: t.ws, name: 'child', parent } },
    ).then((d) => d.startRun.id);
    const exec = await record(parent, [], `out-${Date.now()}`);

    const deleted = await deleteRun(parent);
    expect(deleted.deletedAt).not.toBeNull();
    expect(await runNames()).not.toContain(parent);
    expect(await runNames()).not.toContain(child);
    expect(await runNames(true)).toEqual(expect.arrayContaining([parent, child]));
    // By id they still resolve, marked deleted; the child went with its parent.
    expect((await runView(child)).deletedAt).toBe(deleted.deletedAt);
    const execView = await gqlOk<{ node: { deletedAt: string | null } }>(
      t.url,
      'query($id: ID!) { node(id: $id) { ... on Execution { deletedAt } } }',
      { id: exec.id },
    );
    expect(execView.node.deletedAt).toBe(deleted.deletedAt);
    const children = (inc: boolean) =>
      gqlOk<{ run: { children: { edges: unknown[] } } }>(
        t.url,
        'query($id: ID!, $inc: Boolean) { run(id: $id) { children(includeDeleted: $inc) { edges { node { id } } } } }',
        { id: parent, inc: inc },
      ).then((d) => d.run.children.edges.length);
    expect(await children(false)).toBe(0);
    expect(await children(true)).toBe(1);

    // Deleting twice changes nothing and answers the run.
    expect((await deleteRun(parent)).deletedAt).toBe(deleted.deletedAt);

    const restored = await restoreRun(parent);
    expect(restored.deletedAt).toBeNull();
    expect((await runView(child)).deletedAt).toBeNull();
    expect(await runNames()).toEqual(expect.arrayContaining([parent, child]));
    expect((await restoreRun(parent)).deletedAt).toBeNull(); // restoring a live run: a no-op
  });

  it('restoring a run leaves what was deleted on its own before deleted', async () => {
    const parent = await startRun(t.url, t.ws, 'parent');
    const child = await mutate<{ startRun: { id: string } }>(
      'mutation($i: StartRunInput!) { startRun(input: $i) { id } }',
      { i: { workspace: t.ws, name: 'child', parent } },
    ).then((d) => d.startRun.id);
    const childDeleted = await deleteRun(child);
    await deleteRun(parent);
    await restoreRun(parent);
    expect((await runView(child)).deletedAt).toBe(childDeleted.deletedAt);
  });

  it('deleteRun(artifacts: true) retires the versions the run logged or output; latest falls back to a live one', async () => {
    const key = `model-${Date.now()}`;
    const keeper = await startRun(t.url, t.ws, 'keeper');
    const v1 = await logArtifact(t.url, { workspace: t.ws, key, kind: 'MODEL', run: keeper });
    const run = await startRun(t.url, t.ws, 'doomed');
    const v2 = await logArtifact(t.url, { workspace: t.ws, key, kind: 'MODEL', run });
    const out = await record(run, [], `${key}-out`);
    const uri = `store://artifacts/${t.ws}/${key}`;
    expect((await artifact(uri)).data!.artifact.uid).toBe(v2.uid);

    await deleteRun(run, true);
    expect((await artifact(uri)).data!.artifact.uid).toBe(v1.uid);
    expect((await artifact(v2.id)).data!.artifact.deletedAt).not.toBeNull();
    expect((await artifact(out.output.id)).data!.artifact.deletedAt).not.toBeNull();
    expect(await listedKeys(t.ws)).not.toContain(v2.uid);
    expect(await listedKeys(t.ws, true)).toContain(v2.uid);
    expect(await versions(v1.id)).toEqual([1]);
    expect(await versions(v1.id, true)).toEqual([2, 1]);

    await restoreRun(run);
    expect((await artifact(uri)).data!.artifact.uid).toBe(v2.uid);
    expect((await artifact(out.output.id)).data!.artifact.deletedAt).toBeNull();
  });

  it('deletes and restores one artifact version, or every version', async () => {
    const key = `data-${Date.now()}`;
    const v1 = await logArtifact(t.url, { workspace: t.ws, key, kind: 'DATASET' });
    const v2 = await logArtifact(t.url, { workspace: t.ws, key, kind: 'DATASET', tags: ['prod'] });
    const uri = `store://artifacts/${t.ws}/${key}`;

    const gone = await deleteArtifact(v2.id);
    expect(gone.deletedAt).not.toBeNull();
    expect((await deleteArtifact(v2.id)).deletedAt).toBe(gone.deletedAt); // twice: a no-op
    expect((await artifact(uri)).data!.artifact.uid).toBe(v1.uid);
    // A tag on a deleted version names nothing live; by uid it still resolves.
    expectCode(await artifact(`${uri}:prod`), 'NOT_FOUND');
    expect((await artifact(`${uri}@${v2.uid}`)).data!.artifact.deletedAt).toBe(gone.deletedAt);
    // Writes to it are refused, saying how to restore it.
    const tagged = await gql(t.url, 'mutation($r: String!) { tagArtifact(ref: $r, tag: "x") { id } }', { r: v2.id });
    expectDeletedRefusal(tagged, 'restoreArtifact');

    expect((await restoreArtifact(v2.id)).deletedAt).toBeNull();
    expect((await artifact(`${uri}:prod`)).data!.artifact.uid).toBe(v2.uid);
    expect((await restoreArtifact(v2.id)).deletedAt).toBeNull(); // restoring a live one: a no-op

    // "The latest" moves once deleted: deleting by it is refused unless every version goes.
    const byLatest = await gql(t.url, 'mutation($r: String!) { deleteArtifact(ref: $r) { id } }', { r: uri });
    expectCode(byLatest, 'BAD_USER_INPUT');
    expect(byLatest.errors![0]!.message).toContain('@<uid>');

    await deleteArtifact(uri, true);
    expectCode(await artifact(uri), 'NOT_FOUND');
    expect(await versions(v1.id)).toEqual([]);
    await restoreArtifact(v1.id, true);
    expect(await versions(v1.id)).toEqual([2, 1]);
  });

  it('deletes a workspace: hidden with everything in it, writes refused, restored whole', async () => {
    const ws = await createWorkspace(t.url, 'lifecycle-ws');
    const run = await startRun(t.url, ws, 'r');
    const a = await logArtifact(t.url, { workspace: ws, key: 'k', kind: 'FILE', run });
    const workspaces = async (inc: boolean) =>
      (
        await gqlOk<{ workspaces: { edges: Array<{ node: { name: string; deletedAt: string | null } }> } }>(
          t.url,
          'query($p: String!, $inc: Boolean) { workspaces(namePrefix: $p, includeDeleted: $inc) { edges { node { name deletedAt } } } }',
          { p: ws, inc },
        )
      ).workspaces.edges.map((e) => e.node);

    const deleted = await mutate<{ deleteWorkspace: { deletedAt: string | null } }>(
      'mutation($n: String!) { deleteWorkspace(name: $n) { deletedAt } }',
      { n: ws },
    );
    expect(deleted.deleteWorkspace.deletedAt).not.toBeNull();
    expect(await workspaces(false)).toEqual([]);
    expect(await workspaces(true)).toEqual([{ name: ws, deletedAt: deleted.deleteWorkspace.deletedAt }]);
    expect(await listedKeys(ws)).toEqual([]);
    expect(await listedKeys(ws, true)).toEqual([a.uid]);
    const runs = await gqlOk<{ runs: { edges: unknown[] } }>(
      t.url,
      'query($w: String!) { runs(workspace: $w) { edges { node { id } } } }',
      { w: ws },
    );
    expect(runs.runs.edges).toEqual([]);

    const logged = await gql(t.url, 'mutation($i: LogArtifactInput!) { logArtifact(input: $i) { id } }', {
      i: { workspace: ws, key: 'k', kind: 'FILE' },
    });
    expectDeletedRefusal(logged, 'restoreWorkspace');
    const started = await gql(t.url, 'mutation($i: StartRunInput!) { startRun(input: $i) { id } }', {
      i: { workspace: ws, name: 'late' },
    });
    expectDeletedRefusal(started, 'restoreWorkspace');
    const metrics = await gql(
      t.url,
      'mutation($r: ID!) { logMetrics(run: $r, points: [{ key: "loss", value: 1, step: 1 }]) { id } }',
      { r: run },
    );
    expectDeletedRefusal(metrics, 'restoreWorkspace');
    const updated = await gql(
      t.url,
      'mutation($n: String!) { updateWorkspace(name: $n, input: { description: "late" }) { name } }',
      { n: ws },
    );
    expectDeletedRefusal(updated, 'restoreWorkspace');
    const template = await gql(
      t.url,
      'mutation($n: String!) { setArtifactPathTemplate(workspace: $n, template: "{{workspace}}/{{key}}") { template } }',
      { n: ws },
    );
    expectDeletedRefusal(template, 'restoreWorkspace');

    await mutate('mutation($n: String!) { restoreWorkspace(name: $n) { name } }', { n: ws });
    expect(await workspaces(false)).toEqual([{ name: ws, deletedAt: null }]);
    expect(await listedKeys(ws)).toEqual([a.uid]);
  });

  it('refuses metrics and executions for a deleted run, naming restoreRun', async () => {
    const run = await startRun(t.url, t.ws, 'retired');
    await deleteRun(run);
    const metrics = await gql(
      t.url,
      'mutation($r: ID!) { logMetrics(run: $r, points: [{ key: "loss", value: 1, step: 1 }]) { id } }',
      { r: run },
    );
    expectDeletedRefusal(metrics, 'restoreRun');
    const exec = await gql(t.url, 'mutation($i: StartExecutionInput!) { startExecution(input: $i) { id } }', {
      i: { run, name: 'late' },
    });
    expectDeletedRefusal(exec, 'restoreRun');
    const finished = await gql(t.url, 'mutation($r: ID!) { finishRun(id: $r, state: COMPLETED) { id } }', {
      r: run,
    });
    expectDeletedRefusal(finished, 'restoreRun');
  });

  it('refuses a deleted artifact version as an input of a new execution', async () => {
    const data = await logArtifact(t.url, { workspace: t.ws, key: `input-${Date.now()}`, kind: 'DATASET' });
    await deleteArtifact(data.id);
    const run = await startRun(t.url, t.ws, 'reader');
    const recorded = await gql(t.url, 'mutation($i: RecordExecutionInput!) { recordExecution(input: $i) { id } }', {
      i: { run, name: 'read', inputs: [{ artifact: data.id }] },
    });
    expectDeletedRefusal(recorded, 'restoreArtifact');
  });

  it('lineage walks through a deleted execution and artifact and marks them deleted', async () => {
    const key = `lin-${Date.now()}`;
    const source = await logArtifact(t.url, { workspace: t.ws, key: `${key}-raw`, kind: 'DATASET' });
    const doomed = await startRun(t.url, t.ws, 'prep');
    const prep = await record(doomed, [source.id], `${key}-clean`);
    const clean = prep.output;
    const live = await startRun(t.url, t.ws, 'train');
    const train = await record(live, [clean.id], `${key}-model`);
    const model = train.output;
    const deleted = await deleteRun(doomed, true);

    const NODE = '__typename ... on Artifact { uid deletedAt } ... on Execution { uid deletedAt }';
    const lineage = await gqlOk<{ lineage: { nodes: Array<{ uid: string; deletedAt: string | null }> } }>(
      t.url,
      `query($of: String!) { lineage(of: $of) { nodes { ${NODE} } } }`,
      { of: model.id },
    );
    const byUid = new Map(lineage.lineage.nodes.map((n) => [n.uid, n.deletedAt]));
    expect(byUid.get(clean.uid)).toBe(deleted.deletedAt);
    expect(byUid.get(prep.uid)).toBe(deleted.deletedAt);
    expect(byUid.get(source.uid)).toBeNull(); // reached through the deleted ones: not cut
    expect(byUid.get(train.uid)).toBeNull();

    const path = await gqlOk<{ lineagePath: { nodes: Array<{ uid: string; deletedAt: string | null }> } }>(
      t.url,
      `query($from: String!, $to: String!) { lineagePath(from: $from, to: $to) { nodes { ${NODE} } } }`,
      { from: source.id, to: model.id },
    );
    expect(path.lineagePath.nodes.map((n) => n.deletedAt !== null)).toEqual([false, true, true, false, false]);

    const provenance = await gqlOk<{
      provenance: { runs: Array<{ id: string; deletedAt: string | null }>; sources: Array<{ id: string }> };
    }>(t.url, 'query($of: String!) { provenance(of: $of) { runs { id deletedAt } sources { id } } }', { of: model.id });
    expect(provenance.provenance.runs.find((r) => r.id === doomed)?.deletedAt).toBe(deleted.deletedAt);
    expect(provenance.provenance.sources.map((s) => s.id)).toEqual([source.id]);
  });
});
