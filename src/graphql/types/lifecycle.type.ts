import { Field, Int, ObjectType } from 'type-graphql';
import { DateTimeScalar } from './scalars';

@ObjectType({
  description:
    'What purgeDeleted removed for good, and what it kept because something live still depends on it (src/graph/README.md "Lifecycle").',
})
export class PurgeReport {
  @Field(() => DateTimeScalar, { description: 'Things deleted before this time were purged.' })
  cutoff!: string;

  @Field(() => Int, { description: 'Artifact versions removed (with their tags and body links).' })
  artifacts!: number;

  @Field(() => Int, { description: 'Executions removed (with their input and output events).' })
  executions!: number;

  @Field(() => Int, { description: 'Runs removed.' })
  runs!: number;

  @Field(() => Int, { description: 'Metric history chunks removed with their runs.' })
  metricChunks!: number;

  @Field(() => Int, { description: 'Artifact keys removed because no version of them was left.' })
  keys!: number;

  @Field(() => Int, { description: 'Deleted workspaces removed because nothing was left in them.' })
  workspaces!: number;

  @Field(() => Int, {
    description:
      'Stored objects (bodies) deleted from the body store because no artifact in any workspace holds them any more.',
  })
  bodies!: number;

  @Field(() => Int, {
    description:
      'Deleted artifact versions and executions kept because something that stays (live, or deleted too recently) was made from them: purging them would cut its lineage.',
  })
  keptForLineage!: number;

  @Field(() => Int, {
    description: 'Deleted runs kept because a kept execution, a child run or a live artifact still names them.',
  })
  keptRuns!: number;

  @Field(() => Int, { description: 'Deleted workspaces kept because something in them was kept.' })
  keptWorkspaces!: number;

  @Field(() => Int, {
    description: 'Bodies whose objects could not be deleted this time; the next purge (or the periodic sweep) retries.',
  })
  bodiesFailed!: number;
}
