import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { PROJECT_ROOT } from '../paths';

/**
 * The playground: GraphiQL, built from npm packages by `npm run build` (src/playground/build.js)
 * into dist/playground/, served from here so that it works with no internet. The page is at
 * /playground (and /graphql for a browser); its content-hashed assets at /playground/assets/.
 */
export const PLAYGROUND_DIR = path.join(PROJECT_ROOT, 'dist', 'playground');
export const PLAYGROUND_PATH = '/playground';
export const PLAYGROUND_ASSETS_PATH = '/playground/assets/';

/**
 * Only this server: scripts, styles, fonts, workers and the API. Monaco adds <style> elements
 * at run time, and GraphiQL's fonts are data: URLs.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "font-src 'self' data:",
  "img-src 'self' data:",
  "worker-src 'self'",
  "connect-src 'self'",
  "frame-ancestors 'self'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.ttf': 'font/ttf',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

/** esbuild's `[name]-[hash]` names: the content never changes under one name. */
const HASHED = /-[A-Z0-9]{8}\.[a-z0-9]+(\.LEGAL\.txt)?$/;
const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const IMMUTABLE = 'public, max-age=31536000, immutable';

/** A browser opening /graphql: a GET (or HEAD) that asks for HTML and carries no operation. */
export function wantsPlayground(req: IncomingMessage): boolean {
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  if (!String(req.headers.accept ?? '').includes('text/html')) return false;
  const i = req.url?.indexOf('?') ?? -1;
  return i < 0 || !new URLSearchParams(req.url!.slice(i + 1)).has('query');
}

/** The page, revalidated on every load so a new build's asset names are picked up at once. */
export async function servePlaygroundPage(
  req: IncomingMessage,
  res: ServerResponse,
  dir: string = PLAYGROUND_DIR,
): Promise<void> {
  if (!allowMethod(req, res)) return;
  const file = path.join(dir, 'index.html');
  if (!(await isFile(file))) return notBuilt(res);
  await sendFile(req, res, file, {
    'cache-control': 'no-cache',
    'content-security-policy': CONTENT_SECURITY_POLICY,
    'referrer-policy': 'no-referrer',
  });
}

/** /playground/assets/<name>: long-cached when the name carries a content hash. */
export async function servePlaygroundAsset(
  req: IncomingMessage,
  res: ServerResponse,
  urlPath: string,
  dir: string = PLAYGROUND_DIR,
): Promise<void> {
  if (!allowMethod(req, res)) return;
  const name = urlPath.slice(PLAYGROUND_ASSETS_PATH.length);
  const file = path.join(dir, 'assets', name);
  if (!SAFE_NAME.test(name) || name.endsWith('.gz') || !(await isFile(file))) {
    if (!(await isFile(path.join(dir, 'index.html')))) return notBuilt(res);
    return sendText(res, 404, `No playground asset is named ${JSON.stringify(name)}. Reload the page.`);
  }
  await sendFile(req, res, file, { 'cache-control': HASHED.test(name) ? IMMUTABLE : 'no-cache' });
}

async function sendFile(
  req: IncomingMessage,
  res: ServerResponse,
  file: string,
  headers: Record<string, string>,
): Promise<void> {
  const type = CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream';
  const gzipped = `${file}.gz`;
  const gzip = acceptsGzip(req) && (await isFile(gzipped));
  const body = gzip ? gzipped : file;
  const { size } = await stat(body);
  res.writeHead(200, {
    'content-type': type,
    'content-length': size,
    'x-content-type-options': 'nosniff',
    vary: 'accept-encoding',
    ...(gzip ? { 'content-encoding': 'gzip' } : {}),
    ...headers,
  });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  try {
    await pipeline(createReadStream(body), res);
  } catch (err) {
    // The browser went away mid-answer (a reload, a closed tab): nothing to report.
    if ((err as NodeJS.ErrnoException).code !== 'ERR_STREAM_PREMATURE_CLOSE') throw err;
  }
}

/** True unless the client left gzip out of Accept-Encoding or gave it q=0. */
function acceptsGzip(req: IncomingMessage): boolean {
  return String(req.headers['accept-encoding'] ?? '')
    .split(',')
    .some((coding) => {
      const [name, ...params] = coding.split(';').map((s) => s.trim().toLowerCase());
      const q = params.find((p) => p.startsWith('q='));
      return name === 'gzip' && (q === undefined || Number(q.slice(2)) > 0);
    });
}

function allowMethod(req: IncomingMessage, res: ServerResponse): boolean {
  if (req.method === 'GET' || req.method === 'HEAD') return true;
  res.setHeader('allow', 'GET, HEAD');
  sendText(res, 405, 'The playground answers GET only. Send GraphQL operations to POST /graphql.');
  return false;
}

function notBuilt(res: ServerResponse): void {
  sendText(
    res,
    503,
    'The playground has not been built. Run `npm run build` (or `npm run build:playground`) in the Skein ' +
      'checkout, then reload this page. The GraphQL API itself is up: POST /graphql.',
  );
}

function sendText(res: ServerResponse, status: number, text: string): void {
  const body = `${text}\n`;
  res.writeHead(status, {
    'content-type': 'text/plain; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  });
  res.end(body);
}

async function isFile(file: string): Promise<boolean> {
  try {
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}
