import { Field, ObjectType, registerEnumType } from 'type-graphql';
import { GrantRole, type GrantRecord } from '../../domain/grant';
import { Connection } from './connection';
import { DateTimeScalar } from './scalars';

registerEnumType(GrantRole, {
  name: 'Role',
  description: 'A role in one workspace; each includes the ones before it.',
  valuesConfig: {
    VIEWER: { description: 'Reads everything in the workspace and downloads its bodies.' },
    EDITOR: { description: 'A viewer who also records and changes runs and artifacts and uploads bodies.' },
    OWNER: {
      description:
        "An editor who also gives and takes roles, deletes, creates and revokes the workspace's API tokens and reads its audit trail.",
    },
  },
});

@ObjectType({
  simpleResolvers: true,
  description: 'A role in a workspace given to an SSO user (`user:<subject>`) or an SSO group (`group:<name>`).',
})
export class Grant {
  @Field({ description: 'The workspace the role is in.' })
  workspace!: string;

  @Field({ description: 'Who holds it: `user:<SSO subject>` or `group:<SSO group>`.' })
  subject!: string;

  @Field(() => GrantRole, { description: 'The role.' })
  role!: GrantRole;

  @Field({ description: 'Who gave it (`user:<subject>`, `token:<id>`).' })
  grantedBy!: string;

  @Field(() => DateTimeScalar, { description: 'When it was given (or last changed).' })
  grantedAt!: string;
}

export const GrantConnection = Connection(Grant, 'Grant', 'grant');

export function toGrant(g: GrantRecord): Grant {
  return { ...g };
}
