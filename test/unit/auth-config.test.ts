import { ConfigError, isLoopback, loadConfig } from '../../src/config';
import { mintToken } from '../../src/auth/token-secret';
import { authBanner } from '../../src/cli';

describe('auth settings', () => {
  it('SKEIN_AUTH=auto (the default) is off on loopback and on everywhere else', () => {
    expect(loadConfig({}).auth.mode).toBe('off');
    for (const host of ['127.0.0.1', 'localhost', '::1', '127.0.0.2']) {
      expect(loadConfig({ SKEIN_HOST: host }).auth.mode).toBe('off');
    }
    for (const host of ['0.0.0.0', '::', '10.0.0.5', 'skein.internal']) {
      expect(loadConfig({ SKEIN_HOST: host }).auth.mode).toBe('on');
    }
    expect(loadConfig({ SKEIN_AUTH: 'on' }).auth.mode).toBe('on');
  });

  it('refuses SKEIN_AUTH=off on an address others can reach', () => {
    expect(() => loadConfig({ SKEIN_AUTH: 'off', SKEIN_HOST: '0.0.0.0' })).toThrow(ConfigError);
    expect(() => loadConfig({ SKEIN_AUTH: 'off', SKEIN_HOST: '0.0.0.0' })).toThrow(
      /SKEIN_AUTH="off": auth may be off only while Skein listens on loopback/,
    );
    expect(loadConfig({ SKEIN_AUTH: 'off', SKEIN_HOST: '127.0.0.1' }).auth.mode).toBe('off');
    expect(() => loadConfig({ SKEIN_AUTH: 'maybe' })).toThrow('SKEIN_AUTH="maybe": expected on, off or auto');
  });

  it('takes SKEIN_ADMIN_TOKEN only in the token format, and bounds SKEIN_TOKEN_MAX_TTL', () => {
    const token = mintToken().text;
    expect(loadConfig({ SKEIN_ADMIN_TOKEN: token }).auth.adminToken).toBe(token);
    expect(() => loadConfig({ SKEIN_ADMIN_TOKEN: 'hunter2' })).toThrow(/SKEIN_ADMIN_TOKEN=.*skein token generate/);
    expect(loadConfig({}).auth.tokenMaxTtlSeconds).toBe(365 * 86_400);
    expect(loadConfig({ SKEIN_TOKEN_MAX_TTL: '86400' }).auth.tokenMaxTtlSeconds).toBe(86_400);
    expect(() => loadConfig({ SKEIN_TOKEN_MAX_TTL: '10' })).toThrow('expected at least 60 seconds');
  });

  it('knows loopback addresses', () => {
    expect(isLoopback('127.0.0.1')).toBe(true);
    expect(isLoopback('::ffff:127.0.0.1')).toBe(true);
    expect(isLoopback('LOCALHOST')).toBe(true);
    expect(isLoopback('128.0.0.1')).toBe(false);
    expect(isLoopback('127.0.0.1.evil.example')).toBe(false);
  });
});

describe('the serve banner', () => {
  it('says plainly when auth is off, and how to call when it is on', () => {
    expect(authBanner(loadConfig({}), 'http://127.0.0.1:4000')).toBe(
      'auth off: anyone who can reach 127.0.0.1:4000 may read and change everything (single-user mode)',
    );
    expect(authBanner(loadConfig({ SKEIN_HOST: '0.0.0.0' }), 'http://0.0.0.0:4000')).toMatch(
      /^auth on: every request needs an API token/,
    );
  });
});
