import { badInput, notFound, preconditionFailed, quoted } from '../../errors';
import { type ArtifactRecord } from '../../domain/artifact';
import { artifactRepository } from '../../graph/artifact.repository';
import { bodyRepository, type BodyLink } from '../../graph/body.repository';
import type { GraphExecutor, Tx } from '../../graph/executor';
import type { Bodies } from '../../storage';
import type { ArtifactService } from '../artifact.service';

/** Helpers the body use cases share: what they need, and the checks and reads they all make. */

/** Store calls one use case runs at once (heads, multipart aborts, deletes). */
export const STORE_CONCURRENCY = 16;

/** What the body use cases need: the request's executor, the artifact use cases and the body store. */
export class BodyDeps {
  constructor(
    readonly graph: GraphExecutor,
    readonly artifacts: ArtifactService,
    private readonly configured: Bodies | undefined,
    /** SKEIN_IDEMPOTENCY_TTL, for createUpload's keys; the default when absent. */
    readonly idempotencyTtlSeconds?: number,
  ) {}

  /** The store and its rules; only the use cases that talk to the store ask, so others work without one. */
  get bodies(): Bodies {
    if (!this.configured) throw new Error('no body store is configured for this service');
    return this.configured;
  }
}

/** Requested lifetime of URLs: 1 s up to the configured one (the default). */
export function expiry(requested: number | null | undefined, max: number, field: string): number {
  if (requested == null) return max;
  if (!Number.isInteger(requested) || requested < 1 || requested > max) {
    throw badInput(`"${field}" must be between 1 and ${max} seconds; got ${requested}.`, { field });
  }
  return requested;
}

/** When URLs signed now for `seconds` stop working. */
export const expiresAtAfter = (seconds: number): string => new Date(Date.now() + seconds * 1000).toISOString();

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

/** An artifact's path and body links (NOT_FOUND when the artifact is gone). */
export async function loadLinks(graph: GraphExecutor, uid: string) {
  const loaded = await graph.read((tx) => bodyRepository.load(tx, uid));
  if (!loaded) throw notFound('Artifact', uid);
  return loaded;
}

export function mustGetArtifact(graph: GraphExecutor, uid: string): Promise<ArtifactRecord> {
  return graph.read((tx) => mustGetArtifactIn(tx, uid));
}

export async function mustGetArtifactIn(tx: Tx, uid: string): Promise<ArtifactRecord> {
  const [found] = await artifactRepository.getMany(tx, [uid]);
  if (!found) throw notFound('Artifact', uid);
  return found;
}

/** Links grouped by body (a directory may hold one body under several paths), first-seen order. */
export function groupLinks(links: BodyLink[]): BodyLink[][] {
  const groups = new Map<string, BodyLink[]>();
  for (const l of links) groups.set(l.body.key, [...(groups.get(l.body.key) ?? []), l]);
  return [...groups.values()];
}

export function distinctBy<T>(items: T[], key: (t: T) => string): T[] {
  const seen = new Map<string, T>();
  for (const item of items) if (!seen.has(key(item))) seen.set(key(item), item);
  return [...seen.values()];
}

export function isHttpUrl(location: string | null): location is string {
  return location != null && /^https?:\/\//.test(location);
}
