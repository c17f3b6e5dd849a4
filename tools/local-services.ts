/**
 * Local Neo4j and S3 (S3Proxy) as child JVMs, for `skein serve` and the jest harness.
 *
 * Jars come from Maven Central through `mvn`, land in ~/.m2 (shared, outside the repo) and are
 * never copied; only the resolved classpath is cached under <repo>/.cache, keyed by the pom's hash,
 * so warm starts do not pay Maven's own startup time.
 *
 * Readiness is always a real check (a Bolt query, an HTTP health probe), never a fixed sleep.
 * Children are tied to this process three ways, because each covers a different death:
 *   - stop() / process 'exit' hook: orderly exits of this process;
 *   - stdin EOF (Neo4j launcher, S3Proxy reaper): this process killed outright (even SIGKILL);
 *   - --parent-pid (Neo4j launcher): the same, in case stdin is not ours.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import neo4j from 'neo4j-driver';

export interface LocalService {
  readonly url: string;
  readonly pid: number;
  /** Resolves when the process has ended, however it ended; `expected` when stop() ended it. */
  readonly exited: Promise<{ expected: boolean; status: string }>;
  stop(): Promise<void>;
}

/** A local Neo4j: runs with auth on, user neo4j and the password kept in its home (mode 0600). */
export interface LocalNeo4j extends LocalService {
  readonly username: string;
  readonly password: string;
  /** The directory it was started with, so a watchdog can start it again on the same store. */
  readonly options: Neo4jOptions & { port: number };
}

export interface Progress {
  (message: string): void;
}

export interface Neo4jOptions {
  /** Neo4j home: the store goes to <dataDir>/data, Neo4j's debug log to <dataDir>/logs. */
  dataDir: string;
  port?: number;
  /** JVM heap; default $SKEIN_NEO4J_HEAP_MB or 1024 (sized for a 2-core, 24 GiB machine). */
  heapMb?: number;
  /** Page cache (off-heap); default $SKEIN_NEO4J_PAGECACHE_MB or 512. */
  pageCacheMb?: number;
  progress?: Progress;
  /** Child stdout/stderr are appended here (they are also kept in memory for error messages). */
  logFile?: string;
}

export interface S3ProxyOptions {
  /** Filesystem-backed store (one directory per bucket); undefined = in-memory, gone on stop. */
  dataDir?: string;
  port?: number;
  accessKey: string;
  secretKey: string;
  /** JVM heap; default 512. The transient store keeps objects on the heap. */
  heapMb?: number;
  progress?: Progress;
  logFile?: string;
}

const NEO4J_START_TIMEOUT_MS = 120_000;
const S3PROXY_START_TIMEOUT_MS = 60_000;
const NEO4J_STOP_GRACE_MS = 30_000; // a checkpoint on a big store can take a while
const S3PROXY_STOP_GRACE_MS = 10_000;
const LOG_TAIL_CHARS = 8_000;
const noProgress: Progress = () => undefined;

// ---------------------------------------------------------------------------------------------
// Repository layout

let cachedRoot: string | undefined;

