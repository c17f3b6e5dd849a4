import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One POST a receiver got: when, its headers, its raw body, and the status it answered. */
export interface Received {
  at: number;
  headers: IncomingHttpHeaders;
  body: string;
  status: number;
}

/**
 * A webhook receiver on a local port (node:http): records every POST to its own path and answers
 * the status `answer` gives for it (its 0-based number), 200 by default; 0 never answers. Anything else gets 404 and
 * is not recorded: a webhook left by an earlier run may still post to a port the system reuses.
 */
export interface Receiver {
  readonly url: string;
  readonly port: number;
  readonly requests: Received[];
  close(): Promise<void>;
}

export interface ReceiverOptions {
  answer?: (n: number) => number;
  /** 0 (the default): any free port. */
  port?: number;
  /** The path it answers on; a new unique one by default. */
  path?: string;
  /** Told when a request to its path starts arriving, and just before it is answered. */
  onRequest?: (phase: 'start' | 'end') => void;
}

/** A unique path for a receiver (to name a webhook's URL before its receiver is up). */
export const receiverPath = () => `/hook/${randomUUID()}`;

export async function startReceiver(options: ReceiverOptions = {}): Promise<Receiver> {
  const { answer = () => 200, port = 0, path = receiverPath(), onRequest } = options;
  const requests: Received[] = [];
  const server: Server = createServer((req, res) => {
    if (req.url !== path || req.method !== 'POST') {
      req.resume();
      res.writeHead(404).end();
      return;
    }
    onRequest?.('start');
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const status = answer(requests.length);
      requests.push({ at: Date.now(), headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), status });
      if (status === 0) return; // never answered: the sender's timeout, or close(), ends it
      onRequest?.('end');
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  const bound = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${bound}${path}`,
    port: bound,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A local port nothing listens on (bound once, then closed). */
export async function closedPort(): Promise<number> {
  const r = await startReceiver();
  await r.close();
  return r.port;
}
