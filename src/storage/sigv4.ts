import { createHash, createHmac } from 'node:crypto';

/**
 * AWS Signature V4 query signing (presigned URLs) with a cached signing key.
 *
 * `getSignedUrl` from @aws-sdk/s3-request-presigner runs the whole middleware stack per URL
 * (serialisation, endpoint rules, a cloned request); a list of artifacts with download URLs
 * pays that a thousand times. Here one URL costs a SHA-256 of the canonical request and one
 * HMAC: the four-step key derivation is done once per (secret, day, region). The URLs are the
 * same as the SDK's for the same inputs (test/unit/storage-sigv4.test.ts compares them byte for
 * byte, test/integration/bodies-signing.test.ts has S3 accept them); bench/signing.ts measures both.
 */

export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface PresignInput {
  method: 'GET' | 'HEAD' | 'PUT' | 'DELETE';
  /** The request path as sent, already escaped (see `escapePath`), e.g. `/bucket/bodies/sha256/ab…`. */
  path: string;
  /** Extra query parameters (unescaped), signed. */
  query?: Record<string, string>;
  /**
   * Headers the caller must send exactly, signed (never hoisted into the query string, where a store
   * may not enforce them). Names in lower case; `host` is always signed and need not be given.
   */
  headers?: Record<string, string>;
  expiresIn: number;
}

export interface SigV4Options {
  /** scheme://host[:port] of the endpoint the URLs point at. */
  origin: string;
  region: string;
  service?: string;
}

const ALGORITHM = 'AWS4-HMAC-SHA256';
const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';

export class SigV4Presigner {
  private readonly origin: string;
  private readonly host: string;
  private readonly region: string;
  private readonly service: string;
  /** The signing key and credential scope of the current day (and secret). */
  private day: { id: string; key: Buffer; credential: string } | undefined;
  /** X-Amz-Date of the current second. */
  private clock: { second: number; amzDate: string } = { second: -1, amzDate: '' };

  constructor(options: SigV4Options) {
    const url = new URL(options.origin);
    this.origin = `${url.protocol}//${url.host}`;
    // URL.host drops a default port, as the SDK's Host header does.
    this.host = url.host;
    this.region = options.region;
    this.service = options.service ?? 's3';
  }

  presign(credentials: AwsCredentials, input: PresignInput, now: Date = new Date()): string {
    const second = Math.floor(now.getTime() / 1000);
    if (second !== this.clock.second) this.clock = { second, amzDate: toAmzDate(now) };
    const amzDate = this.clock.amzDate;
    const day = this.signingDay(credentials, amzDate.slice(0, 8));

    let signedHeaders = 'host';
    let canonicalHeaders = `host:${this.host}\n`;
    if (input.headers) {
      const headers: Record<string, string> = { host: this.host };
      for (const name in input.headers) headers[name.toLowerCase()] = input.headers[name]!.trim();
      const names = Object.keys(headers).sort();
      signedHeaders = names.join(';');
      canonicalHeaders = '';
      for (const name of names) canonicalHeaders += `${name}:${headers[name]}\n`;
    }

    // Every parameter escaped once, sorted by (escaped) name.
    const params: Array<[string, string]> = [
      ['X-Amz-Algorithm', ALGORITHM],
      ['X-Amz-Content-Sha256', UNSIGNED_PAYLOAD],
      ['X-Amz-Credential', day.credential],
      ['X-Amz-Date', amzDate],
      ['X-Amz-Expires', String(input.expiresIn)],
      ['X-Amz-SignedHeaders', escapeUri(signedHeaders)],
    ];
    if (credentials.sessionToken) params.push(['X-Amz-Security-Token', escapeUri(credentials.sessionToken)]);
    for (const name in input.query) params.push([escapeUri(name), escapeUri(input.query[name]!)]);
    params.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    let canonicalQuery = '';
    for (const [name, value] of params) canonicalQuery += `${canonicalQuery ? '&' : ''}${name}=${value}`;

    const canonicalRequest = `${input.method}\n${input.path}\n${canonicalQuery}\n${canonicalHeaders}\n${signedHeaders}\n${UNSIGNED_PAYLOAD}`;
    const scope = `${amzDate.slice(0, 8)}/${this.region}/${this.service}/aws4_request`;
    const stringToSign = `${ALGORITHM}\n${amzDate}\n${scope}\n${createHash('sha256').update(canonicalRequest).digest('hex')}`;
    const signature = createHmac('sha256', day.key).update(stringToSign).digest('hex');
    return `${this.origin}${input.path}?${canonicalQuery}&X-Amz-Signature=${signature}`;
  }

  /**
   * kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, day), region), service), "aws4_request"), and
   * the escaped credential, computed once a day (and again when the credentials rotate).
   */
  private signingDay(credentials: AwsCredentials, day: string): { key: Buffer; credential: string } {
    const id = `${day}\n${credentials.accessKeyId}\n${credentials.secretAccessKey}`;
    if (this.day?.id === id) return this.day;
    let key = hmac(`AWS4${credentials.secretAccessKey}`, day);
    key = hmac(key, this.region);
    key = hmac(key, this.service);
    key = hmac(key, 'aws4_request');
    const credential = escapeUri(`${credentials.accessKeyId}/${day}/${this.region}/${this.service}/aws4_request`);
    this.day = { id, key, credential };
    return this.day;
  }
}

const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data).digest();

/** 20261123T163600Z */
export function toAmzDate(d: Date): string {
  const iso = d.toISOString(); // 2026-11-23T16:36:00.000Z
  return `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`;
}

const UNRESERVED = /^[A-Za-z0-9\-_.~]*$/;
const SUB_DELIMS = /[!'()*]/g;

/** RFC 3986 escaping as SigV4 wants it: everything but A-Z a-z 0-9 - _ . ~ */
export function escapeUri(value: string): string {
  if (UNRESERVED.test(value)) return value; // the common case: ids, numbers, hex
  return encodeURIComponent(value).replace(SUB_DELIMS, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** An object key as a URL path (S3 style: each segment escaped, slashes kept, no normalisation). */
export function escapePath(key: string): string {
  return key.split('/').map(escapeUri).join('/');
}
