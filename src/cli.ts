import 'reflect-metadata';
import { Command, Option } from 'commander';
import { startSkein } from './app';
import { ConfigError, loadConfig, type EnvInput } from './config';
import { createDriver } from './graph/driver';
import { GraphExecutor } from './graph/executor';
import { migrate, pendingMigrations } from './graph/migrations';
import { emitSchemaFile, printSortedSchema } from './graphql/schema';
import { SCHEMA_FILE } from './paths';
import { readFile } from 'node:fs/promises';
import { registerClientCommands } from './cli/index';
import { EXIT } from './client/errors';
import { processIo, type CliIo } from './cli/io';
import { runProgram } from './cli/run';
import { mintToken } from './auth/token-secret';

/**
 * `skein serve | migrate | schema`, and the client commands (src/cli/). Exit codes scripts can rely
 * on are one list for all of them (`EXIT` in src/client/errors.ts): 0 done, 1 failed, 2 bad usage or
 * configuration, 3 a check found work to do (stale schema, pending migrations).
 */

const say = (message: string) => process.stderr.write(`${message}\n`);

function serveFlags(opts: { port?: string; host?: string; migrate?: boolean; dataDir?: string }): EnvInput {
  return {
    SKEIN_PORT: opts.port,
    SKEIN_HOST: opts.host,
    SKEIN_DATA_DIR: opts.dataDir,
    SKEIN_MIGRATE: opts.migrate === false ? 'false' : undefined,
  };
}

async function serve(opts: Parameters<typeof serveFlags>[0]): Promise<void> {
  const config = loadConfig(process.env, serveFlags(opts));
  let fatal: Error | undefined;
  let wake: () => void = () => undefined;
  const stopRequested = new Promise<void>((resolve) => (wake = resolve));
  const skein = await startSkein(config, {
    progress: say,
    onFatal: (err) => {
      fatal = err;
      wake();
    },
  });
  say(`Skein is serving the GraphQL API at ${skein.graphqlUrl}`);
  say(authBanner(config, skein.url));
  say(`Playground (works offline):         ${skein.url}/playground`);
  say('New here? `npm run demo` (in another terminal) records a small pipeline to explore.');
  say('Press Ctrl-C to stop.');
  process.once('SIGINT', wake);
  process.once('SIGTERM', wake);
  await stopRequested;
  if (fatal) say(fatal.message);
  say(`Stopping (requests in flight get up to ${config.http.shutdownGraceMs / 1000} s to finish)…`);
  // The local Neo4j's process handles are unref'd (so they never keep a crashed CLI alive);
  // hold the event loop open until it has shut down cleanly.
  const keepAlive = setInterval(() => undefined, 1000);
  try {
    await skein.stop();
  } finally {
    clearInterval(keepAlive);
  }
  say('Stopped.');
  if (fatal) process.exitCode = EXIT.FAILED;
}

/** What the start-up lines say about access control. */
export function authBanner(config: ReturnType<typeof loadConfig>, url: string): string {
  const where = new URL(url).host;
  return config.auth.mode === 'off'
    ? `auth off: anyone who can reach ${where} may read and change everything (single-user mode)`
    : 'auth on: every request needs an API token (skein token create) or an SSO access token, as "Authorization: Bearer …"';
}

/** `migrate` against NEO4J_URI (a remote database: the local one is migrated by `serve`). */
async function runMigrate(opts: { check?: boolean }): Promise<number> {
  const config = loadConfig();
  if (!config.neo4j.uri)
    throw new ConfigError([
      'NEO4J_URI: required for `skein migrate` (`skein serve` migrates the local database itself)',
    ]);
  const driver = createDriver({ ...config.neo4j, uri: config.neo4j.uri });
  try {
    const graph = new GraphExecutor(driver, {
      database: config.neo4j.database,
      timeoutMs: config.neo4j.queryTimeoutMs,
    });
    if (opts.check) {
      const pending = await pendingMigrations(graph);
      pending.forEach((m) => say(`pending: ${m.version} ${m.name}`));
      return pending.length === 0 ? EXIT.OK : EXIT.CHECK_FAILED;
    }
    const applied = await migrate(graph, {
      onApplying: (m) => say(`applying ${m.version} ${m.name}…`),
      onApplied: (m) => say(`applied ${m.version} ${m.name}`),
    });
    say(applied.length === 0 ? 'Migrations are current.' : `Applied ${applied.length} migration(s).`);
    return EXIT.OK;
  } finally {
    await driver.close();
  }
}

async function runSchema(opts: { check?: boolean }): Promise<number> {
  if (!opts.check) {
    await emitSchemaFile();
    say(`Wrote ${SCHEMA_FILE}`);
    return EXIT.OK;
  }
  const current = await readFile(SCHEMA_FILE, 'utf8').catch(() => '');
  if (current === (await printSortedSchema())) return EXIT.OK;
  say(`${SCHEMA_FILE} is stale; run \`npm run schema\` and commit it.`);
  return EXIT.CHECK_FAILED;
}

/**
 * `skein token generate`: a new token text for SKEIN_ADMIN_TOKEN, made offline (the server's own
 * token format, so it lives here rather than with the client commands, which import no server code).
 */
function addTokenGenerate(program: Command, io: CliIo): void {
  program.commands
    .find((c) => c.name() === 'token')
    ?.addCommand(
      new Command('generate')
        .description('Print a new random token for SKEIN_ADMIN_TOKEN (offline; a server stores its hash on start).')
        .addHelpText('after', '\nExample:\n  SKEIN_ADMIN_TOKEN="$(skein token generate)" skein serve --host 0.0.0.0')
        .action(() => void io.stdout.write(`${mintToken().text}\n`)),
    );
}

export function buildProgram(io: CliIo = processIo()): Command {
  const program = new Command('skein').description(
    'Skein: lineage and metadata for machine-learning work, over GraphQL.',
  );
  program
    .command('serve', { isDefault: true })
    .description('Serve the GraphQL API (starts a local Neo4j when NEO4J_URI is not set).')
    .addOption(new Option('-p, --port <port>', 'HTTP port').env('SKEIN_PORT'))
    .addOption(new Option('--host <host>', 'interface to listen on').env('SKEIN_HOST'))
    .addOption(new Option('--data-dir <dir>', 'where the local Neo4j keeps its data').env('SKEIN_DATA_DIR'))
    .option('--no-migrate', 'do not apply pending migrations on start')
    .action(serve);
  program
    .command('migrate')
    .description('Apply pending migrations to the Neo4j at NEO4J_URI.')
    .option('--check', 'only report pending migrations; exit 3 when there are any')
    .action(async (opts) => void (process.exitCode = await runMigrate(opts)));
  program
    .command('schema')
    .description('Write the GraphQL schema to schema/schema.graphql.')
    .option('--check', 'exit 3 when the committed schema file is stale')
    .action(async (opts) => void (process.exitCode = await runSchema(opts)));
  // upload, download, lineage, runs, artifacts, demo: clients of a running Skein (src/cli/).
  registerClientCommands(program, io);
  addTokenGenerate(program, io);
  return program;
}

/**
 * Runs the CLI and answers its exit code (0 done, 1 failed, 2 usage, 3 check failed, 4 not found,
 * 5 verification failed). Tests call it in-process with their own `io` to capture the output.
 */
export function run(argv: string[], io: CliIo = processIo()): Promise<number> {
  return runProgram(buildProgram(io), argv, io);
}

export async function main(argv: string[]): Promise<void> {
  const code = await run(argv);
  if (code !== EXIT.OK) process.exitCode = code;
}

if (require.main === module) void main(process.argv);
