import { changeFeedRepository } from '../../src/graph/change-feed.repository';
import type { FeedChange } from '../../src/domain/feed';
import { gqlOk, useTestSkein } from '../helpers/skein';

/**
 * The change feed (issue 17): every mutation's OK audit entry numbered in its workspace, 1, 2, 3…
 * in commit order with no gaps, read as a cursor (`changes`) and never found behind one.
 */

const START_RUN = 'mutation($i: StartRunInput!) { startRun(input: $i) { id uid } }';

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
    expect(runs).toHaveLength(20);
    // An id-named mutation names its object: the feed tells which run finished.
    await gqlOk(t.url, 'mutation($id: ID!) { finishRun(id: $id, state: COMPLETED) { id } }', { id: runs[3]!.id });
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
});
