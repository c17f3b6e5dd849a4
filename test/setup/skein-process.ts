import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

/**
 * `skein serve` as a real child process (what SIGTERM and kill -9 tests need), run from the
 * TypeScript sources through test/setup/register-ts.js, so it needs no `npm run build`.
 */

const ROOT = path.resolve(__dirname, '..', '..');
const START_TIMEOUT_MS = 180_000; // a cold start may compile the sources and start a Neo4j

export interface SkeinProcess {
  readonly child: ChildProcess;
  /** http://127.0.0.1:<port> */
  readonly url: string;
  readonly graphqlUrl: string;
  /** Everything the process wrote to stderr so far (its progress lines and logs). */
  output(): string;
  /** Resolves when the process has exited: its code, or the signal that ended it. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts `skein serve` on a free port with `env` over process.env; resolves once it is ready. */
export async function spawnSkein(env: Record<string, string>): Promise<SkeinProcess> {
  const child = spawn(
    process.execPath,
    ['-r', path.join(ROOT, 'test', 'setup', 'register-ts.js'), path.join(ROOT, 'src', 'cli.ts'), 'serve'],
    {
      cwd: ROOT,
      env: { ...process.env, NODE_ENV: 'production', SKEIN_PORT: '0', SKEIN_WARMUP: 'false', ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let text = '';
  child.stderr!.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const graphqlUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`skein serve not ready in time:\n${text}`)), START_TIMEOUT_MS);
    const onData = () => {
      const m = /serving the GraphQL API at (http:\/\/\S+\/graphql)/.exec(text);
      if (!m) return;
      clearTimeout(timer);
      child.stderr!.off('data', onData);
      resolve(m[1]!);
    };
    child.stderr!.on('data', onData);
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`skein serve exited (${signal ?? code}) before it was ready:\n${text}`));
    });
  });
  return { child, url: graphqlUrl.replace(/\/graphql$/, ''), graphqlUrl, output: () => text, exited };
}
