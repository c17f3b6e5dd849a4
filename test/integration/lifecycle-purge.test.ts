import type { SkeinHandle } from '../../src/app';
import type { PurgeReport } from '../../src/services/lifecycle.service';
import { OPEN } from '../../src/auth/principal';
import { createServices } from '../../src/services';
import {
  bodyInLocalStore,
  bodyInS3,
  completeUpload,
  createUpload,
  downloadVerified,
  sha256,
  startLocalSkein,
  startS3Skein,
  uniqueBody,
  uploadAll,
} from '../helpers/bodies';
import { createWorkspace, logArtifact, startRun } from '../helpers/pipeline';
import { gql, gqlOk, useTestSkein, type StartSkein } from '../helpers/skein';

/**
 * The purge: what was deleted before the cutoff goes for good, except what something that stays
 * was made from (its provenance is never cut); the bodies no artifact holds any more are deleted
 * from the store itself, and a body another artifact (in another workspace) holds survives. Every
 * purge here is narrowed to the test's own workspace, so parallel suites keep their deleted things.
 */

/** The report as the API answers it (its cutoff is not asked for here). */
type AskedReport = Omit<PurgeReport, 'cutoff'>;

const purge = async (url: string, workspace: string, olderThan = new Date().toISOString()) =>
  (
    await gqlOk<{ purgeDeleted: AskedReport }>(
      url,
      `mutation($w: String, $t: DateTime) { purgeDeleted(workspace: $w, olderThan: $t) {
         artifacts executions runs metricChunks keys workspaces bodies keptForLineage keptRuns keptWorkspaces bodiesFailed } }`,
      { w: workspace, t: olderThan },
    )
  ).purgeDeleted;

const deleteRun = (url: string, id: string) =>
  gqlOk(url, 'mutation($id: ID!) { deleteRun(id: $id, artifacts: true) { id } }', { id });

const record = async (url: string, run: string, inputs: string[], outputKey: string) => {
  const data = await gqlOk<{
    recordExecution: { id: string; outputs: { edges: Array<{ node: { artifact: { id: string } } }> } };
  }>(
    url,
    `mutation($i: RecordExecutionInput!) { recordExecution(input: $i) { id outputs { edges { node { artifact { id } } } } } }`,
    {
      i: {
        run,
        name: 'step',
        inputs: inputs.map((artifact) => ({ artifact })),
        outputs: [{ artifact: { key: outputKey, kind: 'FILE' } }],
      },
    },
  );
  return { id: data.recordExecution.id, output: data.recordExecution.outputs.edges[0]!.node.artifact.id };
};

const codeOf = async (url: string, query: string, variables: Record<string, unknown>) =>
  (await gql(url, query, variables)).errors?.[0]?.extensions?.code ?? 'OK';

