import type { SkeinHandle } from '../../src/app';
import {
  artifactDownload,
  bodyInLocalStore,
  bodyInS3,
  completeUpload,
  createUpload,
  sha256,
  startLocalSkein,
  startS3Skein,
  uniqueBody,
  uploadAll,
} from '../helpers/bodies';
import { createWorkspace, startRun } from '../helpers/pipeline';
import { gqlOk, useTestSkein, type StartSkein } from '../helpers/skein';

/**
 * The ZenML "Artifact Stores" flow: one store API over whichever store is configured. A pipeline
 * step saves artifacts (named versions), a later step loads one by name and the provenance rides on
 * it; saving bytes the store already holds uploads nothing; retiring artifacts and purging them
 * frees their bodies in the store itself, except a body a live artifact still holds. The same code
 * runs once on the local store and once on S3 (S3Proxy in the tests).
 */
function zenmlFlow<H extends SkeinHandle>(
  store: string,
  start: StartSkein<H>,
  stored: (skein: H, sha: string) => Promise<boolean>,
) {
  describe(`zenml-artifact-store on the ${store}`, () => {
    const t = useTestSkein({ start });

    /** ZenML's save_artifact: one call in the user's code, the upload protocol underneath. */
    const save = async (workspace: string, key: string, bytes: Buffer, versionName: string, run?: string) => {
      const up = await createUpload(t.url, {
        artifact: { workspace, key, kind: 'DATASET', versionName, run },
        body: { sha256: sha256(bytes), size: bytes.length, contentType: 'text/csv' },
      });
      await uploadAll(up, () => bytes);
      if (up.artifact.state === 'PENDING') expect((await completeUpload(t.url, up.artifact.id)).errors).toBeUndefined();
      return up;
    };

    /** ZenML's load_artifact: the bytes of a named version, SHA-256-verified. */
    const load = async (ref: string) => {
      const download = await artifactDownload(t.url, ref);
      const file = download.files[0]!;
      const bytes = Buffer.from(await (await fetch(file.url!)).arrayBuffer());
      expect(sha256(bytes)).toBe(file.sha256);
      return bytes;
    };

    it('saves named versions, loads them by name, deduplicates, and frees bodies on purge', async () => {
      const ws = await createWorkspace(t.url, 'zenml');
      const run = await startRun(t.url, ws, 'training_pipeline');
      const first = uniqueBody(`${store} first`);
      const second = uniqueBody(`${store} second`);
      await save(ws, 'iris', first, 'raw', run);
      await save(ws, 'iris', second, 'cleaned', run);

      expect((await load(`store://datasets/${ws}/iris:raw`)).equals(first)).toBe(true);
      expect((await load(`store://artifacts/${ws}/iris`)).equals(second)).toBe(true);

      // The same bytes under another name: nothing to upload, the body is shared.
      const copy = await save(ws, 'iris-copy', first, 'copy');
      expect(copy.alreadyStored).toBe(true);
      expect(copy.artifact.state).toBe('AVAILABLE');

      // A later step loads the named version: its provenance names it, version-exact.
      const step = await gqlOk<{ recordExecution: { id: string } }>(
        t.url,
        'mutation($i: RecordExecutionInput!) { recordExecution(input: $i) { id } }',
        {
          i: {
            run,
            name: 'trainer',
            inputs: [{ artifact: `store://artifacts/${ws}/iris:cleaned` }],
            outputs: [{ artifact: { key: 'model', kind: 'MODEL', versionName: 'candidate' } }],
          },
        },
      );
      const provenance = await gqlOk<{ provenance: { sources: Array<{ key: string; version: number }> } }>(
        t.url,
        'query($of: String!) { provenance(of: $of) { sources { key version } } }',
        { of: `store://models/${ws}/model:candidate` },
      );
      expect(provenance.provenance.sources).toEqual([{ key: 'iris', version: 2 }]);
      expect(step.recordExecution.id).toBeTruthy();

      // Retire the raw version and purge: its body survives while iris-copy holds the same bytes.
      await gqlOk(t.url, 'mutation($r: String!) { deleteArtifact(ref: $r) { deletedAt } }', {
        r: `store://artifacts/${ws}/iris:raw`,
      });
      const purge = (olderThan: string) =>
        gqlOk(
          t.url,
          'mutation($w: String, $t: DateTime) { purgeDeleted(workspace: $w, olderThan: $t) { artifacts } }',
          {
            w: ws,
            t: olderThan,
          },
        );
      await purge(new Date().toISOString());
      expect(await stored(t.skein, sha256(first))).toBe(true);
      expect((await load(`store://artifacts/${ws}/iris-copy:copy`)).equals(first)).toBe(true);

      // Its last holder retired and purged, the body leaves the store.
      await gqlOk(t.url, 'mutation($r: String!) { deleteArtifact(ref: $r) { deletedAt } }', {
        r: `store://artifacts/${ws}/iris-copy:copy`,
      });
      await purge(new Date().toISOString());
      expect(await stored(t.skein, sha256(first))).toBe(false);
      expect(await stored(t.skein, sha256(second))).toBe(true);
    });
  });
}

zenmlFlow('local store', startLocalSkein, bodyInLocalStore);
zenmlFlow('S3 store', startS3Skein, bodyInS3);
