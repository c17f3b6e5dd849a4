import type { NonEmptyArray } from 'type-graphql';
import { SystemResolver } from './system.resolver';
import { WorkspaceResolver } from './workspace.resolver';

/** Every resolver class; the schema is built from exactly this list. */
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export const resolvers: NonEmptyArray<Function> = [SystemResolver, WorkspaceResolver];
