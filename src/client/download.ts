import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import * as fsp from 'node:fs/promises';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { CliError, EXIT, networkReason, usageError } from './errors';
import type { SkeinClient } from './graphql';
import { byteCounter, LengthMismatch, mapUntilFailure, storeErrorReason } from './http';
import { noProgress, type Progress } from './progress';

/**
 * The download engine: an artifact's body, or a directory's whole tree, from the signed URLs of
 * `artifactDownload`, each file streamed to a temporary file next to its target while its SHA-256
 * is computed, and renamed into place only when size and SHA-256 match. A mismatch deletes the
 * temporary file and fails with EXIT.VERIFY_FAILED naming the file; files already in place are
 * never replaced unless asked (`overwrite`), or kept (`skip`) only when their SHA-256 is the
 * artifact's: an existing file whose bytes differ is downloaded again, never passed off as verified.
 */

export type ExistingFiles = 'refuse' | 'overwrite' | 'skip';

export interface DownloadRequest {
  /** An artifact URI or id. */
  ref: string;
  /** A directory artifact: the directory to write the tree into. A single body: the file (or a directory to put it in). */
  dest: string;
  existing?: ExistingFiles;
  /** A directory artifact: only this file or subdirectory. */
  path?: string | null;
}

export interface ClientDownloadOptions {
  progress?: Progress;
  concurrency?: number;
  note?: (line: string) => void;
}

export interface DownloadOutcome {
  uri: string;
  kind: string;
  /** The files written, with where they went. */
  written: Array<{ path: string; file: string; size: number }>;
  /** Existing files kept as they were (`skip`): their size and SHA-256 matched the artifact's. */
  skipped: string[];
  /** Existing files whose bytes differed from the artifact's (`skip`): downloaded again, verified. */
  replaced: string[];
  bytes: number;
  /** Files with no SHA-256 recorded (references), written without a check. */
  unverified: string[];
  seconds: number;
}

interface RemoteFile {
  path: string;
  size: number | null;
  sha256: string | null;
  url: string | null;
  location: string | null;
}

interface Target extends RemoteFile {
  file: string;
  display: string;
}

export async function downloadArtifact(
  client: SkeinClient,
  req: DownloadRequest,
  options: ClientDownloadOptions = {},
): Promise<DownloadOutcome> {
  const progress = options.progress ?? noProgress;
  const started = performance.now();
  const { artifactDownload: ticket } = await client.request<{
    artifactDownload: { artifact: { uri: string; kind: string }; files: RemoteFile[] };
  }>(
    `query($r: String!, $p: String) {
      artifactDownload(ref: $r, path: $p) { artifact { uri kind } files { path size sha256 url location } }
    }`,
    { r: req.ref, p: req.path ?? null },
  );
  const { uri, kind } = ticket.artifact;
  const targets = await placeFiles(ticket.artifact, ticket.files, req.dest);
  const unsignable = targets.find((t) => t.url === null);
  if (unsignable) {
    throw new CliError(
      EXIT.FAILED,
      `${uri} is a reference to ${unsignable.location ?? 'a body'} that Skein cannot sign; download it from there`,
    );
  }

  // Existing files: refuse (the default), keep, or replace.
  const existing: Target[] = [];
  for (const t of targets) {
    const stat = await fsp.lstat(t.file).catch(() => null);
    if (!stat) continue;
    if (stat.isDirectory()) throw usageError(`${t.display} exists and is a directory; choose another destination`);
    existing.push(t);
  }
  const mode = req.existing ?? 'refuse';
  if (existing.length > 0 && mode === 'refuse') {
    const more = existing.length > 1 ? ` (and ${existing.length - 1} more)` : '';
    throw usageError(
      `${existing[0]!.display} already exists${more}; pass --overwrite to replace, or --skip-existing to keep existing files`,
    );
  }
  const { kept, changed } = mode === 'skip' ? await compareExisting(existing, options) : { kept: [], changed: [] };
  const skip = new Set(kept.map((t) => t.file));
  const todo = targets.filter((t) => !skip.has(t.file));
  const unverified = todo.filter((t) => !t.sha256).map((t) => t.display);
  for (const u of unverified) options.note?.(`${u}: no SHA-256 is recorded for it; written without a check`);

  // Download, verify, rename into place. The first failure stops the others and removes their temporary files.
  const controller = new AbortController();
  const total = todo.reduce((n, t) => n + (t.size ?? 0), 0);
  progress.start('downloading', total, todo.length);
  try {
    await mapUntilFailure(
      todo,
      async (t) => {
        try {
          await fetchVerified(t, progress, controller.signal);
        } catch (err) {
          controller.abort(); // the others stop and delete their temporary files
          throw err;
        }
        progress.itemDone();
      },
      options.concurrency ?? 4,
    );
  } finally {
    progress.finish();
  }
  return {
    uri,
    kind,
    written: todo.map((t) => ({ path: t.path, file: t.file, size: t.size ?? 0 })),
    skipped: kept.map((t) => t.display),
    replaced: changed.map((t) => t.display),
    bytes: total,
    unverified,
    seconds: (performance.now() - started) / 1000,
  };
}

