import { fromGlobalId, type NodeTypeName } from '../domain/global-id';
import { isStoreUri } from '../domain/artifact-uri';
import { isUid } from '../domain/uid';
import { ErrorCode, SkeinError } from '../errors';
import { toArtifact } from './types/artifact.type';
import type { FeedChangeView } from './types/change.type';
import { toExecution } from './types/execution.type';
import { toRun } from './types/run.type';
import { toWorkspace } from './types/workspace.type';

/**
 * What a change acted on, as it is now, through the batched loaders (a page of changes costs one
 * read per kind): its objectId is as the caller named it (a global id, a bare uid, a store:// URI,
 * or a workspace's name). Null when it is gone, unreadable, or not a run, execution, artifact or
 * workspace (a token, a grant).
 */
export async function nodeOfChange(change: FeedChangeView): Promise<unknown> {
  const { objectType, objectId, via } = change;
  if (!objectType || !objectId) return null;
  const { loaders, services } = via;
  if (objectType === 'Workspace') return orNull(loaders.workspaceByName.load(objectId), toWorkspace);
  if (objectType === 'Artifact' && isStoreUri(objectId)) {
    return orNull(services.artifacts.resolveRef(objectId, 'id'), toArtifact);
  }
  const uid = uidOf(objectType, objectId);
  if (uid === null) return null;
  switch (objectType) {
    case 'Run':
      return orNull(loaders.runByUid.load(uid), toRun);
    case 'Execution':
      return orNull(loaders.executionByUid.load(uid), (e) => toExecution(e));
    case 'Artifact':
      return orNull(loaders.artifactByUid.load(uid), (a) => toArtifact(a));
    default:
      return null;
  }
}

/** The uid an objectId names: itself when a bare uid, else the key of a global id of that type. */
function uidOf(type: string, id: string): string | null {
  if (isUid(id)) return id.toLowerCase();
  try {
    const global = fromGlobalId(id);
    return global.type === (type as NodeTypeName) ? global.key : null;
  } catch {
    return null; // not an id this server hands out (it was refused, or named otherwise)
  }
}

/** The found object, mapped; null when there is none (or it is not to be seen), or NOT_FOUND. */
async function orNull<T, R>(found: Promise<T | null>, map: (v: T) => R): Promise<R | null> {
  try {
    const value = await found;
    return value === null ? null : map(value);
  } catch (error) {
    if (error instanceof SkeinError && error.code === ErrorCode.NOT_FOUND) return null;
    throw error;
  }
}
