/**
 * Starts one local service in the foreground and prints its URL; Ctrl-C stops it.
 *
 *   npm run build && node dist/tools/start-local.js neo4j [--port 7687] [--data DIR]
 *   npm run build && node dist/tools/start-local.js s3    [--port 9000] [--data DIR]
 *
 * Without --data, Neo4j gets a fresh temp store (deleted on exit) and S3 is in-memory.
 * S3 credentials come from S3_ACCESS_KEY_ID / S3_SECRET_ACCESS_KEY, else local defaults.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startNeo4j, startS3Proxy, type LocalService } from './local-services';

const USAGE = 'usage: start-local neo4j|s3 [--port N] [--data DIR] [--log FILE]';

interface Args {
  service: 'neo4j' | 's3';
  port?: number;
  dataDir?: string;
  logFile?: string;
}

function parseArgs(argv: string[]): Args {
  const [service, ...rest] = argv;
  if (service !== 'neo4j' && service !== 's3') throw new Error(USAGE);
  const args: Args = { service };
  for (let i = 0; i < rest.length; i += 2) {
    const value = rest[i + 1];
    if (value === undefined) throw new Error(`${rest[i]} needs a value\n${USAGE}`);
    if (rest[i] === '--port') args.port = Number(value);
    else if (rest[i] === '--data') args.dataDir = value;
    else if (rest[i] === '--log') args.logFile = value;
    else throw new Error(`unknown argument ${rest[i]}\n${USAGE}`);
  }
  if (args.port !== undefined && !(Number.isInteger(args.port) && args.port > 0))
    throw new Error('--port must be a port');
  return args;
}

const progress = (message: string) => process.stderr.write(`${message}\n`);

async function start(args: Args): Promise<{ service: LocalService; cleanup: () => void }> {
  if (args.service === 'neo4j') {
    const dataDir = args.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'skein-neo4j-'));
    const cleanup = () => args.dataDir === undefined && fs.rmSync(dataDir, { recursive: true, force: true });
    try {
      const service = await startNeo4j({ dataDir, port: args.port, progress, logFile: args.logFile });
      console.log(`NEO4J_URI=${service.url}`);
      console.log(`NEO4J_PASSWORD=${service.password}`); // also in ${dataDir}/password (mode 0600)
      return { service, cleanup };
    } catch (err) {
      cleanup();
      throw err;
    }
  }
  const accessKey = process.env.S3_ACCESS_KEY_ID ?? 'skein-local';
  const secretKey = process.env.S3_SECRET_ACCESS_KEY ?? 'skein-local-secret';
  const service = await startS3Proxy({
    dataDir: args.dataDir,
    port: args.port,
    accessKey,
    secretKey,
    progress,
    logFile: args.logFile,
  });
  console.log(`S3_ENDPOINT=${service.url}`);
  console.log(`S3_ACCESS_KEY_ID=${accessKey}`);
  console.log(`S3_SECRET_ACCESS_KEY=${secretKey}`);
  console.log('S3_REGION=us-east-1');
  return { service, cleanup: () => undefined };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const { service, cleanup } = await start(args);
  progress(`pid ${service.pid}; Ctrl-C to stop`);
  let stopping = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) return; // a second Ctrl-C while stopping is ignored; the stop has a SIGKILL fallback
    stopping = true;
    progress(`${signal}: stopping ${args.service}…`);
    service
      .stop()
      .then(cleanup)
      .then(() => process.exit(0))
      .catch((err: unknown) => {
        console.error(err);
        process.exit(1);
      });
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
