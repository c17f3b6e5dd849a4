import {
  getNamedType,
  isInterfaceType,
  isObjectType,
  isUnionType,
  Kind,
  type GraphQLNamedType,
  type GraphQLResolveInfo,
  type GraphQLSchema,
  type SelectionSetNode,
} from 'graphql';
import { createUnionType, Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import * as M from '../../domain/lineage';
import { formatStoreUri } from '../../domain/artifact-uri';
import { toGlobalId } from '../../domain/global-id';
import { Artifact, ARTIFACT_TYPES, toArtifact } from './artifact.type';
import { Entry, toEntries } from './entry.type';
import { Execution, toExecution } from './execution.type';
import { Run, toRun } from './run.type';
import { DateTimeScalar } from './scalars';
import { EventType } from '../../domain/execution';
registerEnumType(M.LineageDirection, {
  name: 'LineageDirection',
  description:
    'UPSTREAM: what it came from (producers and their inputs). DOWNSTREAM: what came from it (readers and their ' +
    'outputs). BOTH: the two together.',
});
registerEnumType(M.LineageNodeType, { name: 'LineageNodeType', description: 'An artifact or an execution.' });

@InputType({ description: 'Which nodes a lineage answer keeps; the walk goes through the others all the same.' })
export class LineageFilter {
  @Field(() => [String], {
    nullable: true,
    description: 'Artifact kinds (MODEL, DATASET…) or execution kinds (TRAINER…); empty or absent: any.',
  })
  kinds?: string[] | null;

  @Field(() => [M.LineageNodeType], { nullable: true, description: 'Only artifacts, or only executions.' })
  nodeTypes?: M.LineageNodeType[] | null;

  @Field(() => [String], { nullable: true, description: 'Only nodes of these workspaces.' })
  workspaces?: string[] | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'Only nodes recorded at or after this time.' })
  createdAfter?: string | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'Only nodes recorded before this time.' })
  createdBefore?: string | null;
}

@ObjectType({
  simpleResolvers: true,
  description:
    'A node the caller may not read (its workspace is not theirs): only what it is, so the chain can continue ' +
    'through it.',
})
export class RestrictedNode {
  @Field(() => ID, { description: 'A token naming this node within this one answer (edges refer to it).' })
  id!: string;

  @Field(() => M.LineageNodeType, { description: 'An artifact or an execution.' })
  nodeType!: M.LineageNodeType;

  @Field({ description: 'Its kind, e.g. MODEL or TRAINER.' })
  kind!: string;

  @Field({ description: 'Always true: the rest of this node is hidden.' })
  restricted!: boolean;
}

export const LineageNodeValue = createUnionType({
  name: 'LineageNodeValue',
  description: 'An artifact (any kind), an execution, or a restricted placeholder.',
  types: () => [...ARTIFACT_TYPES, Execution, RestrictedNode] as const,
  resolveType: (value) => (value as { __typename?: string }).__typename,
});
type NodeValue = Artifact | Execution | RestrictedNode;

@ObjectType({
  simpleResolvers: true,
  description: 'The nodes at one depth of a lineage answer (level 0 is the start node).',
})
export class LineageLevel {
  @Field(() => Int, {
    description: 'Steps from the start: an execution and the artifacts it wrote (or read, upstream) share one.',
  })
  depth!: number;

  @Field(() => [LineageNodeValue], { description: 'The nodes at this depth.' })
  nodes!: NodeValue[];
}

@ObjectType({ simpleResolvers: true, description: 'An event between two nodes of the answer.' })
export class LineageEdge {
  @Field(() => EventType, { description: 'INPUT: `from` (an artifact) was read by `to`. OUTPUT: `from` wrote `to`.' })
  type!: EventType;

  @Field(() => ID, { description: 'The id of the node the event starts at.' })
  from!: string;

  @Field(() => ID, { description: 'The id of the node the event ends at.' })
  to!: string;