/** The repo root, found from this file whether it runs from tools/ (ts-jest) or dist/tools/ (tsc). */
function repoRoot(): string {
  if (cachedRoot) return cachedRoot;
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'tools', 'neo4j', 'pom.xml'))) return (cachedRoot = dir);
    if (path.dirname(dir) === dir) throw new Error(`cannot find tools/neo4j/pom.xml above ${__dirname}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Jars via Maven

/** Resolves the Neo4j classpath (jar paths in ~/.m2), fetching the jars on first use. */
export async function ensureNeo4jJars(progress: Progress = noProgress): Promise<string[]> {
  return resolveClasspath('neo4j', path.join(repoRoot(), 'tools', 'neo4j', 'pom.xml'), progress);
}

/** Resolves S3Proxy's self-contained jar in ~/.m2, fetching it on first use. */
export async function ensureS3ProxyJar(progress: Progress = noProgress): Promise<string> {
  const jars = await resolveClasspath('s3proxy', path.join(repoRoot(), 'tools', 's3proxy', 'pom.xml'), progress);
  const jar = jars.find((j) => j.endsWith('-jar-with-dependencies.jar'));
  if (!jar) throw new Error(`s3proxy: no jar-with-dependencies in resolved classpath: ${jars.join(', ')}`);
  return jar;
}

// One mvn at a time in this process: concurrent Maven runs writing the same ~/.m2 can corrupt it.
let mavenQueue: Promise<unknown> = Promise.resolve();
function serialized<T>(fn: () => Promise<T>): Promise<T> {
  const run = mavenQueue.then(fn, fn);
  mavenQueue = run.catch(() => undefined);
  return run;
}

function classpathCacheFile(name: string, pomFile: string): string {
  const hash = createHash('sha256').update(fs.readFileSync(pomFile)).digest('hex').slice(0, 16);
  return path.join(repoRoot(), '.cache', `${name}-classpath-${hash}.txt`);
}

function resolveClasspath(name: string, pomFile: string, progress: Progress): Promise<string[]> {
  return serialized(async () => {
    const cacheFile = classpathCacheFile(name, pomFile);
    const cached = await readClasspath(cacheFile);
    // Every jar must still exist: ~/.m2 may have been wiped since the cache was written.
    if (cached && cached.every((jar) => fs.existsSync(jar))) return cached;

    await fsp.mkdir(path.dirname(cacheFile), { recursive: true });
    // Maven writes a temp file that is renamed into place, so a crash never leaves a half cache.
    const tmp = `${cacheFile}.${process.pid}.tmp`;
    const started = Date.now();
    progress(`${name}: resolving jars with Maven (first run downloads into ~/.m2; later runs use the cache)`);
    try {
      await runMaven(name, ['-f', pomFile, 'dependency:build-classpath', `-Dmdep.outputFile=${tmp}`], progress);
      await fsp.rename(tmp, cacheFile);
    } finally {
      await fsp.rm(tmp, { force: true });
    }
    const jars = (await readClasspath(cacheFile)) ?? [];
    progress(`${name}: ${jars.length} jars ready in ${seconds(Date.now() - started)}`);
    return jars;
  });
}

async function readClasspath(file: string): Promise<string[] | undefined> {
  try {
    const text = (await fsp.readFile(file, 'utf8')).trim();
    return text ? text.split(path.delimiter) : undefined;
  } catch {
    return undefined;
  }
}

/** Runs mvn in batch mode, turning its per-file download lines into an occasional summary. */
function runMaven(name: string, args: string[], progress: Progress): Promise<void> {
  return new Promise((resolve, reject) => {
    const mvn = spawn('mvn', ['-B', ...args], { cwd: repoRoot(), stdio: ['ignore', 'pipe', 'pipe'] });
    const tail = new LogTail();
    const downloads = new DownloadCounter(name, progress);
    onLines(mvn, (line) => {
      tail.push(line + '\n');
      downloads.see(line);
    });
    mvn.on('error', (err: NodeJS.ErrnoException) =>
      reject(new Error(err.code === 'ENOENT' ? 'mvn not found on PATH (Maven 3.8+ is required)' : err.message)),
    );
    mvn.on('close', (code) => {
      downloads.finish();
      if (code === 0) resolve();
      else reject(new Error(`${name}: mvn exited with ${code}\n${tail.text()}`));
    });
  });
}

class DownloadCounter {
  private files = 0;
  private bytes = 0;
  private reportedFiles = 0;
  private lastReport = Date.now();
  constructor(
    private readonly name: string,
    private readonly progress: Progress,
  ) {}

  see(line: string): void {
    const m = /^\[INFO\] Downloaded from \S+: \S+ \(([\d.]+) (B|kB|MB|GB)/.exec(line);
    if (!m) return;
    this.files++;
    this.bytes += Number(m[1]) * ({ B: 1, kB: 1e3, MB: 1e6, GB: 1e9 }[m[2] as 'B'] ?? 1);
    // Throttled: hundreds of lines would drown the terminal, silence would look like a hang.
    if (Date.now() - this.lastReport >= 2_000) this.report();
  }

  finish(): void {
    if (this.files > this.reportedFiles) this.report();
  }

  private report(): void {
    this.lastReport = Date.now();
    this.reportedFiles = this.files;
    this.progress(`${this.name}: downloaded ${this.files} files, ${(this.bytes / 1e6).toFixed(1)} MB`);
  }
}

// ---------------------------------------------------------------------------------------------
// Neo4j

export async function startNeo4j(opts: Neo4jOptions): Promise<LocalNeo4j> {
  const progress = opts.progress ?? noProgress;
  const jars = await ensureNeo4jJars(progress);
  const argFile = await writeClasspathArgFile(jars);
  const dataDir = path.resolve(opts.dataDir);
  await fsp.mkdir(dataDir, { recursive: true });
  const password = await neo4jPassword(dataDir);
  const heapMb = opts.heapMb ?? envInt('SKEIN_NEO4J_HEAP_MB', 1024);
  const pageCacheMb = opts.pageCacheMb ?? envInt('SKEIN_NEO4J_PAGECACHE_MB', 512);

  return withPortRetry(opts.port, async (port) => {
    const url = `bolt://127.0.0.1:${port}`;
    progress(`neo4j: starting at ${url} (heap ${heapMb} MB, page cache ${pageCacheMb} MB, home ${dataDir})`);
    const child = await Supervised.spawn('neo4j', javaBin(), {
      args: [
        `-Xms${heapMb}m`,
        `-Xmx${heapMb}m`,
        '-XX:+UseG1GC',
        '-XX:+ExitOnOutOfMemoryError',
        '-XX:-OmitStackTraceInFastThrow',
        // What Neo4j's own start script passes on JDK 17 for its off-heap and Netty internals.
        '--add-opens=java.base/java.nio=ALL-UNNAMED',
        '--add-opens=java.base/java.io=ALL-UNNAMED',
        '--add-opens=java.base/sun.nio.ch=ALL-UNNAMED',
        '-Dio.netty.tryReflectionSetAccessible=true',
        `@${argFile}`, // 200+ jars: keeps the command line (and `ps`) short
        path.join(repoRoot(), 'tools', 'neo4j', 'Launcher.java'),
        ...['--home', dataDir, '--host', '127.0.0.1', '--port', String(port)],
        ...['--page-cache-mb', String(pageCacheMb), '--parent-pid', String(process.pid), '--exit-on-stdin-eof'],
      ],
      progress,
      logFile: opts.logFile,
      stopGraceMs: NEO4J_STOP_GRACE_MS,
      env: { SKEIN_NEO4J_PASSWORD: password },
    });
    const started = Date.now();
    await child.waitUntilReady(() => boltAnswers(url, password), NEO4J_START_TIMEOUT_MS, 250);
    progress(`neo4j: ready at ${url} in ${seconds(Date.now() - started)}`);
    return { ...child.asService(url), username: 'neo4j', password, options: { ...opts, dataDir, port } };
  });
}

