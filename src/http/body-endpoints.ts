import { createReadStream } from 'node:fs';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { PassThrough } from 'node:stream';
import type { Logger } from '../logger';
import { contentDisposition, wholeSha256OfKey } from '../storage/body-store';
import { BodyRejected, LOCAL_PARAMS, type LocalBodyStore } from '../storage/local-store';
import { sendError } from './respond';
import { ErrorCode } from '../errors';

/**
 * The local store's signed URLs, answered by Skein itself (only when no S3 bucket is configured):
 *
 *   PUT  /bodies/<key>?…signed   a whole body, or a part (X-Skein-Upload, X-Skein-Part)
 *   GET  /bodies/<key>?…signed   a download (HEAD too; one byte range allowed)
 *
 * Errors use the same JSON shape as the API's HTTP errors: 403 for a bad or expired signature,
 * 400 for a body of the wrong length or checksum, 413 for one longer than signed (cut off).
 */
export interface BodyEndpointOptions {
  /**
   * Whether an upload still wants the body at this key: the upload the URL was signed for
   * (`forUpload`, an artifact uid) still holds it, PENDING or AVAILABLE (URLs signed before uploads
   * were named: any live artifact holds it). A URL outlives its upload: after abortUpload a PUT
   * would store a body nothing refers to, or — once another upload took the key — bytes that
   * upload's completion would take for its own; both are refused.
   */
  isWanted: (key: string, forUpload: string | null) => Promise<boolean>;
}

export function bodyEndpoints(store: LocalBodyStore, logger: Logger, options: BodyEndpointOptions) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    cors(res);
    if (req.method === 'OPTIONS') {
      res.writeHead(204, {
        'access-control-allow-methods': 'GET, HEAD, PUT',
        'access-control-allow-headers': '*',
        'access-control-max-age': '600',
      });
      res.end();
      return;
    }
    const url = new URL(req.url ?? '/', 'http://local');
    const method = req.method ?? 'GET';
    if (method !== 'PUT' && method !== 'GET' && method !== 'HEAD') {
      res.setHeader('allow', 'GET, HEAD, PUT');
      return sendError(res, 405, ErrorCode.BAD_USER_INPUT, `${method} is not served at /bodies/; use GET or PUT.`);
    }
    const verdict = store.verify(method, url.pathname, url.searchParams);
    if (!verdict.ok) return sendError(res, 403, ErrorCode.FORBIDDEN, verdict.message);
    if (method === 'PUT') return receive(store, logger, options, verdict.key!, verdict.params, req, res);
    return serve(store, verdict.key!, verdict.params, req, res);
  };
}

const UPLOAD_OVER = () =>
  new BodyRejected(
    404,
    ErrorCode.NOT_FOUND,
    'The upload this URL was made for is over (aborted or expired); start a new one with createUpload.',
  );

async function receive(
  store: LocalBodyStore,
  logger: Logger,
  options: BodyEndpointOptions,
  key: string,
  params: Record<string, string>,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const signedSize = Number(params[LOCAL_PARAMS.size]);
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) !== signedSize) {
    // Refused before reading a byte, like a store that signs Content-Length.
    refuse(
      res,
      req,
      new BodyRejected(
        Number(declared) > signedSize ? 413 : 400,
        Number(declared) > signedSize ? ErrorCode.PAYLOAD_TOO_LARGE : ErrorCode.BAD_USER_INPUT,
        `Content-Length is ${declared}; this URL was signed for exactly ${signedSize} bytes.`,
      ),
    );
    return;
  }
  // Parts need no check: aborting an upload removes its multipart directory, which refuses them.
  const whole = params[LOCAL_PARAMS.upload] === undefined;
  const forUpload = params[LOCAL_PARAMS.forUpload] ?? null;
  if (whole && !(await options.isWanted(key, forUpload))) return refuse(res, req, UPLOAD_OVER());
  // The store reads a pass-through, so a refusal there never destroys `req` (and its socket) before
  // the answer is sent; a client that goes away mid-body ends it with an error.
  const body = new PassThrough();
  req.pipe(body);
  req.once('close', () => {
    if (!req.complete) body.destroy(new Error('the client closed the connection mid-body'));
  });
  try {
    const { sha256 } = await store.receive(key, params, body);
    // An abort that committed while the body streamed in saw no object to delete: this one is
    // removed here. (An abort committing after this check deletes the object itself.)
    if (whole && !(await options.isWanted(key, forUpload))) {
      await store.delete(key);
      throw UPLOAD_OVER();
    }
    res.writeHead(200, { etag: `"${sha256}"`, 'content-length': 0 });
    res.end();
  } catch (err) {
    if (err instanceof BodyRejected) return refuse(res, req, err);
    if (!req.complete && (!req.socket || req.socket.destroyed)) {
      logger.debug({ key }, 'body upload ended early by the client');
      return;
    }
    throw err;
  }
}