describe('purging deleted things', () => {
  const t = useTestSkein();

  it('removes deleted runs, executions, metric chunks, versions and keys, keeping what live lineage needs', async () => {
    const ws = await createWorkspace(t.url, 'purge');
    // Kept: X is an input of a live execution, so X and E1 (its producer) stay, and so does run A.
    const runA = await startRun(t.url, ws, 'a');
    const e1 = await record(t.url, runA, [], 'x');
    const runB = await startRun(t.url, ws, 'b');
    const e2 = await record(t.url, runB, [e1.output], 'y');
    // Purged: nothing live was made from Z or W.
    const runC = await startRun(t.url, ws, 'c');
    const e3 = await record(t.url, runC, [], 'z');
    const w = await logArtifact(t.url, { workspace: ws, key: 'w', kind: 'FILE', run: runC });
    await gqlOk(
      t.url,
      'mutation($r: ID!) { logMetrics(run: $r, points: [{ key: "loss", value: 1, step: 1 }]) { id } }',
      {
        r: runC,
      },
    );
    const beforeDeletion = new Date(Date.now() - 1000).toISOString();
    await deleteRun(t.url, runA);
    await deleteRun(t.url, runC);

    // Not yet past the grace period: nothing goes.
    expect(await purge(t.url, ws, beforeDeletion)).toMatchObject({ artifacts: 0, executions: 0, runs: 0 });

    const report = await purge(t.url, ws);
    expect(report).toMatchObject({
      artifacts: 2, // z and w
      executions: 1, // e3
      runs: 1, // c
      metricChunks: 1,
      keys: 2,
      keptForLineage: 2, // x and e1
      keptRuns: 1, // a
      workspaces: 0,
    });
    const node = 'query($id: ID!) { node(id: $id) { id } }';
    const run = 'query($id: ID!) { run(id: $id) { id deletedAt } }';
    expect(await codeOf(t.url, run, { id: runC })).toBe('NOT_FOUND');
    expect((await gqlOk<{ node: unknown }>(t.url, node, { id: e3.id })).node).toBeNull();
    expect(await codeOf(t.url, 'query($r: String!) { artifact(ref: $r) { id } }', { r: w.id })).toBe('NOT_FOUND');
    expect(
      await codeOf(t.url, 'query($r: String!) { artifact(ref: $r) { id } }', { r: `store://artifacts/${ws}/z` }),
    ).toBe('NOT_FOUND');
    // What the live model was made from is still there, marked deleted.
    const lineage = await gqlOk<{ lineage: { nodes: Array<{ id: string; deletedAt: string | null }> } }>(
      t.url,
      'query($of: String!) { lineage(of: $of) { nodes { ... on Artifact { id deletedAt } ... on Execution { id deletedAt } } } }',
      { of: e2.output },
    );
    const deleted = lineage.lineage.nodes.filter((n) => n.deletedAt !== null).map((n) => n.id);
    expect(deleted.sort()).toEqual([e1.id, e1.output].sort());
    expect((await gqlOk<{ run: { deletedAt: string | null } }>(t.url, run, { id: runA })).run.deletedAt).not.toBeNull();

    // Purging again finds only what it keeps.
    expect(await purge(t.url, ws)).toMatchObject({ artifacts: 0, executions: 0, runs: 0, keptForLineage: 2 });
  });

  it('keeps a deleted dataset a model that stays was trained on, with what it was made from', async () => {
    const ws = await createWorkspace(t.url, 'purge-training');
    const prep = await startRun(t.url, ws, 'prep');
    const made = await record(t.url, prep, [], 'train-set');
    const model = await logArtifact(t.url, { workspace: ws, key: 'm', kind: 'MODEL', trainingDataset: made.output });
    const trained = `query($r: String!) { artifact(ref: $r) { ... on ModelArtifact { trainingDataset { id deletedAt } } } }`;
    await deleteRun(t.url, prep); // the dataset and its producer go with the run

    // A deleted dataset is no training dataset of a new model.
    const refused = await gql(t.url, 'mutation($i: LogArtifactInput!) { logArtifact(input: $i) { id } }', {
      i: { workspace: ws, key: 'm2', kind: 'MODEL', trainingDataset: made.output },
    });
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'PRECONDITION_FAILED' });
    expect(refused.errors![0]!.message).toContain('restoreArtifact');

    const report = await purge(t.url, ws);
    expect(report).toMatchObject({ artifacts: 0, executions: 0, keptForLineage: 2, keptRuns: 1 });
    const read = await gqlOk<{ artifact: { trainingDataset: { id: string; deletedAt: string | null } | null } }>(
      t.url,
      trained,
      { r: model.id },
    );
    expect(read.artifact.trainingDataset?.id).toBe(made.output);
    expect(read.artifact.trainingDataset?.deletedAt).not.toBeNull();

    // Once the model goes too, nothing names the dataset any more: all of it is purged.
    await gqlOk(t.url, 'mutation($r: String!) { deleteArtifact(ref: $r) { id } }', { r: model.id });
    expect(await purge(t.url, ws)).toMatchObject({ artifacts: 2, executions: 1, runs: 1, keptForLineage: 0 });
  });

  it('removes a deleted workspace with everything in it', async () => {
    const ws = await createWorkspace(t.url, 'purge-ws');
    const run = await startRun(t.url, ws, 'r');
    await record(t.url, run, [], 'out');
    await logArtifact(t.url, { workspace: ws, key: 'logged', kind: 'FILE', run });
    await gqlOk(t.url, 'mutation($n: String!) { deleteWorkspace(name: $n) { name } }', { n: ws });

    const report = await purge(t.url, ws);
    expect(report).toMatchObject({ artifacts: 2, executions: 1, runs: 1, keys: 2, workspaces: 1, keptWorkspaces: 0 });
    expect(await codeOf(t.url, 'query($n: String!) { workspace(name: $n) { name } }', { n: ws })).toBe('NOT_FOUND');
  });

  it('purges in bounded batches: one node per transaction gives the same result', async () => {
    const ws = await createWorkspace(t.url, 'purge-batch');
    const runs: string[] = [];
    for (let i = 0; i < 3; i++) {
      const run = await startRun(t.url, ws, `r${i}`);
      const parent = await record(t.url, run, [], `out-${i}`);
      await record(t.url, run, [parent.output], `derived-${i}`);
      runs.push(run);
    }
    for (const run of runs) await deleteRun(t.url, run);
    const services = createServices({ graph: t.skein.graph, caller: OPEN, bodies: t.skein.bodies });
    const report = await services.lifecycle.purge({ workspace: ws, olderThan: new Date().toISOString(), batch: 1 });
    expect(report).toMatchObject({ artifacts: 6, executions: 6, runs: 3, keys: 6, keptForLineage: 0, keptRuns: 0 });
  });

  it('refuses a cutoff in the future', async () => {
    const future = new Date(Date.now() + 3600_000).toISOString();
    expect(await codeOf(t.url, 'mutation($t: DateTime) { purgeDeleted(olderThan: $t) { runs } }', { t: future })).toBe(
      'BAD_USER_INPUT',
    );
  });
});

