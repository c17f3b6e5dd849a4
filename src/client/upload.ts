import { createReadStream } from 'node:fs';
import * as fsp from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { CliError, EXIT, networkReason, usageError } from './errors';
import { contentTypeOf, hashFile, walkDirectory, type HashedFile, type LocalFile } from './files';
import { formatBytes } from './format';
import type { SkeinClient } from './graphql';
import { byteCounter, LengthMismatch, mapUntilFailure, retryable, sleep, storeErrorReason } from './http';
import { noProgress, type Progress } from './progress';

/**
 * The upload engine: a file or a whole directory to an artifact, the way the API asks for it
 * (README "Bodies"):
 *   1. hash every file, streamed (and each part, for bodies over the multipart threshold);
 *   2. createUpload: the server answers which bodies it already holds and a signed PUT (or one
 *      per part) for each of the others;
 *   3. PUT each body straight to the store with the headers it was signed with (a few at a
 *      time, retrying on network errors and 5xx; fresh URLs from renewUpload if they expired);
 *   4. completeUpload: the server checks the store and marks the artifact AVAILABLE.
 * A failure after step 2 aborts the upload (abortUpload), so nothing is left PENDING.
 */

export interface UploadRequest {
  /** A file, or a directory (uploaded as a DIRECTORY artifact with its manifest). */
  source: string;
  workspace: string;
  key: string;
  /** FILE for a file, DIRECTORY for a directory when left out. */
  kind?: string | null;
  /** The run that logged it (id or uid). */
  run?: string | null;
  tags?: string[];
  /** More LogArtifactInput fields: description, labels, properties, dataset, model, metrics, trainingDataset. */
  artifact?: Record<string, unknown>;
  /** The media type of a single file (guessed from its extension when left out). */
  contentType?: string | null;
}

export interface UploadOptions {
  progress?: Progress;
  /** PUTs in flight at once. */
  concurrency?: number;
  /** Notes for the person (skipped files…). */
  note?: (line: string) => void;
}

export interface UploadedArtifact {
  id: string;
  uid: string;
  uri: string;
  key: string;
  version: number;
  kind: string;
  state: string;
}

export interface UploadOutcome {
  artifact: UploadedArtifact;
  /** Files in the artifact (1 for a single file). */
  files: number;
  /** Their total size. */
  size: number;
  /** Distinct bodies (files with the same content are one body). */
  bodies: number;
  /** Bodies sent to the store, and their bytes. */
  sent: number;
  bytesSent: number;
  /** Bodies the store already held: not sent again. */
  alreadyStored: number;
  seconds: number;
}

interface Header {
  name: string;
  value: string;
}

interface UploadTicket {
  artifact: UploadedArtifact;
  alreadyStored: boolean;
  expiresAt: string | null;
  bodies: Array<{
    sha256: string;
    size: number;
    alreadyStored: boolean;
    url: string | null;
    headers: Header[];
    parts: Array<{ partNumber: number; size: number; url: string; headers: Header[] }>;
  }>;
}

const TICKET = `
  artifact { id uid uri key version kind state }
  alreadyStored expiresAt
  bodies { sha256 size alreadyStored url headers { name value } parts { partNumber size url headers { name value } } }`;

/** One PUT: a whole body or one part of it, read from a byte range of a local file. */
interface PutTask {
  file: HashedFile;
  sha256: string;
  partNumber: number | null;
  start: number;
  size: number;
}

const ATTEMPTS = 3;

