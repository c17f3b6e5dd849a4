import type { FeedChange } from '../../src/domain/feed';
import { startReceiver, type Receiver } from '../helpers/receiver';
import { createWorkspace, gql, gqlOk, useTestSkein } from '../helpers/skein';
import { waitFor } from '../helpers/wait';

/**
 * A commit wakes its own instance's webhook dispatcher (the change feed's in-process notifier):
 * with polling set to ten minutes, changes still arrive within seconds. (Run alone, nothing else
 * polls; in a full run other suites' servers poll every second, which this cannot tell apart.)
 */

const t = useTestSkein({ env: { SKEIN_WEBHOOK_POLL_MS: '600000' } });

let r: Receiver | undefined;
let hook: string | undefined;
afterEach(async () => {
  if (hook) await gql(t.url, 'mutation($id: ID!) { deleteWebhook(id: $id) { id } }', { id: hook });
  await r?.close();
});

it('a change committed here is delivered at once, not at the next poll', async () => {
  const ws = await createWorkspace(t.url, 'wake');
  r = await startReceiver();
  const created = await gqlOk<{ createWebhook: { webhook: { id: string; deliveredThrough: number } } }>(
    t.url,
    'mutation($i: CreateWebhookInput!) { createWebhook(input: $i) { webhook { id deliveredThrough } } }',
    { i: { workspace: ws, url: r.url } },
  );
  hook = created.createWebhook.webhook.id;
  const from = created.createWebhook.webhook.deliveredThrough;
  const received = () => r!.requests.flatMap((q) => (JSON.parse(q.body) as { changes: FeedChange[] }).changes);
  for (let i = 1; i <= 3; i++) {
    await gqlOk(t.url, 'mutation($i: StartRunInput!) { startRun(input: $i) { id } }', {
      i: { workspace: ws, name: `woken-${i}` },
    });
    await waitFor(`change ${from + 1 + i}, woken`, 5000, () => received().some((c) => c.seq === from + 1 + i));
  }
  expect(received().map((c) => c.seq)).toEqual([from + 1, from + 2, from + 3, from + 4]);
});
