import { Field, InputType } from 'type-graphql';
import { LabelInput } from './entry.type';

@InputType({ description: 'A new workspace.' })
export class CreateWorkspaceInput {
  @Field({ description: '1–63 lower-case letters, digits, "-" or "_"; unique; cannot change later.' })
  name!: string;

  @Field(() => String, { nullable: true, description: 'What this workspace is for.' })
  description?: string | null;

  @Field(() => [LabelInput], { nullable: true, description: 'Labels to find the workspace by.' })
  labels?: LabelInput[] | null;
}

@InputType({ description: 'Changes to a workspace; fields left out stay as they are.' })
export class UpdateWorkspaceInput {
  @Field(() => String, { nullable: true, description: 'A new description.' })
  description?: string | null;

  @Field(() => [LabelInput], { nullable: true, description: 'Replaces all labels when given.' })
  labels?: LabelInput[] | null;
}
