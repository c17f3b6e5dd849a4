import type { FeedChange } from '../../src/domain/feed';
import type { WebhookPayload } from '../../src/domain/webhook';
import { verifyWebhookSignature } from '../../src/domain/webhook-signature';
import { webhookRepository } from '../../src/graph/webhook.repository';
import { inProcessApi, tokenIn, type InProcessApi } from '../helpers/callers';
import { closedPort, receiverPath, startReceiver, type Receiver, type ReceiverOptions } from '../helpers/receiver';
import { createWorkspace, gql, gqlOk, startTestSkein, uniqueName, useTestSkein } from '../helpers/skein';
import { waitFor } from '../helpers/wait';

/**
 * Webhooks against real local receivers: the in-process server's dispatcher polls every 50 ms and
 * backs off from 50 ms, so retries happen within a test's time; every wait is for a fact.
 */

const BASE_MS = 50;
const t = useTestSkein({ env: { SKEIN_WEBHOOK_POLL_MS: '50', SKEIN_WEBHOOK_RETRY_BASE_MS: String(BASE_MS) } });

const receivers: Receiver[] = [];
const hooks: string[] = [];
afterEach(async () => {
  // No webhook outlives its test: a later run's receiver may get the port it names.
  for (const id of hooks.splice(0)) await gql(t.url, 'mutation($id: ID!) { deleteWebhook(id: $id) { id } }', { id });
  await Promise.all(receivers.splice(0).map((r) => r.close()));
});
const receiver = async (options?: ReceiverOptions) => {
  const r = await startReceiver(options);
  receivers.push(r);
  return r;
};

const WEBHOOK_FIELDS =
  'id workspace url description createdAt createdBy deliveredThrough failures nextAttemptAt lastError lastDeliveredAt';

interface Hook {
  id: string;
  deliveredThrough: number;
  failures: number;
  lastError: string | null;
}

async function createHook(workspace: string, url: string, secret?: string): Promise<{ webhook: Hook; secret: string }> {
  const data = await gqlOk<{ createWebhook: { webhook: Hook; secret: string } }>(
    t.url,
    `mutation($i: CreateWebhookInput!) { createWebhook(input: $i) { secret webhook { ${WEBHOOK_FIELDS} } } }`,
    { i: { workspace, url, description: 'test receiver', secret } },
  );
  hooks.push(data.createWebhook.webhook.id);
  return data.createWebhook;
}

async function hooksOf(workspace: string): Promise<Hook[]> {
  const data = await gqlOk<{ webhooks: { edges: Array<{ node: Hook }> } }>(
    t.url,
    `query($w: String!) { webhooks(workspace: $w) { edges { node { ${WEBHOOK_FIELDS} } } } }`,
    { w: workspace },
  );
  return data.webhooks.edges.map((e) => e.node);
}

const hookIn = async (workspace: string, id: string) => (await hooksOf(workspace)).find((h) => h.id === id);

async function startRun(workspace: string, name: string): Promise<string> {
  const data = await gqlOk<{ startRun: { id: string } }>(
    t.url,
    'mutation($i: StartRunInput!) { startRun(input: $i) { id } }',
    { i: { workspace, name } },
  );
  return data.startRun.id;
}

const payloadOf = (r: { body: string }) => JSON.parse(r.body) as WebhookPayload<FeedChange>;
/** The changes of the deliveries the receiver acknowledged, in arrival order. */
const acknowledged = (r: Receiver) => r.requests.filter((q) => q.status < 300).flatMap((q) => payloadOf(q).changes);
const seqs = (changes: FeedChange[]) => changes.map((c) => c.seq);
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

/** Waits until the receiver has acknowledged changes through `seq`. */
const receivedThrough = (r: Receiver, seq: number) =>
  waitFor(`changes through ${seq}`, 20_000, () => acknowledged(r).some((c) => c.seq >= seq));

