import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { SkeinHandle } from '../../src/app';
import { gql, gqlOk, startTestSkein, type GraphQLResponse } from './skein';

/**
 * A client of the upload protocol, as a user's code would write one: hash first, createUpload,
 * PUT the bytes straight to the URLs it got, completeUpload, then artifactDownload and verify.
 */

export const MiB = 1024 * 1024;

export const sha256 = (data: Buffer | string): string => createHash('sha256').update(data).digest('hex');

/** A body unique to this test run (so dedup across runs never hides an upload). */
export const uniqueBody = (label: string, size?: number): Buffer => {
  const text = `${label} ${Date.now()} ${Math.random()}\n`;
  return size === undefined ? Buffer.from(text) : Buffer.alloc(size, text);
};

export interface Header {
  name: string;
  value: string;
}

export interface UploadPartView {
  partNumber: number;
  size: number;
  sha256: string;
  method: string;
  url: string;
  headers: Header[];
}

export interface UploadBodyView {
  sha256: string;
  size: number;
  paths: string[];
  alreadyStored: boolean;
  method: string | null;
  url: string | null;
  headers: Header[];
  parts: UploadPartView[];
}

export interface UploadView {
  artifact: {
    id: string;
    uid: string;
    uri: string;
    state: string;
    digest: string | null;
    size: number | null;
    location: string | null;
    path: string | null;
  };
  alreadyStored: boolean;
  expiresAt: string | null;
  bodies: UploadBodyView[];
}

export const UPLOAD_FIELDS = `
  artifact { id uid uri state digest size location path }
  alreadyStored expiresAt
  bodies {
    sha256 size paths alreadyStored method url headers { name value }
    parts { partNumber size sha256 method url headers { name value } }
  }`;

export async function createUpload(url: string, input: Record<string, unknown>): Promise<UploadView> {
  const data = await gqlOk<{ createUpload: UploadView }>(
    url,
    `mutation($i: CreateUploadInput!) { createUpload(input: $i) { ${UPLOAD_FIELDS} } }`,
    { i: input },
  );
  return data.createUpload;
}

export async function tryCreateUpload(url: string, input: Record<string, unknown>): Promise<GraphQLResponse> {
  return gql(url, `mutation($i: CreateUploadInput!) { createUpload(input: $i) { ${UPLOAD_FIELDS} } }`, { i: input });
}

export const ARTIFACT_BODY_FIELDS = 'uid state digest size location path digestVerified downloadUrl';

export async function completeUpload(url: string, ref: string) {
  return gql<{ completeUpload: { uid: string; state: string; location: string | null } }>(
    url,
    `mutation($r: String!) { completeUpload(ref: $r) { uid state location } }`,
    { r: ref },
  );
}

export async function artifactState(url: string, ref: string): Promise<string> {
  const data = await gqlOk<{ artifact: { state: string } }>(url, 'query($r: String!) { artifact(ref: $r) { state } }', {
    r: ref,
  });
  return data.artifact.state;
}

export const headersOf = (list: Header[]): Record<string, string> =>
  Object.fromEntries(list.map((h) => [h.name, h.value]));

export async function put(url: string, body: Buffer, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, { method: 'PUT', body, headers });
}

/** Uploads every body that is not stored yet, whole or part by part; `bytes` gives a body by its SHA-256. */
export async function uploadAll(upload: UploadView, bytes: (sha: string) => Buffer): Promise<void> {
  for (const b of upload.bodies) {
    if (b.alreadyStored) continue;
    const data = bytes(b.sha256);
    if (b.url) {
      const res = await put(b.url, data, headersOf(b.headers));
      if (res.status !== 200) throw new Error(`PUT ${b.sha256}: ${res.status} ${await res.text()}`);
    }
    let offset = 0;
    for (const p of b.parts) {
      const res = await put(p.url, data.subarray(offset, offset + p.size), headersOf(p.headers));
      if (res.status !== 200) throw new Error(`PUT part ${p.partNumber}: ${res.status} ${await res.text()}`);
      offset += p.size;
    }
  }
}

/** The SHA-256 of each `partSize` part of a body. */
export function partDigests(body: Buffer, partSize: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < body.length; i += partSize) out.push(sha256(body.subarray(i, i + partSize)));
  return out;
}

export interface DownloadView {
  expiresAt: string | null;
  files: Array<{
    path: string;
    size: number | null;
    sha256: string | null;
    url: string | null;
    location: string | null;
  }>;
}

