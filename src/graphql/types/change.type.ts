import { Field, Int, ObjectType } from 'type-graphql';
import type { FeedChange } from '../../domain/feed';
import { encodeCursor } from '../../services/pagination';
import type { Context } from '../context';
import { Connection } from './connection';

@ObjectType('FeedChange', {
  simpleResolvers: true,
  description:
    'One change in a workspace: a mutation that committed there (a run started or finished, an artifact logged, an OpenLineage event ingested…). Changes are numbered 1, 2, 3… in the order they committed, with no gaps, so a consumer that remembers the last cursor it saw misses nothing and sees nothing twice.',
})
export class FeedChangeView {
  @Field(() => Int, { description: "The change's number in its workspace: 1, 2, 3… in commit order, no gaps." })
  seq!: number;

  @Field({ description: 'Pass as `after` (to `changes` or the subscription) to continue right after this change.' })
  cursor!: string;

  @Field({ description: 'The workspace it happened in.' })
  workspace!: string;

  @Field({ description: 'When it was made (ISO 8601, UTC).' })
  at!: string;

  @Field({ description: 'Who made it: `token:<prefix>`, `user:<subject>` (SSO), `anonymous`, or `system`.' })
  actor!: string;

  @Field({
    description: "What was done: the mutation's name (`startRun`, `finishRun`, `logArtifact`, `openLineage`…).",
  })
  action!: string;

  @Field(() => String, {
    nullable: true,
    description:
      'What kind of object it acted on (`Run`, `Execution`, `Artifact`, `Workspace`…); a create names the workspace it created in.',
  })
  objectType!: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'Which object, as the caller named it (an id, a uid, a URI, a name).',
  })
  objectId!: string | null;

  /** What `node` reads through: the request's context (a query) or its page's (a subscription). */
  via!: ChangeReader;
}

export const FeedChangeConnection = Connection(FeedChangeView, 'FeedChange', 'change');

/** The loaders and services a change's `node` is read with. */
export type ChangeReader = Pick<Context, 'loaders' | 'services'>;

export function toChange(c: FeedChange, via: ChangeReader): FeedChangeView {
  return { ...c, cursor: encodeCursor(c.seq), via };
}
