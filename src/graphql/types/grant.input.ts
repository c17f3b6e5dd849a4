import { Field, InputType } from 'type-graphql';
import { GrantRole } from '../../domain/grant';

@InputType({ description: 'A role to give in a workspace.' })
export class GrantRoleInput {
  @Field({ description: 'The workspace (you must be its owner, or an admin).' })
  workspace!: string;

  @Field({ description: 'Who gets it: `user:<SSO subject>` for a person, `group:<SSO group>` for a group.' })
  subject!: string;

  @Field(() => GrantRole, { description: "The role; replaces the subject's current role in the workspace." })
  role!: GrantRole;
}
