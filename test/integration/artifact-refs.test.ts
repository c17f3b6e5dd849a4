import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { run as runCli } from '../../src/cli';
import { memoryIo } from '../../src/cli/io';
import { readMigrationFiles } from '../../src/graph/migrations';
import {
  completeUpload,
  createUpload,
  headersOf,
  put,
  sha256,
  startLocalSkein,
  tryCreateUpload,
  uniqueBody,
} from '../helpers/bodies';
import { createWorkspace, logArtifact } from '../helpers/pipeline';
import { gql, gqlOk, useTestSkein, type GraphQLResponse } from '../helpers/skein';

/**
 * Issue 14: one resolver of references (run uids everywhere; artifacts by global id, uid or
 * store://<artifacts|models|datasets>/<ws>/<key>[#<iteration>][:<name>][@<uid>]), version names,
 * and "latest" meaning the newest AVAILABLE version. Uploads go to the local store.
 */

interface Named {
  uid: string;
  version: number;
  state: string;
  isLatest: boolean;
  latestVersion: number | null;
}

const NAMED = 'uid version state isLatest latestVersion';

describe('artifact references, version names and latest', () => {
  const t = useTestSkein({ workspace: 'refs', start: startLocalSkein });

  const byRef = (ref: string) =>
    gql<{ artifact: Named }>(t.url, `query($r: String!) { artifact(ref: $r) { ${NAMED} } }`, { r: ref });
  const resolved = async (ref: string) => {
    const res = await byRef(ref);
    if (res.errors) throw new Error(`${ref}: ${res.errors[0]!.message}`);
    return res.data!.artifact;
  };
  const errorOf = (res: GraphQLResponse) => ({
    code: res.errors?.[0]?.extensions?.code,
    message: res.errors?.[0]?.message,
  });

  const startRun = async (ws: string, extra: Record<string, unknown> = {}) =>
    (
      await gqlOk<{ startRun: { id: string; uid: string } }>(
        t.url,
        'mutation($i: StartRunInput!) { startRun(input: $i) { id uid } }',
        { i: { workspace: ws, name: 'train', ...extra } },
      )
    ).startRun;

  const record = (run: string, inputs: string[]) =>
    gql<{ recordExecution: { uid: string } }>(
      t.url,
      'mutation($i: RecordExecutionInput!) { recordExecution(input: $i) { uid } }',
      { i: { run, name: 'use', inputs: inputs.map((artifact) => ({ artifact })) } },
    );
  const tag = (ref: string, name: string) =>
    gql<{ tagArtifact: Named }>(
      t.url,
      `mutation($r: String!, $t: String!) { tagArtifact(ref: $r, tag: $t) { ${NAMED} } }`,
      {
        r: ref,
        t: name,
      },
    );

  /** A PENDING version of `key`: createUpload, body not sent yet. */
  const pendingUpload = async (ws: string, key: string, extra: Record<string, unknown> = {}) => {
    const body = uniqueBody(`${ws}/${key}`);
    const up = await createUpload(t.url, {
      artifact: { workspace: ws, key, kind: 'FILE', ...extra },
      body: { size: body.length, sha256: sha256(body) },
    });
    const finish = async () => {
      const b = up.bodies[0]!;
      expect((await put(b.url!, body, headersOf(b.headers))).status).toBe(200);
      const done = await completeUpload(t.url, up.artifact.id);
      expect(done.errors).toBeUndefined();
    };
    return { ...up.artifact, finish };
  };

  it('resolves store://…/key and :latest to the newest AVAILABLE version, never a PENDING or ABORTED upload', async () => {
    const ws = await createWorkspace(t.url, 'latest');
    const key = 'data.csv';
    const uri = `store://artifacts/${ws}/${key}`;
    const v1 = await logArtifact(t.url, { workspace: ws, key, kind: 'FILE' }); // body-less: AVAILABLE
    const v2 = await pendingUpload(ws, key, { tags: ['candidate'] });

    expect((await resolved(uri)).version).toBe(1);
    expect((await resolved(`${uri}:latest`)).version).toBe(1);
    expect(await resolved(v1.id)).toMatchObject({ version: 1, isLatest: true });
    // The tags an upload asks for wait until it completes: a PENDING version carries none.
    expect(errorOf(await byRef(`${uri}:candidate`))).toMatchObject({ code: 'NOT_FOUND' });
    expect(await resolved(v2.uid)).toMatchObject({ version: 2, state: 'PENDING', isLatest: false, latestVersion: 1 }); // by uid: yes

    // Never an input, never tagged: PRECONDITION_FAILED naming the state.
    const { uid: runUid } = await startRun(ws);
    expect(errorOf(await record(runUid, [v2.uri]))).toEqual({
      code: 'PRECONDITION_FAILED',
      message: expect.stringContaining('is PENDING, so it cannot be an input'),
    });
    const { startExecution: ex } = await gqlOk<{ startExecution: { id: string } }>(
      t.url,
      'mutation($i: StartExecutionInput!) { startExecution(input: $i) { id } }',
      { i: { run: runUid, name: 'later' } },
    );
    const addInput = await gql(
      t.url,
      'mutation($id: ID!, $in: [EventInput!]!) { addExecutionInputs(id: $id, inputs: $in) { id } }',
      {
        id: ex.id,
        in: [{ artifact: v2.id }],
      },
    );
    expect(errorOf(addInput)).toEqual({ code: 'PRECONDITION_FAILED', message: expect.stringContaining('is PENDING') });
    expect(errorOf(await tag(v2.uri, 'production'))).toEqual({
      code: 'PRECONDITION_FAILED',
      message: expect.stringContaining('is PENDING; only AVAILABLE versions are tagged'),
    });

    // Lists and versions hide it unless asked for by state.
    const list = async (filter: Record<string, unknown>) =>
      (
        await gqlOk<{ artifacts: { edges: Array<{ node: { version: number } }> } }>(
          t.url,
          'query($w: String!, $f: ArtifactFilter) { artifacts(workspace: $w, filter: $f) { edges { node { version } } } }',
          { w: ws, f: filter },
        )
      ).artifacts.edges.map((e) => e.node.version);
    expect(await list({})).toEqual([1]);
    expect(await list({ tag: 'latest' })).toEqual([1]);
    expect(await list({ state: 'PENDING' })).toEqual([2]);
    const versions = async (state?: string) =>
      (
        await gqlOk<{ artifact: { versions: { edges: Array<{ node: { version: number } }> } } }>(
          t.url,
          'query($r: String!, $s: ArtifactState) { artifact(ref: $r) { versions(state: $s) { edges { node { version } } } } }',
          { r: v1.id, s: state ?? null },
        )
      ).artifact.versions.edges.map((e) => e.node.version);
    expect(await versions()).toEqual([1]);
    expect(await versions('PENDING')).toEqual([2]);

    // Lineage reads the same pointer: v1, an input, is still the latest while v2 is unfinished.
    const used = await record(runUid, [uri]);
    expect(used.errors).toBeUndefined();
    const lineageLatest = async () =>
      (
        await gqlOk<{ lineage: { nodes: Array<{ version?: number; isLatest?: boolean }> } }>(
          t.url,
          'query($of: String!) { lineage(of: $of, depth: 1) { nodes { ... on Artifact { version isLatest latestVersion } } } }',
          { of: v1.id },
        )
      ).lineage.nodes.filter((n) => n.version !== undefined);
    expect(await lineageLatest()).toEqual([{ version: 1, isLatest: true, latestVersion: 1 }]);

    // Completing the upload makes v2 the latest, in the same transaction.
    await v2.finish();
    expect(await resolved(uri)).toMatchObject({ version: 2, isLatest: true, latestVersion: 2 });
    expect((await resolved(`${uri}:candidate`)).uid).toBe(v2.uid);
    expect(await resolved(v1.id)).toMatchObject({ isLatest: false });
    expect(await lineageLatest()).toEqual([{ version: 1, isLatest: false, latestVersion: 2 }]);
    expect(await list({ tag: 'latest' })).toEqual([2]);

    // An aborted v3 changes nothing, is refused as an input, and completeUpload says it was aborted.
    const v3 = await pendingUpload(ws, key);
    await gqlOk(t.url, 'mutation($r: String!) { abortUpload(ref: $r) { state } }', { r: v3.id });
    expect((await resolved(uri)).version).toBe(2);
    expect(errorOf(await record(runUid, [v3.id]))).toEqual({
      code: 'PRECONDITION_FAILED',
      message: expect.stringContaining('is ABORTED, so it cannot be an input'),
    });
    expect(errorOf(await completeUpload(t.url, v3.id))).toEqual({
      code: 'PRECONDITION_FAILED',
      message: expect.stringContaining('was aborted, so it cannot be completed; start a new upload'),
    });
  });

  // refreshLatest locks the key before it recomputes, so a completion racing a newer version's
  // create cannot leave the pointer on the older one.
  it('keeps latest on the newest AVAILABLE version when an upload completes while a newer version is logged', async () => {
    const ws = await createWorkspace(t.url, 'race');
    const keys = ['a', 'b', 'c', 'd', 'e'];
    const pending = await Promise.all(keys.map((key) => pendingUpload(ws, key)));
    await Promise.all(
      pending.flatMap((p, i) => [p.finish(), logArtifact(t.url, { workspace: ws, key: keys[i]!, kind: 'FILE' })]),
    );
    for (const key of keys) {
      expect(await resolved(`store://artifacts/${ws}/${key}`)).toMatchObject({ version: 2, isLatest: true });
    }
  });

  it('says NOT_FOUND, not a pending version, when a key has no AVAILABLE version yet', async () => {
    const ws = await createWorkspace(t.url, 'none-yet');
    const only = await pendingUpload(ws, 'first.bin');
    expect(errorOf(await byRef(`store://artifacts/${ws}/first.bin`))).toEqual({
      code: 'NOT_FOUND',
      message: expect.stringContaining('no available version'),
    });
    const absent = `store://artifacts/${ws}/absent.bin`;
    expect(errorOf(await byRef(absent))).toEqual({
      code: 'NOT_FOUND',
      message: `Artifact "${absent}" does not exist.`,
    });
    expect(await resolved(only.id)).toMatchObject({ state: 'PENDING', isLatest: false, latestVersion: null });
  });

  it('resolves #<iteration>, models/ and datasets/, and refuses selectors that name different versions', async () => {
    const ws = await createWorkspace(t.url, 'mlrun');
    const parent = await startRun(ws);
    const child1 = await startRun(ws, { parent: parent.uid, iteration: 1 });
    const child2 = await startRun(ws, { parent: parent.uid, iteration: 2 });
    const v1 = await logArtifact(t.url, { workspace: ws, key: 'model', kind: 'MODEL', run: parent.uid });
    const v2 = await logArtifact(t.url, { workspace: ws, key: 'model', kind: 'MODEL', run: child1.uid });
    const v3 = await logArtifact(t.url, { workspace: ws, key: 'model', kind: 'MODEL', run: child2.uid });
    await logArtifact(t.url, { workspace: ws, key: 'iris', kind: 'DATASET' });
    const base = `store://artifacts/${ws}/model`;

    expect((await resolved(`${base}#0`)).uid).toBe(v1.uid);
    expect((await resolved(`${base}#1`)).uid).toBe(v2.uid);
    expect((await resolved(`${base}#2`)).uid).toBe(v3.uid);
    expect(errorOf(await byRef(`${base}#7`))).toEqual({
      code: 'NOT_FOUND',
      message: expect.stringContaining('iteration 7'),
    });

    expect((await resolved(`store://models/${ws}/model`)).uid).toBe(v3.uid);
    expect((await resolved(`store://models/${ws}/model#1`)).uid).toBe(v2.uid);
    expect((await resolved(`store://datasets/${ws}/iris`)).version).toBe(1);
    expect(errorOf(await byRef(`store://datasets/${ws}/model`))).toEqual({
      code: 'NOT_FOUND',
      message: expect.stringContaining('is a MODEL artifact, not a DATASET'),
    });
    expect(errorOf(await byRef(`store://models/${ws}/iris`))).toMatchObject({ code: 'NOT_FOUND' });

    expect((await tag(v3.id, 'prod')).errors).toBeUndefined();
    expect((await resolved(`${base}:prod@${v3.uid}`)).uid).toBe(v3.uid);
    expect((await resolved(`${base}#2:prod`)).uid).toBe(v3.uid);
    expect(errorOf(await byRef(`${base}:prod@${v1.uid}`))).toEqual({
      code: 'BAD_USER_INPUT',
      message: expect.stringContaining('names two versions: ":prod" is version 3 and'),
    });
    expect(errorOf(await byRef(`${base}#0:prod`))).toEqual({
      code: 'BAD_USER_INPUT',
      message: expect.stringContaining(
        'asks for iteration 0, but the version it names (3) was logged by a run of iteration 2',
      ),
    });
    expect(errorOf(await byRef(`${base}:latest@${v1.uid}`))).toMatchObject({ code: 'BAD_USER_INPUT' });
    expect(errorOf(await byRef(`${base}#x`))).toEqual({
      code: 'BAD_USER_INPUT',
      message: expect.stringContaining('iteration "x"'),
    });
    expect(errorOf(await byRef(`${base}:no-such-tag`))).toMatchObject({ code: 'NOT_FOUND' });

    // Lineage starts from the same references (one resolver): a models/ URI with #n, or a bare uid.
    const lineageRoot = async (of: string) =>
      (
        await gqlOk<{ lineage: { nodes: Array<{ uid?: string }> } }>(
          t.url,
          'query($of: String!) { lineage(of: $of, depth: 1) { nodes { ... on Artifact { uid } } } }',
          { of },
        )
      ).lineage.nodes.map((n) => n.uid);
    expect(await lineageRoot(`store://models/${ws}/model#1`)).toEqual([v2.uid]);
    expect(await lineageRoot(v3.uid)).toEqual([v3.uid]);

    // The URI every artifact answers stays store://artifacts/<ws>/<key>@<uid>, whatever named it.
    const { artifact } = await gqlOk<{ artifact: { uri: string } }>(
      t.url,
      'query($r: String!) { artifact(ref: $r) { uri } }',
      {
        r: `store://models/${ws}/model#1`,
      },
    );
    expect(artifact.uri).toBe(`${base}@${v2.uid}`);
  });

  it('keeps version names unique per key and apart from tags, and resolves them as :<name>', async () => {
    const ws = await createWorkspace(t.url, 'names');
    const key = 'models/churn';
    const base = `store://artifacts/${ws}/${key}`;
    const v1 = await logArtifact(t.url, { workspace: ws, key, kind: 'MODEL', versionName: 'v1.0.0' });
    await logArtifact(t.url, { workspace: ws, key, kind: 'MODEL', versionName: 'v1.1.0', tags: ['prod'] });
    expect((await resolved(`${base}:v1.0.0`)).uid).toBe(v1.uid);
    expect((await resolved(`${base}:v1.0.0@${v1.uid}`)).uid).toBe(v1.uid);
    // Another key may reuse the name.
    expect(
      (await logArtifact(t.url, { workspace: ws, key: 'other', kind: 'MODEL', versionName: 'v1.0.0' })).version,
    ).toBe(1);

    const log = (input: Record<string, unknown>) =>
      gql(t.url, 'mutation($i: LogArtifactInput!) { logArtifact(input: $i) { uid } }', {
        i: { workspace: ws, key, kind: 'MODEL', ...input },
      });
    expect(errorOf(await log({ versionName: 'v1.0.0' }))).toEqual({
      code: 'CONFLICT',
      message: expect.stringContaining(
        `Version name "v1.0.0" is already taken by version 1 of "${key}" (${base}@${v1.uid})`,
      ),
    });
    expect(errorOf(await log({ versionName: 'prod' }))).toEqual({
      code: 'CONFLICT',
      message: expect.stringContaining('"prod" is a tag of "models/churn" (on version 2)'),
    });
    expect(errorOf(await log({ tags: ['v1.0.0'] }))).toEqual({
      code: 'CONFLICT',
      message: expect.stringContaining('"v1.0.0" is the version name of version 1'),
    });
    expect(errorOf(await tag(v1.id, 'v1.1.0'))).toEqual({
      code: 'CONFLICT',
      message: expect.stringContaining('"v1.1.0" is the version name of version 2'),
    });
    // createUpload and execution outputs go through the same rule.
    const body = uniqueBody('names');
    expect(
      errorOf(
        await tryCreateUpload(t.url, {
          artifact: { workspace: ws, key, kind: 'MODEL', versionName: 'v1.0.0' },
          body: { size: body.length, sha256: sha256(body) },
        }),
      ),
    ).toMatchObject({ code: 'CONFLICT' });
    const { uid: runUid } = await startRun(ws);
    const output = await gql(t.url, 'mutation($i: RecordExecutionInput!) { recordExecution(input: $i) { uid } }', {
      i: { run: runUid, name: 'train', outputs: [{ artifact: { key, kind: 'MODEL', versionName: 'v1.1.0' } }] },
    });
    expect(errorOf(output)).toMatchObject({ code: 'CONFLICT', message: expect.stringContaining('version 2') });

    // Nothing of the refused ones was kept: still two versions.
    const { artifact } = await gqlOk<{ artifact: { latest: number } }>(
      t.url,
      'query($r: String!) { artifact(ref: $r) { latest: version } }',
      { r: base },
    );
    expect(artifact.latest).toBe(2);

    // Concurrent creators of one name: exactly one wins (the key's lock serialises the check).
    const racers = await Promise.all(Array.from({ length: 6 }, () => log({ versionName: 'v2.0.0' })));
    expect(racers.filter((r) => !r.errors)).toHaveLength(1);
    expect(racers.filter((r) => r.errors?.[0]?.extensions?.code === 'CONFLICT')).toHaveLength(5);
  });

  it('answers node(id:) for a bare uid of a run, execution or artifact and for a store:// URI; null when unknown', async () => {
    const ws = await createWorkspace(t.url, 'node');
    const run = await startRun(ws);
    const a = await logArtifact(t.url, { workspace: ws, key: 'k', kind: 'FILE', run: run.uid });
    const { recordExecution: e } = await gqlOk<{ recordExecution: { uid: string } }>(
      t.url,
      'mutation($i: RecordExecutionInput!) { recordExecution(input: $i) { uid } }',
      { i: { run: run.uid, name: 'use', inputs: [{ artifact: a.uid }] } },
    );
    const node = async (id: string) =>
      (
        await gqlOk<{ node: { __typename: string; id: string } | null }>(
          t.url,
          'query($id: ID!) { node(id: $id) { __typename id } }',
          { id },
        )
      ).node;
    expect(await node(run.uid)).toEqual({ __typename: 'Run', id: run.id });
    expect((await node(e.uid))?.__typename).toBe('Execution');
    expect(await node(a.uid.toUpperCase())).toEqual({ __typename: 'FileArtifact', id: a.id });
    expect(await node(`store://artifacts/${ws}/k`)).toEqual({ __typename: 'FileArtifact', id: a.id });
    expect(await node('01900000-0000-7000-8000-000000000000')).toBeNull();
    expect(await node(`store://artifacts/${ws}/missing`)).toBeNull();
    const bad = await gql(t.url, 'query($id: ID!) { node(id: $id) { id } }', { id: `store://artifacts/${ws}/k#x` });
    expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('filters by kind with the rule logArtifact uses: a lower-case kind is refused, not silently unmatched', async () => {
    const res = await gql(
      t.url,
      'query($w: String!) { artifacts(workspace: $w, filter: {kind: "model"}) { edges { cursor } } }',
      {
        w: t.ws,
      },
    );
    expect(res.errors?.[0]).toMatchObject({
      extensions: { code: 'BAD_USER_INPUT', field: 'filter.kind' },
      message: expect.stringContaining('UPPER_CASE'),
    });
  });

  // The README's `skein runs --json | jq -r '.[].uid'` feeds `skein upload --run`: every place that
  // names a run takes its uid as well as its global id.
  it("takes a run's uid wherever a run is named (API and CLI)", async () => {
    const ws = await createWorkspace(t.url, 'run-uid');
    const parent = await startRun(ws);
    const child = await startRun(ws, { parent: parent.uid });
    const body = uniqueBody('run-uid');
    type Case = [string, string, Record<string, unknown>, (data: Record<string, unknown>) => unknown, unknown];
    const cases: Case[] = [
      [
        'logArtifact.run',
        'mutation($i: LogArtifactInput!) { logArtifact(input: $i) { run { uid } } }',
        { i: { workspace: ws, key: 'logged', kind: 'FILE', run: parent.uid } },
        (d) => (d.logArtifact as { run: { uid: string } }).run.uid,
        parent.uid,
      ],
      [
        'recordExecution.run',
        'mutation($i: RecordExecutionInput!) { recordExecution(input: $i) { runId } }',
        { i: { run: parent.uid, name: 'rec' } },
        (d) => (d.recordExecution as { runId: string }).runId,
        parent.id,
      ],
      [
        'startExecution.run',
        'mutation($i: StartExecutionInput!) { startExecution(input: $i) { runId } }',
        { i: { run: parent.uid, name: 'started' } },
        (d) => (d.startExecution as { runId: string }).runId,
        parent.id,
      ],
      [
        'createUpload artifact.run',
        'mutation($i: CreateUploadInput!) { createUpload(input: $i) { artifact { runId } } }',
        {
          i: {
            artifact: { workspace: ws, key: 'uploaded', kind: 'FILE', run: parent.uid },
            body: { size: body.length, sha256: sha256(body) },
          },
        },
        (d) => (d.createUpload as { artifact: { runId: string } }).artifact.runId,
        parent.id,
      ],
      [
        'setArtifactPathTemplate(run:)',
        'mutation($w: String!, $r: ID) { setArtifactPathTemplate(workspace: $w, run: $r, template: "{{run.uid}}/{{key}}") { source } }',
        { w: ws, r: parent.uid },
        (d) => (d.setArtifactPathTemplate as { source: string }).source,
        'RUN',
      ],
      [
        'artifactPathTemplate(run:)',
        'query($w: String!, $r: ID) { artifactPathTemplate(workspace: $w, run: $r) { source template } }',
        { w: ws, r: parent.uid },
        (d) => d.artifactPathTemplate,
        { source: 'RUN', template: '{{run.uid}}/{{key}}' },
      ],
      [
        'ArtifactFilter.run',
        'query($w: String!, $r: ID) { artifacts(workspace: $w, filter: {run: $r}) { edges { node { key } } } }',
        { w: ws, r: parent.uid },
        (d) => (d.artifacts as { edges: Array<{ node: { key: string } }> }).edges.map((e) => e.node.key),
        ['logged'],
      ],
      [
        'compareRuns(ids:)',
        'query($ids: [ID!]!) { compareRuns(ids: $ids) { runs { uid } } }',
        { ids: [parent.uid, child.id] },
        (d) => (d.compareRuns as { runs: Array<{ uid: string }> }).runs.map((r) => r.uid),
        [parent.uid, child.uid],
      ],
      [
        'RunFilter.parent',
        'query($w: String!, $p: ID) { runs(workspace: $w, filter: {parent: $p}) { edges { node { uid } } } }',
        { w: ws, p: parent.uid },
        (d) => (d.runs as { edges: Array<{ node: { uid: string } }> }).edges.map((e) => e.node.uid),
        [child.uid],
      ],
      [
        'node(id:)',
        'query($id: ID!) { node(id: $id) { id } }',
        { id: parent.uid },
        (d) => (d.node as { id: string }).id,
        parent.id,
      ],
    ];
    for (const [where, query, variables, pick, expected] of cases) {
      const res = await gql(t.url, query, variables);
      expect({ where, errors: res.errors, value: res.data ? pick(res.data) : undefined }).toEqual({
        where,
        errors: undefined,
        value: expected,
      });
    }

    // The CLI: `skein upload --run <uid>`.
    const dir = mkdtempSync(path.join(tmpdir(), 'skein-run-uid-'));
    try {
      const file = path.join(dir, 'model.bin');
      writeFileSync(file, uniqueBody('cli run uid'));
      const io = memoryIo();
      const code = await runCli(
        ['node', 'skein', '--url', t.url, 'upload', file, '-w', ws, '-k', 'cli', '--run', parent.uid],
        io,
      );
      expect({ code, err: io.err() }).toEqual({ code: 0, err: expect.stringContaining('Uploaded cli:v1') });
      const { artifact } = await gqlOk<{ artifact: { runId: string; location: string } }>(
        t.url,
        'query($r: String!) { artifact(ref: $r) { runId location } }',
        { r: `store://artifacts/${ws}/cli` },
      );
      expect(artifact.runId).toBe(parent.id);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  // Migration 0004 backfills the pointer for keys logged before it existed (scoped here to one
  // workspace, so the test does not rewrite other suites' keys while they run).
  it('backfills latestVersion from the versions: the newest AVAILABLE one without deletedAt', async () => {
    const ws = await createWorkspace(t.url, 'backfill');
    const states = ['AVAILABLE', 'AVAILABLE', 'AVAILABLE', 'PENDING', 'ABORTED'];
    await t.skein.graph.write((tx) =>
      tx.run(
        `MATCH (w:Workspace {name: $ws})
         CREATE (k:ArtifactKey {workspace: $ws, key: 'old', lastVersion: size($states), createdAt: '2026-01-01T00:00:00Z'})
         WITH k
         UNWIND range(1, size($states)) AS v
         CREATE (:Artifact {uid: randomUUID(), workspace: $ws, key: 'old', version: v, kind: 'FILE', state: $states[v - 1],
                 createdAt: '2026-01-01T00:00:00Z', spec: '{}', deletedAt: CASE WHEN v = 3 THEN '2026-01-02T00:00:00Z' END})
                -[:VERSION_OF]->(k)`,
        { ws, states },
      ),
    );
    const migration = (await readMigrationFiles()).find((m) => m.version === 4)!;
    const backfill = migration.statements.find((s) => s.includes('SET k.latestVersion'))!;
    const scoped = backfill.replace('MATCH (k:ArtifactKey)', 'MATCH (k:ArtifactKey {workspace: $ws})');
    expect(scoped).not.toBe(backfill);
    await t.skein.graph.write((tx) => tx.run(scoped, { ws }));
    expect(await resolved(`store://artifacts/${ws}/old`)).toMatchObject({
      version: 2,
      isLatest: true,
      latestVersion: 2,
    });
  });
});
