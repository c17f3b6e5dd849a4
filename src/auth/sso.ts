/**
 * What an SSO access token proves once verified (src/auth/oidc.ts verifies them against the
 * issuer's keys). The identity service turns it into a principal: `user:<subject>` with the roles
 * its grants and its groups' grants give, admin when a group is one of SKEIN_OIDC_ADMIN_GROUPS.
 */
export interface SsoIdentity {
  subject: string;
  groups: string[];
  admin: boolean;
}

export interface SsoVerifier {
  /** Verifies a JWT access token; throws UNAUTHENTICATED (saying why) when it is not accepted. */
  verify(jwt: string): Promise<SsoIdentity>;
}
