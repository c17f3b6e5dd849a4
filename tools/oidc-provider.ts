import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { PROJECT_ROOT } from '../src/paths';
import { createInterface } from 'node:readline';

/**
 * A real OpenID provider (oidc-provider, tools/oidc-provider-process.mjs) in a child process on
 * loopback. Its clients are the tests' users: each gets JWT access tokens by client_credentials,
 * with `sub` its client id and a `groups` claim (see CLIENT_GROUPS in the .mjs).
 */
export interface TestOidcProvider {
  /** The issuer its tokens name (`iss`) and its discovery document describes. */
  readonly issuer: string;
  /** Where it listens (the issuer's URL, unless it was started claiming another's). */
  readonly url: string;
  /** A JWT access token for `client` (`ml-user`, `admin-user`, `plain-user`, `expired-user`). */
  token(client: TestClient, resource?: 'urn:skein' | 'urn:other'): Promise<string>;
  stop(): Promise<void>;
}

export type TestClient = 'ml-user' | 'admin-user' | 'plain-user' | 'expired-user';

/** Mirrors the .mjs (one secret for every test client). */
const CLIENT_SECRET = 'a-test-secret-that-is-long-enough-0123456789';
// The script beside this file's source (dist/ holds only the compiled launcher).
const SCRIPT = path.join(PROJECT_ROOT, 'tools', 'oidc-provider-process.mjs');

/**
 * Starts a provider. `claimIssuer` makes one that names another provider's issuer in its tokens
 * while signing them with its own key: a forger that knows everything but the issuer's key.
 */
export async function startOidcProvider(options: { claimIssuer?: string } = {}): Promise<TestOidcProvider> {
  const args = [SCRIPT, ...(options.claimIssuer ? ['--issuer', options.claimIssuer] : [])];
  const child = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  const { issuer, url } = await firstLine(child, () => stderr);
  const tokenEndpoint = `${url}/token`;
  return {
    issuer,
    url,
    async token(client, resource = 'urn:skein') {
      const res = await fetch(tokenEndpoint, {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from(`${client}:${CLIENT_SECRET}`).toString('base64')}`,
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: new URLSearchParams({ grant_type: 'client_credentials', resource }),
      });
      const body = (await res.json()) as { access_token?: string; error?: string };
      if (!res.ok || !body.access_token)
        throw new Error(`the test provider gave no token (${res.status}): ${JSON.stringify(body)}\n${stderr}`);
      return body.access_token;
    },
    stop: () => stopChild(child),
  };
}

/** The provider's one line on stdout, `{"issuer", "url"}`, once it listens. */
function firstLine(child: ChildProcess, stderr: () => string): Promise<{ issuer: string; url: string }> {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    const failed = (why: string) => reject(new Error(`the test OpenID provider did not start: ${why}\n${stderr()}`));
    child.once('exit', (code) => failed(`it exited with ${code}`));
    child.once('error', (err) => failed(err.message));
    lines.once('line', (line) => {
      child.removeAllListeners('exit');
      resolve(JSON.parse(line) as { issuer: string; url: string });
    });
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    // Closing its stdin ends it (it exits when the parent goes, too).
    child.stdin!.end();
  });
}
