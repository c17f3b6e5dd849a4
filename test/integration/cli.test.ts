import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { randomBytes } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { SkeinHandle } from '../../src/app';
import { run } from '../../src/cli';
import { memoryIo } from '../../src/cli/io';
import { CliError } from '../../src/client/errors';
import { SkeinClient } from '../../src/client/graphql';
import { noProgress, type Progress } from '../../src/client/progress';
import { uploadArtifact } from '../../src/client/upload';
import type { LocalBodyStore } from '../../src/storage/local-store';
import { deleteWorkspaceBodies, MiB, sha256, startLocalSkein, startS3Skein } from '../helpers/bodies';
import { createWorkspace } from '../helpers/pipeline';
import { gqlOk, uniqueName } from '../helpers/skein';

/**
 * The `skein` CLI against a started Skein, run in-process through the same entry as
 * `bin/skein.js` (`run(argv, io)` answers the exit code `main` would set): uploads and downloads
 * through the body store (S3 and the local store), corruption detected on download, existing
 * files never silently replaced, the demo pipeline, its lineage tree, and the runs/artifacts tables.
 */

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

async function skein(url: string, ...args: string[]): Promise<Result> {
  const io = memoryIo();
  const code = await run(['node', 'skein', '--url', url, ...args], io);
  return { code, stdout: io.out(), stderr: io.err() };
}

/** Every file under `root`, as sorted relative "/" paths. */
function walk(root: string, dir = root): string[] {
  return readdirSync(dir)
    .flatMap((name) => {
      const full = path.join(dir, name);
      return statSync(full).isDirectory() ? walk(root, full) : [path.relative(root, full).split(path.sep).join('/')];
    })
    .sort();
}

function expectSameTree(a: string, b: string): void {
  expect(walk(b)).toEqual(walk(a));
  for (const rel of walk(a)) {
    const left = readFileSync(path.join(a, rel));
    const right = readFileSync(path.join(b, rel));
    if (!left.equals(right)) throw new Error(`${rel} differs after the round trip`);
  }
}

/**
 * Overwrites a stored body behind Skein's back (same size, other bytes), as bit rot or a
 * tampering hand would: the object in S3 through the S3 API, or the file in the local store.
 */
async function corruptStoredBody(skein: SkeinHandle, location: string): Promise<void> {
  const key = location.startsWith('s3://')
    ? location.slice(`s3://${process.env.S3_BUCKET}/`.length)
    : path.relative((skein.bodies.store as LocalBodyStore).root, new URL(location).pathname);
  expect(key).toMatch(/^bodies\/sha256\/[0-9a-f]{64}$/);
  if (skein.bodies.store.kind === 'S3') {
    const s3 = new S3Client({
      endpoint: process.env.S3_ENDPOINT,
      region: process.env.S3_REGION ?? 'us-east-1',
      forcePathStyle: true,
      credentials: {
        accessKeyId: process.env.S3_ACCESS_KEY_ID!,
        secretAccessKey: process.env.S3_SECRET_ACCESS_KEY!,
      },
    });
    const head = (await skein.bodies.store.head(key))!;
    await s3.send(
      new PutObjectCommand({ Bucket: process.env.S3_BUCKET, Key: key, Body: Buffer.alloc(head.size, 'X') }),
    );
    s3.destroy();
  } else {
    const file = path.join((skein.bodies.store as LocalBodyStore).root, key);
    writeFileSync(file, Buffer.alloc(statSync(file).size, 'X'));
  }
}

const URI = /^store:\/\/artifacts\/[a-z0-9_-]+\/[^@\s]+@[0-9a-f-]{36}$/;

