/** A role in one workspace (the same names as src/auth/principal.ts's Role). */
export const GrantRole = { VIEWER: 'VIEWER', EDITOR: 'EDITOR', OWNER: 'OWNER' } as const;
export type GrantRole = (typeof GrantRole)[keyof typeof GrantRole];

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
