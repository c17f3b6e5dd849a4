import { formatTree, type TreeNode } from './format';
import type { LineageDirection } from '../domain/lineage';

/** `skein lineage`: the lineage answer as an indented tree, one line per artifact or execution. */

export const LINEAGE_QUERY = `
  query($of: String!, $direction: LineageDirection!, $depth: Int, $maxNodes: Int) {
    lineage(of: $of, direction: $direction, depth: $depth, maxNodes: $maxNodes) {
      root { ...node }
      direction depth maxNodes truncated truncatedAtDepth
      levels { depth nodes { ...node } }
      edges { type from to }
    }
  }
  fragment node on LineageNodeValue {
    __typename
    ... on Artifact { id workspace key version kind artifactState: state tags producerId }
    ... on Execution { id workspace name kind executionState: state }
    ... on RestrictedNode { id nodeType kind }
  }`;

export interface LineageNodeView {
  __typename: string;
  id: string;
  workspace?: string;
  key?: string;
  version?: number;
  kind?: string;
  artifactState?: string;
  executionState?: string;
  tags?: string[];
  producerId?: string | null;
  name?: string;
  nodeType?: string;
}

/** The answer as the API sends it: the nodes grouped by depth. */
export interface LineageAnswer extends Omit<LineageView, 'nodes'> {
  levels: Array<{ depth: number; nodes: LineageNodeView[] }>;
}

/** Flattens the levels into one list of (depth, node), the shape the tree printer walks. */
export function toLineageView(answer: LineageAnswer): LineageView {
  const { levels, ...rest } = answer;
  return { ...rest, nodes: levels.flatMap((l) => l.nodes.map((node) => ({ depth: l.depth, node }))) };
}

export interface LineageView {
  root: LineageNodeView;
  direction: LineageDirection;
  depth: number;
  maxNodes: number;
  truncated: boolean;
  truncatedAtDepth: number | null;
  nodes: Array<{ depth: number; node: LineageNodeView }>;
  edges: Array<{ type: string; from: string; to: string }>;
}

const isArtifact = (n: LineageNodeView) => n.key !== undefined;
const isExecution = (n: LineageNodeView) => n.__typename === 'Execution';

/** `key:vN (KIND)` for an artifact, `name [STATE]` for an execution, a placeholder for a restricted node. */
export function nodeLabel(n: LineageNodeView, homeWorkspace?: string): string {
  const ws = n.workspace && n.workspace !== homeWorkspace ? `${n.workspace}/` : '';
  if (isArtifact(n)) {
    const tags = n.tags?.length ? ` tags=${n.tags.join(',')}` : '';
    const state = n.artifactState && n.artifactState !== 'AVAILABLE' ? ` ${n.artifactState}` : '';
    return `${ws}${n.key}:v${n.version} (${n.kind})${tags}${state}`;
  }
  if (isExecution(n)) return `${ws}${n.name} [${n.executionState}]`;
  return `(restricted ${n.nodeType?.toLowerCase() ?? 'node'}${n.kind ? ` ${n.kind}` : ''})`;
}

/** The answer as text: the start node, then what it came from and/or what came from it. */
export function formatLineage(view: LineageView): string {
  const byId = new Map(view.nodes.map((n) => [n.node.id, n]));
  if (!byId.has(view.root.id)) byId.set(view.root.id, { depth: 0, node: view.root });
  const up = new Map<string, string[]>();
  const down = new Map<string, string[]>();
  for (const e of view.edges) {
    // Both kinds of event run the way data flows: INPUT artifact -> execution, OUTPUT execution -> artifact.
    (up.get(e.to) ?? up.set(e.to, []).get(e.to)!).push(e.from);
    (down.get(e.from) ?? down.set(e.from, []).get(e.from)!).push(e.to);
  }
  const home = view.root.workspace;
  const cut = view.truncated ? view.truncatedAtDepth : null;
  const notes = new Set<string>();

  /** Sorts siblings by label, then (for "train", "train", "train") by what they lead to. */
  const order = (id: string, links: Map<string, string[]>): string => {
    const label = nodeLabel(byId.get(id)!.node, home);
    const next = (links.get(id) ?? []).filter((c) => byId.has(c)).map((c) => nodeLabel(byId.get(c)!.node, home));
    return `${label}\u0000${next.sort().join('\u0000')}`;
  };

  const build = (id: string, links: Map<string, string[]>, upstream: boolean, seen: Set<string>): TreeNode => {
    const entry = byId.get(id)!;
    let label = nodeLabel(entry.node, home);
    if (seen.has(id)) return { label: `${label} (see above)`, children: [] };
    seen.add(id);
    const next = [...new Set(links.get(id) ?? [])].filter((c) => byId.has(c));
    next.sort(
      (a, b) =>
        byId.get(a)!.depth - byId.get(b)!.depth ||
        order(a, links).localeCompare(order(b, links), 'en', { numeric: true }),
    );
    // An artifact's neighbours are one step further; an execution's share its depth.
    const childDepth =
      entry.depth + (entry.node.__typename === 'Execution' || entry.node.nodeType === 'EXECUTION' ? 0 : 1);
    if (cut !== null && childDepth >= cut) {
      label += ' …';
      notes.add(
        `… the answer was cut at ${view.maxNodes} nodes (--max-nodes): from depth ${cut} on, nodes may be missing`,
      );
    } else if (upstream && next.length === 0 && entry.node.producerId) {
      label += ' … more upstream';
      notes.add(`… more upstream: ask with a larger --depth (this answer went ${view.depth} steps)`);
    }
    return { label, children: next.map((c) => build(c, links, upstream, seen)) };
  };

  const root = view.root.id;
  let tree: TreeNode;
  if (view.direction === 'BOTH') {
    const upTree = build(root, up, true, new Set());
    const downTree = build(root, down, false, new Set());
    const section = (label: string, t: TreeNode): TreeNode => ({
      label,
      children: t.children.length ? t.children : [{ label: '(nothing)', children: [] }],
    });
    tree = {
      label: upTree.label,
      children: [
        section('▲ upstream (what it came from)', upTree),
        section('▼ downstream (what came from it)', downTree),
      ],
    };
  } else {
    const upstream = view.direction === 'UPSTREAM';
    tree = build(root, upstream ? up : down, upstream, new Set());
    if (tree.children.length === 0) {
      tree.children.push({
        label: upstream ? '(nothing upstream: a source)' : '(nothing downstream yet)',
        children: [],
      });
    }
  }
  const restricted = view.nodes.filter((n) => n.node.__typename === 'RestrictedNode').length;
  if (restricted > 0) notes.add(`${restricted} node(s) are in workspaces you may not read: shown as (restricted …)`);
  return formatTree(tree) + [...notes].map((n) => `${n}\n`).join('');
}
