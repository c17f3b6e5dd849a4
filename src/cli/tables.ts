import { Command, Option } from 'commander';
import { usageError } from '../client/errors';
import { formatBytes, formatEntries, formatTable, formatTime } from '../client/format';
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
  name: string;
  state: string;
  iteration: number;
  isBest: boolean;
  startedAt: string;
  finishedAt: string | null;
  parent: { uid: string; name: string } | null;
  params: Entry[];
  results: Entry[];
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

export function runsCommand(io: CliIo): Command {
  return new Command('runs')
    .description("List a workspace's runs, newest first, as a table (or --json).")
    .requiredOption('-w, --workspace <name>', 'the workspace')
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

Examples:
  skein runs -w churn --filter-state RUNNING,FAILED
  skein runs -w churn --json | jq -r '.[].uid'`,
    )
    .action(async (flags: { workspace: string; filterState?: string[]; first: number; json?: boolean }, cmd) => {
      const states = (flags.filterState ?? []).map((s) => s.toUpperCase());
      const bad = states.find((s) => !RUN_STATES.includes(s));
      if (bad) throw usageError(`--filter-state ${bad} is not a run state; use ${RUN_STATES.join(', ')}`);
      const { runs } = await clientFor(cmd as Command, io).request<{ runs: Page<RunRow> }>(
        `query($w: String!, $f: RunFilter, $n: Int) {
          runs(workspace: $w, filter: $f, first: $n) {
            edges { node {
              id uid name state iteration isBest startedAt finishedAt
              parent { uid name } params { key value } results { key value }
            } }
            pageInfo { hasNextPage endCursor }
          }
        }`,
        { w: flags.workspace, f: states.length ? { state: states } : null, n: flags.first },
      );
      const rows = runs.edges.map((e) => e.node);
      if (flags.json) {
        io.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
        more(io, runs, 'runs', flags.first);
        return;
      }
      if (rows.length === 0) {
        say(io, `No runs in workspace "${flags.workspace}"${states.length ? ` in state ${states.join(' or ')}` : ''}.`);
        return;
      }
      io.stdout.write(
        formatTable(
          [
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
        ),
      );
      more(io, runs, 'runs', flags.first);
    });
}

export function artifactsCommand(io: CliIo): Command {
  return new Command('artifacts')
    .description("List a workspace's artifacts (every version), newest first, as a table (or --json).")
    .requiredOption('-w, --workspace <name>', 'the workspace')
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
