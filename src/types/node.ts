import { Field, ID, InterfaceType } from 'type-graphql';

export { fromGlobalId, toGlobalId, withId, type NodeTypeName } from '../services/global-id';

@InterfaceType('Node', {
  description:
    'Anything with a global id: a workspace, run, execution or artifact. Fetch any of them with `node(id:)`.',
  resolveType: (value: { __typename?: string }) => value.__typename,
})
export abstract class Node {
  @Field(() => ID, { description: 'The global id; pass it to `node(id:)`.' })
  id!: string;
}
