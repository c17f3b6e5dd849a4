import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  artifactDownload,
  completeUpload,
  createUpload,
  expectCode,
  sha256,
  startLocalSkein,
  startS3Skein,
  tryCreateUpload,
  uploadAll,
} from '../helpers/bodies';
import { gqlOk, useTestSkein } from '../helpers/skein';

/** Every file under `root`, as relative "/" paths. */
function walk(root: string, dir = root): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? walk(root, full) : [path.relative(root, full).split(path.sep).join('/')];
  });
}

/**
 * Directory artifacts (seed 001's recursive retrieval): a manifest of (path, size, sha256), each
 * file a body; one call gives signed URLs for the whole tree, which a client writes back out by
 * the relative paths and checks file by file.
 */
describe.each([
  ['the local store', () => startLocalSkein()],
  ['S3', () => startS3Skein()],
])('directory artifacts in %s', (_name, start) => {
  const t = useTestSkein({ start, workspace: 'bodies-dir' });
  let source: string;
  let target: string;
  const stamp = `${Date.now()} ${Math.random()}`;
  const tree: Record<string, string> = {
    'README.md': `# a dataset ${stamp}\n`,
    'data/train/part-0001.csv': `id,x\n1,0.5\n${stamp}\n`,
    'data/train/part-0002.csv': `id,x\n2,0.7\n${stamp}\n`,
    'data/test/part-0001.csv': `id,x\n3,0.1\n${stamp}\n`,
    'data/test/nested/deeper/notes.txt': `deep ${stamp}\n`,
    'copies/README.md': `# a dataset ${stamp}\n`, // the same body as README.md: stored once
    'empty.txt': '',
  };

  beforeAll(() => {
    source = mkdtempSync(path.join(tmpdir(), 'skein-tree-src-'));
    target = mkdtempSync(path.join(tmpdir(), 'skein-tree-dst-'));
    for (const [rel, text] of Object.entries(tree)) {
      mkdirSync(path.dirname(path.join(source, rel)), { recursive: true });
      writeFileSync(path.join(source, rel), text);
    }
  });
  afterAll(() => {
    rmSync(source, { recursive: true, force: true });
    rmSync(target, { recursive: true, force: true });
  });

  const filesOf = (root: string) =>
    walk(root).map((rel) => {
      const data = readFileSync(path.join(root, rel));
      return { path: rel, size: data.length, sha256: sha256(data), contentType: 'text/plain' };
    });

  it('round-trips a nested tree: upload, complete, manifest, download the whole tree and verify', async () => {
    const files = filesOf(source);
    const up = await createUpload(t.url, {
      artifact: { workspace: t.ws, key: 'datasets/iris', kind: 'DIRECTORY' },
      files,
    });
    // One target per distinct body: README.md and copies/README.md share one.
    expect(up.bodies).toHaveLength(Object.keys(tree).length - 1);
    expect(up.bodies.find((b) => b.paths.length === 2)?.paths).toEqual(['README.md', 'copies/README.md']);
    await uploadAll(up, (sha) => readFileSync(path.join(source, files.find((f) => f.sha256 === sha)!.path)));
    expect((await completeUpload(t.url, up.artifact.id)).data!.completeUpload.state).toBe('AVAILABLE');

    const view = await gqlOk<{
      artifact: {
        size: number;
        digest: string;
        downloadUrl: string | null;
        manifest: Array<{ path: string; size: number; sha256: string }>;
      };
    }>(
      t.url,
      'query($r: String!) { artifact(ref: $r) { size digest downloadUrl ... on DirectoryArtifact { manifest { path size sha256 } } } }',
      {
        r: up.artifact.id,
      },
    );
    expect(view.artifact.manifest).toEqual(
      [...files]
        .sort((a, b) => (a.path < b.path ? -1 : 1))
        .map(({ path: p, size, sha256: s }) => ({ path: p, size, sha256: s })),
    );
    expect(view.artifact.size).toBe(files.reduce((n, f) => n + f.size, 0));
    expect(view.artifact.digest).toMatch(/^[0-9a-f]{64}$/);
    expect(view.artifact.downloadUrl).toBeNull(); // a tree comes from artifactDownload

    // One call: the whole tree, with relative paths. Write it out and verify each file.
    const dl = await artifactDownload(t.url, up.artifact.uri);
    expect(dl.files.map((f) => f.path)).toEqual(Object.keys(tree).sort());
    for (const f of dl.files) {
      const res = await fetch(f.url!);
      expect(res.status).toBe(200);
      const data = Buffer.from(await res.arrayBuffer());
      expect(sha256(data)).toBe(f.sha256);
      const dest = path.resolve(target, f.path);
      expect(dest.startsWith(target + path.sep)).toBe(true);
      mkdirSync(path.dirname(dest), { recursive: true });
      writeFileSync(dest, data);
    }
    expect(walk(target).sort()).toEqual(walk(source).sort());
    for (const rel of walk(source)) {
      expect(readFileSync(path.join(target, rel)).equals(readFileSync(path.join(source, rel)))).toBe(true);
    }

    // A subtree only.
    const train = await artifactDownload(t.url, up.artifact.id, 'data/train');
    expect(train.files.map((f) => f.path)).toEqual(['data/train/part-0001.csv', 'data/train/part-0002.csv']);
  });

  it('uploads only what is not stored: the same tree again needs nothing', async () => {
    const again = await createUpload(t.url, {
      artifact: { workspace: t.ws, key: 'datasets/iris-copy', kind: 'DIRECTORY' },
      files: filesOf(source),
    });
    expect(again.alreadyStored).toBe(true);
    expect(again.artifact.state).toBe('AVAILABLE');
  });

  it.each([
    ['../outside.txt', /escapes its directory/],
    ['data/../../outside.txt', /escapes its directory/],
    ['/etc/passwd', /is absolute/],
    ['C:/Windows/win.ini', /is absolute/],
    ['data\\..\\x', /backslash/],
    ['data//x', /empty or "\." segment/],
    ['./x', /empty or "\." segment/],
  ])('refuses the manifest path %s', async (bad, why) => {
    const res = await tryCreateUpload(t.url, {
      artifact: { workspace: t.ws, key: 'datasets/bad', kind: 'DIRECTORY' },
      files: [
        { path: 'ok.txt', size: 1, sha256: sha256('a') },
        { path: bad, size: 1, sha256: sha256('b') },
      ],
    });
    expectCode(res, 'BAD_USER_INPUT');
    expect(res.errors![0]!.message).toMatch(why);
    expect(res.errors![0]!.extensions!.field).toBe('files[1].path');
  });

  it('refuses a path that is both a file and a directory, and a path listed twice', async () => {
    const clash = await tryCreateUpload(t.url, {
      artifact: { workspace: t.ws, key: 'datasets/clash', kind: 'DIRECTORY' },
      files: [
        { path: 'a', size: 1, sha256: sha256('a') },
        { path: 'a/b', size: 1, sha256: sha256('b') },
      ],
    });
    expect(clash.errors![0]!.message).toMatch(/cannot be both a file and the directory/);
    const twice = await tryCreateUpload(t.url, {
      artifact: { workspace: t.ws, key: 'datasets/twice', kind: 'DIRECTORY' },
      files: [
        { path: 'a', size: 1, sha256: sha256('a') },
        { path: 'a', size: 1, sha256: sha256('a') },
      ],
    });
    expect(twice.errors![0]!.message).toMatch(/lists "a" twice/);
  });

  it('refuses a download path that escapes the directory', async () => {
    const up = await createUpload(t.url, {
      artifact: { workspace: t.ws, key: 'datasets/one', kind: 'DIRECTORY' },
      files: [{ path: 'a.txt', size: tree['README.md']!.length, sha256: sha256(tree['README.md']!) }],
    });
    const res = await gqlOk<{ artifactDownload: { files: unknown[] } }>(
      t.url,
      'query($r: String!) { artifactDownload(ref: $r) { files { path } } }',
      { r: up.artifact.id },
    ).catch((err: Error) => err);
    expect(res).not.toBeInstanceOf(Error); // README.md's body was stored by the first test: AVAILABLE at once
    await expect(artifactDownload(t.url, up.artifact.id, '../a.txt')).rejects.toThrow(/escapes its directory/);
  });
});
