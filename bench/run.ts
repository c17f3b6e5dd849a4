/**
 * `npm run bench`: every benchmark in one run, each against its raw floor measured in the same run.
 *
 *   npm run bench                          # lineage at S, tracking with 30,000 runs, signing
 *   npm run bench -- --size L --runs 3000  # pick the lineage graph size and the tracking run count
 *   npm run bench -- --only lineage,signing
 *
 * With NEO4J_URI unset it starts its own Neo4j (data kept under .skein/bench-neo4j, so a loaded
 * graph is reused next time). Skein runs as its own process, as deployed, so the server's CPU is
 * not the benchmark client's; the floor runs in this process through neo4j-driver.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../src/paths';
import { freePort, startNeo4j, type LocalService } from '../tools/local-services';
import { parseSize, type BenchSize } from './generator';
import { runLineageBench } from './lineage';
import { runSigningBench } from './signing';
import { formatTrackingReport, runTrackingBench } from './tracking';

const say = (line: string) => process.stderr.write(`${line}\n`);
const ALL = ['lineage', 'tracking', 'signing'] as const;
type Bench = (typeof ALL)[number];

interface Args {
  size: BenchSize;
  runs: number;
  only: Bench[];
}

function parseArgs(argv: string[]): Args {
  const value = (name: string) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const only = (value('--only')?.split(',') ?? [...ALL]) as Bench[];
  const unknown = only.filter((b) => !ALL.includes(b));
  if (unknown.length) throw new Error(`unknown bench ${unknown.join(', ')}; choose from ${ALL.join(', ')}`);
  return { size: parseSize(value('--size') ?? 'S'), runs: Number(value('--runs') ?? 30_000), only };
}

async function neo4jFor(args: Args): Promise<{ uri: string; stop(): Promise<void> }> {
  if (process.env.NEO4J_URI) return { uri: process.env.NEO4J_URI, stop: async () => undefined };
  // L needs a page cache that holds its ~3 GB store; the machine has 24 GiB.
  const big = args.size === 'L';
  const neo4j: LocalService = await startNeo4j({
    dataDir: path.join(PROJECT_ROOT, '.skein', 'bench-neo4j'),
    heapMb: big ? 3072 : 1024,
    pageCacheMb: big ? 6144 : 1024,
    progress: say,
  });
  return { uri: neo4j.url, stop: () => neo4j.stop() };
}

/**
 * Skein as a separate process on a free port, ready when /readyz says so, started as the README
 * says to run it in production (a 64 MB young generation: large answers then trigger fewer
 * scavenges, ~5% off a 1,000-node answer).
 */
async function startSkeinProcess(neo4jUri: string): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  const args = ['--max-semi-space-size=64', path.join(PROJECT_ROOT, 'bin', 'skein.js'), 'serve'];
  const child = spawn(process.execPath, args, {
    env: {
      ...process.env,
      NEO4J_URI: neo4jUri,
      SKEIN_PORT: String(port),
      NODE_ENV: 'production',
      SKEIN_LOG_LEVEL: 'warn',
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
  throw new Error('skein serve did not become ready in 120 s');
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const results: Record<string, unknown> = { startedAt: new Date().toISOString(), args };
  if (args.only.includes('signing')) {
    say('== signing');
    results.signing = await runSigningBench(2);
    console.table(results.signing);
  }
  if (args.only.some((b) => b !== 'signing')) {
    const neo4j = await neo4jFor(args);
    const skein = await startSkeinProcess(neo4j.uri);
    try {
      if (args.only.includes('lineage')) {
        say(`== lineage (size ${args.size})`);
        results.lineage = await runLineageBench({
          size: args.size,
          neo4jUri: neo4j.uri,
          graphqlUrl: skein.url,
          log: say,
        });
      }
      if (args.only.includes('tracking')) {
        say(`== tracking (${args.runs} runs)`);
        const tracking = await runTrackingBench({
          neo4jUri: neo4j.uri,
          graphqlUrl: skein.url,
          runs: args.runs,
          log: say,
        });
        results.tracking = tracking;
        console.log(formatTrackingReport(tracking));
      }
    } finally {
      skein.child.kill('SIGTERM');
      await neo4j.stop();
    }
  }
  const dir = path.join(PROJECT_ROOT, 'bench', 'results');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'latest.json'), JSON.stringify(results, null, 2) + '\n');
  say(`Results: ${path.relative(PROJECT_ROOT, dir)}/ (latest.json, lineage-${args.size}.json)`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
