import { createServer } from 'node:net';
import { main, run } from '../../src/cli';
import { memoryIo } from '../../src/cli/io';
import { clean, evaluate, generateCustomers, split, train } from '../../src/demo/data';

/** The CLI's exit codes and one-line errors where no server is needed, and the demo's data. */

async function skein(args: string[], env: Record<string, string> = {}) {
  const io = memoryIo({ env });
  const code = await run(['node', 'skein', ...args], io);
  return { code, stdout: io.out(), stderr: io.err() };
}

/** A URL nothing listens on. */
async function deadUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}/graphql`;
}

describe('skein CLI exit codes', () => {
  it('prints help for every client command and exits 0', async () => {
    for (const command of ['upload', 'download', 'lineage', 'runs', 'artifacts', 'workspace', 'demo']) {
      const res = await skein([command, '--help']);
      expect(res.code).toBe(0);
      expect(res.stdout).toMatch(new RegExp(`^Usage: skein ${command} `));
    }
    const top = await skein(['--help']);
    expect(top.stdout).toMatch(/--url <url>\s+the GraphQL API of a running Skein \(env:\s+SKEIN_URL/);
    expect(top.stdout).toMatch(/upload \[options\] <path>/);
  });

  it('prints help for workspace create and list, and exits 2 on their bad usage before any request', async () => {
    const create = await skein(['workspace', 'create', '--help']);
    expect(create.code).toBe(0);
    expect(create.stdout).toMatch(/^Usage: skein workspace create \[options\] <name>/);
    expect(create.stdout).toMatch(/-l, --label <key=value>/);
    const list = await skein(['workspace', 'list', '--help']);
    expect(list.stdout).toMatch(/^Usage: skein workspace list \[options\]/);
    expect(list.stdout).toMatch(/-p, --prefix <prefix>/);
    expect(list.stdout).toMatch(/--json/);

    // Each fails while the command line is parsed, before any request (exit 2).
    const label = await skein(['workspace', 'create', 'ws', '--label', 'no-equals-sign']);
    expect(label.code).toBe(2);
    expect(label.stderr).toMatch(
      /option '-l, --label <key=value>' argument 'no-equals-sign' is invalid\. expected key=value/,
    );
    expect((await skein(['workspace', 'create'])).stderr).toMatch(/missing required argument 'name'/);
    expect((await skein(['workspace', 'create'])).code).toBe(2);
    expect((await skein(['workspace', 'list', '--page-size', '0'])).code).toBe(2);
    expect((await skein(['workspace', 'rename', 'x'])).code).toBe(2);
    expect((await skein(['workspace'])).code).toBe(2); // a subcommand is needed: the help, on stderr
  });

  it('exits 2 on bad usage, naming what is wrong, before any request', async () => {
    const both = await skein(['download', 'store://artifacts/w/k', 'out', '--overwrite', '--skip-existing']);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/option '--overwrite' cannot be used with option '--skip-existing'/);
    expect((await skein(['runs', '--filter-state', 'DONE'])).stderr).toMatch(/--filter-state DONE is not a run state/);
    expect((await skein(['runs', '--filter-state', 'DONE'])).code).toBe(2);
    expect((await skein(['lineage', 'x', '--depth', '0'])).code).toBe(2);
    expect((await skein(['lineage', 'x', '--direction', 'sideways'])).stderr).toMatch(
      /Allowed choices are upstream, downstream, both/,
    );
    expect((await skein(['upload', 'f', '-w', 'w'])).stderr).toMatch(/required option '-k, --key <key>'/);
    const url = await skein(['--url', 'not a url', 'runs', '-w', 'w']);
    expect(url).toMatchObject({
      code: 2,
      stderr: 'skein: --url "not a url" is not a URL; e.g. http://127.0.0.1:4000/graphql\n',
    });
  });

  it('exits 1 with one line when Skein cannot be reached, from --url or SKEIN_URL', async () => {
    const dead = await deadUrl();
    const res = await skein(['--url', dead, 'lineage', 'store://artifacts/w/k']);
    expect(res.code).toBe(1);
    expect(res.stderr).toBe(
      `skein: cannot reach Skein at ${dead} (connection refused); start it with \`skein serve\`, or point --url or SKEIN_URL at it\n`,
    );
    const after = await skein(['runs', '-w', 'w', '--url', dead]); // a global option, after the command too
    expect(after.stderr).toContain(`cannot reach Skein at ${dead}`);
    const fromEnv = await skein(['artifacts', '-w', 'w'], { SKEIN_URL: dead });
    expect(fromEnv.code).toBe(1);
    expect(fromEnv.stderr).toContain(`cannot reach Skein at ${dead}`);
  });

  it('main() sets the process exit code that bin/skein.js exits with', async () => {
    const write = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const before = process.exitCode;
    try {
      await main(['node', 'skein', 'download', 'only-one-argument']);
      expect(process.exitCode).toBe(2);
      process.exitCode = undefined;
      await main(['node', 'skein', '--url', await deadUrl(), 'runs', '-w', 'w']);
      expect(process.exitCode).toBe(1);
    } finally {
      process.exitCode = before;
      write.mockRestore();
    }
  });
});

describe('the demo data', () => {
  it('is the same every time (so a second demo finds its bodies stored), and trains a real model', () => {
    expect(generateCustomers(50, 42)).toEqual(generateCustomers(50, 42));
    const raw = generateCustomers(480, 42).map((r) =>
      Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v === null ? '' : String(v)])),
    );
    const cleaned = clean(raw);
    expect(cleaned.dropped).toBeGreaterThan(0);
    expect(cleaned.rows.length + cleaned.dropped).toBe(480);
    const { train: rows, test } = split(cleaned.rows, 0.2, 42);
    expect(rows.length + test.length).toBe(cleaned.rows.length);
    const fit = train(rows, { learning_rate: 0.3, epochs: 60, l2: 0.001 }, cleaned.scaling);
    expect(fit.history[59]!.loss).toBeLessThan(fit.history[0]!.loss);
    const e = evaluate(fit.model, test);
    expect(e.accuracy).toBeGreaterThan(0.6);
    expect(e.auc).toBeGreaterThan(0.7);
    expect(JSON.stringify(train(rows, fit.model.hyperparameters, cleaned.scaling).model)).toBe(
      JSON.stringify(fit.model),
    );
  });
});