  @Field(() => DateTimeScalar, { description: 'When it happened.' })
  at!: string;

  @Field(() => String, { nullable: true, description: 'Where the execution saw it; null when an end is restricted.' })
  path!: string | null;
}

@ObjectType({ simpleResolvers: true, description: 'The lineage subgraph of one artifact or execution.' })
export class Lineage {
  @Field(() => LineageNodeValue, { description: 'The start node.' })
  root!: NodeValue;

  @Field(() => M.LineageDirection, { description: 'Which way the walk went.' })
  direction!: M.LineageDirection;

  @Field(() => Int, { description: 'The depth asked for, in steps.' })
  depth!: number;

  @Field(() => Int, { description: 'The most nodes (besides the start) the answer may hold.' })
  maxNodes!: number;

  @Field(() => DateTimeScalar, { nullable: true, description: 'The time the answer is as of; null for now.' })
  asOf!: string | null;

  @Field(() => [LineageNodeValue], {
    description: 'Every node of the answer: the start node first, then the others, nearest first.',
  })
  nodes!: NodeValue[];

  @Field(() => [LineageLevel], { description: 'The same nodes grouped by depth, nearest first.' })
  levels!: LineageLevel[];

  @Field(() => [LineageEdge], { description: 'The events among these nodes.' })
  edges!: LineageEdge[];

  @Field({ description: 'True when maxNodes cut the answer short.' })
  truncated!: boolean;

  @Field(() => Int, {
    nullable: true,
    description: 'Where the cut fell: every level above this depth is complete. Null when nothing was cut.',
  })
  truncatedAtDepth!: number | null;
}

@ObjectType({ simpleResolvers: true, description: 'The shortest chain of events linking two nodes.' })
export class LineagePath {
  @Field(() => M.LineageDirection, {
    description: 'DOWNSTREAM: events lead from `from` to `to`. UPSTREAM: they lead from `to` back to `from`.',
  })
  direction!: M.LineageDirection;

  @Field(() => Int, { description: 'How many events long the chain is.' })
  length!: number;

  @Field(() => [LineageNodeValue], { description: 'The nodes of the chain, from `from` to `to`.' })
  nodes!: NodeValue[];

  @Field(() => [LineageEdge], { description: 'The events, in chain order.' })
  edges!: LineageEdge[];
}

@ObjectType({ simpleResolvers: true, description: 'Downstream artifacts of one kind.' })
export class ImpactGroup {
  @Field({ description: 'The artifact kind, e.g. MODEL.' })
  kind!: string;

  @Field(() => Int, { description: 'How many there are, restricted ones included.' })
  count!: number;

  @Field(() => Int, { description: 'How many of them the caller may not read.' })
  restricted!: number;

  @Field(() => [Artifact], { description: 'The readable ones (up to artifactsPerKind), nearest first.' })
  artifacts!: Artifact[];
}

@ObjectType({ simpleResolvers: true, description: 'A workspace reached downstream.' })
export class ImpactWorkspace {
  @Field({ description: 'The workspace name.' })
  name!: string;

  @Field(() => Int, { description: 'How many downstream artifacts and executions it holds.' })
  nodes!: number;
}

@ObjectType({ simpleResolvers: true, description: 'Everything downstream of a node: what to check or retrain.' })
export class Impact {
  @Field(() => LineageNodeValue, { description: 'The node whose impact this is.' })
  of!: NodeValue;

  @Field(() => [ImpactGroup], { description: 'Downstream artifacts by kind, kinds in name order.' })
  artifactsByKind!: ImpactGroup[];

  @Field(() => Int, { description: 'How many downstream executions there are, restricted ones included.' })
  executions!: number;

  @Field(() => Int, { description: 'How many of those the caller may not read.' })
  restrictedExecutions!: number;

  @Field(() => [Run], { description: 'The readable runs that produced or ran downstream nodes.' })
  runs!: Run[];

