import path from 'node:path';
import { z } from 'zod';
import { checkPathTemplate, DEFAULT_ARTIFACT_PATH } from './services/bodies/path-template';
import { LIMIT_DEFAULTS, type LimitsConfig } from './domain/limits';
import { DEFAULT_IDEMPOTENCY_TTL_SECONDS } from './graph/idempotency';
import { DEFAULT_SEARCH_INDEX_LIMIT } from './graph/search-index';
import { DEFAULT_PURGE_GRACE_SECONDS } from './graph/lifecycle.repository';
import type { OidcSettings } from './auth/oidc';
import { RATE_LIMIT_DEFAULTS, type RateLimitSettings } from './http/rate-limit';
import type { IntrospectionPolicy } from './domain/introspection';
import { MAX_TOKEN_TTL_SECONDS } from './domain/token';
import { parseToken } from './auth/token-secret';

/**
 * The one configuration object. Every setting comes from an environment variable (flags on
 * `skein serve` override them under the same names); start-up stops with one message that names
 * every bad variable and what it expects, instead of failing later at first use.
 */

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'expected true or false' })
  .transform((v) => v === 'true' || v === '1' || v === 'yes');
const port = z.coerce
  .number({ message: 'expected a port number' })
  .int('expected a whole number')
  .min(0, 'expected a port between 0 and 65535')
  .max(65535, 'expected a port between 0 and 65535');
const positiveInt = (what: string) =>
  z.coerce
    .number({ message: `expected ${what}` })
    .int(`expected ${what}`)
    .positive(`expected ${what}`);
const url = (schemes: string[]) =>
  z.string().refine((v) => schemes.some((s) => v.startsWith(`${s}://`)), {
    message: `expected a URL starting with ${schemes.map((s) => `${s}://`).join(', ')}`,
  });

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;
const WEEK = 7 * 24 * 3600; // the longest a SigV4 presigned URL may live

