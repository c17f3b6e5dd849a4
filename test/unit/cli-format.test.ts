import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { hashFile, walkDirectory } from '../../src/client/files';
import { formatBytes, formatEntries, formatTable, formatTree } from '../../src/client/format';
import { storeErrorReason } from '../../src/client/http';
import { formatLineage, type LineageNodeView, type LineageView } from '../../src/client/lineage';
import { noProgress, ProgressBar } from '../../src/client/progress';

/** The CLI's printers and file helpers, without a server. */

describe('tables', () => {
  it('aligns columns two spaces apart, numbers on the right, with no trailing spaces', () => {
    const text = formatTable(
      [{ header: 'KEY' }, { header: 'VERSION', align: 'right' }, { header: 'TAGS' }],
      [
        ['churn-model', 'v12', 'production'],
        ['raw', 'v3', ''],
      ],
    );
    expect(text).toBe(
      ['KEY          VERSION  TAGS', 'churn-model      v12  production', 'raw               v3', ''].join('\n'),
    );
  });

  it('formats sizes and entries for people', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(11 * 1024 * 1024)).toBe('11.0 MiB');
    expect(
      formatEntries([
        { key: 'lr', value: 0.0123456 },
        { key: 'name', value: 'a b' },
      ]),
    ).toBe('lr=0.01235 name="a b"');
    expect(formatEntries([{ key: 'k', value: 'x'.repeat(100) }], 10)).toBe('k=xxxxxxx…');
  });
});

describe('trees', () => {
  it('draws branches with box-drawing characters', () => {
    expect(
      formatTree({
        label: 'root',
        children: [
          { label: 'a', children: [{ label: 'a1', children: [] }] },
          { label: 'b', children: [{ label: 'b1', children: [] }] },
        ],
      }),
    ).toBe(['root', '├─ a', '│  └─ a1', '└─ b', '   └─ b1', ''].join('\n'));
  });
});

const artifact = (id: string, key: string, version: number, extra: Partial<LineageNodeView> = {}): LineageNodeView => ({
  __typename: 'DatasetArtifact',
  id,
  workspace: 'ws',
  key,
  version,
  kind: 'DATASET',
  artifactState: 'AVAILABLE',
  tags: [],
  producerId: null,
  ...extra,
});
const execution = (id: string, name: string, extra: Partial<LineageNodeView> = {}): LineageNodeView => ({
  __typename: 'Execution',
  id,
  workspace: 'ws',
  name,
  kind: 'STEP',
  executionState: 'COMPLETED',
  ...extra,
});

describe('lineage trees', () => {
  // model <- train <- (features <- featurize <- raw, labels (another workspace), restricted dataset)
  const model = artifact('m', 'model', 2, {
    __typename: 'ModelArtifact',
    kind: 'MODEL',
    tags: ['production'],
    producerId: 't',
  });
  const view: LineageView = {
    root: model,
    direction: 'UPSTREAM',
    depth: 5,
    maxNodes: 1000,
    truncated: false,
    truncatedAtDepth: null,
    nodes: [
      { depth: 0, node: model },
      { depth: 1, node: execution('t', 'train') },
      { depth: 1, node: artifact('f', 'features', 1, { producerId: 'x' }) },
      { depth: 1, node: artifact('l', 'labels', 4, { workspace: 'shared' }) },
      { depth: 1, node: { __typename: 'RestrictedNode', id: 'r1', nodeType: 'ARTIFACT', kind: 'DATASET' } },
      { depth: 2, node: execution('x', 'featurize', { executionState: 'RUNNING' }) },
      { depth: 2, node: artifact('raw', 'raw', 1, { artifactState: 'PENDING' }) },
    ],
    edges: [
      { type: 'OUTPUT', from: 't', to: 'm' },
      { type: 'INPUT', from: 'f', to: 't' },
      { type: 'INPUT', from: 'l', to: 't' },
      { type: 'INPUT', from: 'r1', to: 't' },
      { type: 'OUTPUT', from: 'x', to: 'f' },
      { type: 'INPUT', from: 'raw', to: 'x' },
      { type: 'INPUT', from: 'l', to: 'x' }, // labels read twice: shown once, then "see above"
    ],
  };

  it('prints upstream as key:vN (KIND) and name [STATE], marking restricted and repeated nodes', () => {
    expect(formatLineage(view)).toBe(
      [
        'model:v2 (MODEL) tags=production',
        '└─ train [COMPLETED]',
        '   ├─ (restricted artifact DATASET)',
        '   ├─ features:v1 (DATASET)',
        '   │  └─ featurize [RUNNING]',
        '   │     ├─ shared/labels:v4 (DATASET)', // nearer (depth 1) before farther (depth 2)
        '   │     └─ raw:v1 (DATASET) PENDING',
        '   └─ shared/labels:v4 (DATASET) (see above)',
        '1 node(s) are in workspaces you may not read: shown as (restricted …)',
        '',
      ].join('\n'),
    );
  });

  it('marks where --depth stopped the walk, and nodes a --max-nodes cut may have left incomplete', () => {
    const shallow: LineageView = {
      ...view,
      depth: 1,
      nodes: view.nodes.filter((n) => n.depth <= 1),
      edges: view.edges.filter((e) => e.from !== 'x' && e.to !== 'x'),
    };
    const text = formatLineage(shallow);
    expect(text).toContain('   ├─ features:v1 (DATASET) … more upstream\n');
    expect(text).toContain('… more upstream: ask with a larger --depth (this answer went 1 steps)\n');

    const cut = formatLineage({ ...view, truncated: true, truncatedAtDepth: 2 });
    expect(cut).toContain('└─ train [COMPLETED]\n'); // its inputs share its depth: complete
    expect(cut).toContain('├─ features:v1 (DATASET) …\n'); // its producer is at the cut depth
    expect(cut).toContain('… the answer was cut at 1000 nodes (--max-nodes): from depth 2 on, nodes may be missing');
  });

  it('prints both directions as two sections, and says when there is nothing', () => {
    const both: LineageView = {
      ...view,
      root: artifact('f', 'features', 1, { producerId: 'x' }),
      direction: 'BOTH',
      nodes: [
        { depth: 0, node: artifact('f', 'features', 1, { producerId: 'x' }) },
        { depth: 1, node: execution('x', 'featurize') },
        { depth: 1, node: execution('t', 'train') },
        { depth: 1, node: model },
      ],
      edges: [
        { type: 'OUTPUT', from: 'x', to: 'f' },
        { type: 'INPUT', from: 'f', to: 't' },
        { type: 'OUTPUT', from: 't', to: 'm' },
      ],
    };
    expect(formatLineage(both)).toBe(
      [
        'features:v1 (DATASET)',
        '├─ ▲ upstream (what it came from)',
        '│  └─ featurize [COMPLETED]',
        '└─ ▼ downstream (what came from it)',
        '   └─ train [COMPLETED]',
        '      └─ model:v2 (MODEL) tags=production',
        '',
      ].join('\n'),
    );
    const source = artifact('s', 'source', 1);
    expect(formatLineage({ ...view, root: source, nodes: [{ depth: 0, node: source }], edges: [] })).toBe(
      'source:v1 (DATASET)\n└─ (nothing upstream: a source)\n',
    );
  });
});