describe('webhooks', () => {
  it('delivers the workspace’s changes in feed order, each once, signed with the secret answered at creation', async () => {
    const ws = await createWorkspace(t.url, 'hooks');
    const r = await receiver();
    const { webhook, secret } = await createHook(ws, r.url);
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/); // 32 random bytes, base64url
    for (let i = 0; i < 5; i++) await startRun(ws, `run-${i}`);
    const last = webhook.deliveredThrough + 6; // its own creation, then five runs
    await receivedThrough(r, last);

    const changes = acknowledged(r);
    expect(seqs(changes)).toEqual(range(webhook.deliveredThrough + 1, last));
    expect(changes.map((c) => c.action)).toEqual(['createWebhook', ...Array(5).fill('startRun')]);
    expect(changes.every((c) => c.workspace === ws)).toBe(true);
    for (const q of r.requests) {
      expect(q.headers['content-type']).toBe('application/json');
      expect(q.headers['skein-delivery']).toMatch(/^[0-9a-f-]{36}$/);
      const signature = q.headers['skein-signature'] as string;
      expect(signature).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
      expect(verifyWebhookSignature(secret, signature, q.body, 300)).toBe(true);
      expect(verifyWebhookSignature('another-secret-entirely', signature, q.body, 300)).toBe(false);
      expect(verifyWebhookSignature(secret, signature, q.body.replace(ws, `${ws}x`), 300)).toBe(false);
      expect(payloadOf(q)).toMatchObject({ webhook: webhook.id, workspace: ws });
    }
    await waitFor('the cursor to move', 5000, async () => (await hookIn(ws, webhook.id))?.deliveredThrough === last);
  });

  it('two Skein instances share the work: more than a batch of changes arrives once each, in order, one delivery at a time', async () => {
    const second = await startTestSkein({ SKEIN_WEBHOOK_POLL_MS: '20', SKEIN_WEBHOOK_RETRY_BASE_MS: String(BASE_MS) });
    try {
      const ws = await createWorkspace(t.url, 'hooks');
      let inFlight = 0;
      let overlapped = false;
      const r = await receiver({
        onRequest: (phase) => {
          if (phase === 'start') overlapped ||= inFlight > 0;
          inFlight += phase === 'start' ? 1 : -1;
        },
      });
      const { webhook } = await createHook(ws, r.url);
      const runs = 130; // more than one delivery's 100 changes
      for (let i = 0; i < runs; i += 10) {
        await Promise.all(Array.from({ length: 10 }, (_, j) => startRun(ws, `run-${i + j}`)));
      }
      const last = webhook.deliveredThrough + 1 + runs;
      await receivedThrough(r, last);
      expect(seqs(acknowledged(r))).toEqual(range(webhook.deliveredThrough + 1, last));
      expect(r.requests.every((q) => payloadOf(q).changes.length <= 100)).toBe(true);
      expect(overlapped).toBe(false);
    } finally {
      await second.stop();
    }
  });

  it('a receiver that answers 500 twice, then 200, gets everything once, in order, after backing off', async () => {
    const ws = await createWorkspace(t.url, 'hooks');
    const r = await receiver({ answer: (n) => (n < 2 ? 500 : 200) });
    const { webhook } = await createHook(ws, r.url);
    await startRun(ws, 'a');
    await startRun(ws, 'b');
    const last = webhook.deliveredThrough + 3;
    await receivedThrough(r, last);

    expect(r.requests.slice(0, 3).map((q) => q.status)).toEqual([500, 500, 200]);
    expect(seqs(acknowledged(r))).toEqual(range(webhook.deliveredThrough + 1, last));
    // The refused batches were retried from the same change, not skipped.
    expect(payloadOf(r.requests[1]!).changes[0]!.seq).toBe(webhook.deliveredThrough + 1);
    expect(payloadOf(r.requests[2]!).changes[0]!.seq).toBe(webhook.deliveredThrough + 1);
    // Backoff: at least half of base, then of 2 base (the jitter keeps half or more).
    expect(r.requests[1]!.at - r.requests[0]!.at).toBeGreaterThanOrEqual(BASE_MS / 2);
    expect(r.requests[2]!.at - r.requests[1]!.at).toBeGreaterThanOrEqual(BASE_MS);
    const healed = await waitFor('failures cleared', 5000, async () => {
      const h = await hookIn(ws, webhook.id);
      return h?.deliveredThrough === last && h;
    });
    expect(healed).toMatchObject({ failures: 0, lastError: null });
  });

  it('a receiver that is down is retried, not dropped: it gets every change once it is up', async () => {
    const ws = await createWorkspace(t.url, 'hooks');
    const port = await closedPort();
    const path = receiverPath();
    const { webhook } = await createHook(ws, `http://127.0.0.1:${port}${path}`);
    await startRun(ws, 'while-down');
    const failing = await waitFor('two failed deliveries', 10_000, async () => {
      const h = await hookIn(ws, webhook.id);
      return h && h.failures >= 2 && h;
    });
    expect(failing.lastError).toMatch(/ECONNREFUSED/);
    expect(failing.deliveredThrough).toBe(webhook.deliveredThrough);

    const r = await receiver({ port, path });
    await startRun(ws, 'once-up');
    const last = webhook.deliveredThrough + 3;
    await receivedThrough(r, last);
    expect(seqs(acknowledged(r))).toEqual(range(webhook.deliveredThrough + 1, last));
  });

  it('a receiver that never answers holds up only its own webhook, not the others', async () => {
    const stuck = await receiver({ answer: () => 0 });
    const slowWs = await createWorkspace(t.url, 'hooks');
    await createHook(slowWs, stuck.url);
    await waitFor('a delivery hanging', 10_000, () => stuck.requests.length > 0);

    const ws = await createWorkspace(t.url, 'hooks');
    const r = await receiver();
    const { webhook } = await createHook(ws, r.url);
    await startRun(ws, 'while-another-hangs');
    // Well inside the hanging delivery's 10 s timeout.
    await waitFor('changes through the run', 5000, () =>
      acknowledged(r).some((c) => c.seq >= webhook.deliveredThrough + 2),
    );
    expect(stuck.requests).toHaveLength(1);
  });

  it('deleteWebhook stops deliveries to it; the others go on', async () => {
    const ws = await createWorkspace(t.url, 'hooks');
    const gone = await receiver();
    const kept = await receiver();
    const a = await createHook(ws, gone.url);
    await createHook(ws, kept.url);
    const run = await startRun(ws, 'before');
    const before = a.webhook.deliveredThrough + 3; // a's creation, b's, the run
    await receivedThrough(gone, before);

    const deleted = await gqlOk<{ deleteWebhook: Hook }>(
      t.url,
      'mutation($id: ID!) { deleteWebhook(id: $id) { id } }',
      {
        id: a.webhook.id,
      },
    );
    expect(deleted.deleteWebhook.id).toBe(a.webhook.id);
    await gqlOk(t.url, 'mutation($id: ID!) { finishRun(id: $id, state: COMPLETED) { id } }', { id: run });
    await receivedThrough(kept, before + 2); // the deletion, then the finish
    expect(Math.max(...seqs(acknowledged(gone)))).toBeLessThan(before + 1);
    expect((await hooksOf(ws)).map((h) => h.id)).not.toContain(a.webhook.id);
    const again = await gql(t.url, 'mutation($id: ID!) { deleteWebhook(id: $id) { id } }', { id: a.webhook.id });
    expect(again.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it('a workspace purged and made again under its name: its old webhooks fall silent, new ones deliver', async () => {
    const ws = uniqueName('hookpurge').toLowerCase();
    const make = () =>
      gqlOk(t.url, 'mutation($i: CreateWorkspaceInput!) { createWorkspace(input: $i) { name } }', { i: { name: ws } });
    await make();
    const old = await receiver();
    const a = await createHook(ws, old.url);
    await gqlOk(t.url, 'mutation($n: String!) { deleteWorkspace(name: $n) { name } }', { n: ws });
    await receivedThrough(old, a.webhook.deliveredThrough + 2); // its creation, the deletion: still delivered
    await gqlOk(t.url, 'mutation($w: String, $t: DateTime) { purgeDeleted(workspace: $w, olderThan: $t) { runs } }', {
      w: ws,
      t: new Date().toISOString(),
    });
    await make(); // the feed goes on: purgeDeleted, then this createWorkspace
    const remade = a.webhook.deliveredThrough + 4;
    const fresh = await receiver();
    const b = await createHook(ws, fresh.url);
    expect(b.webhook.deliveredThrough).toBe(remade);
    await startRun(ws, 'in-the-new-one');
    await receivedThrough(fresh, remade + 2);
    expect(seqs(acknowledged(fresh))).toEqual([remade + 1, remade + 2]);
    expect(Math.max(...seqs(acknowledged(old)))).toBeLessThan(remade);
  });

  it('the secret is answered once: no list or field shows it, and the feed does not carry it', async () => {
    const ws = await createWorkspace(t.url, 'hooks');
    const r = await receiver();
    const mine = 'my-own-signing-secret-0123456789';
    const created = await createHook(ws, r.url, mine);
    expect(created.secret).toBe(mine);
    const fields = await gqlOk<{ __type: { fields: Array<{ name: string }> } }>(
      t.url,
      '{ __type(name: "Webhook") { fields { name } } }',
    );
    expect(fields.__type.fields.map((f) => f.name)).not.toContain('secret');
    const listed = await gqlOk(
      t.url,
      `query($w: String!) { webhooks(workspace: $w) { edges { node { ${WEBHOOK_FIELDS} } } } }`,
      {
        w: ws,
      },
    );
    expect(JSON.stringify(listed)).not.toContain(mine);
    await receivedThrough(r, created.webhook.deliveredThrough + 1);
    expect(r.requests.some((q) => q.body.includes(mine))).toBe(false);
    expect(verifyWebhookSignature(mine, r.requests[0]!.headers['skein-signature'] as string, r.requests[0]!.body)).toBe(
      true,
    );
  });

  it('refuses URLs that are not absolute http(s) ones and secrets too short to sign with', async () => {
    const ws = await createWorkspace(t.url, 'hooks');
    for (const [url, secret] of [
      ['/relative/path', undefined],
      ['ftp://example.com/x', undefined],
      ['https://user:pw@example.com/x', undefined],
      ['https://example.com/x', 'short'],
    ] as const) {
      const res = await gql(t.url, 'mutation($i: CreateWebhookInput!) { createWebhook(input: $i) { secret } }', {
        i: { workspace: ws, url, secret },
      });
      expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    }
    expect(await hooksOf(ws)).toEqual([]);
  });

  describe('who may', () => {
    let api: InProcessApi;
    beforeAll(async () => {
      api = await inProcessApi(() => t.skein.graph);
    });
    afterAll(() => api.stop());

    it('readers and editors are FORBIDDEN to create, list or delete webhooks; callers outside the workspace see NOT_FOUND', async () => {
      const ws = await createWorkspace(t.url, 'hooks');
      const { webhook } = await createHook(ws, 'https://hooks.example.com/skein');
      const create = 'mutation($i: CreateWebhookInput!) { createWebhook(input: $i) { secret } }';
      const list = 'query($w: String!) { webhooks(workspace: $w) { edges { node { id } } } }';
      const remove = 'mutation($id: ID!) { deleteWebhook(id: $id) { id } }';
      const codes = async (roles: Record<string, 'VIEWER' | 'EDITOR' | 'OWNER'>) => {
        const caller = tokenIn(roles);
        const answers = [
          await api.as(caller, create, { i: { workspace: ws, url: 'https://evil.example.com/' } }),
          await api.as(caller, list, { w: ws }),
          await api.as(caller, remove, { id: webhook.id }),
        ];
        return answers.map((a) => a.errors[0]?.extensions?.code ?? 'OK');
      };
      expect(await codes({ [ws]: 'VIEWER' })).toEqual(['FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN']);
      expect(await codes({ [ws]: 'EDITOR' })).toEqual(['FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN']);
      expect(await codes({ other: 'OWNER' })).toEqual(['NOT_FOUND', 'NOT_FOUND', 'NOT_FOUND']);
      expect((await hooksOf(ws)).map((h) => h.id)).toEqual([webhook.id]);
      expect(await codes({ [ws]: 'OWNER' })).toEqual(['OK', 'OK', 'OK']);
    });
  });

  it('two instances claiming the same webhook at once: exactly one gets it', async () => {
    const ws = await createWorkspace(t.url, 'hooks');
    // The dispatcher may hold it too (a lease from the real now); the claims below are made as of
    // an hour later, past any lease of its, so exactly one of them must win.
    const { webhook } = await createHook(ws, `http://127.0.0.1:${await closedPort()}/hook`);
    const graph = t.skein.graph;
    const now = new Date(Date.now() + 3600_000).toISOString(); // due by then whatever its backoff
    const leaseUntil = new Date(Date.now() + 7200_000).toISOString();
    const claims = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        webhookRepository.claim(graph, { uids: [webhook.id], now, lease: `test-lease-${i}`, leaseUntil }),
      ),
    );
    expect(claims.flat()).toHaveLength(1);
    expect(claims.flat()[0]).toMatchObject({ uid: webhook.id, secret: expect.any(String) });
  });
});
