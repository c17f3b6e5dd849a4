import { defaultFieldResolver, type GraphQLSchema } from 'graphql';
import type { Context } from './context';

/**
 * Opens the audit entry of each mutation before its resolver runs (src/services/audit.ts): the
 * entry is then written in the mutation's write transaction. Only the Mutation type's own fields
 * are wrapped (a global middleware would wrap every field of every answer).
 */
export function withAuditedMutations(schema: GraphQLSchema): GraphQLSchema {
  const mutation = schema.getMutationType();
  for (const field of Object.values(mutation?.getFields() ?? {})) {
    const resolve = field.resolve ?? defaultFieldResolver;
    field.resolve = (source, args, context: Context, info) => {
      context.audit.begin(info.fieldName);
      return resolve(source, args, context, info);
    };
  }
  return schema;
}
