/**
 * Signing speed: presigned S3 URLs per second on one core, three ways.
 *
 *   sdk getSignedUrl   @aws-sdk/s3-request-presigner: the client's middleware stack per URL
 *   smithy SignatureV4 @smithy/signature-v4 on a prepared request (its own signing-key cache)
 *   skein SigV4        src/storage/sigv4.ts: canonical request + one HMAC with a cached key
 *   skein S3BodyStore  the same through the store, as the API signs (credentials provider, file name)
 *
 * Each is measured for a download (GET with a file name and type) and an upload (PUT with the
 * size and SHA-256 as signed headers). Single-threaded, so the rate is per core. The target is
 * a list of 1,000 artifacts with download URLs spending well under a third of a second signing.
 *
 *   npm run build && node dist/bench/signing.js [seconds-per-case]
 */
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { SignatureV4 } from '@smithy/signature-v4';
import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { S3BodyStore } from '../src/storage/s3-store';
import { escapePath, SigV4Presigner } from '../src/storage/sigv4';

const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };
const origin = 'http://127.0.0.1:19000';
const bucket = 'skein-bench';
const region = 'us-east-1';
const sha256b64 = 'n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg=';
const KEYS = Array.from(
  { length: 4096 },
  (_, i) => `bodies/sha256/${createHash('sha256').update(String(i)).digest('hex')}`,
);
const keyOf = (i: number) => KEYS[i % KEYS.length]!;
const disposition = (i: number) => `attachment; filename="model-${i}.pkl"`;

/** A node:crypto SHA-256 in the shape @smithy/signature-v4 asks for. */
class NodeSha256 {
  private readonly h: Hash | Hmac;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.h = secret ? createHmac('sha256', toBytes(secret)) : createHash('sha256');
  }
  update(data: string | ArrayBuffer | ArrayBufferView): void {
    this.h.update(toBytes(data));
  }
  async digest(): Promise<Uint8Array> {
    return this.h.digest();
  }
}

const toBytes = (d: string | ArrayBuffer | ArrayBufferView): string | Uint8Array =>
  typeof d === 'string'
    ? d
    : d instanceof ArrayBuffer
      ? new Uint8Array(d)
      : new Uint8Array(d.buffer, d.byteOffset, d.byteLength);

interface Case {
  signer: string;
  op: 'GET' | 'PUT';
  sign: (i: number) => string | Promise<string>;
}

