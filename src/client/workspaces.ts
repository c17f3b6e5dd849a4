import type { SkeinClient } from './graphql';

/** Workspaces over the API: create one, and list them all (every page, in name order). */

export interface WorkspaceLabel {
  key: string;
  value: string;
}

export interface WorkspaceView {
  id: string;
  name: string;
  description: string | null;
  labels: WorkspaceLabel[];
  createdAt: string;
  updatedAt: string;
}

const FIELDS = 'id name description labels { key value } createdAt updatedAt';

/** How many workspaces one request asks for while listing them all (the API allows up to 1000). */
export const WORKSPACE_PAGE = 200;

export async function createWorkspace(
  client: SkeinClient,
  input: { name: string; description?: string | null; labels?: WorkspaceLabel[] },
): Promise<WorkspaceView> {
  const { createWorkspace: created } = await client.request<{ createWorkspace: WorkspaceView }>(
    `mutation($i: CreateWorkspaceInput!) { createWorkspace(input: $i) { ${FIELDS} } }`,
    { i: { name: input.name, description: input.description ?? null, labels: input.labels ?? [] } },
  );
  return created;
}

interface WorkspacePage {
  edges: Array<{ node: WorkspaceView }>;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

/** Every workspace whose name starts with `prefix` (all when null), following the cursor to the last page. */
export async function listWorkspaces(
  client: SkeinClient,
  options: { prefix?: string | null; pageSize?: number } = {},
): Promise<WorkspaceView[]> {
  const all: WorkspaceView[] = [];
  let after: string | null = null;
  for (;;) {
    const { workspaces }: { workspaces: WorkspacePage } = await client.request<{ workspaces: WorkspacePage }>(
      `query($n: Int, $a: String, $p: String) {
        workspaces(first: $n, after: $a, namePrefix: $p) {
          edges { node { ${FIELDS} } }
          pageInfo { hasNextPage endCursor }
        }
      }`,
      { n: options.pageSize ?? WORKSPACE_PAGE, a: after, p: options.prefix ?? null },
    );
    all.push(...workspaces.edges.map((e) => e.node));
    if (!workspaces.pageInfo.hasNextPage || !workspaces.pageInfo.endCursor) return all;
    after = workspaces.pageInfo.endCursor;
  }
}
