/**
 * `npm run bench`: every benchmark in one run, each against its raw floor measured in the same run.
 *
 *   npm run bench                          # lineage at S, tracking with 30,000 runs, signing
 *   npm run bench -- --size L --runs 3000  # pick the lineage graph size and the tracking run count
 *   npm run bench -- --only lineage,signing
 *   npm run bench -- --only lineage,tracking --auth   # as a signed-in SSO reader (bench/auth.ts)
 *   npm run bench -- --only tracking --runs 3000 --writes-only   # ingest alone, for iterating
 *   npm run bench -- --only load --connections 8 --duration 5   # a quick check of the load harness
 *   npm run bench -- --only runsearch --runs 30000,300000   # run search at each size (seeded once, kept)
 *   npm run bench -- --only openlineage [--ol-runs 3000] [--batch 50]   # OpenLineage ingest, 8 clients
 *
 * With NEO4J_URI unset it starts its own Neo4j (data kept under .skein/bench-neo4j, so a loaded
 * graph is reused next time). Skein runs as its own process, as deployed, so the server's CPU is
 * not the benchmark client's; the floor runs in this process through neo4j-driver.
 */
import fs from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../src/paths';
import { startNeo4j } from '../tools/local-services';
import { parseSize, type BenchSize } from './generator';
import { runLineageBench } from './lineage';
import { formatLoadReport, runLoadBench } from './load';
import { startSkeinProcess } from './skein-process';
import { runSigningBench } from './signing';
import { startAuthOn } from './auth';
import { formatTrackingReport, runTrackingBench } from './tracking';
import { formatRunSearchReport, parseSizes, runRunSearchBench } from './run-search';
import { formatOpenLineageReport, openLineageMarkdown, runOpenLineageBench } from './openlineage';

const say = (line: string) => process.stderr.write(`${line}\n`);
const ALL = ['lineage', 'tracking', 'signing', 'load', 'runsearch', 'openlineage'] as const;
type Bench = (typeof ALL)[number];

interface Args {
  size: BenchSize;
  /** Tracking's run count: the first of `--runs`. */
  runs: number;
  /** Run search's workspace sizes: every one of `--runs` (default 30,000 and 300,000). */
  searchSizes: number[];
  /** Run search's timed repetitions per search (default 20). */
  repeats?: number;
  only: Bench[];
  /** Access control on (bench/auth.ts): lineage and tracking as a signed-in SSO reader. */
  auth: boolean;
  /** Tracking: only the writes, no reads (`--writes-only`, for iterating on ingest speed). */
  writesOnly: boolean;
  /** The load bench's connections and seconds per phase. */
  connections: number;
  duration: number;
  /** The OpenLineage bench's task runs per variant, and events per request in its batched variant. */
  olRuns: number;
  olBatch: number;
}

function parseArgs(argv: string[]): Args {
  const value = (name: string) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const only = (value('--only')?.split(',') ?? [...ALL]) as Bench[];
  const unknown = only.filter((b) => !ALL.includes(b));
  if (unknown.length) throw new Error(`unknown bench ${unknown.join(', ')}; choose from ${ALL.join(', ')}`);
  const runCounts = parseSizes(value('--runs') ?? '30000');
  return {
    size: parseSize(value('--size') ?? 'S'),
    runs: runCounts[0]!,
    searchSizes: value('--runs') ? runCounts : [30_000, 300_000],
    repeats: value('--repeats') ? positive('--repeats', value('--repeats')!) : undefined,
    only,
    auth: argv.includes('--auth'),
    writesOnly: argv.includes('--writes-only'),
    connections: positive('--connections', value('--connections') ?? '50'),
    duration: positive('--duration', value('--duration') ?? '60'),
    olRuns: positive('--ol-runs', value('--ol-runs') ?? '3000'),
    olBatch: positive('--batch', value('--batch') ?? '50'),
  };
}

