/**
 * The lineage answers as GraphQL shows them: the node union (an artifact of any kind, an
 * execution, or a restricted placeholder), the subgraph with its levels and edges, the shortest
 * path, and the impact and provenance reports. lineage.mapper.ts builds them from the service's
 * records. The union resolves its members by the `__typename` every node value carries
 * (synchronously: see SYNC_TYPE_RESOLVERS in schema.ts).
 */
import { createUnionType, Field, ID, Int, ObjectType } from 'type-graphql';
import { LineageDirection, LineageNodeType } from '../../domain/lineage';
import { EventType } from '../../domain/execution';
import { Artifact, ARTIFACT_TYPES } from './artifact.type';
import { Entry } from './entry.type';
import { Execution } from './execution.type';
import './lineage.input'; // registers LineageDirection and LineageNodeType, used by fields below
import { Run } from './run.type';
import { DateTimeScalar } from './scalars';

@ObjectType({
  simpleResolvers: true,
  description:
    'A node the caller may not read (its workspace is not theirs): only what it is, so the chain can continue ' +
    'through it.',
})
export class RestrictedNode {
  @Field(() => ID, {
    description:
      'An opaque id for this node, the same in every answer (edges refer to it), so two answers show the same hidden node as one. It reveals nothing of the node.',
  })
  id!: string;

  @Field(() => LineageNodeType, { description: 'An artifact or an execution.' })
  nodeType!: LineageNodeType;

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
export type LineageNodeValue = Artifact | Execution | RestrictedNode;

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
  nodes!: LineageNodeValue[];
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
  root!: LineageNodeValue;

  @Field(() => LineageDirection, { description: 'Which way the walk went.' })
  direction!: LineageDirection;

  @Field(() => Int, { description: 'The depth asked for, in steps.' })
  depth!: number;

  @Field(() => Int, { description: 'The most nodes (besides the start) the answer may hold.' })
  maxNodes!: number;

  @Field(() => DateTimeScalar, { nullable: true, description: 'The time the answer is as of; null for now.' })
  asOf!: string | null;

  @Field(() => [LineageNodeValue], {
    description: 'Every node of the answer: the start node first, then the others, nearest first.',
  })
  nodes!: LineageNodeValue[];

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
  @Field(() => LineageDirection, {
    description: 'DOWNSTREAM: events lead from `from` to `to`. UPSTREAM: they lead from `to` back to `from`.',
  })
  direction!: LineageDirection;

  @Field(() => Int, { description: 'How many events long the chain is.' })
  length!: number;

  @Field(() => [LineageNodeValue], { description: 'The nodes of the chain, from `from` to `to`.' })
  nodes!: LineageNodeValue[];

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
  of!: LineageNodeValue;

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
  of!: LineageNodeValue;

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
