/**
 * Who is calling. Anonymous until tokens and roles arrive; the shape is already the one they
 * will fill, so services and lineage traversals take their read scope from here today.
 */
export interface Principal {
  readonly kind: 'anonymous' | 'token';
  readonly id: string;
  readonly roles: readonly string[];
  /** Workspaces this caller may read; 'ALL' until permissions exist. */
  readonly readableWorkspaces: 'ALL' | ReadonlySet<string>;
}

export const ANONYMOUS: Principal = Object.freeze({
  kind: 'anonymous',
  id: 'anonymous',
  roles: [],
  readableWorkspaces: 'ALL',
});

/** The workspace list a Cypher query filters by; null means "no restriction". */
export function readableWorkspaceList(p: Principal): string[] | null {
  return p.readableWorkspaces === 'ALL' ? null : [...p.readableWorkspaces];
}