export async function uploadArtifact(
  client: SkeinClient,
  req: UploadRequest,
  options: UploadOptions = {},
): Promise<UploadOutcome> {
  const progress = options.progress ?? noProgress;
  const started = performance.now();
  const { files, isDirectory } = await listSource(req, options.note);
  const kind = req.kind ?? (isDirectory ? 'DIRECTORY' : 'FILE');
  if (isDirectory && kind !== 'DIRECTORY') {
    throw usageError(`${req.source} is a directory: it uploads as a DIRECTORY artifact; leave --kind out`);
  }
  if (!isDirectory && kind === 'DIRECTORY') {
    throw usageError(`${req.source} is a file; --kind DIRECTORY is for directories`);
  }

  const { bodyStore } = await client.request<{
    bodyStore: { multipartThreshold: number; partSize: number; maxUploadBytes: number };
  }>('{ bodyStore { multipartThreshold partSize maxUploadBytes } }');
  const tooBig = files.find((f) => f.size > bodyStore.maxUploadBytes);
  if (tooBig) {
    throw new CliError(
      EXIT.FAILED,
      `${tooBig.abs} is ${formatBytes(tooBig.size)}; this Skein takes bodies up to ${formatBytes(bodyStore.maxUploadBytes)} (SKEIN_MAX_UPLOAD_BYTES)`,
    );
  }

  // 1. Hash.
  const size = files.reduce((n, f) => n + f.size, 0);
  progress.start('hashing  ', size, files.length);
  const hashed: HashedFile[] = [];
  for (const f of files) {
    const partSize = f.size > bodyStore.multipartThreshold ? bodyStore.partSize : null;
    const digest = await hashFile(f, partSize, progress);
    hashed.push({ ...f, ...digest, contentType: (isDirectory ? null : req.contentType) ?? contentTypeOf(f.path) });
    progress.itemDone();
  }
  progress.finish();

  // 2. createUpload.
  const declare = (f: HashedFile) => ({
    size: f.size,
    sha256: f.sha256,
    contentType: f.contentType,
    ...(f.partSha256 ? { partSha256: f.partSha256 } : {}),
  });
  const input = {
    artifact: {
      ...req.artifact,
      workspace: req.workspace,
      key: req.key,
      kind,
      ...(req.run ? { run: req.run } : {}),
      ...(req.tags?.length ? { tags: req.tags } : {}),
    },
    ...(isDirectory ? { files: hashed.map((f) => ({ path: f.path, ...declare(f) })) } : { body: declare(hashed[0]!) }),
  };
  let ticket = (
    await client.request<{ createUpload: UploadTicket }>(
      `mutation($i: CreateUploadInput!) { createUpload(input: $i) { ${TICKET} } }`,
      { i: input },
    )
  ).createUpload;
  const id = ticket.artifact.id;
  const outcome = (artifact: UploadedArtifact, sent: number, bytesSent: number): UploadOutcome => ({
    artifact,
    files: hashed.length,
    size,
    bodies: ticket.bodies.length,
    sent,
    bytesSent,
    alreadyStored: ticket.bodies.filter((b) => b.alreadyStored).length,
    seconds: (performance.now() - started) / 1000,
  });
  if (ticket.alreadyStored) return outcome(ticket.artifact, 0, 0);

  try {
    // 3. PUT what the store does not hold yet.
    const bySha = new Map(hashed.map((f) => [f.sha256, f]));
    const tasks: PutTask[] = [];
    for (const b of ticket.bodies) {
      if (b.alreadyStored) continue;
      const file = bySha.get(b.sha256)!;
      if (b.url) tasks.push({ file, sha256: b.sha256, partNumber: null, start: 0, size: b.size });
      let offset = 0;
      for (const p of b.parts) {
        tasks.push({ file, sha256: b.sha256, partNumber: p.partNumber, start: offset, size: p.size });
        offset += p.size;
      }
    }
    const toSend = ticket.bodies.filter((b) => !b.alreadyStored);
    const bytesSent = toSend.reduce((n, b) => n + b.size, 0);

    // Fresh URLs when these are about to expire (one renewal shared by every task that needs it).
    let renewing: Promise<void> | null = null;
    const renew = () =>
      (renewing ??= client
        .request<{ renewUpload: UploadTicket }>(`mutation($r: String!) { renewUpload(ref: $r) { ${TICKET} } }`, {
          r: id,
        })
        .then((r) => void (ticket = r.renewUpload))
        .finally(() => (renewing = null)));
    const expiresSoon = () => ticket.expiresAt !== null && Date.parse(ticket.expiresAt) - Date.now() < 60_000;
    const requestOf = (t: PutTask): { url: string; headers: Header[] } => {
      const body = ticket.bodies.find((b) => b.sha256 === t.sha256)!;
      if (t.partNumber === null) return { url: body.url!, headers: body.headers };
      return body.parts.find((p) => p.partNumber === t.partNumber)!;
    };

    progress.start('uploading', bytesSent, tasks.length);
    await mapUntilFailure(
      tasks,
      async (task) => {
        for (let attempt = 1; ; attempt++) {
          if (expiresSoon()) await renew();
          const result = await putOnce(task, requestOf(task), progress);
          if (result === 'ok') break;
          if (result.status === 403 && attempt < ATTEMPTS && Date.parse(ticket.expiresAt ?? '') - Date.now() < 60_000) {
            await renew();
            continue;
          }
          if (attempt < ATTEMPTS && (result.status === null || retryable(result.status))) {
            await sleep(250 * 2 ** attempt);
            continue;
          }
          throw new CliError(EXIT.FAILED, putFailure(task, result));
        }
        progress.itemDone();
      },
      options.concurrency ?? 4,
    );
    progress.finish();

    // 4. completeUpload.
    const done = await client.request<{ completeUpload: UploadedArtifact }>(
      'mutation($r: String!) { completeUpload(ref: $r) { id uid uri key version kind state } }',
      { r: id },
    );
    return outcome(done.completeUpload, toSend.length, bytesSent);
  } catch (err) {
    progress.finish();
    const aborted = await client
      .request('mutation($r: String!) { abortUpload(ref: $r) { state } }', { r: id })
      .then(() => true)
      .catch(() => false);
    if (err instanceof CliError) {
      const tail = aborted ? `; the upload of ${ticket.artifact.uri} was aborted` : '';
      throw new CliError(err.exitCode, `${err.message}${tail}`);
    }
    throw err;
  }
}