const envSchema = z
  .object({
    SKEIN_HOST: z.string().min(1).default('127.0.0.1'),
    SKEIN_PORT: port.default(4000),
    SKEIN_DATA_DIR: z.string().min(1).default('.skein'),
    SKEIN_LOG_LEVEL: z
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
        message: 'expected one of fatal, error, warn, info, debug, trace, silent',
      })
      .default('info'),
    SKEIN_MIGRATE: bool.default(true),
    SKEIN_MAX_BODY_BYTES: positiveInt('a number of bytes').default(10 * 1024 * 1024),
    SKEIN_QUERY_TIMEOUT_MS: positiveInt('a number of milliseconds').default(30_000),
    SKEIN_WARMUP: bool.default(true),
    SKEIN_NEO4J_HEAP_MB: positiveInt('a number of megabytes').default(1024),
    SKEIN_NEO4J_PAGECACHE_MB: positiveInt('a number of megabytes').default(512),
    // Request limits (README "Limits"): checked before anything runs; src/graphql/limits/.
    SKEIN_MAX_DEPTH: positiveInt('a number of levels').default(LIMIT_DEFAULTS.maxDepth),
    SKEIN_MAX_ALIASES: positiveInt('a number of aliases').default(LIMIT_DEFAULTS.maxAliases),
    SKEIN_MAX_TOKENS: positiveInt('a number of tokens').default(LIMIT_DEFAULTS.maxTokens),
    SKEIN_MAX_DIRECTIVES: positiveInt('a number of directives').default(LIMIT_DEFAULTS.maxDirectives),
    SKEIN_MAX_COST: positiveInt('a cost').default(LIMIT_DEFAULTS.maxCost),
    SKEIN_MAX_VARIABLE_ELEMENTS: positiveInt('a number of elements').default(LIMIT_DEFAULTS.maxVariableElements),
    SKEIN_MAX_VARIABLE_DEPTH: positiveInt('a number of levels').default(LIMIT_DEFAULTS.maxVariableDepth),
    SKEIN_MAX_REQUEST_SESSIONS: positiveInt('a number of sessions').default(LIMIT_DEFAULTS.maxRequestSessions),
    SKEIN_MAX_GRAPH_RECORDS: positiveInt('a number of records').default(LIMIT_DEFAULTS.maxGraphRecords),
    // Crash and restart (README "What Skein guarantees on crash and restart").
    SKEIN_SHUTDOWN_GRACE_MS: positiveInt('a number of milliseconds').default(20_000),
    SKEIN_NEO4J_RESTARTS: z.coerce.number({ message: 'expected a count' }).int('expected a count').min(0).default(3),
    SKEIN_IDEMPOTENCY_TTL: positiveInt('a number of seconds').default(DEFAULT_IDEMPOTENCY_TTL_SECONDS),
    SKEIN_SEARCH_INDEXES: positiveInt('a number of indexes').default(DEFAULT_SEARCH_INDEX_LIMIT),
    // Lifecycle: deleted runs, artifacts and workspaces are purged this long after their deletion.
    SKEIN_PURGE_GRACE: positiveInt('a number of seconds').default(DEFAULT_PURGE_GRACE_SECONDS),
    // The change feed: how often a subscription reads the feed when no commit here woke it.
    SKEIN_FEED_POLL_MS: positiveInt('a number of milliseconds').default(1000),
    SKEIN_ALLOWED_HOSTS: z.string().optional(),
    // Webhooks (README "Webhooks"): how often due deliveries are looked for, and the first retry's delay.
    SKEIN_WEBHOOK_POLL_MS: positiveInt('a number of milliseconds').default(1000),
    SKEIN_WEBHOOK_RETRY_BASE_MS: positiveInt('a number of milliseconds').default(1000),
    // Access control (README "Security"): SSO, rate limits, introspection, CORS.
    SKEIN_OIDC_ISSUER: url(['http', 'https']).optional(),
    SKEIN_OIDC_AUDIENCE: z.string().min(1).optional(),
    SKEIN_OIDC_GROUPS_CLAIM: z.string().min(1).default('groups'),
    SKEIN_OIDC_ADMIN_GROUPS: z.string().optional(),
    SKEIN_RATE_LIMIT: z.coerce
      .number({ message: 'expected a number of requests a minute (0 turns the limit off)' })
      .int('expected a whole number')
      .min(0, 'expected a number of requests a minute (0 turns the limit off)')
      .default(RATE_LIMIT_DEFAULTS.perMinute),
    SKEIN_RATE_LIMIT_BURST: positiveInt('a number of requests a second').default(RATE_LIMIT_DEFAULTS.burstPerSecond),
    SKEIN_INTROSPECTION: z
      .enum(['authenticated', 'on', 'off'], { message: 'expected one of authenticated, on, off' })
      .default('authenticated'),
    SKEIN_CORS_ORIGINS: z.string().optional(),
    // Access control (README "Security"): on unless Skein listens on loopback only.
    SKEIN_AUTH: z.enum(['on', 'off', 'auto'], { message: 'expected on, off or auto' }).default('auto'),
    SKEIN_ADMIN_TOKEN: z
      .string()
      .refine((v) => parseToken(v) !== null, {
        message: 'expected an API token, skn_<12 letters/digits>_<43 characters>; make one with `skein token generate`',
      })
      .optional(),
    SKEIN_TOKEN_MAX_TTL: positiveInt('a number of seconds')
      .min(60, 'expected at least 60 seconds')
      .default(MAX_TOKEN_TTL_SECONDS),
    NEO4J_URI: url(['bolt', 'bolt+s', 'bolt+ssc', 'neo4j', 'neo4j+s', 'neo4j+ssc']).optional(),
    NEO4J_USERNAME: z.string().default('neo4j'),
    NEO4J_PASSWORD: z.string().default(''),
    NEO4J_DATABASE: z.string().optional(),
    S3_BUCKET: z.string().min(3, 'expected a bucket name of at least 3 characters').optional(),
    S3_ENDPOINT: url(['http', 'https']).optional(),
    S3_REGION: z.string().default('us-east-1'),
    S3_ACCESS_KEY_ID: z.string().optional(),
    S3_SECRET_ACCESS_KEY: z.string().optional(),
    S3_FORCE_PATH_STYLE: bool.optional(),
    // Bodies (see README "Bodies"): uploads and downloads through signed URLs.
    SKEIN_PUBLIC_URL: url(['http', 'https']).optional(),
    SKEIN_SIGNING_SECRET: z.string().min(32, 'expected at least 32 characters').optional(),
    SKEIN_LOCAL_STORE_DIR: z.string().min(1).optional(),
    // Default: 50 GiB, or 10,000 parts if that is less.
    SKEIN_MAX_UPLOAD_BYTES: positiveInt('a number of bytes').optional(),
    SKEIN_MULTIPART_THRESHOLD: positiveInt('a number of bytes').default(64 * MiB),
    SKEIN_MULTIPART_PART_SIZE: positiveInt('a number of bytes')
      .min(5 * MiB, 'expected at least 5 MiB (5242880), the smallest part S3 accepts')
      .max(5 * GiB, 'expected at most 5 GiB, the largest part S3 accepts')
      .default(16 * MiB),
    SKEIN_UPLOAD_URL_EXPIRES: positiveInt('a number of seconds')
      .max(WEEK, 'expected at most 604800 (7 days)')
      .default(3600),
    SKEIN_DOWNLOAD_URL_EXPIRES: positiveInt('a number of seconds')
      .max(WEEK, 'expected at most 604800 (7 days)')
      .default(900),
    SKEIN_UPLOAD_TTL: positiveInt('a number of seconds').default(86_400),
    SKEIN_ARTIFACT_PATH: z
      .string()
      .default(DEFAULT_ARTIFACT_PATH)
      .superRefine((v, ctx) => {
        const problem = checkPathTemplate(v);
        if (problem) ctx.addIssue({ code: 'custom', message: problem });
      }),
  })
  .superRefine((env, ctx) => {
    if (env.SKEIN_AUTH === 'off' && !isLoopback(env.SKEIN_HOST)) {
      ctx.addIssue({
        code: 'custom',
        path: ['SKEIN_AUTH'],
        message: `auth may be off only while Skein listens on loopback (127.0.0.1, ::1, localhost), not on SKEIN_HOST="${env.SKEIN_HOST}": anyone who reaches it could read and change everything`,
      });
    }
    if (!env.NEO4J_URI && env.NEO4J_DATABASE) {
      ctx.addIssue({ code: 'custom', path: ['NEO4J_DATABASE'], message: 'needs NEO4J_URI as well' });
    }
    if (Boolean(env.S3_ACCESS_KEY_ID) !== Boolean(env.S3_SECRET_ACCESS_KEY)) {
      ctx.addIssue({
        code: 'custom',
        path: [env.S3_ACCESS_KEY_ID ? 'S3_SECRET_ACCESS_KEY' : 'S3_ACCESS_KEY_ID'],
        message: 'S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY go together',
      });
    }
    if (env.SKEIN_MULTIPART_THRESHOLD < env.SKEIN_MULTIPART_PART_SIZE) {
      ctx.addIssue({
        code: 'custom',
        path: ['SKEIN_MULTIPART_THRESHOLD'],
        message: `must be at least SKEIN_MULTIPART_PART_SIZE (${env.SKEIN_MULTIPART_PART_SIZE})`,
      });
    }
    if (env.SKEIN_MAX_UPLOAD_BYTES && env.SKEIN_MAX_UPLOAD_BYTES > env.SKEIN_MULTIPART_PART_SIZE * 10_000) {
      ctx.addIssue({
        code: 'custom',
        path: ['SKEIN_MAX_UPLOAD_BYTES'],
        message: `can be at most 10000 parts of SKEIN_MULTIPART_PART_SIZE (${env.SKEIN_MULTIPART_PART_SIZE * 10_000})`,
      });
    }
    if (env.SKEIN_OIDC_ISSUER && !env.SKEIN_OIDC_AUDIENCE) {
      ctx.addIssue({
        code: 'custom',
        path: ['SKEIN_OIDC_AUDIENCE'],
        message: "is required with SKEIN_OIDC_ISSUER: the audience (`aud`) the issuer puts in Skein's access tokens",
      });
    }
    for (const origin of listOf(env.SKEIN_CORS_ORIGINS)) {
      if (!isOrigin(origin))
        ctx.addIssue({
          code: 'custom',
          path: ['SKEIN_CORS_ORIGINS'],
          message: `"${origin}" is not an origin: expected scheme://host[:port] with no path, e.g. https://app.example.com`,
        });
    }
    if (env.SKEIN_UPLOAD_TTL < env.SKEIN_UPLOAD_URL_EXPIRES) {
      ctx.addIssue({
        code: 'custom',
        path: ['SKEIN_UPLOAD_TTL'],
        message: `must be at least SKEIN_UPLOAD_URL_EXPIRES (${env.SKEIN_UPLOAD_URL_EXPIRES}): an upload must not be cleaned up while its URLs still work`,
      });
    }
  });

