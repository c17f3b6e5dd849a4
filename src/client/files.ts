import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import * as fsp from 'node:fs/promises';
import path from 'node:path';
import { CliError, EXIT } from './errors';
import type { Progress } from './progress';

/** A file to upload: where it is, and its path inside the artifact ("/"-separated). */
export interface LocalFile {
  abs: string;
  path: string;
  size: number;
}

export interface HashedFile extends LocalFile {
  sha256: string;
  /** The SHA-256 of each part, for a body the server wants in parts; null otherwise. */
  partSha256: string[] | null;
  contentType: string | null;
}

/**
 * Every regular file under `root`, in path order, with "/" paths relative to it. Symbolic links
 * to files are followed; links to directories are skipped (a link cycle would never end) and
 * reported in `skipped`, as are sockets, FIFOs and devices.
 */
export async function walkDirectory(root: string): Promise<{ files: LocalFile[]; skipped: string[] }> {
  const files: LocalFile[] = [];
  const skipped: string[] = [];
  const visit = async (dir: string, rel: string): Promise<void> => {
    const entries = await fsp.readdir(dir, { withFileTypes: true });
    for (const entry of entries) {
      const abs = path.join(dir, entry.name);
      const relPath = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        await visit(abs, relPath);
        continue;
      }
      const stat = entry.isSymbolicLink() ? await fsp.stat(abs).catch(() => null) : await fsp.lstat(abs);
      if (stat?.isFile()) files.push({ abs, path: relPath, size: stat.size });
      else skipped.push(relPath);
    }
  };
  await visit(root, '');
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { files, skipped };
}

/**
 * SHA-256 of a file, streamed (never held in memory), and of each `partSize` part when asked.
 * Fails when the file's length is not what was listed (it changed under us).
 */
export async function hashFile(
  file: LocalFile,
  partSize: number | null,
  progress: Progress,
): Promise<{ sha256: string; partSha256: string[] | null }> {
  const whole = createHash('sha256');
  const parts: string[] = [];
  let part = partSize ? createHash('sha256') : null;
  let inPart = 0;
  let total = 0;
  for await (const chunk of createReadStream(file.abs, { highWaterMark: 1024 * 1024 }) as AsyncIterable<Buffer>) {
    whole.update(chunk);
    total += chunk.length;
    progress.add(chunk.length);
    if (!part || !partSize) continue;
    for (let offset = 0; offset < chunk.length;) {
      const take = Math.min(partSize - inPart, chunk.length - offset);
      part.update(chunk.subarray(offset, offset + take));
      inPart += take;
      offset += take;
      if (inPart === partSize) {
        parts.push(part.digest('hex'));
        part = createHash('sha256');
        inPart = 0;
      }
    }
  }
  if (total !== file.size) {
    throw new CliError(EXIT.FAILED, `${file.abs} changed while it was read (${file.size} bytes, then ${total}); retry`);
  }
  if (part && (inPart > 0 || parts.length === 0)) parts.push(part.digest('hex'));
  return { sha256: whole.digest('hex'), partSha256: partSize ? parts : null };
}

const TYPES: Record<string, string> = {
  csv: 'text/csv',
  tsv: 'text/tab-separated-values',
  txt: 'text/plain',
  log: 'text/plain',
  md: 'text/markdown',
  html: 'text/html',
  json: 'application/json',
  jsonl: 'application/x-ndjson',
  ndjson: 'application/x-ndjson',
  yaml: 'application/yaml',
  yml: 'application/yaml',
  xml: 'application/xml',
  parquet: 'application/vnd.apache.parquet',
  avro: 'application/avro',
  pdf: 'application/pdf',
  zip: 'application/zip',
  gz: 'application/gzip',
  tar: 'application/x-tar',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  svg: 'image/svg+xml',
  webp: 'image/webp',
  npy: 'application/octet-stream',
  pkl: 'application/octet-stream',
  pt: 'application/octet-stream',
  onnx: 'application/octet-stream',
  safetensors: 'application/octet-stream',
};

/** A media type from the file extension; null when unknown (the store then serves octet-stream). */
export function contentTypeOf(file: string): string | null {
  const ext = path.extname(file).slice(1).toLowerCase();
  return TYPES[ext] ?? null;
}