/**
 * The local Neo4j's password: random on first start, then kept in <home>/password (mode 0600, so
 * only this user reads it). Neo4j listens on loopback, where any local user could otherwise
 * reach the graph over Bolt and bypass Skein.
 */
export async function neo4jPassword(home: string): Promise<string> {
  const file = path.join(home, 'password');
  for (let attempt = 0; attempt < 50; attempt++) {
    try {
      const text = (await fsp.readFile(file, 'utf8')).trim();
      if (text.length >= 32) {
        await fsp.chmod(file, 0o600); // tightened, should someone have loosened it
        return text;
      }
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      const password = randomBytes(24).toString('base64url');
      try {
        // 'wx': of two starts racing, one writes and the other reads what it wrote.
        await fsp.writeFile(file, `${password}\n`, { mode: 0o600, flag: 'wx' });
        return password;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 20)); // another start is writing it
  }
  throw new Error(`${file} holds no usable password; delete it and start again`);
}

/** A java @argfile holding `-cp <classpath>`, cached next to the classpath it was made from. */
async function writeClasspathArgFile(jars: string[]): Promise<string> {
  const classpath = jars.join(path.delimiter);
  const hash = createHash('sha256').update(classpath).digest('hex').slice(0, 16);
  const file = path.join(repoRoot(), '.cache', `neo4j-classpath-${hash}.argfile`);
  if (!fs.existsSync(file)) {
    // @argfile syntax: quoted so paths with spaces survive; backslash is the escape character.
    const quoted = `"${classpath.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
    await writeFileAtomic(file, `-cp\n${quoted}\n`);
  }
  return file;
}

/** True once Bolt answers a query on the default database, not merely accepts TCP. */
async function boltAnswers(url: string, password: string): Promise<boolean> {
  const driver = neo4j.driver(url, neo4j.auth.basic('neo4j', password), {
    connectionTimeout: 2_000,
    connectionAcquisitionTimeout: 5_000,
    maxConnectionPoolSize: 1,
  });
  try {
    await driver.executeQuery('RETURN 1');
    return true;
  } catch {
    return false;
  } finally {
    await driver.close().catch(() => undefined);
  }
}

// ---------------------------------------------------------------------------------------------
// S3Proxy

export async function startS3Proxy(opts: S3ProxyOptions): Promise<LocalService> {
  const progress = opts.progress ?? noProgress;
  const jar = await ensureS3ProxyJar(progress);
  const dataDir = opts.dataDir === undefined ? undefined : path.resolve(opts.dataDir);
  if (dataDir) await fsp.mkdir(dataDir, { recursive: true });
  const heapMb = opts.heapMb ?? 512;

  return withPortRetry(opts.port, async (port) => {
    const url = `http://127.0.0.1:${port}`;
    // The properties file carries the credentials: private temp dir (mkdtemp is 0700), removed on stop.
    const runDir = await fsp.mkdtemp(path.join(os.tmpdir(), 'skein-s3proxy-'));
    const propsFile = path.join(runDir, 's3proxy.properties');
    await fsp.writeFile(propsFile, s3ProxyProperties(url, opts.accessKey, opts.secretKey, dataDir), { mode: 0o600 });
    progress(`s3proxy: starting at ${url} (${dataDir ? `store ${dataDir}` : 'in-memory store'})`);
    const child = await Supervised.spawn('s3proxy', javaBin(), {
      args: [
        `-Xmx${heapMb}m`,
        '-XX:+ExitOnOutOfMemoryError',
        // logback otherwise prints ~30 lines of its own configuration status on every start.
        '-Dlogback.statusListenerClass=ch.qos.logback.core.status.NopStatusListener',
        ...['-jar', jar, '--properties', propsFile],
      ],
      progress,
      logFile: opts.logFile,
      stopGraceMs: S3PROXY_STOP_GRACE_MS,
      // S3Proxy cannot watch its parent itself, so a tiny shell does it (see spawnReaper).
      reaper: true,
      cleanup: () => fsp.rm(runDir, { recursive: true, force: true }),
    });
    const started = Date.now();
    await child.waitUntilReady(() => httpOk(`${url}/healthz`), S3PROXY_START_TIMEOUT_MS, 100);
    progress(`s3proxy: ready at ${url} in ${seconds(Date.now() - started)}`);
    return child.asService(url);
  });
}

