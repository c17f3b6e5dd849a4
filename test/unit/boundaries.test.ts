import path from 'node:path';
import { ESLint, type Linter } from 'eslint';
import madge from 'madge';

// The layer rules live in eslint.config.js; these tests prove they bite, on sources that exist only
// here (lintText with a made-up path inside a layer), so the real tree need not break to show it.

const ROOT = path.resolve(__dirname, '../..');
const BOUNDARY_RULE = 'boundaries/dependencies';
/** The built-in rule that keeps GraphQL packages out of the lower layers and Cypher in src/graph/. */
const RESTRICTED_IMPORT_RULE = 'no-restricted-imports';

// Loading the config, plugins and resolver is most of the cost: one ESLint for the whole file.
let eslint: ESLint | undefined;

/**
 * The project's ESLint. Its config is required here and handed over: ESLint would load the file
 * with a dynamic import(), which jest's module sandbox refuses.
 */
function projectEslint(): ESLint {
  const config = jest.requireActual<Linter.Config[]>(path.join(ROOT, 'eslint.config.js'));
  return new ESLint({ cwd: ROOT, overrideConfigFile: true, overrideConfig: config });
}

/** What ESLint reports for `code` as if it were the file `file` (a path from the repository root). */
async function lint(file: string, code: string): Promise<ESLint.LintResult['messages']> {
  eslint ??= projectEslint();
  const [result] = await eslint.lintText(code, { filePath: path.join(ROOT, file) });
  return result?.messages ?? [];
}

/** A file that imports `source` and uses it, so that only the import itself can be wrong. */
const importing = (source: string) => `import * as imported from '${source}';\nexport { imported };\n`;

describe('layer boundaries (eslint.config.js)', () => {
  it.each([
    { file: 'src/graphql/resolvers/x.resolver.ts', source: '../../graph/run.repository', layer: 'graph' },
    { file: 'src/graph/x.ts', source: '../graphql/types/run.type', layer: 'graphql' },
    { file: 'src/domain/x.ts', source: '../services/run.service', layer: 'services' },
    { file: 'src/services/x.ts', source: '../http/respond', layer: 'http' },
    { file: 'src/client/x.ts', source: '../services/pagination', layer: 'services' },
    { file: 'src/errors.ts', source: './domain/uid', layer: 'domain' },
  ])('reports $file importing $source', async ({ file, source, layer }) => {
    expect(await lint(file, importing(source))).toEqual([
      expect.objectContaining({ ruleId: BOUNDARY_RULE, line: 1, message: expect.stringContaining(`"${layer}"`) }),
    ]);
  });

  it.each([
    { file: 'src/graph/x.ts', source: 'type-graphql' },
    { file: 'src/services/x.ts', source: 'graphql' },
    { file: 'src/domain/x.ts', source: 'graphql/error' },
  ])('reports $file importing the package $source', async ({ file, source }) => {
    expect(await lint(file, importing(source))).toEqual([
      expect.objectContaining({ ruleId: RESTRICTED_IMPORT_RULE, line: 1 }),
    ]);
  });

  it.each([
    { file: 'src/services/x.ts', source: '../graph/run.cypher' },
    { file: 'src/graphql/resolvers/x.resolver.ts', source: '../../graph/lineage.cypher' },
    { file: 'src/domain/x.ts', source: '../graph/run.cypher' },
  ])('reports $file importing Cypher ($source)', async ({ file, source }) => {
    const messages = await lint(file, importing(source));
    expect(messages).toContainEqual(
      expect.objectContaining({ ruleId: RESTRICTED_IMPORT_RULE, line: 1, message: expect.stringContaining('Cypher') }),
    );
  });

  it('lets a repository import its Cypher', async () => {
    expect(await lint('src/graph/x.repository.ts', importing('./run.cypher'))).toEqual([]);
  });

  it('reports re-exports and dynamic imports as well as imports', async () => {
    const code =
      "export { RunService } from '../services/run.service';\nexport const later = () => import('../graph/props');\n";
    const messages = await lint('src/domain/x.ts', code);
    expect(messages.map(({ ruleId, line }) => ({ ruleId, line }))).toEqual([
      { ruleId: BOUNDARY_RULE, line: 1 },
      { ruleId: BOUNDARY_RULE, line: 2 },
    ]);
  });

  it('lets storage use the config types but not the config itself', async () => {
    expect(
      await lint('src/storage/x.ts', "import type { Config } from '../config';\nexport type C = Config;\n"),
    ).toEqual([]);
    expect(await lint('src/storage/x.ts', importing('../config'))).toEqual([
      expect.objectContaining({ ruleId: BOUNDARY_RULE, line: 1 }),
    ]);
  });

  it('lets only src/graphql/context.ts reach the executor and the body stores from the GraphQL layer', async () => {
    const code = `${importing('../graph/executor')}import * as stores from '../storage';\nexport { stores };\n`;
    expect(await lint('src/graphql/context.ts', code)).toEqual([]);
    expect((await lint('src/graphql/schema.ts', code)).map(({ ruleId }) => ruleId)).toEqual([
      BOUNDARY_RULE,
      BOUNDARY_RULE,
    ]);
  });

  it.each([
    { file: 'src/graphql/resolvers/x.resolver.ts', source: '../../services' },
    { file: 'src/services/x.ts', source: '../graph/run.repository' },
    { file: 'src/http/x.ts', source: '../graphql/context' },
    { file: 'src/app.ts', source: './graph/executor' },
    { file: 'test/unit/x.test.ts', source: '../../src/graph/executor' },
  ])('allows $file importing $source', async ({ file, source }) => {
    expect(await lint(file, importing(source))).toEqual([]);
  });

  it('reports a file of src/ that no layer claims', async () => {
    expect((await lint('src/elsewhere/x.ts', 'export const x = 1;\n')).map(({ ruleId }) => ruleId)).toEqual([
      'boundaries/no-unknown-files',
    ]);
  });
});

describe('import cycles (madge, as `npm run lint` runs it)', () => {
  // The services once imported each other through src/services/index.ts (ServiceDeps, now in
  // services/deps.ts); this keeps any cycle from coming back, as `npm run lint` does.
  it('finds none in src', async () => {
    const graph = await madge(path.join(ROOT, 'src'), {
      fileExtensions: ['ts', 'tsx'],
      tsConfig: path.join(ROOT, 'tsconfig.json'),
    });
    expect(graph.circular()).toEqual([]);
  });
});
