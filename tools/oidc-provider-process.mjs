// A real OpenID provider (the certified `oidc-provider` package) on loopback, for the SSO tests.
// oidc-provider is ESM-only, so it runs as its own process: `node tools/oidc-provider-process.mjs
// [--issuer <url>]`. It listens on 127.0.0.1 on a free port and prints one JSON line on stdout,
// `{"issuer": …, "url": …}`, once it answers; tools/oidc-provider.ts starts and stops it.
//
// Its clients get JWT access tokens by the client_credentials grant (a token's `sub` is the client
// id) for the resource `urn:skein` (audience `skein`) or `urn:other` (audience `other`), with a
// `groups` claim per client. Each process signs with an RSA key of its own (oidc-provider's
// default keys are the same in every process), and `--issuer` makes a second provider that claims
// to be the first: its tokens name the right issuer but are signed by a key the issuer never had.
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import process from 'node:process';
import Provider, { errors } from 'oidc-provider';

const argIssuer = (() => {
  const i = process.argv.indexOf('--issuer');
  return i >= 0 ? process.argv[i + 1] : undefined;
})();

/** client id -> the groups its tokens carry (clients are the test's "users"). */
export const CLIENT_GROUPS = {
  'ml-user': ['ml-team'],
  'admin-user': ['skein-admins', 'ml-team'],
  'plain-user': [],
  // Its tokens are issued already expired (see the jwt customizer): a real, provider-signed
  // expired token without waiting for one to expire.
  'expired-user': ['ml-team'],
};
export const CLIENT_SECRET = 'a-test-secret-that-is-long-enough-0123456789';

const RESOURCES = {
  'urn:skein': 'skein',
  'urn:other': 'other',
};

function signingKey() {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { ...privateKey.export({ format: 'jwk' }), kid: randomUUID(), use: 'sig', alg: 'RS256' };
}

const server = createServer();
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const url = `http://127.0.0.1:${server.address().port}`;
const issuer = argIssuer ?? url;

const provider = new Provider(issuer, {
  jwks: { keys: [signingKey()] },
  cookies: { keys: [randomUUID()] },
  clients: Object.keys(CLIENT_GROUPS).map((id) => ({
    client_id: id,
    client_secret: CLIENT_SECRET,
    grant_types: ['client_credentials'],
    redirect_uris: [],
    response_types: [],
  })),
  features: {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: () => 'urn:skein',
      useGrantedResource: () => true,
      getResourceServerInfo: (_ctx, resource) => {
        const audience = RESOURCES[resource];
        if (!audience) throw new errors.InvalidTarget(`unknown resource ${resource}`);
        return {
          scope: 'api',
          audience,
          accessTokenFormat: 'jwt',
          accessTokenTTL: 300,
          jwt: { sign: { alg: 'RS256' } },
        };
      },
    },
  },
  extraTokenClaims: (_ctx, token) => ({ groups: CLIENT_GROUPS[token.clientId] ?? [] }),
  formats: {
    customizers: {
      jwt: (_ctx, token, jwt) => {
        if (token.clientId === 'expired-user') {
          jwt.payload.iat -= 3600;
          jwt.payload.exp = jwt.payload.iat + 60;
        }
      },
    },
  },
});
// Quiet: a refused token is the test's point, not news.
provider.on('server_error', (_ctx, err) => process.stderr.write(`oidc-provider server_error: ${err.stack}\n`));

server.on('request', provider.callback());
process.stdout.write(`${JSON.stringify({ issuer, url })}\n`);
// The parent closing our stdin (or dying) ends us: no orphaned providers after a crashed test run.
process.stdin.resume();
process.stdin.on('end', () => process.exit(0));
process.on('SIGTERM', () => process.exit(0));
