import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createUpload, sha256, uniqueBody } from '../helpers/bodies';
import { createWorkspace } from '../helpers/skein';
import { spawnSkein, type SkeinProcess } from '../setup/skein-process';
import { waitFor } from '../helpers/wait';

/**
 * SIGTERM drains (finding 9: four busy keep-alive clients were served 35 s past SIGTERM, /readyz
 * stayed 200, exit after 39.5 s): /readyz turns 503 at once, requests sent after that are refused
 * with 503 and `connection: close`, a request in flight finishes and is acknowledged, one still
 * running when the grace period ends is cut off, and the process exits right after.
 * `skein serve` runs as a child process on the shared Neo4j, with the local body store (whose
 * uploads stream through Skein, which makes "a request in flight" easy to hold open).
 */

const GRACE_MS = 3_000;

interface Sent {
  sentAt: number;
  status: number | 'network error';
}

/** A PUT whose body is sent in two halves, the second one only on finish(). */
function slowPut(url: string, body: Buffer) {
  const req = http.request(url, { method: 'PUT', headers: { 'content-length': body.length } });
  const response = new Promise<{ status: number; connection: string | undefined }>((resolve, reject) => {
    req.on('response', (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode!, connection: res.headers.connection }));
    });
    req.on('error', reject);
  });
  response.catch(() => undefined); // awaited by the test; an early rejection must not be unhandled
  req.write(body.subarray(0, body.length / 2));
  return { response, finish: () => req.end(body.subarray(body.length / 2)) };
}

/** A client that sends writes back to back on its keep-alive connection until told to stop. */
function busyClient(url: string, ws: string, log: Sent[], stop: { now: boolean }): Promise<void> {
  return (async () => {
    for (let i = 0; !stop.now; i++) {
      const sentAt = Date.now();
      try {
        const res = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            query: 'mutation($i: StartRunInput!) { startRun(input: $i) { uid } }',
            variables: { i: { workspace: ws, name: `busy-${i}` } },
          }),
        });
        await res.arrayBuffer();
        log.push({ sentAt, status: res.status });
        if (res.status !== 200) await new Promise((resolve) => setTimeout(resolve, 10)); // refused: do not spin
      } catch {
        log.push({ sentAt, status: 'network error' });
        await new Promise((resolve) => setTimeout(resolve, 20)); // a refused connection: back off a little
      }
    }
  })();
}

async function readyzStatus(url: string): Promise<number> {
  try {
    const res = await fetch(`${url}/readyz`);
    await res.arrayBuffer();
    return res.status;
  } catch {
    return 0;
  }
}

describe('skein serve on SIGTERM', () => {
  let dataDir: string;
  let skein: SkeinProcess;

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'skein-shutdown-'));
    skein = await spawnSkein({
      S3_BUCKET: '', // the local body store
      SKEIN_DATA_DIR: dataDir,
      SKEIN_SHUTDOWN_GRACE_MS: String(GRACE_MS),
      SKEIN_LOG_LEVEL: 'warn',
    });
  }, 200_000);

  afterAll(async () => {
    if (skein.child.exitCode === null && skein.child.signalCode === null) skein.child.kill('SIGKILL');
    await skein.exited;
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('turns /readyz 503, refuses new requests, finishes the one in flight, cuts the rest at the grace period', async () => {
    const ws = await createWorkspace(skein.graphqlUrl, 'drain');
    const finishing = uniqueBody('drain finishing', 512 * 1024);
    const hanging = uniqueBody('drain hanging', 512 * 1024);
    const [upFinishing, upHanging] = await Promise.all(
      [finishing, hanging].map((body, i) =>
        createUpload(skein.graphqlUrl, {
          artifact: { workspace: ws, key: `drain-${i}.bin`, kind: 'FILE' },
          body: { size: body.length, sha256: sha256(body) },
        }),
      ),
    );

    // Four busy keep-alive clients, as in the finding.
    const log: Sent[] = [];
    const stop = { now: false };
    const clients = Array.from({ length: 4 }, () => busyClient(skein.graphqlUrl, ws, log, stop));
    await waitFor('the busy clients to be served', 30_000, () => log.filter((s) => s.status === 200).length >= 20);

    // Two uploads in flight: Skein has begun receiving both (their temp files exist).
    const inFlight = slowPut(upFinishing!.bodies[0]!.url!, finishing);
    const cutOff = slowPut(upHanging!.bodies[0]!.url!, hanging);
    const temps = path.join(dataDir, 'store', '.tmp');
    await waitFor('both uploads to be in flight', 10_000, () => readdirSync(temps).length >= 2);

    const signalledAt = Date.now();
    skein.child.kill('SIGTERM');
    const notReadyAt = await waitFor(
      '/readyz to answer 503',
      3_000,
      async () => (await readyzStatus(skein.url)) === 503 && Date.now(),
    );

    // Requests sent once /readyz says 503 are refused; none is served.
    const refusedAfter = Date.now();
    await waitFor('a request sent after /readyz turned 503 to be answered', 3_000, () =>
      log.some((s) => s.sentAt >= refusedAfter),
    );
    inFlight.finish();
    const answer = await inFlight.response;
    expect(answer).toEqual({ status: 200, connection: 'close' });
    expect(existsSync(path.join(dataDir, 'store', 'bodies', 'sha256', sha256(finishing)))).toBe(true);

    await expect(cutOff.response).rejects.toThrow(/socket hang up|ECONNRESET/);
    const { code } = await skein.exited;
    const exitedAt = Date.now();
    stop.now = true;
    await Promise.all(clients);

    expect(code).toBe(0);
    expect(notReadyAt - signalledAt).toBeLessThan(3_000);
    expect(exitedAt - signalledAt).toBeGreaterThanOrEqual(GRACE_MS - 100); // it did wait for the upload
    expect(exitedAt - signalledAt).toBeLessThan(GRACE_MS + 5_000);
    const late = log.filter((s) => s.sentAt >= notReadyAt);
    expect(late.length).toBeGreaterThan(0);
    expect(late.filter((s) => s.status === 200)).toEqual([]);
    expect(late.some((s) => s.status === 503)).toBe(true);
    expect(skein.output()).toContain('Stopped.');
  }, 60_000);
});
