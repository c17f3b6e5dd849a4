import 'reflect-metadata';
import { writeFile } from 'node:fs/promises';
import { lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';
import { buildSchema } from 'type-graphql';
import { resolvers } from '../resolvers';
import { SCHEMA_FILE } from './paths';
import { ARTIFACT_TYPES } from './types/artifact.type';

let built: Promise<GraphQLSchema> | undefined;

/** The executable schema, built once per process (type-graphql's metadata is global anyway). */
export function getSchema(): Promise<GraphQLSchema> {
  // Artifact kinds are listed because no field names them directly (they come back as `Artifact`).
  built ??= buildSchema({ resolvers, orphanedTypes: ARTIFACT_TYPES, validate: false, emitSchemaFile: false });
  return built;
}

const HEADER = '# Emitted from the code by `npm run schema`; do not edit. A test fails when it is stale.\n\n';

/** The schema as committed in schema/schema.graphql: sorted, so a diff shows only what changed. */
export async function printSortedSchema(): Promise<string> {
  return HEADER + printSchema(lexicographicSortSchema(await getSchema())) + '\n';
}

export async function emitSchemaFile(file = SCHEMA_FILE): Promise<void> {
  await writeFile(file, await printSortedSchema());
}