function cases(): { cases: Case[]; close: () => void } {
  const client = new S3Client({
    endpoint: origin,
    region,
    forcePathStyle: true,
    credentials,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  const smithy = new SignatureV4({ credentials, region, service: 's3', sha256: NodeSha256, uriEscapePath: false });
  const skein = new SigV4Presigner({ origin, region });
  const store = new S3BodyStore({ bucket, endpoint: origin, region, credentials, forcePathStyle: true });
  const hostname = '127.0.0.1';
  const smithyRequest = (
    method: string,
    i: number,
    query: Record<string, string>,
    headers: Record<string, string>,
  ) => ({
    method,
    protocol: 'http:',
    hostname,
    port: 19000,
    path: `/${bucket}/${escapePath(keyOf(i))}`,
    query: { ...query, 'X-Amz-Content-Sha256': 'UNSIGNED-PAYLOAD' },
    headers: { host: `${hostname}:19000`, ...headers },
  });
  const url = (r: { protocol: string; hostname: string; port?: number; path: string; query?: object }) =>
    `${r.protocol}//${r.hostname}:${r.port}${r.path}?${new URLSearchParams(r.query as Record<string, string>)}`;

  return {
    close: () => {
      client.destroy();
      void store.close();
    },
    cases: [
      {
        signer: 'sdk getSignedUrl',
        op: 'GET',
        sign: (i) =>
          getSignedUrl(
            client,
            new GetObjectCommand({ Bucket: bucket, Key: keyOf(i), ResponseContentDisposition: disposition(i) }),
            { expiresIn: 900 },
          ),
      },
      {
        signer: 'sdk getSignedUrl',
        op: 'PUT',
        sign: (i) =>
          getSignedUrl(
            client,
            new PutObjectCommand({ Bucket: bucket, Key: keyOf(i), ChecksumSHA256: sha256b64, ContentLength: 1234 }),
            {
              expiresIn: 3600,
              unhoistableHeaders: new Set(['x-amz-checksum-sha256']),
              signableHeaders: new Set(['content-length']),
            },
          ),
      },
      {
        signer: 'smithy SignatureV4',
        op: 'GET',
        sign: async (i) =>
          url(
            await smithy.presign(smithyRequest('GET', i, { 'response-content-disposition': disposition(i) }, {}), {
              expiresIn: 900,
            }),
          ),
      },
      {
        signer: 'smithy SignatureV4',
        op: 'PUT',
        sign: async (i) =>
          url(
            await smithy.presign(
              smithyRequest('PUT', i, {}, { 'content-length': '1234', 'x-amz-checksum-sha256': sha256b64 }),
              {
                expiresIn: 3600,
                unhoistableHeaders: new Set(['x-amz-checksum-sha256']),
                signableHeaders: new Set(['content-length']),
              },
            ),
          ),
      },
      {
        signer: 'skein SigV4 (cached key)',
        op: 'GET',
        sign: (i) =>
          skein.presign(credentials, {
            method: 'GET',
            path: `/${bucket}/${escapePath(keyOf(i))}`,
            query: { 'response-content-disposition': disposition(i) },
            expiresIn: 900,
          }),
      },
      {
        signer: 'skein SigV4 (cached key)',
        op: 'PUT',
        sign: (i) =>
          skein.presign(credentials, {
            method: 'PUT',
            path: `/${bucket}/${escapePath(keyOf(i))}`,
            headers: { 'content-length': '1234', 'x-amz-checksum-sha256': sha256b64 },
            expiresIn: 3600,
          }),
      },
      {
        signer: 'skein S3BodyStore',
        op: 'GET',
        sign: (i) =>
          store.signGet(keyOf(i), { fileName: `model-${i}.pkl`, contentType: 'application/octet-stream' }, 900),
      },
      {
        signer: 'skein S3BodyStore',
        op: 'PUT',
        sign: async (i) => (await store.signPut(keyOf(i), { size: 1234, sha256: keyOf(i).slice(-64) }, 3600)).url,
      },
    ],
  };
}

async function measure(c: Case, seconds: number): Promise<number> {
  for (let i = 0; i < 2_000; i++) await c.sign(i); // warm-up: JIT, key caches
  let n = 0;
  const started = process.hrtime.bigint();
  const deadline = started + BigInt(Math.round(seconds * 1e9));
  let now = started;
  while (now < deadline) {
    for (let j = 0; j < 200; j++) await c.sign(n++);
    now = process.hrtime.bigint();
  }
  return n / (Number(now - started) / 1e9);
}

export async function runSigningBench(seconds = 2): Promise<Array<{ signer: string; op: string; perSecond: number }>> {
  const { cases: all, close } = cases();
  try {
    const rows = [];
    for (const c of all) rows.push({ signer: c.signer, op: c.op, perSecond: await measure(c, seconds) });
    return rows;
  } finally {
    close();
  }
}

async function main(): Promise<void> {
  const seconds = Number(process.argv[2] ?? 2);
  const rows = await runSigningBench(seconds);
  console.log(`node ${process.version}, one core, ${seconds} s per case\n`);
  console.log('| signer | request | URLs/s per core | 1,000 URLs take |');
  console.log('| --- | --- | ---: | ---: |');
  for (const r of rows) {
    const ms = (1000 / r.perSecond) * 1000;
    console.log(`| ${r.signer} | ${r.op} | ${Math.round(r.perSecond).toLocaleString('en')} | ${ms.toFixed(1)} ms |`);
  }
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