function positive(name: string, text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a whole number of at least 1, not "${text}"`);
  return n;
}

interface BenchNeo4j {
  uri: string;
  username: string;
  password: string;
  stop(): Promise<void>;
}

async function neo4jFor(args: Args): Promise<BenchNeo4j> {
  if (process.env.NEO4J_URI) {
    const { NEO4J_URI: uri, NEO4J_USERNAME: username = 'neo4j', NEO4J_PASSWORD: password = '' } = process.env;
    return { uri, username, password, stop: async () => undefined };
  }
  // L needs a page cache that holds its ~3 GB store; the machine has 24 GiB.
  const big = args.size === 'L';
  const neo4j = await startNeo4j({
    dataDir: path.join(PROJECT_ROOT, '.skein', 'bench-neo4j'),
    heapMb: big ? 3072 : 1024,
    pageCacheMb: big ? 6144 : 1024,
    progress: say,
  });
  return { uri: neo4j.url, username: neo4j.username, password: neo4j.password, stop: () => neo4j.stop() };
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
    try {
      if (args.only.includes('load')) {
        say(`== load (${args.connections} connections, ${args.duration} s per phase)`);
        const load = await runLoadBench({
          neo4j: neo4jEnv(neo4j),
          connections: args.connections,
          durationSec: args.duration,
          log: say,
        });
        results.load = load;
        console.log(formatLoadReport(load));
        writeResult('load.json', load);
      }
      if (args.only.some((b) => b === 'lineage' || b === 'tracking')) {
        await runAgainstOneSkein(args, neo4j, results);
      }
      if (args.only.includes('runsearch')) {
        await runSearchBench(args, neo4j, results);
      }
      if (args.only.includes('openlineage')) {
        await openLineageBench(args, neo4j, results);
      }
    } finally {
      await neo4j.stop();
    }
  }
  writeResult('latest.json', results);
  say(`Results: ${path.relative(PROJECT_ROOT, RESULTS_DIR)}/ (latest.json, lineage-${args.size}.json, load.json)`);
}

/** Lineage and tracking share one Skein process (with `--auth`, one with access control on). */
async function runAgainstOneSkein(args: Args, neo4j: BenchNeo4j, results: Record<string, unknown>): Promise<void> {
  const auth = args.auth ? await startAuthOn() : undefined;
  const skein = await startSkeinProcess({ ...neo4jEnv(neo4j), ...auth?.env });
  if (auth) results.auth = 'on: an SSO reader (VIEWER of the lineage workspaces, owner of the tracking ones)';
  try {
    if (args.only.includes('lineage')) {
      say(`== lineage (size ${args.size})`);
      results.lineage = await runLineageBench({
        size: args.size,
        neo4jUri: neo4j.uri,
        neo4jUsername: neo4j.username,
        neo4jPassword: neo4j.password,
        graphqlUrl: skein.url,
        authorization: auth?.authorization,
        afterGenerate: auth && ((prefix) => auth.grantReaders(skein.url, prefix)),
        log: say,
      });
    }
    if (args.only.includes('tracking')) {
      say(`== tracking (${args.runs} runs)`);
      const serverCpu = cpuMsOf(skein.child.pid);
      const tracking = await runTrackingBench({
        neo4jUri: neo4j.uri,
        neo4jUsername: neo4j.username,
        neo4jPassword: neo4j.password,
        graphqlUrl: skein.url,
        authorization: auth?.authorization,
        runs: args.runs,
        writesOnly: args.writesOnly,
        log: say,
      });
      results.tracking = tracking;
      console.log(formatTrackingReport(tracking));
      // With --writes-only the Skein process did nothing else: its CPU per run is the server's cost of ingest.
      if (args.writesOnly)
        say(`Skein process CPU/run ${round2((cpuMsOf(skein.child.pid) - serverCpu) / args.runs)} ms`);
    }
  } finally {
    skein.child.kill('SIGTERM');
    await auth?.stop();
  }
}

/**
 * Run search against a Skein of its own, without access control: its workspaces are seeded
 * straight into Neo4j (and kept for the next run), so no signed-in reader is granted them.
 */
async function runSearchBench(args: Args, neo4j: BenchNeo4j, results: Record<string, unknown>): Promise<void> {
  say(`== run search (${args.searchSizes.join(', ')} runs)`);
  const skein = await startSkeinProcess(neo4jEnv(neo4j));
  try {
    const search = await runRunSearchBench({
      neo4jUri: neo4j.uri,
      neo4jUsername: neo4j.username,
      neo4jPassword: neo4j.password,
      graphqlUrl: skein.url,
      sizes: args.searchSizes,
      repeats: args.repeats,
      log: say,
    });
    results.runSearch = search;
    console.log(formatRunSearchReport(search));
    writeResult('run-search.json', search);
  } finally {
    skein.child.kill('SIGTERM');
  }
}

/** OpenLineage ingest against a Skein of its own (auth off: the events' namespaces become workspaces). */
async function openLineageBench(args: Args, neo4j: BenchNeo4j, results: Record<string, unknown>): Promise<void> {
  say(`== openlineage (${args.olRuns} task runs per variant, batches of ${args.olBatch})`);
  const skein = await startSkeinProcess(neo4jEnv(neo4j));
  try {
    const serverCpu = cpuMsOf(skein.child.pid);
    const ol = await runOpenLineageBench({
      neo4jUri: neo4j.uri,
      neo4jUsername: neo4j.username,
      neo4jPassword: neo4j.password,
      graphqlUrl: skein.url,
      runs: args.olRuns,
      batchSize: args.olBatch,
      log: say,
    });
    const skeinCpuMs = round2(cpuMsOf(skein.child.pid) - serverCpu);
    results.openLineage = { ...ol, skeinCpuMs };
    console.log(formatOpenLineageReport(ol));
    const command = `npm run bench -- --only openlineage --ol-runs ${args.olRuns} --batch ${args.olBatch}`;
    writeResult('issue17-openlineage.json', { command, ...ol, skeinCpuMs });
    fs.writeFileSync(path.join(RESULTS_DIR, 'issue17-openlineage.md'), openLineageMarkdown(ol, command));
    say(`Reproduce: ${command}`);
  } finally {
    skein.child.kill('SIGTERM');
  }
}

/** A process's CPU so far (user + system, ms), from /proc (Linux); 0 elsewhere. */
function cpuMsOf(pid: number | undefined): number {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime, stime in clock ticks (100/s)
  } catch {
    return 0;
  }
}

const round2 = (x: number) => Math.round(x * 100) / 100;

/** How a Skein process reaches the bench's Neo4j. */
const neo4jEnv = (neo4j: BenchNeo4j) => ({
  NEO4J_URI: neo4j.uri,
  NEO4J_USERNAME: neo4j.username,
  NEO4J_PASSWORD: neo4j.password,
});

const RESULTS_DIR = path.join(PROJECT_ROOT, 'bench', 'results');

function writeResult(file: string, value: unknown): void {
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  fs.writeFileSync(path.join(RESULTS_DIR, file), JSON.stringify(value, null, 2) + '\n');
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
