import { Field, ObjectType } from 'type-graphql';
import { Connection } from './connection';
import { Label, toEntries } from './entry.type';
import { withId } from '../../domain/global-id';
import { Node } from './node';
import { DateTimeScalar } from './scalars';
import { type WorkspaceRecord } from '../../domain/workspace';

@ObjectType({
  simpleResolvers: true,
  implements: Node,
  description:
    'A workspace: the unit of tenancy and permission that holds runs and artifacts (a project, an experiment).',
})
export class Workspace extends Node {
  @Field({ description: 'The unique name, as it appears in artifact URIs (store://artifacts/<workspace>/<key>).' })
  name!: string;

  @Field(() => String, { nullable: true, description: 'What this workspace is for.' })
  description!: string | null;

  @Field(() => [Label], { description: 'Labels, sorted by key.' })
  labels!: Label[];

  @Field(() => DateTimeScalar, { description: 'When the workspace was created.' })
  createdAt!: string;

  @Field(() => DateTimeScalar, { description: 'When the workspace was last changed.' })
  updatedAt!: string;

  // Lifecycle (deleteWorkspace / restoreWorkspace).
  @Field(() => DateTimeScalar, {
    nullable: true,
    description:
      'When the workspace was deleted (deleteWorkspace); null while it is live. A deleted workspace and everything in it are hidden and refuse changes until restoreWorkspace; after the grace period they are purged.',
  })
  deletedAt!: string | null;
}

export const WorkspaceConnection = Connection(Workspace, 'Workspace', 'workspace');

export function toWorkspace(w: WorkspaceRecord): Workspace {
  return withId('Workspace', w.name, {
    __typename: 'Workspace',
    ...w,
    labels: toEntries(w.labels) as Label[],
  }) as unknown as Workspace;
}