  @Field(() => Int, { description: 'How many affected runs the caller may not read.' })
  restrictedRuns!: number;

  @Field(() => [ImpactWorkspace], { description: 'The readable workspaces reached, in name order.' })
  workspaces!: ImpactWorkspace[];

  @Field(() => Int, { description: 'How many other workspaces were reached.' })
  restrictedWorkspaces!: number;

  @Field(() => Int, { description: 'The most downstream nodes counted.' })
  maxNodes!: number;

  @Field({ description: 'True when there was more downstream than maxNodes.' })
  truncated!: boolean;

  @Field(() => Int, { nullable: true, description: 'Where the cut fell, in steps; null when nothing was cut.' })
  truncatedAtDepth!: number | null;
}

@ObjectType({ simpleResolvers: true, description: 'An upstream artifact, as a report row.' })
export class ProvenanceArtifact {
  @Field(() => ID, { description: 'Its global id.' })
  id!: string;

  @Field({ description: 'The store:// URI naming exactly this version.' })
  uri!: string;

  @Field({ description: 'Its workspace.' })
  workspace!: string;

  @Field({ description: 'Its key.' })
  key!: string;

  @Field(() => Int, { description: 'Its version.' })
  version!: number;

  @Field({ description: 'Its kind, e.g. DATASET.' })
  kind!: string;

  @Field(() => String, { nullable: true, description: 'The SHA-256 of its body.' })
  digest!: string | null;

  @Field(() => String, { nullable: true, description: 'Where its body lives.' })
  location!: string | null;

  @Field(() => DateTimeScalar, { description: 'When it was recorded.' })
  createdAt!: string;

  @Field(() => Int, { description: 'Steps upstream of the start.' })
  depth!: number;

  @Field({ description: 'True when nothing produced it (as of then): an input from outside.' })
  isSource!: boolean;
}

@ObjectType({ simpleResolvers: true, description: 'An upstream execution, as a report row.' })
export class ProvenanceExecution {
  @Field(() => ID, { description: 'Its global id.' })
  id!: string;

  @Field({ description: 'Its workspace.' })
  workspace!: string;

  @Field({ description: 'The step name, e.g. "train".' })
  name!: string;

  @Field({ description: 'Its kind, e.g. TRAINER.' })
  kind!: string;

  @Field(() => String, { nullable: true, description: 'The code that ran: a git commit, an image digest…' })
  codeVersion!: string | null;

  @Field(() => [Entry], { description: 'Its params, sorted by key.' })
  params!: Entry[];

  @Field(() => ID, { description: 'The global id of its run.' })
  runId!: string;

  @Field(() => DateTimeScalar, { description: 'When it started.' })
  startedAt!: string;

  @Field(() => Int, { description: 'Steps upstream of the start.' })
  depth!: number;
}

@ObjectType({
  simpleResolvers: true,
  description: 'Everything upstream of a node, flattened for a report: what went into it and how.',
})
export class Provenance {
  @Field(() => LineageNodeValue, { description: 'The node whose provenance this is.' })
  of!: NodeValue;

  @Field(() => [ProvenanceArtifact], { description: 'The upstream artifacts nothing produced: the raw inputs.' })
  sources!: ProvenanceArtifact[];

  @Field(() => [ProvenanceArtifact], { description: 'Every readable upstream artifact, nearest first.' })
  artifacts!: ProvenanceArtifact[];

  @Field(() => [ProvenanceExecution], { description: 'Every readable upstream execution, nearest first.' })
  executions!: ProvenanceExecution[];

  @Field(() => [Run], { description: 'The runs those belong to.' })
  runs!: Run[];

  @Field(() => Int, { description: 'How many upstream nodes the caller may not read.' })
  restricted!: number;

  @Field(() => Int, { description: 'The most upstream nodes listed.' })
  maxNodes!: number;

  @Field({ description: 'True when there was more upstream than maxNodes.' })
  truncated!: boolean;

