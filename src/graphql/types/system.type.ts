import { Field, Int, ObjectType } from 'type-graphql';

@ObjectType({ simpleResolvers: true, description: 'What this Skein server is running.' })
export class ServerInfo {
  @Field({ description: 'The Skein release serving this request.' })
  version!: string;

  @Field(() => Int, { description: 'The newest database migration applied to the graph.' })
  schemaVersion!: number;
}