async function listSource(
  req: UploadRequest,
  note: ((line: string) => void) | undefined,
): Promise<{ files: LocalFile[]; isDirectory: boolean }> {
  const stat = await fsp.stat(req.source).catch((err: NodeJS.ErrnoException) => {
    throw new CliError(
      err.code === 'ENOENT' ? EXIT.NOT_FOUND : EXIT.FAILED,
      err.code === 'ENOENT' ? `${req.source} does not exist` : `cannot read ${req.source} (${err.code})`,
    );
  });
  if (stat.isFile()) {
    return { files: [{ abs: req.source, path: path.basename(req.source), size: stat.size }], isDirectory: false };
  }
  if (!stat.isDirectory()) throw usageError(`${req.source} is neither a file nor a directory`);
  const { files, skipped } = await walkDirectory(req.source);
  for (const s of skipped) note?.(`skipped ${path.join(req.source, s)} (not a regular file)`);
  if (files.length === 0) throw usageError(`${req.source} holds no files to upload`);
  return { files, isDirectory: true };
}

type PutResult = 'ok' | { status: number | null; reason: string };

/** One PUT of a byte range, streamed from disk with the signed headers and an exact Content-Length. */
async function putOnce(
  task: PutTask,
  request: { url: string; headers: Header[] },
  progress: Progress,
): Promise<PutResult> {
  let counted = 0;
  const what = task.partNumber === null ? task.file.abs : `part ${task.partNumber} of ${task.file.abs}`;
  const source =
    task.size === 0
      ? Readable.from([])
      : createReadStream(task.file.abs, { start: task.start, end: task.start + task.size - 1 });
  const body = source.pipe(
    byteCounter(
      task.size,
      (n) => {
        counted += n;
        progress.add(n);
      },
      what,
    ),
  );
  source.on('error', (err: Error) => body.destroy(err));
  const headers: Record<string, string> = Object.fromEntries(request.headers.map((h) => [h.name, h.value]));
  headers['content-length'] = String(task.size);
  try {
    const res = await fetch(request.url, {
      method: 'PUT',
      headers,
      body: Readable.toWeb(body) as ReadableStream<Uint8Array>,
      duplex: 'half',
    } as RequestInit);
    const text = await res.text();
    if (res.ok) return 'ok';
    progress.undo(counted);
    return { status: res.status, reason: storeErrorReason(res.status, res.statusText, text) };
  } catch (err) {
    progress.undo(counted);
    source.destroy();
    const own = findOwnError(err);
    if (own) return { status: 0, reason: own };
    return { status: null, reason: networkReason(err) };
  }
}

/** An error our own byte counter raised (the file changed while being sent). */
function findOwnError(err: unknown): string | null {
  for (let e = err as { cause?: unknown } | undefined; e; e = e.cause as typeof e) {
    if (e instanceof LengthMismatch) return `${e.message}: it changed since it was hashed`;
  }
  return null;
}

function putFailure(task: PutTask, result: { status: number | null; reason: string }): string {
  const what = task.partNumber === null ? task.file.abs : `part ${task.partNumber} of ${task.file.abs}`;
  if (result.status === 0) return `${result.reason}; run the upload again`;
  if (result.status === null) return `could not upload ${what}: ${result.reason} (the store could not be reached)`;
  const hint =
    result.status === 400 || result.status === 413
      ? '; did the file change since it was hashed? run the upload again'
      : result.status === 403
        ? '; the signed URL was refused (expired, or the clocks of this machine and the store disagree)'
        : '';
  return `the store refused ${what}: ${result.reason}${hint}`;
}