  @Field(() => Int, { nullable: true, description: 'Where the cut fell, in steps; null when nothing was cut.' })
  truncatedAtDepth!: number | null;
}

// ---------------------------------------------------------------------------------------------
// Abstract types, resolved without a promise per value

/**
 * type-graphql wraps every custom `resolveType` in an async function, so each union or interface
 * value in an answer costs a promise and a microtask: 20-25% of executing a 1,000-node lineage.
 * Every value Skein hands to GraphQL carries `__typename` (toArtifact, toExecution, toNodeValue),
 * so the abstract types can read it directly. Call once on the built schema (`getSchema`).
 */
export function resolveTypesByTypename(schema: GraphQLSchema): void {
  for (const type of Object.values(schema.getTypeMap())) {
    if (type.name.startsWith('__') || !(isUnionType(type) || isInterfaceType(type))) continue;
    const original = type.resolveType;
    type.resolveType = (value, context, info, abstractType) => {
      const name = (value as { __typename?: unknown }).__typename;
      return typeof name === 'string' ? name : original?.(value, context, info, abstractType);
    };
  }
}

// ---------------------------------------------------------------------------------------------
// What to fetch: the heavier parts of a node only when the query selects a field made from them

const SPEC_FIELDS = new Set([
  'format',
  'schema',
  'rowCount',
  'preview',
  'stats',
  'labelColumn',
  'framework',
  'algorithm',
  'metrics',
  'parameters',
  'inputFeatures',
  'outputFeatures',
  'trainingDatasetId',
  'trainingDataset',
  'values',
]);
const MAP_FIELDS = new Set(['labels', 'properties', 'params', 'results', 'annotations']);
const TAG_FIELDS = new Set(['tags', 'isLatest']);

/** Node fields a lineage row answers without its detail properties (see `NodeFields.detail`). */
const WITHOUT_DETAIL: Record<'Artifact' | 'Execution', ReadonlySet<string>> = {
  Artifact: new Set([
    ...['__typename', 'id', 'uid', 'uri', 'workspace', 'key', 'version', 'kind', 'state', 'digest', 'createdAt'],
    ...SPEC_FIELDS,
    ...MAP_FIELDS,
    ...TAG_FIELDS,
  ]),
  Execution: new Set([
    ...['__typename', 'id', 'uid', 'workspace', 'name', 'kind', 'state', 'codeVersion', 'startedAt', 'createdAt'],
    ...MAP_FIELDS,
  ]),
};

type SelectionInfo = Pick<GraphQLResolveInfo, 'fieldNodes' | 'fragments' | 'schema' | 'returnType'>;

/**
 * Which parts of each node the selection below this field needs. Spec, maps and tags are
 * over-inclusive by design (a field of that name anywhere below counts). The detail properties
 * go by type, the other way round: any field of an artifact or execution that is not known to
 * be answered without them asks for them, so a field added later is right before it is fast.
 */
export function fieldsWanted(info: SelectionInfo): M.NodeFields {
  const names = new Set<string>();
  const seenFragments = new Set<string>();
  let detail = false;
  let paths = false;
  const visit = (set: SelectionSetNode | undefined, parent: GraphQLNamedType | undefined): void => {
    if (!set) return;
    // Lost track of the type (cannot happen in a validated document): fetch everything.
    if (!parent) detail = true;
    for (const sel of set.selections) {
      if (sel.kind === Kind.FIELD) {
        const name = sel.name.value;
        names.add(name);
        const node = nodeKindOf(parent);
        if (node && !WITHOUT_DETAIL[node].has(name)) detail = true;
        if (parent?.name === 'LineageEdge' && name === 'path') paths = true;
        visit(sel.selectionSet, fieldTypeOf(parent, name));
      } else if (sel.kind === Kind.INLINE_FRAGMENT) {
        const condition = sel.typeCondition?.name.value;
        visit(sel.selectionSet, condition ? info.schema.getType(condition) : parent);
      } else if (!seenFragments.has(sel.name.value)) {
        seenFragments.add(sel.name.value);
        const fragment = info.fragments[sel.name.value];
        visit(fragment?.selectionSet, fragment && info.schema.getType(fragment.typeCondition.name.value));
      }
    }
  };
  const root = getNamedType(info.returnType);
  for (const node of info.fieldNodes) visit(node.selectionSet, root);
  const any = (set: Set<string>) => [...set].some((n) => names.has(n));
  return { detail, spec: any(SPEC_FIELDS), maps: any(MAP_FIELDS), tags: any(TAG_FIELDS), paths };
}

