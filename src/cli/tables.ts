import { Command, Option } from 'commander';
import { ApiError, CliError, usageError } from '../client/errors';
import {
  formatBytes,
  formatEntries,
  formatTable,
  formatTime,
  formatValue,
  truncate,
  type TableColumn,
} from '../client/format';
import { clientFor, intIn, list, say } from './common';
import type { CliIo } from './io';

const RUN_STATES = ['RUNNING', 'COMPLETED', 'FAILED', 'ABORTED'];

interface Entry {
  key: string;
  value: unknown;
}

interface RunRow {
  id: string;
  uid: string;
  workspace: string;
  name: string;
  state: string;
  iteration: number;
  isBest: boolean;
  startedAt: string;
  finishedAt: string | null;
  parent: { uid: string; name: string } | null;
  params: Entry[];
  results: Entry[];
  labels: Entry[];
}

interface ArtifactRow {
  id: string;
  uid: string;
  uri: string;
  key: string;
  version: number;
  kind: string;
  state: string;
  size: number | null;
  tags: string[];
  createdAt: string;
}

interface Page<T> {
  edges: Array<{ node: T }>;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

const first = () =>
  new Option('-n, --first <n>', 'how many to list (at most 1000)').argParser(intIn(1, 1000)).default(50);

function duration(startedAt: string, finishedAt: string | null): string {
  if (!finishedAt) return '';
  const s = (Date.parse(finishedAt) - Date.parse(startedAt)) / 1000;
  if (!Number.isFinite(s) || s < 0) return '';
  if (s < 60) return `${s.toFixed(1)}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(Math.round(s % 60)).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

function more(io: CliIo, page: Page<unknown>, what: string, n: number): void {
  if (page.pageInfo.hasNextPage) say(io, `(showing the first ${n} ${what}; ask for more with --first)`);
}

interface RunsFlags {
  /** Absent: every workspace the caller may read (the tables then show each run's workspace). */
  workspace?: string;
  filterState?: string[];
  first: number;
  json?: boolean;
}

export function runsCommand(io: CliIo): Command {
  return new Command('runs')
    .description(
      "List a workspace's runs (or, without -w, those of every workspace you may read), newest first, as a " +
        'table (or --json); with a query, the runs it finds, with a column for each param, metric and tag it names.',
    )
    .argument('[query]', "a search in MLflow's syntax, e.g. \"params.lr = '0.01' and metrics.accuracy > 0.9\"")
    .option('-w, --workspace <name>', 'the workspace (every workspace you may read when left out)')
    .option(
      '-s, --filter-state <states>',
      `only runs in these states: ${RUN_STATES.join(', ')} (comma-separated or repeated)`,
      list,
    )
    .addOption(first())
    .option('--json', 'print the runs as JSON (an array) instead, for scripts')
    .addHelpText(
      'after',
      `
ITER is a child run's iteration under its PARENT; "best" marks the parent's best child.

A query names params.<key>, metrics.<key> (a run's results), tags.<key>, status, name, started
and parent; compares with = != < <= > >=, IN (…), NOT IN (…), IS [NOT] NULL, name LIKE '%text%';
combines with and, or, not and parentheses; and may end in "order by metrics.<key> [asc|desc]"
(ascending unless desc). Quote text in '…'; quote a key with odd characters in backticks.

Examples:
  skein runs -w churn --filter-state RUNNING,FAILED
  skein runs -w churn --json | jq -r '.[].uid'
  skein runs -w churn "params.lr = '0.01' and metrics.accuracy > 0.9 order by metrics.accuracy desc"
  skein runs -w churn "tags.team in ('nlp', 'cv') and not status = 'FAILED'"
  skein runs "metrics.accuracy > 0.95 order by metrics.accuracy desc"     (every workspace)`,
    )
    .action(async (query: string | undefined, flags: RunsFlags, cmd) => {
      const states = (flags.filterState ?? []).map((s) => s.toUpperCase());
      const bad = states.find((s) => !RUN_STATES.includes(s));
      if (bad) throw usageError(`--filter-state ${bad} is not a run state; use ${RUN_STATES.join(', ')}`);
      const runs = await fetchRuns(cmd as Command, io, flags, states, query ?? null);
      const rows = runs.edges.map((e) => e.node);
      if (flags.json) {
        io.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
      } else if (rows.length === 0) {
        const inState = states.length ? ` in state ${states.join(' or ')}` : '';
        const where = flags.workspace ? ` in workspace "${flags.workspace}"` : '';
        say(io, `No runs${where}${inState}${query ? ' match the query' : ''}.`);
        return;
      } else {
        // From several workspaces, each run says which it is in.
        const lead = flags.workspace ? NO_COLUMNS : WORKSPACE_COLUMN;
        io.stdout.write(query ? searchTable(rows, query, lead) : runsTable(rows, lead));
      }
      more(io, runs, 'runs', flags.first);
    });
}

async function fetchRuns(
  cmd: Command,
  io: CliIo,
  flags: RunsFlags,
  states: string[],
  query: string | null,
): Promise<Page<RunRow>> {
  try {
    const { runs } = await clientFor(cmd, io).request<{ runs: Page<RunRow> }>(
      `query($w: String, $q: String, $f: RunFilter, $n: Int) {
        runs(workspace: $w, query: $q, filter: $f, first: $n) {
          edges { node {
            id uid workspace name state iteration isBest startedAt finishedAt
            parent { uid name } params { key value } results { key value } labels { key value }
          } }
          pageInfo { hasNextPage endCursor }
        }
      }`,
      { w: flags.workspace ?? null, q: query, f: states.length ? { state: states } : null, n: flags.first },
    );
    return runs;
  } catch (err) {
    throw err instanceof ApiError && err.details.field === 'query' ? queryRefusal(err) : err;
  }
}

/** A refused query: the code on the first line, so the caret under the query's line stays last. */
function queryRefusal(err: ApiError): CliError {
  const [first, ...rest] = err.apiMessage.split('\n');
  return new CliError(err.exitCode, [`${first!.replace(/\.$/, '')} (${err.code})`, ...rest].join('\n'));
}

/** Columns that lead a run table, and each run's cells for them. */
interface LeadColumns {
  columns: TableColumn[];
  cells: (r: RunRow) => string[];
}

const NO_COLUMNS: LeadColumns = { columns: [], cells: () => [] };
const WORKSPACE_COLUMN: LeadColumns = { columns: [{ header: 'WORKSPACE' }], cells: (r) => [r.workspace] };

function runsTable(rows: RunRow[], lead: LeadColumns): string {
  return formatTable(
    [
      ...lead.columns,
      { header: 'UID' },
      { header: 'NAME' },
      { header: 'STATE' },
      { header: 'PARENT' },
      { header: 'ITER', align: 'right' },
      { header: 'BEST' },
      { header: 'STARTED' },
      { header: 'DURATION', align: 'right' },
      { header: 'PARAMS' },
      { header: 'RESULTS' },
    ],
    rows.map((r) => [
      ...lead.cells(r),
      r.uid,
      r.name,
      r.state,
      r.parent?.name ?? '',
      r.parent ? String(r.iteration) : '',
      r.isBest ? 'best' : '',
      formatTime(r.startedAt),
      duration(r.startedAt, r.finishedAt),
      formatEntries(r.params),
      formatEntries(r.results),
    ]),
  );
}

/** The runs a query found: a column for each param, metric and tag the query names. */
function searchTable(rows: RunRow[], query: string, lead: LeadColumns): string {
  const named = namedKeys(query);
  const lists = { params: 'params', metrics: 'results', tags: 'labels' } as const;
  const valueOf = (r: RunRow, c: NamedKey) => r[lists[c.scope]].find((e) => e.key === c.key)?.value;
  return formatTable(
    [
      ...lead.columns,
      { header: 'UID' },
      { header: 'NAME' },
      { header: 'STATE' },
      ...named.map((c) => ({ header: `${c.scope}.${c.key}`, align: c.scope === 'tags' ? 'left' : 'right' }) as const),
      { header: 'STARTED' },
    ],
    rows.map((r) => [
      ...lead.cells(r),
      r.uid,
      r.name,
      r.state,
      ...named.map((c) => {
        const value = valueOf(r, c);
        return value === undefined ? '' : truncate(formatValue(value), 30);
      }),
      formatTime(r.startedAt),
    ]),
  );
}

interface NamedKey {
  scope: 'params' | 'metrics' | 'tags';
  key: string;
}

/** The scope words of a query's keyed fields, as the server reads them (src/services/run-query/grammar.ts). */
const SCOPES: Record<string, NamedKey['scope']> = {
  params: 'params',
  param: 'params',
  metrics: 'metrics',
  metric: 'metrics',
  results: 'metrics',
  result: 'metrics',
  tags: 'tags',
  tag: 'tags',
  labels: 'tags',
  label: 'tags',
};
const QUOTE_CHARS = new Set(["'", '"', '`']);

/**
 * The params, metrics and tags a query names, in the order it names them, for the table's columns.
 * The server parses the query (and says where it is wrong); this only picks the fields out of its
 * words, skipping quoted text unless it is a field's quoted key (params.`my key`).
 */
export function namedKeys(query: string): NamedKey[] {
  const found = new Map<string, NamedKey>();
  const add = (scope: NamedKey['scope'], key: string) => {
    if (key) found.set(`${scope}.${key}`, { scope, key });
  };
  let pending: NamedKey['scope'] | null = null; // a scope word and its dot, the key quoted next
  for (let i = 0; i < query.length;) {
    const c = query[i]!;
    if (QUOTE_CHARS.has(c)) {
      const { text, end } = quotedText(query, i);
      if (pending) add(pending, text);
      pending = null;
      i = end;
    } else if (/[A-Za-z0-9_.\-/]/.test(c)) {
      let end = i + 1;
      while (end < query.length && /[A-Za-z0-9_.\-/]/.test(query[end]!)) end += 1;
      const word = query.slice(i, end);
      const dot = word.indexOf('.');
      const scope = dot > 0 ? SCOPES[word.slice(0, dot).toLowerCase()] : undefined;
      pending = scope && dot === word.length - 1 ? scope : null;
      if (scope && !pending) add(scope, word.slice(dot + 1));
      i = end;
    } else {
      pending = null;
      i += 1;
    }
  }
  return [...found.values()];
}

/** The text of the quoted run starting at `open` (a doubled quote or a backslash escapes), and where it ends. */
function quotedText(query: string, open: number): { text: string; end: number } {
  const q = query[open];
  let text = '';
  for (let i = open + 1; i < query.length; i += 1) {
    const c = query[i]!;
    if (c === '\\' && i + 1 < query.length) text += query[++i];
    else if (c === q && query[i + 1] === q) text += query[++i];
    else if (c === q) return { text, end: i + 1 };
    else text += c;
  }
  return { text, end: query.length };
}

export function artifactsCommand(io: CliIo): Command {
  return new Command('artifacts')
    .description("List a workspace's artifacts (every version), newest first, as a table (or --json).")
    .option('-w, --workspace <name>', 'the workspace (every workspace you may read when left out)')
    .option('-k, --kind <kind>', 'only this kind: DATASET, MODEL, METRICS, FILE, PLOT, DIRECTORY…')
    .option('--key-prefix <prefix>', 'only keys starting with this, e.g. "models/"')
    .option('-t, --tag <tag>', 'only versions with this tag, e.g. production')
    .addOption(first())
    .option('--json', 'print the artifacts as JSON (an array) instead, for scripts')
    .addHelpText(
      'after',
      `
Examples:
  skein artifacts -w churn --kind MODEL
  skein artifacts -w churn --tag production --json | jq -r '.[0].uri'`,
    )
    .action(
      async (
        flags: { workspace: string; kind?: string; keyPrefix?: string; tag?: string; first: number; json?: boolean },
        cmd,
      ) => {
        const filter = {
          ...(flags.kind ? { kind: flags.kind.toUpperCase() } : {}),
          ...(flags.keyPrefix ? { keyPrefix: flags.keyPrefix } : {}),
          ...(flags.tag ? { tag: flags.tag } : {}),
        };
        const { artifacts } = await clientFor(cmd as Command, io).request<{ artifacts: Page<ArtifactRow> }>(
          `query($w: String!, $f: ArtifactFilter, $n: Int) {
            artifacts(workspace: $w, filter: $f, first: $n) {
              edges { node { id uid uri key version kind state size tags createdAt } }
              pageInfo { hasNextPage endCursor }
            }
          }`,
          { w: flags.workspace, f: filter, n: flags.first },
        );
        const rows = artifacts.edges.map((e) => e.node);
        if (flags.json) {
          io.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
          more(io, artifacts, 'artifacts', flags.first);
          return;
        }
        if (rows.length === 0) {
          say(io, `No artifacts in workspace "${flags.workspace}" match.`);
          return;
        }
        io.stdout.write(
          formatTable(
            [
              { header: 'KEY' },
              { header: 'VERSION', align: 'right' },
              { header: 'KIND' },
              { header: 'STATE' },
              { header: 'SIZE', align: 'right' },
              { header: 'TAGS' },
              { header: 'CREATED' },
              { header: 'URI' },
            ],
            rows.map((a) => [
              a.key,
              `v${a.version}`,
              a.kind,
              a.state,
              a.size === null ? '' : formatBytes(a.size),
              a.tags.join(','),
              formatTime(a.createdAt),
              a.uri,
            ]),
          ),
        );
        more(io, artifacts, 'artifacts', flags.first);
      },
    );
}
