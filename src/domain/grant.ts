/** A role in one workspace (the same names as src/auth/principal.ts's Role). */
export type GrantRole = 'VIEWER' | 'EDITOR' | 'OWNER';

/**
 * A role in a workspace given to a subject: an SSO user (`user:<subject>`) or an SSO group
 * (`group:<name>`). API tokens carry their role themselves and need no grant.
 */
export interface GrantRecord {
  workspace: string;
  subject: string;
  role: GrantRole;
  grantedBy: string;
  grantedAt: string;
}