/** 'Artifact' for the Artifact interface and its kinds, 'Execution' for executions, else null. */
function nodeKindOf(type: GraphQLNamedType | undefined): 'Artifact' | 'Execution' | null {
  if (!type) return null;
  if (type.name === 'Execution') return 'Execution';
  if (type.name === 'Artifact') return 'Artifact';
  return isObjectType(type) && type.getInterfaces().some((i) => i.name === 'Artifact') ? 'Artifact' : null;
}

function fieldTypeOf(parent: GraphQLNamedType | undefined, name: string): GraphQLNamedType | undefined {
  if (!isObjectType(parent) && !isInterfaceType(parent)) return undefined;
  const field = parent.getFields()[name];
  return field ? getNamedType(field.type) : undefined;
}

// ---------------------------------------------------------------------------------------------
// Service records -> GraphQL objects

export function toNodeValue(n: M.LineageNode): NodeValue {
  switch (n.type) {
    case 'Artifact':
      return toArtifact(n.artifact, n.id);
    case 'Execution':
      return toExecution(n.execution, n.id);
    default:
      return Object.assign(new RestrictedNode(), {
        __typename: 'RestrictedNode',
        id: n.id,
        nodeType: n.nodeType as M.LineageNodeType,
        kind: n.kind,
        restricted: true,
      });
  }
}

/** Nodes come nearest first, so each level is one run of equal depths. */
function toLevels(nodes: M.LineageNode[], values: NodeValue[]): LineageLevel[] {
  const levels: LineageLevel[] = [];
  nodes.forEach((n, i) => {
    const last = levels[levels.length - 1];
    if (last?.depth === n.depth) last.nodes.push(values[i]!);
    else levels.push({ depth: n.depth, nodes: [values[i]!] });
  });
  return levels;
}
/** The model's event types are the enum's values ('INPUT' | 'OUTPUT'): no copy per edge. */
const toEdge = (e: M.LineageEdgeRecord): LineageEdge => e as LineageEdge;

export function toLineage(l: M.LineageRecord): Lineage {
  const nodes = l.nodes.map(toNodeValue);
  return {
    ...l,
    root: toNodeValue(l.root),
    direction: l.direction as M.LineageDirection,
    nodes,
    levels: toLevels(l.nodes, nodes),
    edges: l.edges.map(toEdge),
  };
}

export function toLineagePath(p: M.LineagePathRecord): LineagePath {
  return {
    direction: p.direction as M.LineageDirection,
    length: p.length,
    nodes: p.nodes.map(toNodeValue),
    edges: p.edges.map(toEdge),
  };
}

export function toImpact(i: M.ImpactRecord): Impact {
  return {
    ...i,
    of: toNodeValue(i.root),
    artifactsByKind: i.groups.map((g) => ({ ...g, artifacts: g.artifacts.map((a) => toArtifact(a)) })),
    runs: i.runs.map(toRun),
  };
}

function toProvenanceArtifact(p: M.ProvenanceArtifactRecord): ProvenanceArtifact {
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

function toProvenanceExecution(p: M.ProvenanceExecutionRecord): ProvenanceExecution {
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

export function toProvenance(p: M.ProvenanceRecord): Provenance {
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
