import { Field, InputType } from 'type-graphql';

@InputType({ description: "A URL to receive a workspace's changes." })
export class CreateWebhookInput {
  @Field({ description: 'The workspace whose changes it receives (you must be its owner, or an admin).' })
  workspace!: string;

  @Field({
    description:
      'Where to POST them: an absolute http:// or https:// URL, without a user name or password in it (receivers check the signature instead).',
  })
  url!: string;

  @Field(() => String, { nullable: true, description: 'What it is for, shown in lists; up to 500 characters.' })
  description?: string | null;

  @Field(() => String, {
    nullable: true,
    description:
      'The signing secret (16 to 256 characters, no spaces); leave out and Skein makes one (32 random bytes). Either way it is answered once.',
  })
  secret?: string | null;
}