export type EnvInput = Record<string, string | undefined>;

export interface Config {
  http: {
    host: string;
    port: number;
    maxBodyBytes: number;
    /** How long SIGTERM waits for requests in flight before it closes their connections. */
    shutdownGraceMs: number;
    /** Host header values served besides the loopback names (SKEIN_ALLOWED_HOSTS); undefined: none given. */
    allowedHosts?: string[];
  };
  /** How long an idempotency key is remembered, in seconds. */
  idempotencyTtlSeconds: number;
  /** The most run-search indexes Skein makes, one per searched key (SKEIN_SEARCH_INDEXES). */
  searchIndexLimit: number;
  /** How long deleted things wait before the purge removes them for good, in seconds (SKEIN_PURGE_GRACE). */
  purgeGraceSeconds: number;
  /**
   * How often a change-feed follower (a subscription) reads the feed when no commit in this process
   * woke it, in milliseconds (SKEIN_FEED_POLL_MS): the longest another instance's change waits.
   */
  feedPollMs: number;
  dataDir: string;
  logLevel: string;
  migrateOnStart: boolean;
  warmUp: boolean;
  neo4j: {
    /** Undefined: Skein starts and owns a local Neo4j under dataDir. */
    uri?: string;
    username: string;
    password: string;
    database?: string;
    queryTimeoutMs: number;
    /**
     * The Neo4j Skein starts itself; `restarts`: how often it is restarted after dying before
     * Skein gives up (SKEIN_NEO4J_RESTARTS, default 3; optional for callers that start no Neo4j).
     */
    local: { heapMb: number; pageCacheMb: number; restarts?: number };
  };
  s3?: {
    bucket: string;
    endpoint?: string;
    region: string;
    credentials?: { accessKeyId: string; secretAccessKey: string };
    forcePathStyle: boolean;
  };
  /** Artifact bodies: the S3 store when `s3` is set, else the local store under `localDir`. */
  bodies: BodiesConfig;
  /** What one request may ask for and hold (src/graphql/limits/). */
  limits: LimitsConfig;
  /** SSO: the OpenID Connect issuer whose access tokens are accepted (absent: no SSO). */
  oidc?: OidcSettings;
  /** Requests per caller (src/http/rate-limit.ts); `perMinute` 0 turns limiting off. */
  rateLimit: RateLimitSettings;
  /**
   * Who may introspect the schema (and get "Did you mean …" suggestions): `authenticated` (signed-in
   * callers, and everyone while auth is off), `on` (everyone) or `off` (no one).
   */
  introspection: IntrospectionPolicy;
  /** Browser origins allowed to call /graphql across sites (SKEIN_CORS_ORIGINS); empty: none. */
  corsOrigins: string[];
  /** Access control (README "Security"). */
  auth: AuthConfig;
  /** Webhook deliveries (src/services/webhook-dispatch.ts). */
  webhooks: {
    /** How often each instance looks for due deliveries, in milliseconds (SKEIN_WEBHOOK_POLL_MS). */
    pollMs: number;
    /** The first retry's delay in milliseconds, doubled per failure up to 10 minutes (SKEIN_WEBHOOK_RETRY_BASE_MS). */
    retryBaseMs: number;
  };
}

