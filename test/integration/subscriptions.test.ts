import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { mintToken } from '../../src/auth/token-secret';
import { gqlOk, startTestSkein, uniqueName, useTestSkein } from '../helpers/skein';
import { createToken, gqlAsOk } from '../helpers/tokens';
import { MAX_SUBSCRIPTIONS_PER_CONNECTION } from '../../src/http/subscriptions';
import { waitFor } from '../helpers/wait';

/**
 * `subscription { changes }` over graphql-ws with the real client: every change in commit order,
 * a consumer that reconnects with its last cursor gets exactly what it missed, credentials as over
 * HTTP, and a server that stops closes its sockets (1001) so clients reconnect elsewhere.
 */

const SUBSCRIBE = `subscription($w: String!, $a: String) {
  changes(workspace: $w, after: $a) { seq cursor action objectType objectId node { __typename id } }
}`;
const START_RUN = 'mutation($i: StartRunInput!) { startRun(input: $i) { id } }';
const MAKE_WORKSPACE = 'mutation($i: CreateWorkspaceInput!) { createWorkspace(input: $i) { name } }';

interface Seen {
  seq: number;
  cursor: string;
  action: string;
  objectType: string | null;
  objectId: string | null;
  node: { __typename: string; id: string } | null;
}

const wsUrl = (httpUrl: string) => httpUrl.replace(/^http/, 'ws');

/** A consumer: its client, what it received in order, and what ended it. */
function consume(url: string, workspace: string, after: string | null = null, authorization?: string) {
  const seen: Seen[] = [];
  const errors: unknown[] = [];
  let closedWith: number | null = null;
  const client: Client = createClient({
    url: wsUrl(url),
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    lazy: false,
    connectionParams: authorization ? { authorization } : {},
    on: { closed: (event) => (closedWith = (event as { code: number }).code) },
    onNonLazyError: (err) => errors.push(err),
  });
  const stop = client.subscribe<{ changes: Seen }>(
    { query: SUBSCRIBE, variables: { w: workspace, a: after } },
    {
      next: (result) => {
        if (result.errors) errors.push(result.errors);
        if (result.data) seen.push(result.data.changes);
      },
      error: (err) => errors.push(err),
      complete: () => undefined,
    },
  );
  return {
    seen,
    errors,
    closedWith: () => closedWith,
    async end() {
      stop();
      await client.dispose();
    },
  };
}

const seqs = (seen: Seen[]) => seen.map((s) => s.seq);
const oneTo = (n: number, from = 1) => Array.from({ length: n - from + 1 }, (_, i) => i + from);

