import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { PROJECT_ROOT } from '../src/paths';
import { freePort } from '../tools/local-services';

export interface SkeinProcess {
  /** Its /graphql URL. */
  url: string;
  child: ChildProcess;
}

/**
 * Skein as a separate process on a free port, ready when /readyz says so, started as the README
 * says to run it in production (a 64 MB young generation: large answers then trigger fewer
 * scavenges, ~5% off a 1,000-node answer). Runs the built CLI (dist/), as `npm run bench` builds it.
 * `env` says how to reach Neo4j (NEO4J_URI, and NEO4J_USERNAME / NEO4J_PASSWORD when it has auth).
 */
export async function startSkeinProcess(env: { NEO4J_URI: string } & Record<string, string>): Promise<SkeinProcess> {
  const port = await freePort();
  const args = ['--max-semi-space-size=64', path.join(PROJECT_ROOT, 'bin', 'skein.js'), 'serve'];
  const child = spawn(process.execPath, args, {
    env: {
      ...process.env,
      SKEIN_PORT: String(port),
      NODE_ENV: 'production',
      SKEIN_LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 600; i++) {
    if (child.exitCode !== null) throw new Error(`skein serve exited with ${child.exitCode}`);
    const ok = await fetch(`${base}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return { url: `${base}/graphql`, child };
    await new Promise((r) => setTimeout(r, 200)); // polling a readiness endpoint, not waiting blindly
  }
  child.kill('SIGTERM');
  throw new Error('skein serve did not become ready in 120 s');
}

/** SIGTERM, then wait for the exit (Skein drains in-flight requests first). */
export async function stopSkeinProcess(skein: SkeinProcess): Promise<void> {
  if (skein.child.exitCode !== null) return;
  const exited = new Promise<void>((resolve) => skein.child.once('exit', () => resolve()));
  skein.child.kill('SIGTERM');
  await exited;
}