export interface AuthConfig {
  /**
   * SKEIN_AUTH resolved: 'off' only on loopback (a single user, who may do everything); 'on'
   * requires credentials for everything but the public operations.
   */
  mode: 'on' | 'off';
  /** SKEIN_ADMIN_TOKEN: an admin API token to provision on start (stored hashed, never printed). */
  adminToken?: string;
  /** SKEIN_TOKEN_MAX_TTL: the longest lifetime a created API token may have, in seconds. */
  tokenMaxTtlSeconds: number;
}

const LOOPBACK_NAMES = new Set(['localhost', '::1', '[::1]', '0:0:0:0:0:0:0:1']);

/** True for addresses only this machine can reach: 127.0.0.0/8, ::1, localhost. */
export function isLoopback(host: string): boolean {
  const h = host.trim().toLowerCase();
  return LOOPBACK_NAMES.has(h) || /^127(\.\d{1,3}){3}$/.test(h) || /^::ffff:127(\.\d{1,3}){3}$/.test(h);
}

export interface BodiesConfig {
  /** The local store's root (unused with S3). */
  localDir: string;
  /** Base of the local store's URLs as clients reach them; default: the address Skein listens on. */
  publicUrl?: string;
  /** HMAC key of the local store's URLs; default: a random one kept in <dataDir>/signing-secret. */
  signingSecret?: string;
  /** The largest body createUpload accepts. */
  maxUploadBytes: number;
  /** Bodies larger than this upload in parts. */
  multipartThreshold: number;
  /** The fixed part size (part of a multipart body's content address). */
  partSize: number;
  /** How long upload URLs stay valid, in seconds (the default; callers may ask for less). */
  uploadUrlExpiresIn: number;
  /** How long download URLs stay valid, in seconds. */
  downloadUrlExpiresIn: number;
  /** PENDING uploads older than this many seconds are aborted and cleaned up. */
  uploadTtlSeconds: number;
  /** The server's artifact path template (lowest precedence). */
  artifactPath: string;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Skein cannot start, the configuration has problems:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Reads the environment (plus overrides from flags) into a Config, or throws ConfigError. */
export function loadConfig(env: EnvInput = process.env, overrides: EnvInput = {}): Config {
  const merged = { ...pickDefined(env), ...pickDefined(overrides) };
  const parsed = envSchema.safeParse(merged);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((i) => {
        const name = String(i.path[0] ?? 'environment');
        const value = merged[name];
        return `${name}${value === undefined ? '' : `="${value}"`}: ${i.message}`;
      }),
    );
  }
  return toConfig(parsed.data);
}