describe('subscriptions', () => {
  const t = useTestSkein({ workspace: 'subs', env: { SKEIN_FEED_POLL_MS: '60000', SKEIN_MAX_ALIASES: '2' } });

  const startRuns = (ws: string, n: number, prefix: string) =>
    Promise.all(
      Array.from({ length: n }, (_, i) => gqlOk(t.url, START_RUN, { i: { workspace: ws, name: `${prefix}${i}` } })),
    );

  it('a consumer receives every change in order: those before it subscribed, then each as it commits', async () => {
    await startRuns(t.ws, 3, 'before');
    const consumer = consume(t.url, t.ws);
    try {
      await waitFor('the changes made before subscribing', 10_000, () => consumer.seen.length >= 4);
      // A long poll (60 s): these arrive because their commits wake the subscription in-process.
      await startRuns(t.ws, 12, 'after');
      await waitFor('every change', 10_000, () => consumer.seen.length >= 16);
      expect(consumer.errors).toEqual([]);
      expect(seqs(consumer.seen)).toEqual(oneTo(16));
      expect(consumer.seen[0]).toMatchObject({ action: 'createWorkspace', node: { __typename: 'Workspace' } });
      expect(consumer.seen.slice(1).every((s) => s.action === 'startRun')).toBe(true);
    } finally {
      await consumer.end();
    }
  });

  it('a consumer that disconnects and reconnects with its last cursor gets every missed change once', async () => {
    const ws = (
      await gqlOk<{ createWorkspace: { name: string } }>(t.url, MAKE_WORKSPACE, {
        i: { name: uniqueName('subre').toLowerCase() },
      })
    ).createWorkspace.name;
    const first = consume(t.url, ws);
    await startRuns(ws, 5, 'a');
    await waitFor('the first six changes', 10_000, () => first.seen.length >= 6);
    await first.end();
    const last = first.seen[first.seen.length - 1]!;
    await startRuns(ws, 7, 'missed'); // while nobody listens
    const again = consume(t.url, ws, last.cursor);
    try {
      await startRuns(ws, 4, 'live');
      await waitFor('the missed and the live changes', 10_000, () => again.seen.length >= 11);
      expect(again.errors).toEqual([]);
      expect(seqs(first.seen)).toEqual(oneTo(last.seq));
      expect(seqs(again.seen)).toEqual(oneTo(17, last.seq + 1));
    } finally {
      await again.end();
    }
  });

  it('validates as HTTP does: a query is refused over the socket, and a subscription over the limits', async () => {
    const client = createClient({ url: wsUrl(t.url), webSocketImpl: WebSocket, retryAttempts: 0 });
    try {
      const answer = (query: string) =>
        new Promise<unknown>((resolve) => {
          client.subscribe({ query }, { next: resolve, error: resolve, complete: () => resolve('complete') });
        });
      expect(JSON.stringify(await answer('{ __typename }'))).toContain('Only subscriptions are served over WebSocket');
      // SKEIN_MAX_ALIASES is 2 in this suite.
      const aliased = `subscription { changes(workspace: "${t.ws}") { a: seq b: seq c: seq } }`;
      expect(JSON.stringify(await answer(aliased))).toContain('SKEIN_MAX_ALIASES');
    } finally {
      await client.dispose();
    }
  });

  it('caps the subscriptions one connection holds at once', async () => {
    const client = createClient({ url: wsUrl(t.url), webSocketImpl: WebSocket, retryAttempts: 0 });
    const stops: Array<() => void> = [];
    try {
      const first = (after: string | null) =>
        new Promise<unknown>((resolve) => {
          const stop = client.subscribe(
            { query: SUBSCRIBE, variables: { w: t.ws, a: after } },
            { next: resolve, error: resolve, complete: () => resolve('complete') },
          );
          stops.push(stop);
        });
      const held = await Promise.all(Array.from({ length: MAX_SUBSCRIPTIONS_PER_CONNECTION }, () => first(null)));
      expect(held.every((answer) => JSON.stringify(answer).includes('"seq":1'))).toBe(true);
      expect(JSON.stringify(await first(null))).toContain(`At most ${MAX_SUBSCRIPTIONS_PER_CONNECTION} subscriptions`);
      stops[0]!(); // one completed: room for another
      await waitFor('a subscription to be let in again', 10_000, async () =>
        JSON.stringify(await first(null)).includes('"seq":1'),
      );
    } finally {
      for (const stop of stops) stop();
      await client.dispose();
    }
  });

  it("refuses a browser page of another site (sockets know no CORS), and serves this site's own", async () => {
    const handshake = (origin: string) =>
      new Promise<number>((resolve) => {
        const socket = new WebSocket(wsUrl(t.url), 'graphql-transport-ws', { headers: { origin } });
        socket.on('open', () => {
          socket.close();
          resolve(101);
        });
        socket.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
        socket.on('error', () => undefined);
      });
    expect(await handshake('https://evil.example')).toBe(403);
    expect(await handshake(new URL(t.url).origin)).toBe(101);
  });
});

describe('subscriptions with auth on', () => {
  const admin = mintToken();
  const t = useTestSkein({ env: { SKEIN_AUTH: 'on', SKEIN_ADMIN_TOKEN: admin.text } });

  it('refuses a socket without credentials, and serves a viewer of the workspace', async () => {
    const ws = uniqueName('subauth').toLowerCase();
    await gqlAsOk(t.url, admin.text, MAKE_WORKSPACE, { i: { name: ws } });
    const viewer = await createToken(t.url, admin.text, { workspace: ws, role: 'VIEWER' });
    const anonymous = consume(t.url, ws);
    const served = consume(t.url, ws, null, `Bearer ${viewer.text}`);
    try {
      await waitFor('the refused socket to close', 10_000, () => anonymous.closedWith() !== null);
      expect(anonymous.closedWith()).toBe(4403);
      expect(anonymous.seen).toEqual([]);
      await waitFor("the viewer's changes", 10_000, () => served.seen.length >= 2);
      expect(seqs(served.seen)).toEqual([1, 2]);
    } finally {
      await Promise.all([anonymous.end(), served.end()]);
    }
  });
});

describe('subscriptions on stop', () => {
  it('closes the socket with 1001 (going away) when the server stops', async () => {
    const skein = await startTestSkein();
    let stopped = false;
    try {
      const ws = uniqueName('substop').toLowerCase();
      await gqlOk(skein.graphqlUrl, MAKE_WORKSPACE, { i: { name: ws } });
      const consumer = consume(skein.graphqlUrl, ws);
      await waitFor('the first change', 10_000, () => consumer.seen.length >= 1);
      await skein.stop();
      stopped = true;
      await waitFor('the socket to close', 10_000, () => consumer.closedWith() !== null);
      expect(consumer.closedWith()).toBe(1001);
      await consumer.end();
    } finally {
      if (!stopped) await skein.stop();
    }
  });
});
