/**
 * Service records -> lineage answers. Nodes become the artifact and execution views (getters made
 * only when selected; passed along, never spread) or a RestrictedNode; every node value carries
 * `__typename`, which the LineageNodeValue union resolves by. Enum fields pass the records' values
 * through: they already are the enum names GraphQL answers with.
 */
import type {
  ImpactRecord,
  LineageEdgeRecord,
  LineageNode,
  LineagePathRecord,
  LineageRecord,
  ProvenanceArtifactRecord,
  ProvenanceExecutionRecord,
  ProvenanceRecord,
} from '../../domain/lineage';
import { formatStoreUri } from '../../domain/artifact-uri';
import { toGlobalId } from '../../domain/global-id';
import { toArtifact } from './artifact.type';
import { type Entry, toEntries } from './entry.type';
import { toExecution } from './execution.type';
import {
  type Impact,
  type Lineage,
  type LineageEdge,
  type LineageLevel,
  type LineageNodeValue,
  type LineagePath,
  type Provenance,
  type ProvenanceArtifact,
  type ProvenanceExecution,
  RestrictedNode,
} from './lineage.type';
import { toRun } from './run.type';

function toNodeValue(n: LineageNode): LineageNodeValue {
  switch (n.type) {
    case 'Artifact':
      return toArtifact(n.artifact, n.id);
    case 'Execution':
      return toExecution(n.execution, n.id);
    default:
      return Object.assign(new RestrictedNode(), {
        __typename: 'RestrictedNode',
        id: n.id,
        nodeType: n.nodeType,
        kind: n.kind,
        restricted: true,
      });
  }
}

/** Nodes come nearest first, so each level is one run of equal depths. */
function toLevels(nodes: LineageNode[], values: LineageNodeValue[]): LineageLevel[] {
  const levels: LineageLevel[] = [];
  nodes.forEach((n, i) => {
    const last = levels[levels.length - 1];
    if (last?.depth === n.depth) last.nodes.push(values[i]!);
    else levels.push({ depth: n.depth, nodes: [values[i]!] });
  });
  return levels;
}

/** The model's event types are the enum's values ('INPUT' | 'OUTPUT'): no copy per edge. */
const toEdge = (e: LineageEdgeRecord): LineageEdge => e as LineageEdge;

export function toLineage(l: LineageRecord): Lineage {
  const nodes = l.nodes.map(toNodeValue);
  return {
    ...l,
    root: toNodeValue(l.root),
    nodes,
    levels: toLevels(l.nodes, nodes),
    edges: l.edges.map(toEdge),
  };
}

export function toLineagePath(p: LineagePathRecord): LineagePath {
  return {
    direction: p.direction,
    length: p.length,
    nodes: p.nodes.map(toNodeValue),
    edges: p.edges.map(toEdge),
  };
}

export function toImpact(i: ImpactRecord): Impact {
  return {
    ...i,
    of: toNodeValue(i.root),
    artifactsByKind: i.groups.map((g) => ({ ...g, artifacts: g.artifacts.map((a) => toArtifact(a)) })),
    runs: i.runs.map(toRun),
  };
}

function toProvenanceArtifact(p: ProvenanceArtifactRecord): ProvenanceArtifact {
  const a = p.artifact;
  return {
    id: toGlobalId('Artifact', a.uid),
    uri: formatStoreUri(a),
    workspace: a.workspace,
    key: a.key,
    version: a.version,
    kind: a.kind,
    digest: a.digest,
    location: a.location,
    createdAt: a.createdAt,
    depth: p.depth,
    isSource: p.isSource,
  };
}

function toProvenanceExecution(p: ProvenanceExecutionRecord): ProvenanceExecution {
  const e = p.execution;
  return {
    id: toGlobalId('Execution', e.uid),
    workspace: e.workspace,
    name: e.name,
    kind: e.kind,
    codeVersion: e.codeVersion,
    params: toEntries(e.params) as Entry[],
    runId: toGlobalId('Run', e.runUid),
    startedAt: e.startedAt,
    depth: p.depth,
  };
}

export function toProvenance(p: ProvenanceRecord): Provenance {
  const artifacts = p.artifacts.map(toProvenanceArtifact);
  return {
    of: toNodeValue(p.root),
    sources: artifacts.filter((a) => a.isSource),
    artifacts,
    executions: p.executions.map(toProvenanceExecution),
    runs: p.runs.map(toRun),
    restricted: p.restricted,
    maxNodes: p.maxNodes,
    truncated: p.truncated,
    truncatedAtDepth: p.truncatedAtDepth,
  };
}
