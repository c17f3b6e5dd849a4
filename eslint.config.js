// @ts-check
const js = require('@eslint/js');
const tseslint = require('typescript-eslint');
const boundaries = require('eslint-plugin-boundaries');

/**
 * The layers of the source tree (the table in CONTRIBUTING.md, "One rule: folders are layers", says the
 * same), by path from the repository root. Each file gets the first layer whose pattern matches it.
 */
const LAYERS = [
  // The shared kernel: importable from everywhere, imports nothing of Skein.
  { category: 'kernel', pattern: 'src/{errors,logger,paths}.ts' },
  // The composition roots wire the layers together, so they may import anything.
  { category: 'app', pattern: 'src/app.ts' },
  // The process entry: `skein serve | migrate | schema …` wires what each command needs.
  { category: 'main', pattern: 'src/cli.ts' },
  { category: 'server', pattern: 'src/server.ts' },
  { category: 'config', pattern: 'src/config.ts' },
  { category: 'domain', pattern: 'src/domain/**' },
  { category: 'graph', pattern: 'src/graph/**' },
  { category: 'storage', pattern: 'src/storage/**' },
  { category: 'auth', pattern: 'src/auth/**' },
  { category: 'services', pattern: 'src/services/**' },
  { category: 'graphql', pattern: 'src/graphql/**' },
  { category: 'http', pattern: 'src/http/**' },
  { category: 'client', pattern: 'src/client/**' },
  // The client commands and the demo. Of config they use only ConfigError: cli/run.ts, which runs every
  // command, reports a bad setting of `skein serve` or `migrate` as a usage error (exit 2).
  { category: 'cli', pattern: ['src/cli/**', 'src/demo/**'] },
  // Tests, tools, the benchmark, the repository's own config files, and the browser playground
  // (browser code with a compile of its own, src/playground/tsconfig.json; it imports no layer).
  { category: 'unrestricted', pattern: ['src/playground/**', 'test/**', 'bench/**', 'tools/**', '*.{js,ts}'] },
];

/** The layers each layer may import (itself included where listed); anything else is an error. */
const MAY_IMPORT = {
  kernel: [],
  domain: ['domain', 'kernel'],
  graph: ['graph', 'domain', 'kernel'],
  storage: ['storage', 'domain', 'kernel'],
  auth: ['auth', 'domain', 'kernel'],
  services: ['services', 'domain', 'kernel', 'graph', 'storage', 'auth'],
  graphql: ['graphql', 'domain', 'kernel', 'services', 'auth'],
  http: ['http', 'graphql', 'services', 'domain', 'kernel', 'auth', 'storage'],
  client: ['client', 'domain', 'kernel'],
  cli: ['cli', 'client', 'domain', 'kernel', 'config'],
};
/** Layers that may import any file of the repository. */
const MAY_IMPORT_ANYTHING = ['app', 'main', 'server', 'config', 'unrestricted'];

const inLayer = (categories) => ({ file: { categories } });
const atPath = (path) => ({ file: { path } });
const typesOnly = { kind: 'type' };

const LAYER_POLICIES = [
  ...Object.entries(MAY_IMPORT).map(([layer, allowed]) => ({ from: inLayer(layer), allow: { to: inLayer(allowed) } })),
  ...MAY_IMPORT_ANYTHING.map((layer) => ({ from: inLayer(layer), allow: { to: { module: { origin: 'local' } } } })),
];

/** Single files allowed past their layer's line, each for a stated reason. */
const EXCEPTIONS = [
  // The driver, the body stores and the body rules are built from sections of the config: these layers
  // need its shape, never its loading.
  { from: inLayer(['graph', 'storage', 'services']), allow: { to: inLayer('config'), dependency: typesOnly } },
  // The per-request composition hands the services the database executor and the body stores.
  { from: atPath('src/graphql/context.ts'), allow: { to: atPath(['src/graph/executor.ts', 'src/storage/index.ts']) } },
  // Progress bars write to the CLI's output: the client needs that interface, nothing else of the CLI.
  { from: inLayer('client'), allow: { to: atPath('src/cli/io.ts'), dependency: typesOnly } },
];

/** Packages of the GraphQL API (and their subpaths) that the layers below it must not know about. */
const GRAPHQL_PACKAGES = /^(graphql|type-graphql|graphql-[^/]+|@apollo\/[^/]+|@escape\.tech\/graphql-armor)(\/|$)/;
const NO_GRAPHQL = {
  regex: GRAPHQL_PACKAGES.source,
  message: 'GraphQL stays in src/graphql: domain, graph and services return plain values.',
};
const NO_CYPHER = {
  regex: '\\.cypher$',
  message: 'Cypher stays beside its repository: call the repository, or move the shared type to src/domain.',
};

module.exports = tseslint.config(
  {
    ignores: [
      'dist/',
      'node_modules/',
      '.skein/',
      '.cache/',
      'coverage/',
      'test-artifacts/',
      'bench/results/',
      'src/playground/dist/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'error',
    },
  },
  {
    files: ['**/*.js'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
    languageOptions: {
      globals: { require: 'readonly', module: 'writable', process: 'readonly', __dirname: 'readonly' },
    },
  },
  {
    files: ['test/**', 'bench/**', 'tools/**'],
    rules: { 'no-console': 'off' },
  },
  {
    files: ['**/*.{ts,tsx}'],
    plugins: { boundaries },
    settings: {
      'import/resolver': { typescript: { project: `${__dirname}/tsconfig.json` } },
      'boundaries/root-path': __dirname,
      'boundaries/files': LAYERS,
      'boundaries/files-single-match': true,
      'boundaries/dependency-nodes': ['import', 'export', 'dynamic-import', 'require'],
    },
    rules: {
      'boundaries/dependencies': [
        'error',
        { default: 'disallow', checkUnknownLocals: true, policies: [...LAYER_POLICIES, ...EXCEPTIONS] },
      ],
      // A file of src/ that no layer claims would escape the rules above: give its folder a layer.
      'boundaries/no-unknown-files': 'error',
    },
  },
  // Cypher lives beside the repository that runs it: only src/graph/ imports a *.cypher module.
  ...[
    { files: ['src/graph/**'], patterns: [NO_GRAPHQL] },
    { files: ['src/domain/**', 'src/services/**'], patterns: [NO_GRAPHQL, NO_CYPHER] },
    { files: ['src/graphql/**', 'src/http/**', 'src/client/**', 'src/cli/**'], patterns: [NO_CYPHER] },
  ].map(({ files, patterns }) => ({ files, rules: { 'no-restricted-imports': ['error', { patterns }] } })),
);