describe.each([
  [
    'S3',
    () => startS3Skein({ SKEIN_MULTIPART_THRESHOLD: String(5 * MiB), SKEIN_MULTIPART_PART_SIZE: String(5 * MiB) }),
  ],
  [
    'the local store',
    () => startLocalSkein({ SKEIN_MULTIPART_THRESHOLD: String(5 * MiB), SKEIN_MULTIPART_PART_SIZE: String(5 * MiB) }),
  ],
])('skein upload / download with %s', (_store, start) => {
  let server: SkeinHandle;
  let url: string;
  let ws: string;
  let work: string;
  let source: string;
  const stamp = `${Date.now()} ${Math.random()}`;
  const tree: Record<string, Buffer> = {
    'README.md': Buffer.from(`# a dataset ${stamp}\n`),
    'data/train/part-0001.csv': Buffer.from(`id,x\n1,0.5\n${stamp}\n`),
    'data/train/part-0002.csv': Buffer.from(`id,x\n2,0.7\n${stamp}\n`),
    'data/test/nested/deeper/notes.txt': Buffer.from(`deep ${stamp}\n`),
    'copies/README.md': Buffer.from(`# a dataset ${stamp}\n`), // the same body as README.md: sent once
    'empty.txt': Buffer.alloc(0),
    // Over the 5 MiB threshold: uploaded in parts of 5 MiB (the last one shorter).
    'weights/model.bin': Buffer.concat([randomBytes(11 * MiB), Buffer.from(stamp)]),
  };

  beforeAll(async () => {
    server = await start();
    url = server.graphqlUrl;
    ws = await createWorkspace(url, 'cli');
    work = mkdtempSync(path.join(tmpdir(), 'skein-cli-'));
    source = path.join(work, 'source');
    for (const [rel, data] of Object.entries(tree)) {
      mkdirSync(path.dirname(path.join(source, rel)), { recursive: true });
      writeFileSync(path.join(source, rel), data);
    }
  }, 60_000);

  afterAll(async () => {
    rmSync(work, { recursive: true, force: true });
    if (server?.bodies.store.kind === 'S3') await deleteWorkspaceBodies(server, ws);
    await server?.stop();
  });

  it('uploads a nested directory (multipart for the big file) and downloads it byte-identical', async () => {
    const up = await skein(url, 'upload', source, '--workspace', ws, '--key', 'datasets/tree', '--tag', 'golden');
    expect(up).toMatchObject({
      code: 0,
      stderr: expect.stringMatching(/Uploaded datasets\/tree:v1 \(DIRECTORY, 7 files/),
    });
    // 7 files, 6 distinct bodies (the empty one may be stored already, by any earlier upload)
    expect(up.stderr).toMatch(/sent [56] of 6 bodies/);
    const uri = up.stdout.trim();
    expect(uri).toMatch(URI);

    const { artifact } = await gqlOk<{
      artifact: { kind: string; state: string; tags: string[]; manifest: Array<{ path: string; sha256: string }> };
    }>(
      url,
      'query($r: String!) { artifact(ref: $r) { kind state tags ... on DirectoryArtifact { manifest { path sha256 } } } }',
      {
        r: uri,
      },
    );
    expect(artifact).toMatchObject({ kind: 'DIRECTORY', state: 'AVAILABLE', tags: ['golden'] });
    expect(artifact.manifest.map((m) => m.path)).toEqual(Object.keys(tree).sort());
    for (const m of artifact.manifest) expect(m.sha256).toBe(sha256(tree[m.path]!));

    const dest = path.join(work, 'copy', 'tree'); // created, parents too
    const down = await skein(url, 'download', `store://artifacts/${ws}/datasets/tree:golden`, dest);
    expect(down).toMatchObject({ code: 0, stdout: `${dest}\n` });
    expect(down.stderr).toMatch(/7 files .*SHA-256 verified/);
    expectSameTree(source, dest);
  });

  it('sends nothing for bodies the store already holds', async () => {
    const again = await skein(url, 'upload', source, '-w', ws, '-k', 'datasets/tree');
    expect(again.code).toBe(0);
    expect(again.stderr).toMatch(/Uploaded datasets\/tree:v2 .*the store already held every body; nothing was sent/);
    expect(again.stdout.trim()).toMatch(URI);
  });

  it('never replaces existing files silently: refuses, --skip-existing keeps matching ones, --overwrite replaces them', async () => {
    const dest = path.join(work, 'existing');
    const ref = `store://artifacts/${ws}/datasets/tree`;
    expect((await skein(url, 'download', ref, dest)).code).toBe(0);
    const edited = path.join(dest, 'data', 'train', 'part-0001.csv');
    writeFileSync(edited, 'edited by hand\n');
    rmSync(path.join(dest, 'README.md'));

    const refused = await skein(url, 'download', ref, dest);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(
      /^skein: .* already exists \(and 5 more\); pass --overwrite to replace, or --skip-existing/,
    );
    expect(refused.stderr.trim().split('\n')).toHaveLength(1);
    expect(existsSync(path.join(dest, 'README.md'))).toBe(false); // nothing was written

    // Kept only when the SHA-256 matches (issue 14: the edited file was kept, and the summary still
    // said "SHA-256 verified"): the edited file is downloaded again and said so; the missing one is written.
    const skipped = await skein(url, 'download', ref, dest, '--skip-existing');
    expect(skipped.code).toBe(0);
    const lines = skipped.stderr.trim().split('\n');
    expect(lines).toContain(
      `${path.join(dest, 'data', 'train', 'part-0001.csv')}: its bytes differ from the artifact's (SHA-256 mismatch); downloading it again`,
    );
    expect(lines.at(-1)).toMatch(
      /^Downloaded store:\/\/\S+: 2 files \(.*\), SHA-256 verified; kept 5 files already there \(SHA-256 matched\); replaced 1 changed file\.$/,
    );
    expect(readFileSync(edited)).toEqual(tree['data/train/part-0001.csv']);
    expect(readFileSync(path.join(dest, 'README.md'))).toEqual(tree['README.md']);
    expectSameTree(source, dest);

    // Everything in place: nothing downloaded, all kept.
    const nothing = await skein(url, 'download', ref, dest, '--skip-existing');
    expect(nothing.code).toBe(0);
    expect(nothing.stderr.trim()).toMatch(
      /: 0 files \(.*\), nothing to download; kept 7 files already there \(SHA-256 matched\)\.$/,
    );

    const both = await skein(url, 'download', ref, dest, '--skip-existing', '--overwrite');
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/cannot be used with/);

    const overwritten = await skein(url, 'download', ref, dest, '--overwrite');
    expect(overwritten.code).toBe(0);
    expectSameTree(source, dest);
  });

  it('uploads and downloads a single file: to a path, or into an existing directory', async () => {
    const file = path.join(work, 'model.json');
    writeFileSync(file, JSON.stringify({ weights: [1, 2, 3], stamp }));
    const up = await skein(url, 'upload', file, '-w', ws, '-k', 'models/churn', '--kind', 'MODEL', '-t', 'candidate');
    expect(up.code).toBe(0);
    const uri = up.stdout.trim();
    expect(uri).toContain(`store://artifacts/${ws}/models/churn@`);

    const asFile = path.join(work, 'single', 'saved.json');
    const down = await skein(url, 'download', uri, asFile);
    expect(down).toMatchObject({ code: 0, stdout: `${asFile}\n` });
    expect(readFileSync(asFile)).toEqual(readFileSync(file));

    const intoDir = path.join(work, 'single');
    const down2 = await skein(url, 'download', `store://artifacts/${ws}/models/churn:candidate`, intoDir);
    expect(down2.code).toBe(0);
    // Saved under the artifact's file name: the last segment of its path (the server's template ends in the key).
    expect(down2.stdout.trim()).toBe(path.resolve(intoDir, 'churn'));
    expect(readFileSync(path.join(intoDir, 'churn'))).toEqual(readFileSync(file));
  });

  it('detects a corrupted body on download, exits 5 naming the file, and leaves no partial file', async () => {
    const corruptSource = path.join(work, 'to-corrupt');
    mkdirSync(path.join(corruptSource, 'sub'), { recursive: true });
    writeFileSync(path.join(corruptSource, 'sub', 'victim.csv'), `a,b\n1,2\n${stamp} victim\n`);
    writeFileSync(path.join(corruptSource, 'fine.txt'), `fine ${stamp}\n`);
    const up = await skein(url, 'upload', corruptSource, '-w', ws, '-k', 'datasets/corrupt');
    expect(up.code).toBe(0);
    const download = await gqlOk<{ artifactDownload: { files: Array<{ path: string; location: string }> } }>(
      url,
      'query($r: String!) { artifactDownload(ref: $r) { files { path location } } }',
      { r: up.stdout.trim() },
    );
    await corruptStoredBody(server, download.artifactDownload.files.find((f) => f.path === 'sub/victim.csv')!.location);

    const dest = path.join(work, 'corrupt-copy');
    const res = await skein(url, 'download', up.stdout.trim(), dest);
    expect(res.code).toBe(5);
    expect(res.stderr).toMatch(
      new RegExp(
        `^skein: ${dest.replace(/[/\\]/g, '.')}.sub.victim\\.csv failed verification: SHA-256 [0-9a-f]{64}, expected [0-9a-f]{64}; the partial file was deleted`,
      ),
    );
    expect(res.stdout).toBe('');
    const left = existsSync(path.join(dest, 'sub')) ? readdirSync(path.join(dest, 'sub')) : [];
    expect(left).toEqual([]); // neither the file nor its temporary part
    expect(walk(dest).filter((p) => p.includes('.part'))).toEqual([]);
  });

  it('draws a progress bar with bytes and rate when asked (stderr is not a terminal here)', async () => {
    const file = path.join(work, 'progress.bin');
    writeFileSync(file, randomBytes(MiB));
    const res = await skein(url, 'upload', file, '-w', ws, '-k', 'files/progress', '--progress');
    expect(res.code).toBe(0);
    expect(res.stderr).toContain('\r\x1b[Kuploading  [');
    expect(res.stderr).toMatch(/uploading {2}\[[█░]+\] +100% {2}1\.0 MiB \/ 1\.0 MiB {2}[\d.]+ [KMG]?i?B\/s/);
    const quiet = await skein(url, 'upload', file, '-w', ws, '-k', 'files/progress');
    expect(quiet.stderr).not.toContain('\r');
  });

  it('aborts the upload when the store refuses a body (a file changed after it was hashed)', async () => {
    const file = path.join(work, 'changing.csv');
    writeFileSync(file, `a,b\n1,2\n${stamp} before\n`);
    const changeIt: Progress = {
      ...noProgress,
      start: (label) => {
        if (label === 'uploading') writeFileSync(file, `a,b\n1,2\n${stamp} AFTER!\n`); // same size, other bytes
      },
    };
    const err = (await uploadArtifact(
      new SkeinClient(url),
      { source: file, workspace: ws, key: 'files/changing' },
      { progress: changeIt },
    ).catch((e: unknown) => e)) as CliError;
    expect(err).toBeInstanceOf(CliError);
    expect(err.exitCode).toBe(1);
    expect(err.message).toMatch(
      new RegExp(
        `^the store refused ${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: HTTP 4\\d\\d .*did the file change since it was hashed\\? run the upload again; the upload of store://artifacts/${ws}/files/changing@[0-9a-f-]{36} was aborted$`,
      ),
    );
    const uri = /(store:\/\/\S+) was aborted/.exec(err.message)![1]!;
    const { artifact } = await gqlOk<{ artifact: { state: string } }>(
      url,
      'query($r: String!) { artifact(ref: $r) { state } }',
      {
        r: uri,
      },
    );
    expect(artifact.state).toBe('ABORTED');
  });

  it('answers errors in one line with exit codes scripts can rely on', async () => {
    const missing = await skein(url, 'download', `store://artifacts/${ws}/nope`, path.join(work, 'nope'));
    expect(missing).toEqual({
      code: 4,
      stdout: '',
      stderr: `skein: Artifact "store://artifacts/${ws}/nope" does not exist (NOT_FOUND)\n`,
    });
    const noWorkspace = await skein(url, 'upload', path.join(work, 'model.json'), '-w', 'no-such-ws-x', '-k', 'k');
    expect(noWorkspace.code).toBe(4);
    expect(noWorkspace.stderr).toMatch(/^skein: Workspace "no-such-ws-x" does not exist \(NOT_FOUND\)\n$/);
    const badKind = await skein(url, 'upload', path.join(work, 'model.json'), '-w', ws, '-k', 'k', '--kind', 'not ok');
    expect(badKind.code).toBe(2);
    expect(badKind.stderr).toMatch(/^skein: Artifact kind "NOT OK" is not valid.*\(BAD_USER_INPUT\)\n$/);
    const noFile = await skein(url, 'upload', path.join(work, 'absent.bin'), '-w', ws, '-k', 'k');
    expect(noFile).toMatchObject({ code: 4, stderr: `skein: ${path.join(work, 'absent.bin')} does not exist\n` });
    const dirAsFile = await skein(url, 'upload', source, '-w', ws, '-k', 'k', '--kind', 'MODEL');
    expect(dirAsFile.code).toBe(2);
    expect(dirAsFile.stderr).toMatch(/is a directory: it uploads as a DIRECTORY artifact; leave --kind out/);
  });
});