/** Answers an error and, when the client is still sending, closes the connection (the rest is not read). */
function refuse(res: ServerResponse, req: IncomingMessage, err: BodyRejected): void {
  if (res.headersSent) return void res.destroy();
  const stillSending = !req.complete;
  const socket = req.socket;
  if (stillSending) res.setHeader('connection', 'close');
  sendError(res, err.status, err.code, err.message);
  // Give the answer a moment to leave, then stop the sender instead of reading the rest.
  if (stillSending) res.once('finish', () => setTimeout(() => socket?.destroy(), 50).unref());
}

async function serve(
  store: LocalBodyStore,
  key: string,
  params: Record<string, string>,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const found = await store.open(key);
  if (!found)
    return sendError(
      res,
      404,
      ErrorCode.NOT_FOUND,
      'There is no body at this URL (it was removed, or never uploaded).',
    );
  const headers: Record<string, string | number> = {
    'content-type': params[LOCAL_PARAMS.contentType] ?? 'application/octet-stream',
    'content-disposition': contentDisposition(params[LOCAL_PARAMS.fileName] ?? 'download'),
    'accept-ranges': 'bytes',
    'cache-control': 'private, max-age=300',
  };
  const etag = wholeSha256OfKey(key);
  if (etag) headers.etag = `"${etag}"`;

  let start = 0;
  let end = found.size - 1;
  let status = 200;
  const range = parseRange(req.headers.range, found.size);
  if (range === 'unsatisfiable') {
    res.writeHead(416, { 'content-range': `bytes */${found.size}` });
    res.end();
    return;
  }
  if (range) {
    [start, end] = range;
    status = 206;
    headers['content-range'] = `bytes ${start}-${end}/${found.size}`;
  }
  headers['content-length'] = found.size === 0 ? 0 : end - start + 1;
  res.writeHead(status, headers);
  if (req.method === 'HEAD' || found.size === 0) {
    res.end();
    return;
  }
  const stream = createReadStream(found.file, { start, end });
  stream.on('error', () => res.destroy());
  stream.pipe(res);
}

/** One "bytes=a-b", "bytes=a-" or "bytes=-n" range; anything else is ignored (the whole body). */
function parseRange(header: string | undefined, size: number): [number, number] | 'unsatisfiable' | null {
  const m = header ? /^bytes=(\d*)-(\d*)$/.exec(header.trim()) : null;
  if (!m || (m[1] === '' && m[2] === '')) return null;
  let start: number;
  let end: number;
  if (m[1] === '') {
    start = Math.max(0, size - Number(m[2]));
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  }
  return start > end || start >= size ? 'unsatisfiable' : [start, end];
}

function cors(res: ServerResponse): void {
  // The URLs are capabilities (signed, expiring), as a store's presigned URLs are: any page may use them.
  res.setHeader('access-control-allow-origin', '*');
  res.setHeader('access-control-expose-headers', 'etag, content-length, content-range');
}

/**
 * Counts the bytes the server has received on all its connections, for the test that the S3
 * mode carries no body bytes (src/app.ts exposes it on the handle).
 */
export function countReceivedBytes(server: Server): () => number {
  let closed = 0;
  const open = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    open.add(socket);
    socket.once('close', () => {
      open.delete(socket);
      closed += socket.bytesRead;
    });
  });
  return () => closed + [...open].reduce((sum, s) => sum + s.bytesRead, 0);
}
