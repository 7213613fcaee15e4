// A real OpenID Connect provider for the Academy's sign-in tests: panva's certified
// oidc-provider, configured by the test that starts it (a JSON file: issuer, port,
// signing keys, clients, accounts). Its development sign-in pages take the login
// name as the account id; the account's claims come from the file. Prints one line,
// "ready <issuer>", once it listens. Tests only: never run in production.
import { readFileSync } from 'node:fs';
import Provider from 'oidc-provider';

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const accounts = config.accounts;

const provider = new Provider(config.issuer, {
  clients: config.clients,
  jwks: config.jwks,
  pkce: { required: () => true },
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['given_name', 'family_name', 'name'],
    ...(config.extraScopes || {}),
  },
  scopes: ['openid', 'email', 'profile', ...Object.keys(config.extraScopes || {})],
  // Claims go into the ID token too (as ThaID's do), not only the userinfo.
  conformIdTokenClaims: false,
  ttl: {
    IdToken: config.idTokenTtl || 3600,
    AccessToken: 3600,
    AuthorizationCode: 60,
    Session: 3600,
    Interaction: 600,
    Grant: 3600,
  },
  features: {
    devInteractions: { enabled: true },
    rpInitiatedLogout: { enabled: true },
  },
  async findAccount(ctx, id) {
    const claims = accounts[id];
    if (!claims) return undefined;
    return {
      accountId: id,
      async claims() {
        return { sub: id, ...claims };
      },
    };
  },
});
provider.proxy = false;

const server = provider.listen(config.port, '127.0.0.1', () => {
  process.stdout.write(`ready ${config.issuer}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
