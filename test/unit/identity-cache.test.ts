import { makePrincipal } from '../../src/auth/principal';
import {
  accessChanged,
  IDENTITY_TTL_MS,
  rememberedIdentity,
  rememberIdentity,
} from '../../src/services/identity-cache';

/** The moment an identity is remembered for: never past the TTL, the credential's expiry, or a change. */
describe('identity cache', () => {
  const alice = makePrincipal({ kind: 'sso', id: 'user:alice', roles: [['ws', 'EDITOR']] });
  const now = 1_000_000;
  beforeEach(() => accessChanged());

  it('answers the remembered principal until the TTL passes', () => {
    rememberIdentity('k1', alice, null, now);
    expect(rememberedIdentity('k1', now + IDENTITY_TTL_MS - 1)).toBe(alice);
    expect(rememberedIdentity('k1', now + IDENTITY_TTL_MS)).toBeNull();
    expect(rememberedIdentity('k1', now)).toBeNull(); // forgotten once stale
  });

  it('never outlives the credential', () => {
    rememberIdentity('k2', alice, now + 10, now);
    expect(rememberedIdentity('k2', now + 9)).toBe(alice);
    expect(rememberedIdentity('k2', now + 10)).toBeNull();
    rememberIdentity('k3', alice, now - 1, now); // already expired: not remembered at all
    expect(rememberedIdentity('k3', now)).toBeNull();
  });

  it('forgets everything when a token is revoked or a grant changes here', () => {
    rememberIdentity('k4', alice, null, now);
    accessChanged();
    expect(rememberedIdentity('k4', now)).toBeNull();
  });
});