describe('progress bar', () => {
  it('shows percent, bytes, rate, ETA and items', () => {
    let now = 0;
    let written = '';
    const bar = new ProgressBar({ write: (s: string) => (written += s), columns: 100 }, () => now);
    bar.start('uploading', 2048, 2);
    now = 500;
    bar.add(1024);
    bar.itemDone();
    expect(bar.render(100)).toBe(
      'uploading  [██████████░░░░░░░░░░]   50%  1.0 KiB / 2.0 KiB  2.0 KiB/s  ETA 0.5 s  (1/2)',
    );
    expect(written).toContain('\r\x1b[Kuploading  [');
    bar.finish();
    expect(written.endsWith('\r\x1b[K')).toBe(true);
  });
});

describe('files', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'skein-cli-unit-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('hashes a file streamed, with the SHA-256 of each part', async () => {
    const data = Buffer.alloc(2.5 * 1024 * 1024, 'abc');
    const file = path.join(dir, 'big.bin');
    writeFileSync(file, data);
    const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
    const partSize = 1024 * 1024;
    const got = await hashFile({ abs: file, path: 'big.bin', size: data.length }, partSize, noProgress);
    expect(got.sha256).toBe(sha(data));
    expect(got.partSha256).toEqual([0, 1, 2].map((i) => sha(data.subarray(i * partSize, (i + 1) * partSize))));
    expect((await hashFile({ abs: file, path: 'big.bin', size: data.length }, null, noProgress)).partSha256).toBeNull();
    await expect(hashFile({ abs: file, path: 'big.bin', size: 7 }, null, noProgress)).rejects.toThrow(
      /changed while it was read/,
    );
  });

  it('walks a tree in path order with "/" paths, following links to files but not to directories', async () => {
    const root = path.join(dir, 'tree');
    mkdirSync(path.join(root, 'a', 'b'), { recursive: true });
    writeFileSync(path.join(root, 'a', 'b', 'deep.txt'), 'deep');
    writeFileSync(path.join(root, 'top.txt'), 'top');
    symlinkSync(path.join(root, 'top.txt'), path.join(root, 'link.txt'));
    symlinkSync(path.join(root, 'a'), path.join(root, 'loop'));
    const { files, skipped } = await walkDirectory(root);
    expect(files.map((f) => [f.path, f.size])).toEqual([
      ['a/b/deep.txt', 4],
      ['link.txt', 3],
      ['top.txt', 3],
    ]);
    expect(skipped).toEqual(['loop']);
  });
});

describe('store errors', () => {
  it('reads S3 XML and Skein JSON error answers', () => {
    expect(
      storeErrorReason(
        400,
        'Bad Request',
        '<Error><Code>BadDigest</Code><Message>The sha256 you specified did not match.</Message></Error>',
      ),
    ).toBe('HTTP 400 BadDigest: The sha256 you specified did not match.');
    expect(
      storeErrorReason(
        403,
        'Forbidden',
        JSON.stringify({ errors: [{ message: 'The URL expired.', extensions: { code: 'FORBIDDEN' } }] }),
      ),
    ).toBe('HTTP 403 FORBIDDEN: The URL expired.');
    expect(storeErrorReason(502, 'Bad Gateway', '<html>')).toBe('HTTP 502 Bad Gateway');
  });
});
