import type { Server, ServerResponse } from 'node:http';
import { sendError } from './respond';
import { ErrorCode } from '../errors';

/**
 * Graceful shutdown of the HTTP server. On close(): /readyz already answers 503 (Readiness), a new
 * request, on a new or a kept-alive connection, gets 503 with `connection: close` (nothing was
 * done, so a client or load balancer may safely send it elsewhere), answers still being made carry
 * `connection: close`, and idle keep-alive connections are closed. Once the requests that were in
 * flight have finished, or the grace period is over, the listener closes and every remaining
 * connection is destroyed. The listener stays open until then so probes get an answer (503), not
 * a refused connection.
 *
 * Without it a busy keep-alive client was served for 35 s after SIGTERM, past a usual 30 s grace.
 */
export class Drain {
  private readonly inFlight = new Set<ServerResponse>();
  private onIdle: (() => void) | undefined;
  private closing = false;

  constructor(private readonly server: Server) {
    server.on('request', (_req, res: ServerResponse) => {
      // Requests that arrive while closing are refused at once; only earlier ones are waited for.
      if (this.closing) return;
      this.inFlight.add(res);
      res.once('close', () => this.finished(res));
    });
  }

  get draining(): boolean {
    return this.closing;
  }

  /** The answer to a request that arrived after close() began. */
  refuse(res: ServerResponse): void {
    res.setHeader('connection', 'close');
    res.setHeader('retry-after', '1');
    sendError(res, 503, ErrorCode.SERVICE_UNAVAILABLE, 'This Skein instance is shutting down; send the request again.');
  }

  /** Closes the server as described above; answers how many requests the grace period cut off. */
  async close(graceMs: number): Promise<{ cut: number }> {
    this.closing = true;
    for (const res of this.inFlight) if (!res.headersSent) res.setHeader('connection', 'close');
    this.server.closeIdleConnections();
    if (this.inFlight.size > 0) await this.idleWithin(graceMs);
    const cut = this.inFlight.size;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closed;
    return { cut };
  }

  private finished(res: ServerResponse): void {
    this.inFlight.delete(res);
    if (!this.closing) return;
    // A connection whose answer began before close() may otherwise stay open, idle, until it times out.
    this.server.closeIdleConnections();
    if (this.inFlight.size === 0) this.onIdle?.();
  }

  private async idleWithin(ms: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await new Promise<void>((resolve) => {
      this.onIdle = resolve;
      timer = setTimeout(resolve, ms);
    });
    clearTimeout(timer);
    this.onIdle = undefined;
  }
}
