import { gqlOk } from './skein';

/**
 * Runs recorded for search tests: each row becomes a run started (with its params and labels) at
 * its day of March 2026, given its results, and finished in its state (left RUNNING when that is
 * its state), as a client would record it.
 */

export type Values = Record<string, string | number>;

export interface RunRow {
  name: string;
  params: Values;
  results: Values;
  labels: Record<string, string>;
  state: 'RUNNING' | 'COMPLETED' | 'FAILED' | 'ABORTED';
  day: number;
  /** The name of an earlier row: this run is its child. */
  parent?: string;
}

export const entries = (map: Record<string, unknown>) => Object.entries(map).map(([key, value]) => ({ key, value }));

/** Midnight UTC of a day of March 2026. */
export const day = (d: number) => `2026-03-${String(d).padStart(2, '0')}T00:00:00.000Z`;

/** Records `rows` in order in `workspace`; answers each run's id by its row's name. */
export async function recordRuns(
  url: string,
  workspace: string,
  rows: readonly RunRow[],
): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  for (const row of rows) ids.set(row.name, await recordRun(url, workspace, row, ids));
  return ids;
}

async function recordRun(url: string, workspace: string, row: RunRow, ids: Map<string, string>): Promise<string> {
  const started = await gqlOk<{ startRun: { id: string } }>(
    url,
    'mutation($i: StartRunInput!) { startRun(input: $i) { id } }',
    {
      i: {
        workspace,
        name: row.name,
        params: entries(row.params),
        labels: entries(row.labels),
        startedAt: day(row.day),
        parent: row.parent ? ids.get(row.parent) : null,
      },
    },
  );
  const id = started.startRun.id;
  if (Object.keys(row.results).length) {
    await gqlOk(url, 'mutation($id: ID!, $r: [EntryInput!]!) { logResults(id: $id, results: $r) { id } }', {
      id,
      r: entries(row.results),
    });
  }
  if (row.state !== 'RUNNING') {
    await gqlOk(url, 'mutation($id: ID!, $s: FinishedRunState!) { finishRun(id: $id, state: $s) { id } }', {
      id,
      s: row.state,
    });
  }
  return id;
}