describe('skein demo, lineage, runs and artifacts', () => {
  let server: SkeinHandle;
  let url: string;
  let ws: string;
  let first: Result;
  let second: Result;
  /** The best model's label from the demo's summary, e.g. "churn-model:v2". */
  const bestOf = (r: Result) => /(churn-model:v\d+) tagged production/.exec(r.stdout)![1]!;

  beforeAll(async () => {
    server = await startLocalSkein(); // a fresh store: the first demo uploads every body
    url = server.graphqlUrl;
    ws = uniqueName('demo').toLowerCase();
    first = await skein(url, 'demo', '--workspace', ws);
    second = await skein(url, 'demo', '--workspace', ws);
  }, 120_000);

  afterAll(async () => {
    await server?.stop();
  });

  it('records the pipeline, and records it again on a second run', () => {
    expect(first.code).toBe(0);
    expect(first.stdout).toContain(`Recorded the demo pipeline in workspace "${ws}"`);
    for (const step of ['ingest', 'clean', 'split', 'train x3', 'evaluate', 'register']) {
      expect(first.stdout).toMatch(new RegExp(`^ {2}${step.replace('x', 'x')} +-> `, 'm'));
    }
    expect(first.stdout).toMatch(/customers-raw:v1 \(DIRECTORY, 4 files\)/);
    expect(first.stdout).toMatch(/churn-model:v3 \(lr=0\.03, .*\)/);
    expect(first.stdout).toContain(`skein lineage store://artifacts/${ws}/churn-model:production`);

    expect(first.stdout).toMatch(/^Bodies: 12 uploaded \([\d.]+ KiB\), 0 already stored\.$/m);

    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/customers-raw:v2 \(DIRECTORY, 4 files\)/);
    expect(second.stdout).toMatch(/churn-model:v6 /);
    // The same bytes: the second run uploads nothing.
    expect(second.stdout).toMatch(/^Bodies: 0 uploaded \(0 B\), 12 already stored\.$/m);
    // The same best learning rate both times; the tag moved to the new version.
    expect(Number(bestOf(second).split(':v')[1])).toBe(Number(bestOf(first).split(':v')[1]) + 3);
  });

  it('prints the production model’s lineage as a tree', async () => {
    const res = await skein(url, 'lineage', `store://artifacts/${ws}/churn-model:production`, '--depth', '10');
    expect(res.code).toBe(0);
    expect(res.stdout).toBe(
      [
        `${bestOf(second)} (MODEL) tags=production`,
        '└─ train [COMPLETED]',
        '   └─ churn-train:v2 (DATASET)',
        '      └─ split [COMPLETED]',
        '         └─ customers-clean:v2 (DATASET)',
        '            └─ clean [COMPLETED]',
        '               └─ customers-raw:v2 (DIRECTORY)',
        '                  └─ ingest [COMPLETED]',
        '',
      ].join('\n'),
    );

    const short = await skein(url, 'lineage', `store://artifacts/${ws}/churn-model:production`, '--depth', '1');
    expect(short.stdout).toContain('   └─ churn-train:v2 (DATASET) … more upstream\n');
    expect(short.stdout).toMatch(/… more upstream: ask with a larger --depth \(this answer went 1 steps\)/);
  });

  it('prints what came from the raw data downstream, marking nodes seen above', async () => {
    const res = await skein(
      url,
      'lineage',
      `store://artifacts/${ws}/customers-raw`,
      '-d',
      'downstream',
      '--depth',
      '10',
    );
    expect(res.code).toBe(0);
    const lines = res.stdout.split('\n');
    expect(lines[0]).toBe('customers-raw:v2 (DIRECTORY)'); // no tag or uid: the latest, the second run's
    expect(lines[1]).toBe('└─ clean [COMPLETED]');
    expect(lines[2]).toBe('   └─ customers-clean:v2 (DATASET)');
    expect(lines.filter((l) => /─ train \[COMPLETED\]$/.test(l))).toHaveLength(3);
    expect(lines.filter((l) => /─ churn-model:v[456] \(MODEL\)/.test(l))).toHaveLength(3);
    expect(res.stdout).toMatch(
      /─ evaluate \[COMPLETED\]\n.*─ churn-eval:v2 \(METRICS\)\n.*─ register \[COMPLETED\]\n.*─ churn-model-card:v2 \(FILE\)/,
    );
    expect(res.stdout).toContain('(see above)'); // register also reads the model evaluate read
  });

  it('prints both directions in two sections', async () => {
    const res = await skein(url, 'lineage', `store://artifacts/${ws}/churn-test`, '--direction', 'both');
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(
      /^churn-test:v2 \(DATASET\)\n├─ ▲ upstream \(what it came from\)\n│ {2}└─ split \[COMPLETED\]/,
    );
    expect(res.stdout).toMatch(/\n└─ ▼ downstream \(what came from it\)\n {3}└─ evaluate \[COMPLETED\]\n/);
  });

  it('lists runs as an aligned table, with the best iterations marked, and as JSON', async () => {
    const res = await skein(url, 'runs', '--workspace', ws);
    expect(res.code).toBe(0);
    const lines = res.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^UID +NAME +STATE +PARENT +ITER +BEST +STARTED +DURATION +PARAMS +RESULTS$/);
    expect(lines).toHaveLength(1 + 8); // two pipelines, each with three training iterations
    const stateAt = lines[0]!.indexOf('STATE');
    for (const line of lines.slice(1)) expect(line.slice(stateAt)).toMatch(/^COMPLETED /);
    expect(lines.filter((l) => / best /.test(l))).toHaveLength(2);
    expect(lines.filter((l) => /train-logreg +COMPLETED +churn-pipeline +[123] /.test(l))).toHaveLength(6);
    expect(res.stdout).toMatch(/learning_rate=0\.03/);

    const json = await skein(url, 'runs', '-w', ws, '--filter-state', 'completed', '--first', '3', '--json');
    expect(json.code).toBe(0);
    const rows = JSON.parse(json.stdout) as Array<{ state: string; uid: string }>;
    expect(rows).toHaveLength(3);
    expect(rows.every((r) => r.state === 'COMPLETED')).toBe(true);
    expect(json.stderr).toMatch(/showing the first 3 runs/);

    const running = await skein(url, 'runs', '-w', ws, '--filter-state', 'RUNNING');
    expect(running).toMatchObject({ code: 0, stdout: '' });
    expect(running.stderr).toMatch(/No runs in workspace .* in state RUNNING/);

    const bad = await skein(url, 'runs', '-w', ws, '--filter-state', 'DONE');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--filter-state DONE is not a run state/);
  });

  it('lists artifacts as a table and as JSON', async () => {
    const res = await skein(url, 'artifacts', '--workspace', ws, '--kind', 'model');
    expect(res.code).toBe(0);
    const lines = res.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^KEY +VERSION +KIND +STATE +SIZE +TAGS +CREATED +URI$/);
    expect(lines).toHaveLength(1 + 6);
    expect(lines.slice(1).every((l) => /^churn-model +v\d +MODEL +AVAILABLE +[\d.]+ (B|KiB) /.test(l))).toBe(true);
    expect(lines.filter((l) => / production /.test(l))).toHaveLength(1);

    const json = await skein(url, 'artifacts', '-w', ws, '--json');
    const all = JSON.parse(json.stdout) as Array<{ key: string; kind: string; uri: string }>;
    expect(new Set(all.map((a) => a.key))).toEqual(
      new Set([
        'customers-raw',
        'customers-clean',
        'churn-train',
        'churn-test',
        'churn-model',
        'churn-eval',
        'churn-model-card',
      ]),
    );
    expect(all.every((a) => URI.test(a.uri))).toBe(true);
  });

  it('downloads the demo’s raw data, verified, and says what is missing in one line', async () => {
    const dest = mkdtempSync(path.join(tmpdir(), 'skein-demo-dl-'));
    try {
      const res = await skein(url, 'download', `store://artifacts/${ws}/customers-raw`, path.join(dest, 'raw'));
      expect(res.code).toBe(0);
      expect(walk(path.join(dest, 'raw'))).toEqual([
        'part-0000.csv',
        'part-0001.csv',
        'part-0002.csv',
        'part-0003.csv',
      ]);
      expect(readFileSync(path.join(dest, 'raw', 'part-0000.csv'), 'utf8')).toMatch(/^customer_id,tenure_months,/);
    } finally {
      rmSync(dest, { recursive: true, force: true });
    }
    const missing = await skein(url, 'lineage', `store://artifacts/${ws}/nothing-here`);
    expect(missing.code).toBe(4);
    expect(missing.stderr).toMatch(/^skein: .*"store:\/\/artifacts\/.*\/nothing-here".* \(NOT_FOUND\)\n$/);
  });
});

