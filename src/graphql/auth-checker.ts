import type { AuthChecker } from 'type-graphql';
import { isSignedIn } from '../auth/principal';
import { unauthenticated } from '../errors';
import type { Context } from './context';

/**
 * The outer guard (type-graphql's `@Authorized()` on every query and mutation but the public
 * ones): on a server with auth on, a caller without credentials is refused before any resolver
 * runs. What a signed-in caller may do is decided in the services (src/services/access.ts), per
 * use case; this guard only keeps anonymous callers out, and records each refusal.
 */
export const authChecker: AuthChecker<Context> = async ({ context, info }) => {
  if (isSignedIn(context.caller)) return true;
  const err = unauthenticated(
    'This Skein requires credentials: send "Authorization: Bearer <token>" (an API token from `skein token create`, or an access token of the SSO issuer). The CLI reads SKEIN_TOKEN.',
  );
  await context.audit.deny(info.fieldName, { workspace: null }, err.code);
  throw err;
};
