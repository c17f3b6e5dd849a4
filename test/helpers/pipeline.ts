import { createWorkspace, gqlOk } from './skein';

/**
 * Small builders for test graphs through the public API, so a test reads like the flow it checks:
 *   const p = await aPipeline(url, 'limits');   // a fresh workspace, and a run in it
 *   const raw = await logArtifact(url, { workspace: p.workspace, key: 'raw', kind: 'DATASET', run: p.runId });
 * `raw` is an ArtifactView: the fields of ARTIFACT_FIELDS, for any artifact kind.
 */
export interface Pipeline {
  url: string;
  workspace: string;
  runId: string;
}

// Lives with useTestSkein (which creates a suite's workspace); here too, with the other builders.
export { createWorkspace };

export async function startRun(url: string, workspace: string, name = 'run'): Promise<string> {
  const data = await gqlOk<{ startRun: { id: string } }>(
    url,
    'mutation($i: StartRunInput!) { startRun(input: $i) { id } }',
    { i: { workspace, name } },
  );
  return data.startRun.id;
}

export async function aPipeline(url: string, prefix = 'ws'): Promise<Pipeline> {
  const workspace = await createWorkspace(url, prefix);
  return { url, workspace, runId: await startRun(url, workspace) };
}

export const ARTIFACT_FIELDS = `
  id uid uri workspace key version kind state tags isLatest digest size location contentType runId producerId
  labels { key value } properties { key value }
  ... on DatasetArtifact { format rowCount schema { name type } preview stats { column mean min max } labelColumn }
  ... on ModelArtifact { framework algorithm metrics { key value } parameters { key value } trainingDatasetId }
  ... on MetricsArtifact { values { key value } }
`;

export interface ArtifactView {
  id: string;
  uid: string;
  uri: string;
  key: string;
  version: number;
  kind: string;
  state: string;
  tags: string[];
  isLatest: boolean;
  [field: string]: unknown;
}

export async function logArtifact(url: string, input: Record<string, unknown>): Promise<ArtifactView> {
  const data = await gqlOk<{ logArtifact: ArtifactView }>(
    url,
    `mutation($i: LogArtifactInput!) { logArtifact(input: $i) { ${ARTIFACT_FIELDS} } }`,
    { i: input },
  );
  return data.logArtifact;
}
