import { ConfigError, loadConfig } from '../../src/config';

describe('config', () => {
  it('defaults to a local Neo4j and the local body store', () => {
    const config = loadConfig({});
    expect(config.neo4j.uri).toBeUndefined();
    expect(config.s3).toBeUndefined();
    expect(config.http.port).toBe(4000);
    expect(config.migrateOnStart).toBe(true);
  });

  it('names every bad variable and what it expects, in one message', () => {
    const bad = { SKEIN_PORT: 'eighty', NEO4J_URI: 'http://db:7474', S3_BUCKET: 'ab', SKEIN_MIGRATE: 'maybe' };
    let error: unknown;
    try {
      loadConfig(bad);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    expect(message).toContain('SKEIN_PORT="eighty": expected a port number');
    expect(message).toContain('NEO4J_URI="http://db:7474": expected a URL starting with bolt://');
    expect(message).toContain('S3_BUCKET="ab": expected a bucket name of at least 3 characters');
    expect(message).toContain('SKEIN_MIGRATE="maybe": expected true or false');
    expect((error as ConfigError).problems).toHaveLength(4);
  });

  it('reads the purge grace period in seconds, 30 days by default (SKEIN_PURGE_GRACE)', () => {
    expect(loadConfig({}).purgeGraceSeconds).toBe(30 * 24 * 3600);
    expect(loadConfig({ SKEIN_PURGE_GRACE: '3600' }).purgeGraceSeconds).toBe(3600);
    expect(() => loadConfig({ SKEIN_PURGE_GRACE: 'soon' })).toThrow(
      'SKEIN_PURGE_GRACE="soon": expected a number of seconds',
    );
  });

  it('reads the webhook poll and first-retry delays in milliseconds, 1 s each by default', () => {
    expect(loadConfig({}).webhooks).toEqual({ pollMs: 1000, retryBaseMs: 1000 });
    expect(loadConfig({ SKEIN_WEBHOOK_POLL_MS: '250', SKEIN_WEBHOOK_RETRY_BASE_MS: '5000' }).webhooks).toEqual({
      pollMs: 250,
      retryBaseMs: 5000,
    });
    expect(() => loadConfig({ SKEIN_WEBHOOK_POLL_MS: '0' })).toThrow(
      'SKEIN_WEBHOOK_POLL_MS="0": expected a number of milliseconds',
    );
    expect(() => loadConfig({ SKEIN_WEBHOOK_RETRY_BASE_MS: 'fast' })).toThrow(
      'SKEIN_WEBHOOK_RETRY_BASE_MS="fast": expected a number of milliseconds',
    );
  });

  it('refuses half of an S3 credential pair', () => {
    expect(() => loadConfig({ S3_BUCKET: 'models', S3_ACCESS_KEY_ID: 'AKIA' })).toThrow(
      /S3_SECRET_ACCESS_KEY: S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY go together/,
    );
  });

  it('lets flags override the environment', () => {
    const config = loadConfig({ SKEIN_PORT: '5000' }, { SKEIN_PORT: '6000', SKEIN_MIGRATE: 'false' });
    expect(config.http.port).toBe(6000);
    expect(config.migrateOnStart).toBe(false);
  });

  it('uses path-style S3 addressing for custom endpoints', () => {
    const config = loadConfig({ S3_BUCKET: 'models', S3_ENDPOINT: 'http://127.0.0.1:9000' });
    expect(config.s3?.forcePathStyle).toBe(true);
    expect(loadConfig({ S3_BUCKET: 'models' }).s3?.forcePathStyle).toBe(false);
  });
});
