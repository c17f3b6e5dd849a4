import { execFile } from 'node:child_process';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { mintToken } from '../../src/auth/token-secret';
import { PROJECT_ROOT } from '../../src/paths';
import { datasetKey, workspaceForNamespace } from '../../src/services/openlineage/names';
import { uniqueName, useTestSkein } from '../helpers/skein';
import { gqlAsOk } from '../helpers/tokens';

/**
 * The real client: openlineage-python 1.54 (from PyPI, in a venv of its own cached under the
 * checkout) posts the spec's example events and an Airflow-like DAG run to a running Skein
 * (test/fixtures/openlineage/emit_events.py), configured as its users configure it:
 * HttpTransport(HttpConfig(url, endpoint='api/v1/lineage')) in code, and OPENLINEAGE_URL /
 * OPENLINEAGE_ENDPOINT / OPENLINEAGE_API_KEY in the environment. Then Skein's GraphQL lineage
 * must show the chain the DAG made. Without python3 or PyPI this test fails (CI has both).
 */

const run = promisify(execFile);
const CLIENT_VERSION = '1.54.0';
const VENV = path.join(PROJECT_ROOT, '.skein', `venv-openlineage-${CLIENT_VERSION.split('.').slice(0, 2).join('.')}`);
const VENV_PYTHON = path.join(VENV, 'bin', 'python');
const READY = path.join(VENV, '.installed');
const SCRIPT = path.join(PROJECT_ROOT, 'test', 'fixtures', 'openlineage', 'emit_events.py');

/** The venv with openlineage-python, made once (~20 s) and reused while its marker file stands. */
async function openLineageVenv(): Promise<string> {
  if (existsSync(READY)) return VENV_PYTHON;
  try {
    await run('python3', ['--version']);
  } catch {
    throw new Error(
      'python3 is not on PATH: this test runs the real openlineage-python client (install Python 3.10+ with its venv module).',
    );
  }
  process.stderr.write(`openlineage-python: installing ${CLIENT_VERSION} from PyPI into ${VENV} (once)\n`);
  rmSync(VENV, { recursive: true, force: true }); // a half-made venv of an interrupted run
  try {
    await run('python3', ['-m', 'venv', VENV]);
    await run(
      VENV_PYTHON,
      ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', `openlineage-python==${CLIENT_VERSION}`],
      {
        timeout: 240_000,
      },
    );
  } catch (err) {
    const { stderr } = err as { stderr?: string };
    throw new Error(
      `Could not install openlineage-python==${CLIENT_VERSION} into a venv (python3 -m venv needs the venv module; pip needs PyPI): ${stderr ?? String(err)}`,
    );
  }
  writeFileSync(READY, `openlineage-python==${CLIENT_VERSION}\n`);
  return VENV_PYTHON;
}

interface Emitted {
  posted: number;
  spec: { runId: string; dataNamespace: string };
  dag: {
    dagRunId: string;
    taskRuns: Record<string, string>;
    datasets: Record<'a' | 'b' | 'model', [string, string]>;
  };
}

interface LineageNode {
  __typename: string;
  id: string;
  key?: string;
  name?: string;
  run?: { name: string };
}

interface LineageAnswer {
  lineage: { nodes: LineageNode[]; edges: Array<{ from: string; to: string; type: 'INPUT' | 'OUTPUT' }> };
}

const LINEAGE = `query($of: String!) {
  lineage(of: $of, direction: UPSTREAM, depth: 10) {
    nodes {
      __typename
      ... on Artifact { id key }
      ... on Execution { id name run { name } }
      ... on RestrictedNode { id }
    }
    edges { from to type }
  }
}`;

const admin = mintToken();
const t = useTestSkein({ env: { SKEIN_AUTH: 'on', SKEIN_ADMIN_TOKEN: admin.text } });
const namespace = uniqueName('airflow').toLowerCase();
let emitted: Emitted;

beforeAll(async () => {
  const python = await openLineageVenv();
  const url = t.skein.url;
  const { stdout } = await run(python, [SCRIPT], {
    timeout: 120_000,
    env: {
      PATH: process.env.PATH,
      SKEIN_URL: url,
      SKEIN_TOKEN: admin.text,
      OL_NAMESPACE: namespace,
      // The lines an Airflow (or any openlineage-python) user sets, and nothing else.
      OPENLINEAGE_URL: url,
      OPENLINEAGE_ENDPOINT: 'api/v1/lineage',
      OPENLINEAGE_API_KEY: admin.text,
    },
  });
  emitted = JSON.parse(stdout.trim().split('\n').pop()!) as Emitted;
}, 300_000);

/** The upstream lineage of a dataset, as the chain of names from it back to its sources. */
async function upstreamOf(datasetNamespace: string, name: string): Promise<LineageAnswer['lineage']> {
  const uri = `store://datasets/${workspaceForNamespace(namespace)}/${datasetKey(datasetNamespace, name)}`;
  const answer = await gqlAsOk<LineageAnswer>(t.url, admin.text, LINEAGE, { of: uri });
  return answer.lineage;
}

/** The chain from the start node back, following the one edge into each node (a linear lineage). */
function chain(lineage: LineageAnswer['lineage']): string[] {
  const byId = new Map(lineage.nodes.map((n) => [n.id, n]));
  const label = (n: LineageNode) => n.key ?? n.name ?? n.__typename;
  const names: string[] = [];
  for (let at: LineageNode | undefined = lineage.nodes[0]; at;) {
    names.push(label(at));
    const into = lineage.edges.filter((e) => e.to === at!.id);
    expect(into.length).toBeLessThanOrEqual(1);
    at = into[0] && byId.get(into[0].from);
  }
  return names;
}

describe('openlineage-python 1.54 against Skein', () => {
  it('posted every event (the client raises on any answer but 2xx)', () => {
    expect(emitted.posted).toBe(12);
  });

  it('records the DAG run as lineage: model <- train <- B <- transform <- A <- extract', async () => {
    const { a, b, model } = emitted.dag.datasets;
    const lineage = await upstreamOf(...model);
    expect(chain(lineage)).toEqual([
      datasetKey(...model),
      'etl_dag.train',
      datasetKey(...b),
      'etl_dag.transform',
      datasetKey(...a),
      'etl_dag.extract',
    ]);
    expect(lineage.edges.map((e) => e.type)).toEqual(expect.arrayContaining(['INPUT', 'OUTPUT']));
  });

  it('holds the three task runs as executions of one run: the DAG run', async () => {
    const lineage = await upstreamOf(...emitted.dag.datasets.model);
    const executions = lineage.nodes.filter((n) => n.__typename === 'Execution');
    expect(executions).toHaveLength(3);
    // The parent-run facet's job names the Skein run: the DAG.
    expect(executions.map((e) => e.run!.name)).toEqual(['etl_dag', 'etl_dag', 'etl_dag']);
  });

  it('records the spec’s example run: its output came from myjob.mytask reading its input', async () => {
    const data = emitted.spec.dataNamespace;
    const lineage = await upstreamOf(data, 'instance.schema.output_table');
    expect(chain(lineage)).toEqual([
      datasetKey(data, 'instance.schema.output_table'),
      'myjob.mytask',
      datasetKey(data, 'instance.schema.table'),
    ]);
  });
});
