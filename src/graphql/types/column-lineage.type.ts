/**
 * The column lineage answer as GraphQL shows it: columns of artifact versions, the edges saying
 * which column went into which (and how), and the cut flag. column-lineage.mapper.ts builds it
 * from the service's record. A column's artifact is any artifact kind or a RestrictedNode, told
 * apart by the `__typename` every value carries (SYNC_TYPE_RESOLVERS in schema.ts).
 */
import { createUnionType, Field, ID, Int, ObjectType } from 'type-graphql';
import { LineageDirection } from '../../domain/lineage';
import { Artifact, ARTIFACT_TYPES } from './artifact.type';
import './lineage.input'; // registers LineageDirection
import { RestrictedNode } from './lineage.type';

export const ColumnArtifactValue = createUnionType({
  name: 'ColumnArtifactValue',
  description: 'The artifact version a column belongs to (any kind), or a placeholder when the caller may not read it.',
  types: () => [...ARTIFACT_TYPES, RestrictedNode] as const,
  resolveType: (value) => (value as { __typename?: string }).__typename,
});
export type ColumnArtifactValue = Artifact | RestrictedNode;

@ObjectType({ simpleResolvers: true, description: 'One column of one artifact version (a dataset’s field).' })
export class ColumnRef {
  @Field(() => ID, {
    description:
      'An id for this column of this version, the same in every answer (edges meet at it). Opaque for a restricted one.',
  })
  id!: string;

  @Field(() => ColumnArtifactValue, { description: 'The artifact version the column belongs to.' })
  artifact!: ColumnArtifactValue;

  @Field(() => String, {
    nullable: true,
    description: 'The column’s name; null when its artifact is restricted (the name is hidden with the rest).',
  })
  column!: string | null;
}

@ObjectType({
  simpleResolvers: true,
  description: 'How a column was made from another, as the producing job reported it (OpenLineage columnLineage).',
})
export class ColumnTransformation {
  @Field({
    description:
      'DIRECT: the value was computed from the source column. INDIRECT: the source only shaped it (a filter, join or sort).',
  })
  type!: string;

  @Field(() => String, {
    nullable: true,
    description:
      'What was done: IDENTITY, TRANSFORMATION, AGGREGATION (DIRECT) or FILTER, JOIN, GROUP_BY, SORT, WINDOW, CONDITIONAL (INDIRECT).',
  })
  subtype!: string | null;

  @Field(() => String, {
    nullable: true,
    description:
      'The job’s own words for it (e.g. the SQL expression); null when not given or when an end is restricted.',
  })
  description!: string | null;

  @Field(() => Boolean, {
    nullable: true,
    description: 'Whether the value was masked on the way (hashed, redacted); null when not reported.',
  })
  masking!: boolean | null;
}

@ObjectType({ simpleResolvers: true, description: 'One column going into another: data flows from `from` to `to`.' })
export class ColumnLineageEdge {
  @Field(() => ColumnRef, { description: 'The source column (an input dataset’s).' })
  from!: ColumnRef;

  @Field(() => ColumnRef, { description: 'The column made from it (an output dataset’s).' })
  to!: ColumnRef;

  @Field(() => [ColumnTransformation], { description: 'How `to` was made from `from`; empty when not reported.' })
  transformations!: ColumnTransformation[];

  @Field(() => Int, { description: 'Steps from the start column: 1 for the edges that touch it.' })
  depth!: number;
}

@ObjectType({
  simpleResolvers: true,
  description: 'Column-level lineage of one column: where its values came from, or where they went.',
})
export class ColumnLineage {
  @Field(() => ColumnRef, { description: 'The column asked about.' })
  root!: ColumnRef;

  @Field(() => LineageDirection, { description: 'Which way the walk went.' })
  direction!: LineageDirection;

  @Field(() => Int, { description: 'The depth asked for, in column-to-column steps.' })
  depth!: number;

  @Field(() => Int, { description: 'The most columns (besides the start) the answer may hold.' })
  maxNodes!: number;

  @Field(() => [ColumnRef], { description: 'Every column reached: the start first, then the others nearest first.' })
  columns!: ColumnRef[];

  @Field(() => [ColumnLineageEdge], {
    description: 'Which column went into which; empty when the column has no recorded lineage (or does not exist).',
  })
  edges!: ColumnLineageEdge[];

  @Field({ description: 'True when maxNodes cut the answer short.' })
  truncated!: boolean;
}