function s3ProxyProperties(endpoint: string, accessKey: string, secretKey: string, dataDir?: string): string {
  const props: Record<string, string> = {
    's3proxy.endpoint': endpoint,
    // Path-style only: s3proxy.virtual-host is left unset, so bucket names are never read from Host.
    's3proxy.authorization': 'aws-v2-or-v4',
    's3proxy.identity': accessKey,
    's3proxy.credential': secretKey,
    // Browsers upload straight to presigned URLs, which needs CORS answered.
    's3proxy.cors-allow-all': 'true',
    'jclouds.provider': dataDir ? 'filesystem-nio2' : 'transient-nio2',
  };
  if (dataDir) props['jclouds.filesystem.basedir'] = dataDir;
  return Object.entries(props)
    .map(([k, v]) => `${k}=${escapeProperty(v)}`)
    .join('\n')
    .concat('\n');
}

/** java.util.Properties escaping: backslash escapes, and the file is read as ISO-8859-1. */
function escapeProperty(value: string): string {
  return value
    .replace(/\\/g, '\\\\')
    .replace(/^\s/, (c) => `\\${c}`)
    .replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

async function httpOk(url: string): Promise<boolean> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
    await res.arrayBuffer(); // drain so the connection can be reused/closed
    return res.ok;
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------------------------
// Ports

/** A port that was free a moment ago on 127.0.0.1 (the caller binds it; see withPortRetry). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function assertPortFree(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(err.code === 'EADDRINUSE' ? new Error(`port ${port} on 127.0.0.1 is already in use`) : err),
    );
    server.listen(port, '127.0.0.1', () => server.close(() => resolve()));
  });
}

/**
 * freePort() leaves a window in which someone else can take the port; when we chose it, a bind
 * failure is worth another port rather than an error.
 */
async function withPortRetry<T>(requested: number | undefined, start: (port: number) => Promise<T>): Promise<T> {
  // Otherwise the readiness probe could be answered by whatever already listens there.
  if (requested !== undefined) await assertPortFree(requested);
  for (let attempt = 1; ; attempt++) {
    const port = requested ?? (await freePort());
    try {
      return await start(port);
    } catch (err) {
      const bindFailure = /address already in use|BindException/i.test(String(err));
      if (requested !== undefined || !bindFailure || attempt >= 3) throw err;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Child process supervision

const liveChildren = new Set<ChildProcess>();
let exitHookInstalled = false;

/** Last resort for orderly exits that skipped stop(): SIGTERM lets the JVMs shut down cleanly. */
function trackForExit(child: ChildProcess): void {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on('exit', () => {
      for (const c of liveChildren) c.kill('SIGTERM');
    });
  }
  liveChildren.add(child);
  child.once('exit', () => liveChildren.delete(child));
}

/**
 * A shell that reads its stdin (a pipe from us) to EOF, which happens when this process dies
 * however it dies, and then SIGTERMs the service. It is killed as soon as the service exits or
 * stop() begins, so it can never signal a recycled pid.
 */
function spawnReaper(pid: number): ChildProcess {
  const script = 'while read -r _; do :; done; kill -TERM "$1" 2>/dev/null';
  const reaper = spawn('/bin/sh', ['-c', script, 'skein-reaper', String(pid)], { stdio: ['pipe', 'ignore', 'ignore'] });
  reaper.on('error', () => undefined); // best effort: the exit hook still covers orderly exits
  return reaper;
}

interface SpawnSpec {
  args: string[];
  progress: Progress;
  logFile?: string;
  stopGraceMs: number;
  reaper?: boolean;
  cleanup?: () => Promise<unknown>;
  /** Added to the child's environment (secrets go here, never on the command line). */
  env?: Record<string, string>;
}

class Supervised {
  private readonly tail = new LogTail();
  private readonly exited: Promise<void>;
  private exitStatus: string | undefined;
  private stopping: Promise<void> | undefined;
  private reaper: ChildProcess | undefined;
  private log: fs.WriteStream | undefined;

  private constructor(
    private readonly name: string,
    private readonly child: ChildProcess,
    private readonly spec: SpawnSpec,
  ) {
    // 'close' rather than 'exit': it waits for stdout/stderr to drain, so the log tail in an error
    // message has the process's last words and nothing is written to the log file after we end it.
    this.exited = new Promise((resolve) => {
      child.once('close', (code, signal) => {
        this.exitStatus = signal ? `signal ${signal}` : `code ${code}`;
        resolve();
      });
    });
  }

  static async spawn(name: string, command: string, spec: SpawnSpec): Promise<Supervised> {
    let log: fs.WriteStream | undefined;
    if (spec.logFile) {
      await fsp.mkdir(path.dirname(path.resolve(spec.logFile)), { recursive: true });
      log = fs.createWriteStream(spec.logFile, { flags: 'a' });
      log.on('error', () => undefined); // a broken log file must not take the service (or us) down
      log.write(`\n--- ${new Date().toISOString()} ${name}: ${command} ${spec.args.join(' ')}\n`);
    }
    // stdin is a pipe we never write: its EOF tells the Neo4j launcher that we are gone.
    const child = spawn(command, spec.args, {
      cwd: repoRoot(),
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, ...spec.env },
    });
    const spawned = await new Promise<Error | undefined>((resolve) => {
      child.once('spawn', () => resolve(undefined));
      child.once('error', resolve);
    });
    if (spawned) {
      log?.end();
      await spec.cleanup?.();
      const hint =
        (spawned as NodeJS.ErrnoException).code === 'ENOENT' ? ' (is Java 17+ installed? set JAVA_HOME)' : '';
      throw new Error(`${name}: cannot run ${command}: ${spawned.message}${hint}`);
    }
    const s = new Supervised(name, child, spec);
    s.log = log;
    trackForExit(child);
    child.on('error', (err) => s.tail.push(`[${name}] ${err.message}\n`)); // e.g. a failed kill; must not crash us
    if (spec.reaper && child.pid) {
      const reaper = spawnReaper(child.pid);
      child.once('exit', () => reaper.kill('SIGKILL')); // never let it signal a recycled pid
      s.reaper = reaper;
    }
    const sink = (chunk: Buffer) => {
      s.tail.push(chunk.toString('utf8'));
      s.log?.write(chunk);
    };
    child.stdout?.on('data', sink);
    child.stderr?.on('data', sink);
    child.stdin?.on('error', () => undefined); // EPIPE once the child is gone is expected
    return s;
  }

  /** Polls `probe` until it succeeds; fails fast (with the log tail) if the process dies first. */
  async waitUntilReady(probe: () => Promise<boolean>, timeoutMs: number, intervalMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.exitStatus) {
        await this.stop();
        throw this.failure(`exited (${this.exitStatus}) before it was ready`);
      }
      if ((await probe()) && !this.exitStatus) return;
      if (Date.now() > deadline) {
        await this.stop();
        throw this.failure(`not ready after ${seconds(timeoutMs)}`);
      }
      await this.exitedWithin(intervalMs); // the pause between probes ends early if the process dies
    }
  }

  asService(url: string): LocalService {
    const pid = this.child.pid ?? -1;
    const exited = this.exited.then(() => ({ expected: this.stopping !== undefined, status: this.exitStatus ?? '' }));
    return { url, pid, exited, stop: () => this.stop() };
  }

  stop(): Promise<void> {
    this.stopping ??= this.terminate();
    return this.stopping;
  }

  private async terminate(): Promise<void> {
    this.reaper?.kill('SIGKILL');
    if (!this.exitStatus) {
      const started = Date.now();
      this.child.kill('SIGTERM');
      if (!(await this.exitedWithin(this.spec.stopGraceMs))) {
        this.spec.progress(`${this.name}: no exit ${seconds(this.spec.stopGraceMs)} after SIGTERM; killing`);
        this.child.kill('SIGKILL');
        await this.exited;
      }
      this.spec.progress(`${this.name}: stopped in ${seconds(Date.now() - started)}`);
    }
    await new Promise<void>((resolve) => (this.log ? this.log.end(resolve) : resolve()));
    await this.spec.cleanup?.();
  }

  /** Resolves true if the process exits within `ms`, false otherwise; never leaves a timer behind. */
  private async exitedWithin(ms: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
    try {
      return await Promise.race([this.exited.then(() => true), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  private failure(what: string): Error {
    const where = this.spec.logFile ? ` (full log: ${this.spec.logFile})` : '';
    return new Error(`${this.name} ${what}${where}; last output:\n${this.tail.text()}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Small helpers

/** The last few KB of a process's output, for error messages. */
class LogTail {
  private buf = '';
  push(text: string): void {
    this.buf = (this.buf + text).slice(-LOG_TAIL_CHARS);
  }
  text(): string {
    return this.buf.trimEnd() || '(no output)';
  }
}

function onLines(child: ChildProcess, onLine: (line: string) => void): void {
  for (const stream of [child.stdout, child.stderr]) {
    let partial = '';
    stream?.on('data', (chunk: Buffer) => {
      const lines = (partial + chunk.toString('utf8')).split('\n');
      partial = lines.pop() ?? '';
      lines.forEach(onLine);
    });
    stream?.on('end', () => partial && onLine(partial));
  }
}

function javaBin(): string {
  return process.env.JAVA_HOME ? path.join(process.env.JAVA_HOME, 'bin', 'java') : 'java';
}

function envInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} must be a positive integer, got ${JSON.stringify(raw)}`);
  return n;
}

async function writeFileAtomic(file: string, content: string): Promise<void> {
  await fsp.mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  await fsp.writeFile(tmp, content);
  await fsp.rename(tmp, file);
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
