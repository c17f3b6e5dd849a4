import { badInput, quoted } from '../errors';

/**
 * Relay global ids: base64url("Type:key"), opaque to clients, so `node(id:)` knows which
 * aggregate to ask without scanning every label.
 */
export type NodeTypeName = 'Workspace' | 'Run' | 'Execution' | 'Artifact';
const NODE_TYPES: readonly NodeTypeName[] = ['Workspace', 'Run', 'Execution', 'Artifact'];

export function toGlobalId(type: NodeTypeName, key: string): string {
  return Buffer.from(`${type}:${key}`).toString('base64url');
}

export function fromGlobalId(id: string): { type: NodeTypeName; key: string } {
  const text = Buffer.from(id, 'base64url').toString('utf8');
  const colon = text.indexOf(':');
  const type = text.slice(0, colon) as NodeTypeName;
  if (colon < 1 || !NODE_TYPES.includes(type)) {
    throw badInput(`${quoted(id)} is not an id this server handed out.`, { field: 'id' });
  }
  return { type, key: text.slice(colon + 1) };
}

/** Adds the global id to a plain object on its way out of a resolver. */
export function withId<T extends object>(type: NodeTypeName, key: string, value: T): T & { id: string } {
  return { ...value, id: toGlobalId(type, key) };
}
