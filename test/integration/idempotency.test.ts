import { sweepIdempotencyRecords } from '../../src/graph/idempotency';
import { createWorkspace, gql, uniqueName, useTestSkein } from '../helpers/skein';

/**
 * Idempotency keys are scoped to their workspace and expire (finding 10: a key used in one
 * workspace answered CONFLICT in another, and keys were kept for ever).
 */

const START_RUN = 'mutation($i: StartRunInput!) { startRun(input: $i) { uid workspace } }';
const LOG_ARTIFACT = 'mutation($i: LogArtifactInput!) { logArtifact(input: $i) { uid version } }';

type Answer = Awaited<ReturnType<typeof gql<{ startRun: { uid: string } }>>>;
const runUid = (a: Answer) => {
  if (a.errors?.length) throw new Error(JSON.stringify(a.errors));
  return a.data!.startRun.uid;
};

describe('idempotency keys', () => {
  const t = useTestSkein({ workspace: 'idem' });

  it('are scoped to their workspace: the same key in another workspace is another key', async () => {
    const other = await createWorkspace(t.url, 'idem-other');
    const key = uniqueName('key');
    const input = (workspace: string) => ({ i: { workspace, name: 'train', idempotencyKey: key } });
    const here = runUid(await gql(t.url, START_RUN, input(t.ws)));
    const there = runUid(await gql(t.url, START_RUN, input(other)));
    expect(there).not.toBe(here);
    // Each is still a retry in its own workspace.
    expect(runUid(await gql(t.url, START_RUN, input(t.ws)))).toBe(here);
    expect(runUid(await gql(t.url, START_RUN, input(other)))).toBe(there);

    const artifact = (workspace: string) => ({
      i: { workspace, key: 'model', kind: 'MODEL', location: 's3://b/m', idempotencyKey: key },
    });
    const a = await gql<{ logArtifact: { uid: string } }>(t.url, LOG_ARTIFACT, artifact(t.ws));
    const b = await gql<{ logArtifact: { uid: string } }>(t.url, LOG_ARTIFACT, artifact(other));
    expect(a.errors ?? b.errors).toBeUndefined();
    expect(b.data!.logArtifact.uid).not.toBe(a.data!.logArtifact.uid);
  });

  it('expire: past SKEIN_IDEMPOTENCY_TTL a key is free again, and the sweep deletes its record', async () => {
    const key = uniqueName('old-key');
    const first = runUid(await gql(t.url, START_RUN, { i: { workspace: t.ws, name: 'a', idempotencyKey: key } }));
    // Within the TTL, the key with other input is a conflict.
    const clash = await gql(t.url, START_RUN, { i: { workspace: t.ws, name: 'b', idempotencyKey: key } });
    expect(clash.errors?.[0]?.extensions?.code).toBe('CONFLICT');

    // Age the record past the TTL (24 h by default) instead of waiting for it.
    const twoDaysAgo = new Date(Date.now() - 48 * 3600_000).toISOString();
    await t.skein.graph.write((tx) =>
      tx.run('MATCH (i:IdempotencyRecord) WHERE i.clientKey = $key SET i.createdAt = $at', { key, at: twoDaysAgo }),
    );
    const second = runUid(await gql(t.url, START_RUN, { i: { workspace: t.ws, name: 'b', idempotencyKey: key } }));
    expect(second).not.toBe(first);
    // The taken-over record is fresh again: a retry returns the second run.
    expect(runUid(await gql(t.url, START_RUN, { i: { workspace: t.ws, name: 'b', idempotencyKey: key } }))).toBe(
      second,
    );

    await t.skein.graph.write((tx) =>
      tx.run('MATCH (i:IdempotencyRecord) WHERE i.clientKey = $key SET i.createdAt = $at', { key, at: twoDaysAgo }),
    );
    expect(await sweepIdempotencyRecords(t.skein.graph)).toBeGreaterThanOrEqual(1);
    const left = await t.skein.graph.read((tx) =>
      tx.run<{ n: number }>('MATCH (i:IdempotencyRecord) WHERE i.clientKey = $key RETURN count(i) AS n', { key }),
    );
    expect(left[0]!.n).toBe(0);
  });
});
