/**
 * The lineage queries' arguments: the LineageFilter input, and the GraphQL registration of the
 * lineage enums (the domain's `as const` objects, registered as they are so values stay names).
 * The output types of lineage.type.ts use the enums too and import this file for them.
 */
import { Field, InputType, registerEnumType } from 'type-graphql';
import { LineageDirection, LineageNodeType } from '../../domain/lineage';
import { DateTimeScalar } from './scalars';

registerEnumType(LineageDirection, {
  name: 'LineageDirection',
  description:
    'UPSTREAM: what it came from (producers and their inputs). DOWNSTREAM: what came from it (readers and their ' +
    'outputs). BOTH: the two together.',
});
registerEnumType(LineageNodeType, { name: 'LineageNodeType', description: 'An artifact or an execution.' });

@InputType({ description: 'Which nodes a lineage answer keeps; the walk goes through the others all the same.' })
export class LineageFilter {
  @Field(() => [String], {
    nullable: true,
    description: 'Artifact kinds (MODEL, DATASET…) or execution kinds (TRAINER…); empty or absent: any.',
  })
  kinds?: string[] | null;

  @Field(() => [LineageNodeType], { nullable: true, description: 'Only artifacts, or only executions.' })
  nodeTypes?: LineageNodeType[] | null;

  @Field(() => [String], { nullable: true, description: 'Only nodes of these workspaces.' })
  workspaces?: string[] | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'Only nodes recorded at or after this time.' })
  createdAfter?: string | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'Only nodes recorded before this time.' })
  createdBefore?: string | null;
}
