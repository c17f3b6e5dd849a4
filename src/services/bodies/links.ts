import { notFound, preconditionFailed, quoted } from '../../errors';
import { type BodyLink } from '../../domain/body';
import { bodyRepository } from '../../graph/body.repository';
import type { GraphExecutor } from '../../graph/executor';
import type { Bodies } from '../../storage';

/** An artifact's body links: reading them, grouping them by body, and the store they must be in. */

/** An artifact's path and body links (NOT_FOUND when the artifact is gone). */
export async function loadLinks(graph: GraphExecutor, uid: string) {
  const loaded = await graph.read((tx) => bodyRepository.load(tx, uid));
  if (!loaded) throw notFound('Artifact', uid);
  return loaded;
}

/** Bodies live in one store; an artifact uploaded to another (a changed configuration) cannot be served here. */
export function mustBeInThisStore(bodies: Bodies, uri: string, links: BodyLink[]): void {
  const { store } = bodies;
  const other = links.find((l) => l.body.store !== store.id);
  if (other) {
    throw preconditionFailed(
      `The body of ${quoted(uri)} is in another body store (${other.body.store}) than this server's (${store.id}).`,
    );
  }
}

/** Links grouped by body (a directory may hold one body under several paths), first-seen order. */
export function groupLinks(links: BodyLink[]): BodyLink[][] {
  const groups = new Map<string, BodyLink[]>();
  for (const l of links) {
    const group = groups.get(l.body.key);
    if (group) group.push(l);
    else groups.set(l.body.key, [l]);
  }
  return [...groups.values()];
}

/** The first item of each key: a body (or multipart upload) named by several files is handled once. */
export function distinctBy<T>(items: T[], key: (t: T) => string): T[] {
  const seen = new Map<string, T>();
  for (const item of items) if (!seen.has(key(item))) seen.set(key(item), item);
  return [...seen.values()];
}