/**
 * `--skip-existing`: which existing files hold the artifact's bytes (kept) and which do not
 * (changed: downloaded again over them). A file is kept only when its size and SHA-256 match; one
 * with no SHA-256 recorded cannot be checked, so it is downloaded again too.
 */
async function compareExisting(existing: Target[], options: ClientDownloadOptions) {
  const same = await mapUntilFailure(existing, holdsTheBytes, options.concurrency ?? 4);
  const kept = existing.filter((_, i) => same[i]);
  const changed = existing.filter((_, i) => !same[i]);
  for (const t of changed) {
    options.note?.(`${t.display}: its bytes differ from the artifact's (SHA-256 mismatch); downloading it again`);
  }
  return { kept, changed };
}

async function holdsTheBytes(t: Target): Promise<boolean> {
  if (!t.sha256) return false;
  const stat = await fsp.stat(t.file);
  if (t.size !== null && stat.size !== t.size) return false;
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(t.file) as AsyncIterable<Buffer>) hash.update(chunk);
  return hash.digest('hex') === t.sha256;
}

/** Where each file goes: a directory's tree under `dest`; a single body at `dest` (or inside it, when it is a directory). */
async function placeFiles(artifact: { uri: string; kind: string }, files: RemoteFile[], dest: string) {
  const destStat = await fsp.stat(dest).catch(() => null);
  if (artifact.kind === 'DIRECTORY') {
    if (destStat && !destStat.isDirectory()) {
      throw usageError(`${dest} is a file; ${artifact.uri} is a directory: give a directory to write it into`);
    }
    const root = path.resolve(dest);
    return files.map((f): Target => {
      const file = path.resolve(root, ...f.path.split('/'));
      // The server refuses such paths; a client never trusts a path to stay inside `dest` anyway.
      if (f.path.startsWith('/') || f.path.split('/').includes('..') || !file.startsWith(root + path.sep)) {
        throw new CliError(EXIT.FAILED, `${artifact.uri} lists the path ${JSON.stringify(f.path)}, outside ${dest}`);
      }
      return { ...f, file, display: path.join(dest, ...f.path.split('/')) };
    });
  }
  const intoDir = destStat?.isDirectory() || /[\\/]$/.test(dest);
  return files.map((f): Target => {
    const name = path.basename(f.path) || 'download';
    const display = intoDir ? path.join(dest, name) : dest;
    return { ...f, file: path.resolve(display), display };
  });
}

async function fetchVerified(t: Target, progress: Progress, signal: AbortSignal): Promise<void> {
  await fsp.mkdir(path.dirname(t.file), { recursive: true });
  const temp = path.join(
    path.dirname(t.file),
    `.${path.basename(t.file)}.skein-${randomBytes(4).toString('hex')}.part`,
  );
  let res: Response;
  try {
    res = await fetch(t.url!, { signal });
  } catch (err) {
    if (signal.aborted) throw err;
    throw new CliError(EXIT.FAILED, `could not download ${t.display}: ${networkReason(err)}`);
  }
  if (res.status !== 200 || !res.body) {
    const reason = storeErrorReason(res.status, res.statusText, await res.text().catch(() => ''));
    const hint = res.status === 403 ? ' (the signed URL expired or was refused; run the download again)' : '';
    throw new CliError(EXIT.FAILED, `could not download ${t.display}: ${reason}${hint}`);
  }
  const hash = createHash('sha256');
  const hashing = new Transform({
    transform(chunk: Buffer, _enc, callback) {
      hash.update(chunk);
      callback(null, chunk);
    },
  });
  try {
    await pipeline(
      Readable.fromWeb(res.body as Parameters<typeof Readable.fromWeb>[0]),
      byteCounter(t.size, (n) => progress.add(n), t.display),
      hashing,
      createWriteStream(temp, { flags: 'wx' }),
      { signal },
    );
    const actual = hash.digest('hex');
    if (t.sha256 && actual !== t.sha256) {
      throw new CliError(
        EXIT.VERIFY_FAILED,
        `${t.display} failed verification: SHA-256 ${actual}, expected ${t.sha256}; the partial file was deleted (the stored body may be corrupt)`,
      );
    }
    await fsp.rename(temp, t.file);
  } catch (err) {
    await fsp.rm(temp, { force: true });
    if (err instanceof LengthMismatch) {
      throw new CliError(
        EXIT.VERIFY_FAILED,
        `${t.display} failed verification: ${err.message.replace(`${t.display} `, '')}; the partial file was deleted`,
      );
    }
    if (err instanceof CliError || signal.aborted) throw err;
    throw new CliError(EXIT.FAILED, `could not download ${t.display}: ${networkReason(err)}`);
  }
}