describe('skein workspace create / list', () => {
  let server: SkeinHandle;
  let url: string;
  const prefix = uniqueName('cliws');
  beforeAll(async () => {
    server = await startLocalSkein();
    url = server.graphqlUrl;
  });
  afterAll(() => server.stop());

  it('creates a workspace with a description and labels, printing its name; refuses a taken or bad name', async () => {
    const name = `${prefix}-a`;
    const res = await skein(
      url,
      'workspace',
      'create',
      name,
      '-d',
      'churn models',
      '--label',
      'team=growth',
      '-l',
      'tier=gold',
    );
    expect(res).toEqual({
      code: 0,
      stdout: `${name}\n`,
      stderr: `Created workspace "${name}" (labels team=growth tier=gold).\n`,
    });
    const stored = await gqlOk<{ workspace: { description: string; labels: Array<{ key: string; value: string }> } }>(
      url,
      'query($n: String!) { workspace(name: $n) { description labels { key value } } }',
      { n: name },
    );
    expect(stored.workspace).toEqual({
      description: 'churn models',
      labels: [
        { key: 'team', value: 'growth' },
        { key: 'tier', value: 'gold' },
      ],
    });

    const taken = await skein(url, 'workspace', 'create', name);
    expect(taken.code).toBe(1);
    expect(taken.stderr).toMatch(/^skein: .*\(CONFLICT\)\n$/);
    const bad = await skein(url, 'workspace', 'create', 'Not A Name');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^skein: .*\(BAD_USER_INPUT\)\n$/);
  });

  it('lists every workspace with a prefix across pages, as a table and as JSON', async () => {
    const names = [1, 2, 3, 4, 5].map((n) => `${prefix}-list-${n}`);
    for (const n of names)
      expect((await skein(url, 'workspace', 'create', n, '-d', `number ${n.slice(-1)}`)).code).toBe(0);

    // Two per page: three requests, all five listed.
    const json = await skein(url, 'workspace', 'list', '--prefix', `${prefix}-list-`, '--page-size', '2', '--json');
    expect(json.code).toBe(0);
    const rows = JSON.parse(json.stdout) as Array<{ name: string; description: string; id: string; createdAt: string }>;
    expect(rows.map((r) => r.name)).toEqual(names);
    expect(rows[0]).toMatchObject({ description: 'number 1', labels: [], id: expect.any(String) });

    const table = await skein(url, 'workspace', 'list', '-p', `${prefix}-list-`, '--page-size', '2');
    const lines = table.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^NAME\s+DESCRIPTION\s+LABELS\s+CREATED$/);
    expect(lines.slice(1).map((l) => l.split(/\s+/)[0])).toEqual(names);

    const none = await skein(url, 'workspace', 'list', '--prefix', `${prefix}-nothing`);
    expect(none).toEqual({ code: 0, stdout: '', stderr: `No workspaces start with "${prefix}-nothing".\n` });
  });
});
