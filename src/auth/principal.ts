/**
 * Who is calling, and what they may do where. A principal is made once per request (from a token,
 * an SSO access token, or nothing) and never changes; services ask it through `Access`
 * (src/services/access.ts), the one authorization point of each use case.
 */

/** A role in one workspace; each includes the ones before it. */
export type Role = 'VIEWER' | 'EDITOR' | 'OWNER';
export const ROLES: readonly Role[] = ['VIEWER', 'EDITOR', 'OWNER'];

/** What a use case needs of its workspace: read (and download), write (and upload), own (grant, delete, tokens). */
export type Need = 'read' | 'write' | 'own';
const NEED_ROLE: Record<Need, Role> = { read: 'VIEWER', write: 'EDITOR', own: 'OWNER' };

export type PrincipalKind =
  /** Auth is off (a single user on loopback): may do everything, as before access control. */
  | 'open'
  /** Auth is on and no credentials came: may do nothing but the public operations. */
  | 'anonymous'
  /** An API token (`Authorization: Bearer skn_…`). */
  | 'token'
  /** A user of the OpenID Connect issuer (`Authorization: Bearer <JWT>`). */
  | 'sso'
  /** Skein itself: sweeps and purges that belong to no request. */
  | 'system';

export interface Principal {
  readonly kind: PrincipalKind;
  /** Who, as the audit trail names them: `anonymous`, `token:<prefix>`, `user:<subject>`, `system`. */
  readonly id: string;
  /** A server admin: owner of every workspace, may create workspaces and admin tokens. */
  readonly admin: boolean;
  /** The caller's role in each workspace they hold one in (admins hold all; see `roleIn`). */
  readonly roles: ReadonlyMap<string, Role>;
  /** The SSO groups the caller belongs to (empty for tokens). */
  readonly groups: readonly string[];
  /** The API token's id when the caller came with one (rate limits and `lastUsedAt` key on it). */
  readonly tokenId: string | null;
  /** Workspaces this caller may read: 'ALL' for admins; derived from `roles`. */
  readonly readableWorkspaces: 'ALL' | ReadonlySet<string>;
}

export interface PrincipalSpec {
  kind: PrincipalKind;
  id: string;
  admin?: boolean;
  roles?: ReadonlyMap<string, Role> | Iterable<readonly [string, Role]>;
  groups?: readonly string[];
  tokenId?: string | null;
}

export function makePrincipal(spec: PrincipalSpec): Principal {
  const admin = spec.admin ?? false;
  const roles = new Map(spec.roles ?? []);
  return Object.freeze({
    kind: spec.kind,
    id: spec.id,
    admin,
    roles,
    groups: Object.freeze([...(spec.groups ?? [])]),
    tokenId: spec.tokenId ?? null,
    readableWorkspaces: admin ? 'ALL' : new Set(roles.keys()),
  });
}

/** Auth off: the single user on loopback may do everything (the banner says so). */
export const OPEN: Principal = makePrincipal({ kind: 'open', id: 'anonymous', admin: true });
/** Auth on, no credentials: no workspace, no admin. */
export const ANONYMOUS: Principal = makePrincipal({ kind: 'anonymous', id: 'anonymous' });
/** Skein's own background work (sweeps, purges). */
export const SYSTEM: Principal = makePrincipal({ kind: 'system', id: 'system', admin: true });

/** The caller's role in `workspace` (OWNER for admins), or null. */
export function roleIn(p: Principal, workspace: string): Role | null {
  return p.admin ? 'OWNER' : (p.roles.get(workspace) ?? null);
}

export function roleAtLeast(have: Role | null, need: Role): boolean {
  return have !== null && ROLES.indexOf(have) >= ROLES.indexOf(need);
}

/** True when the caller may do what `need` names in `workspace`. */
export function may(p: Principal, need: Need, workspace: string): boolean {
  return roleAtLeast(roleIn(p, workspace), NEED_ROLE[need]);
}

export function roleFor(need: Need): Role {
  return NEED_ROLE[need];
}

/** True when the caller came with credentials (or auth is off): anonymous callers are not. */
export function isSignedIn(p: Principal): boolean {
  return p.kind !== 'anonymous';
}

/** The workspace list a Cypher query filters by; null means "no restriction". */
export function readableWorkspaceList(p: Principal): string[] | null {
  return p.readableWorkspaces === 'ALL' ? null : [...p.readableWorkspaces];
}
