import 'reflect-metadata';
import { writeFile } from 'node:fs/promises';
import {
  isAbstractType,
  lexicographicSortSchema,
  printSchema,
  type GraphQLSchema,
  type GraphQLTypeResolver,
} from 'graphql';
import { buildSchema } from 'type-graphql';
import { resolvers } from './resolvers';
import { SCHEMA_FILE } from '../paths';
import { ARTIFACT_TYPES, resolveArtifactType } from './types/artifact.type';
import { resolveByTypename } from './types/node';
import { withAuditedMutations } from './audit-mutations';
import { authChecker } from './auth-checker';

let built: Promise<GraphQLSchema> | undefined;

const NO_PUBSUB = {
  publish: () => {
    throw new Error('Skein subscriptions read the change feed; nothing publishes to a PubSub.');
  },
  subscribe: () => {
    throw new Error('Skein subscriptions read the change feed; nothing subscribes to a PubSub.');
  },
};

/** The executable schema, built once per process (type-graphql's metadata is global anyway). */
export function getSchema(): Promise<GraphQLSchema> {
  // Artifact kinds are listed because no field names them directly (they come back as `Artifact`).
  built ??= buildSchema({
    resolvers,
    orphanedTypes: ARTIFACT_TYPES,
    validate: false,
    emitSchemaFile: false,
    authChecker,
    // type-graphql asks for a PubSub once a schema has a subscription; Skein's subscriptions bring
    // their own streams (`subscribe`: src/graphql/change-stream.ts), so this one is never used.
    pubSub: NO_PUBSUB,
  })
    .then(withSyncTypeResolvers)
    .then(withAuditedMutations);
  return built;
}

/**
 * type-graphql wraps every `resolveType` in an async function, so each interface or union value
 * costs a promise (and graphql-js then completes the whole list asynchronously); graphql-jit does
 * not await a type resolver at all. Ours are synchronous: they are put back as written. A new
 * interface or union must be listed here (getSchema fails otherwise).
 */
const SYNC_TYPE_RESOLVERS: Record<string, GraphQLTypeResolver<never, unknown>> = {
  Artifact: resolveArtifactType,
  Node: resolveByTypename,
  LineageNodeValue: resolveByTypename,
  ColumnArtifactValue: resolveByTypename,
};

function withSyncTypeResolvers(schema: GraphQLSchema): GraphQLSchema {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isAbstractType(type) || type.name.startsWith('__')) continue;
    const resolve = SYNC_TYPE_RESOLVERS[type.name];
    if (!resolve) throw new Error(`${type.name} has no synchronous type resolver in SYNC_TYPE_RESOLVERS (schema.ts).`);
    type.resolveType = resolve as GraphQLTypeResolver<unknown, unknown>;
  }
  return schema;
}

const HEADER = '# Emitted from the code by `npm run schema`; do not edit. A test fails when it is stale.\n\n';

/** The schema as committed in schema/schema.graphql: sorted, so a diff shows only what changed. */
export async function printSortedSchema(): Promise<string> {
  return HEADER + printSchema(lexicographicSortSchema(await getSchema())) + '\n';
}

export async function emitSchemaFile(file = SCHEMA_FILE): Promise<void> {
  await writeFile(file, await printSortedSchema());
}