/**
 * Body garbage collection, on each store: the same flow, checked in the store itself (the file
 * on disk for the local store, HeadObject for S3).
 */
function bodyCollection<H extends SkeinHandle>(
  storeName: string,
  start: StartSkein<H>,
  stored: (skein: H, sha: string) => Promise<boolean>,
) {
  describe(`body garbage collection (${storeName})`, () => {
    const t = useTestSkein({ start });

    const upload = async (workspace: string, key: string, body: Buffer, run?: string) => {
      const up = await createUpload(t.url, {
        artifact: { workspace, key, kind: 'FILE', run },
        body: { size: body.length, sha256: sha256(body), contentType: 'application/octet-stream' },
      });
      await uploadAll(up, () => body);
      const done = await completeUpload(t.url, up.artifact.id);
      expect(done.errors).toBeUndefined();
      return up.artifact.id;
    };

    it("deleting a run's artifacts and purging them frees their bodies; a body another workspace holds survives", async () => {
      const wsA = await createWorkspace(t.url, 'gc-a');
      const wsB = await createWorkspace(t.url, 'gc-b');
      const shared = uniqueBody(`${storeName} shared`);
      const own = uniqueBody(`${storeName} own`);
      const run = await startRun(t.url, wsA, 'train');
      await upload(wsA, 'shared', shared, run);
      await upload(wsA, 'own', own, run);
      const other = await upload(wsB, 'copy', shared); // the same bytes: the same body
      expect(await stored(t.skein, sha256(shared))).toBe(true);
      expect(await stored(t.skein, sha256(own))).toBe(true);

      await deleteRun(t.url, run);
      // Deleted but not purged: the bodies stay (the run can still be restored).
      expect(await stored(t.skein, sha256(own))).toBe(true);
      const report = await purge(t.url, wsA);
      expect(report).toMatchObject({ artifacts: 2, runs: 1, bodiesFailed: 0 });
      expect(report.bodies).toBeGreaterThanOrEqual(1);
      expect(await stored(t.skein, sha256(own))).toBe(false);
      expect(await stored(t.skein, sha256(shared))).toBe(true);
      // The other workspace's artifact still downloads, verified.
      const view = await gqlOk<{ artifact: { downloadUrl: string; state: string } }>(
        t.url,
        'query($r: String!) { artifact(ref: $r) { state downloadUrl } }',
        { r: other },
      );
      expect(view.artifact.state).toBe('AVAILABLE');
      expect((await downloadVerified(view.artifact.downloadUrl, sha256(shared))).equals(shared)).toBe(true);

      // Once its last holder is deleted and purged, the shared body goes too.
      await gqlOk(t.url, 'mutation($r: String!) { deleteArtifact(ref: $r) { id } }', { r: other });
      expect(await purge(t.url, wsB)).toMatchObject({ artifacts: 1 });
      expect(await stored(t.skein, sha256(shared))).toBe(false);
    });

    it('collects each file of a directory artifact, keeping the one a live artifact holds', async () => {
      const wsA = await createWorkspace(t.url, 'gc-dir');
      const wsB = await createWorkspace(t.url, 'gc-dir-live');
      const files = ['a.txt', 'b.txt', 'kept.txt'].map((name) => ({ name, body: uniqueBody(`${storeName} ${name}`) }));
      const keptBody = files[2]!.body;
      const live = await upload(wsB, 'kept', keptBody);
      const run = await startRun(t.url, wsA, 'export');
      const up = await createUpload(t.url, {
        artifact: { workspace: wsA, key: 'tree', kind: 'DIRECTORY', run },
        files: files.map((f) => ({
          path: f.name,
          size: f.body.length,
          sha256: sha256(f.body),
          contentType: 'text/plain',
        })),
      });
      await uploadAll(up, (sha) => files.find((f) => sha256(f.body) === sha)!.body);
      expect((await completeUpload(t.url, up.artifact.id)).errors).toBeUndefined();
      for (const f of files) expect(await stored(t.skein, sha256(f.body))).toBe(true);

      await deleteRun(t.url, run);
      const report = await purge(t.url, wsA);
      expect(report).toMatchObject({ artifacts: 1, runs: 1, bodiesFailed: 0 });
      expect(report.bodies).toBeGreaterThanOrEqual(2);
      expect(await stored(t.skein, sha256(files[0]!.body))).toBe(false);
      expect(await stored(t.skein, sha256(files[1]!.body))).toBe(false);
      expect(await stored(t.skein, sha256(keptBody))).toBe(true);
      const view = await gqlOk<{ artifact: { downloadUrl: string } }>(
        t.url,
        'query($r: String!) { artifact(ref: $r) { downloadUrl } }',
        { r: live },
      );
      expect((await downloadVerified(view.artifact.downloadUrl, sha256(keptBody))).equals(keptBody)).toBe(true);
    });
  });
}

bodyCollection('local store', startLocalSkein, bodyInLocalStore);
bodyCollection('S3', startS3Skein, bodyInS3);
