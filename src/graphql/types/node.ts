import { Field, ID, InterfaceType } from 'type-graphql';

/** The GraphQL type of a value that says its own `__typename` (every Node and lineage node does). */
export const resolveByTypename = (value: { __typename?: string }): string | undefined => value.__typename;

@InterfaceType('Node', {
  description:
    'Anything with a global id: a workspace, run, execution or artifact. Fetch any of them with `node(id:)`.',
  resolveType: resolveByTypename,
})
export abstract class Node {
  @Field(() => ID, { description: 'The global id; pass it to `node(id:)`.' })
  id!: string;
}