function toConfig(e: z.infer<typeof envSchema>): Config {
  return {
    http: {
      host: e.SKEIN_HOST,
      port: e.SKEIN_PORT,
      maxBodyBytes: e.SKEIN_MAX_BODY_BYTES,
      shutdownGraceMs: e.SKEIN_SHUTDOWN_GRACE_MS,
      allowedHosts: e.SKEIN_ALLOWED_HOSTS?.split(',')
        .map((h) => h.trim().toLowerCase())
        .filter(Boolean),
    },
    idempotencyTtlSeconds: e.SKEIN_IDEMPOTENCY_TTL,
    searchIndexLimit: e.SKEIN_SEARCH_INDEXES,
    purgeGraceSeconds: e.SKEIN_PURGE_GRACE,
    feedPollMs: e.SKEIN_FEED_POLL_MS,
    dataDir: path.resolve(e.SKEIN_DATA_DIR),
    logLevel: e.SKEIN_LOG_LEVEL,
    migrateOnStart: e.SKEIN_MIGRATE,
    warmUp: e.SKEIN_WARMUP,
    neo4j: {
      uri: e.NEO4J_URI,
      username: e.NEO4J_USERNAME,
      password: e.NEO4J_PASSWORD,
      database: e.NEO4J_DATABASE,
      queryTimeoutMs: e.SKEIN_QUERY_TIMEOUT_MS,
      local: {
        heapMb: e.SKEIN_NEO4J_HEAP_MB,
        pageCacheMb: e.SKEIN_NEO4J_PAGECACHE_MB,
        restarts: e.SKEIN_NEO4J_RESTARTS,
      },
    },
    s3: e.S3_BUCKET
      ? {
          bucket: e.S3_BUCKET,
          endpoint: e.S3_ENDPOINT,
          region: e.S3_REGION,
          credentials:
            e.S3_ACCESS_KEY_ID && e.S3_SECRET_ACCESS_KEY
              ? { accessKeyId: e.S3_ACCESS_KEY_ID, secretAccessKey: e.S3_SECRET_ACCESS_KEY }
              : undefined,
          // Custom endpoints (S3Proxy, MinIO) rarely serve virtual-hosted buckets.
          forcePathStyle: e.S3_FORCE_PATH_STYLE ?? Boolean(e.S3_ENDPOINT),
        }
      : undefined,
    bodies: {
      localDir: path.resolve(e.SKEIN_LOCAL_STORE_DIR ?? path.join(e.SKEIN_DATA_DIR, 'store')),
      publicUrl: e.SKEIN_PUBLIC_URL?.replace(/\/+$/, ''),
      signingSecret: e.SKEIN_SIGNING_SECRET,
      maxUploadBytes: e.SKEIN_MAX_UPLOAD_BYTES ?? Math.min(50 * GiB, e.SKEIN_MULTIPART_PART_SIZE * 10_000),
      multipartThreshold: e.SKEIN_MULTIPART_THRESHOLD,
      partSize: e.SKEIN_MULTIPART_PART_SIZE,
      uploadUrlExpiresIn: e.SKEIN_UPLOAD_URL_EXPIRES,
      downloadUrlExpiresIn: e.SKEIN_DOWNLOAD_URL_EXPIRES,
      uploadTtlSeconds: e.SKEIN_UPLOAD_TTL,
      artifactPath: e.SKEIN_ARTIFACT_PATH,
    },
    oidc: e.SKEIN_OIDC_ISSUER
      ? {
          issuer: e.SKEIN_OIDC_ISSUER,
          audience: e.SKEIN_OIDC_AUDIENCE!,
          groupsClaim: e.SKEIN_OIDC_GROUPS_CLAIM,
          adminGroups: listOf(e.SKEIN_OIDC_ADMIN_GROUPS),
        }
      : undefined,
    rateLimit: { perMinute: e.SKEIN_RATE_LIMIT, burstPerSecond: e.SKEIN_RATE_LIMIT_BURST },
    introspection: e.SKEIN_INTROSPECTION,
    corsOrigins: listOf(e.SKEIN_CORS_ORIGINS).map((o) => o.replace(/\/+$/, '').toLowerCase()),
    auth: {
      mode: e.SKEIN_AUTH === 'auto' ? (isLoopback(e.SKEIN_HOST) ? 'off' : 'on') : e.SKEIN_AUTH,
      adminToken: e.SKEIN_ADMIN_TOKEN,
      tokenMaxTtlSeconds: e.SKEIN_TOKEN_MAX_TTL,
    },
    webhooks: { pollMs: e.SKEIN_WEBHOOK_POLL_MS, retryBaseMs: e.SKEIN_WEBHOOK_RETRY_BASE_MS },
    limits: {
      maxDepth: e.SKEIN_MAX_DEPTH,
      maxAliases: e.SKEIN_MAX_ALIASES,
      maxTokens: e.SKEIN_MAX_TOKENS,
      maxDirectives: e.SKEIN_MAX_DIRECTIVES,
      maxCost: e.SKEIN_MAX_COST,
      maxVariableElements: e.SKEIN_MAX_VARIABLE_ELEMENTS,
      maxVariableDepth: e.SKEIN_MAX_VARIABLE_DEPTH,
      maxRequestSessions: e.SKEIN_MAX_REQUEST_SESSIONS,
      maxGraphRecords: e.SKEIN_MAX_GRAPH_RECORDS,
    },
  };
}

/** A comma-separated setting as its trimmed, non-empty entries. */
function listOf(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);
}

/** `https://app.example.com[:port]` (a trailing slash tolerated), as browsers send `Origin`. */
function isOrigin(value: string): boolean {
  try {
    const u = new URL(value);
    return (
      (u.protocol === 'http:' || u.protocol === 'https:') && `${u.origin}` === value.replace(/\/+$/, '').toLowerCase()
    );
  } catch {
    return false;
  }
}

function pickDefined(env: EnvInput): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined && v !== '') out[k] = v;
  return out;
}

/** The documented settings, for `skein serve --help` and the README's table. */
export const CONFIG_VARIABLES = Object.keys(envSchema.shape);