export async function artifactDownload(url: string, ref: string, filePath?: string): Promise<DownloadView> {
  const data = await gqlOk<{ artifactDownload: DownloadView }>(
    url,
    `query($r: String!, $p: String) { artifactDownload(ref: $r, path: $p) { expiresAt files { path size sha256 url location } } }`,
    { r: ref, p: filePath ?? null },
  );
  return data.artifactDownload;
}

/** GETs a URL and checks what came back against the SHA-256 it should have. */
export async function downloadVerified(url: string, expectedSha: string): Promise<Buffer> {
  const res = await fetch(url);
  if (res.status !== 200) throw new Error(`GET: ${res.status} ${await res.text()}`);
  const body = Buffer.from(await res.arrayBuffer());
  if (sha256(body) !== expectedSha) throw new Error(`GET returned a body with another SHA-256`);
  return body;
}

export function expectCode(res: GraphQLResponse, code: string): void {
  const codes = (res.errors ?? []).map((e) => e.extensions?.code);
  if (!codes.includes(code)) throw new Error(`expected ${code}, got ${JSON.stringify(res.errors ?? res.data)}`);
}

/** A server with the local store in a temp directory (no S3 bucket). */
export async function startLocalSkein(env: Record<string, string> = {}): Promise<SkeinHandle & { dir: string }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'skein-bodies-'));
  const skein = await startTestSkein({ S3_BUCKET: '', SKEIN_DATA_DIR: dir, ...env });
  return Object.assign(Object.create(skein) as SkeinHandle, {
    dir,
    stop: async () => {
      await skein.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  });
}

/** A server on the S3 the harness started (S3Proxy unless S3_ENDPOINT points elsewhere). */
export async function startS3Skein(env: Record<string, string> = {}): Promise<SkeinHandle> {
  if (!process.env.S3_BUCKET) throw new Error('S3_BUCKET is not set: run through jest (global setup starts S3Proxy)');
  return startTestSkein(env);
}

/**
 * Deletes the stored objects of a test workspace's artifacts (S3Proxy in the harness keeps objects
 * in memory, so big test bodies must not pile up run after run). Test bodies are unique, so no
 * other artifact holds them.
 */
export async function deleteWorkspaceBodies(skein: SkeinHandle, workspace: string): Promise<void> {
  const data = await gqlOk<{ artifacts: { edges: Array<{ node: { location: string | null } }> } }>(
    skein.graphqlUrl,
    'query($w: String!) { artifacts(workspace: $w, first: 1000) { edges { node { location } } } }',
    { w: workspace },
  );
  const prefix = `s3://${process.env.S3_BUCKET}/`;
  for (const { node } of data.artifacts.edges) {
    if (node.location?.startsWith(`${prefix}bodies/`))
      await skein.bodies.store.delete(node.location.slice(prefix.length));
  }
}

/** The first error of an HTTP error answer ({ errors: [{ message, extensions: { code } }] }). */
export async function httpError(res: Response): Promise<{ message: string; code: string }> {
  const body = (await res.json()) as { errors: Array<{ message: string; extensions: { code: string } }> };
  return { message: body.errors[0]!.message, code: body.errors[0]!.extensions.code };
}

/**
 * The status of a PUT the store may refuse before reading the body: a store that answers 403
 * up front and closes the connection leaves the client with EPIPE/ECONNRESET instead ("closed").
 */
export async function putStatus(url: string, body: Buffer, headers: Record<string, string> = {}) {
  try {
    const res = await put(url, body, headers);
    await res.arrayBuffer();
    return res.status;
  } catch (err) {
    const code = (err as { cause?: { code?: string } }).cause?.code;
    if (code === 'EPIPE' || code === 'ECONNRESET' || code === 'UND_ERR_SOCKET') return 'closed';
    throw err;
  }
}

/** Whether the local store holds the body with this SHA-256: the file on disk, not Skein's word. */
export function bodyInLocalStore(skein: { dir: string }, sha: string): Promise<boolean> {
  return Promise.resolve(existsSync(path.join(skein.dir, 'store', 'bodies', 'sha256', sha)));
}

/** Whether the test bucket holds the body with this SHA-256: S3's HeadObject, not Skein's word. */
export async function bodyInS3(_skein: unknown, sha: string): Promise<boolean> {
  const client = new S3Client({
    endpoint: process.env.S3_ENDPOINT,
    region: process.env.S3_REGION ?? 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: process.env.S3_ACCESS_KEY_ID!, secretAccessKey: process.env.S3_SECRET_ACCESS_KEY! },
  });
  try {
    await client.send(new HeadObjectCommand({ Bucket: process.env.S3_BUCKET, Key: `bodies/sha256/${sha}` }));
    return true;
  } catch (err) {
    if ((err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) return false;
    throw err;
  } finally {
    client.destroy();
  }
}
