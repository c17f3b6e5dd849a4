import { Field, InputType, Int } from 'type-graphql';
import { GrantRole } from '../../domain/grant';

@InputType({ description: 'A new API token.' })
export class CreateTokenInput {
  @Field({ description: 'What it is for, shown in lists (e.g. "ci-upload"); up to 100 characters.' })
  name!: string;

  @Field(() => String, {
    nullable: true,
    description: 'The workspace it acts in (you must be its owner, or an admin); leave out for an admin token.',
  })
  workspace?: string | null;

  @Field(() => GrantRole, { nullable: true, description: 'Its role in that workspace; EDITOR when left out.' })
  role?: GrantRole | null;

  @Field(() => Boolean, {
    nullable: true,
    defaultValue: false,
    description: 'A server admin token, owner of every workspace (only admins may create one).',
  })
  admin?: boolean | null;

  @Field(() => Int, {
    nullable: true,
    description:
      "Seconds until it expires: 90 days when left out; at least 60, at most the server's SKEIN_TOKEN_MAX_TTL (365 days by default).",
  })
  expiresIn?: number | null;
}
