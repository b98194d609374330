// A real OpenID Connect provider for the sign-in tests (npm package oidc-provider,
// OpenID Certified). Started by tests/oidc/fixture.py on 127.0.0.1 with:
//   OIDC_CONFIG='{"clients": [...], "accounts": {...}}'
// It binds a free port chosen by the kernel (no race with other test processes),
// makes its issuer http://127.0.0.1:<port> and prints "listening <port>" once it
// accepts connections. The login form is the
// package's development interaction (user name + any password, then consent).
import { createServer } from 'node:http';
import Provider from 'oidc-provider';

const cfg = JSON.parse(process.env.OIDC_CONFIG);
const accounts = cfg.accounts;

const configuration = {
  clients: cfg.clients.map((c) => ({
    client_id: c.client_id,
    client_secret: c.client_secret,
    redirect_uris: c.redirect_uris,
    response_types: ['code'],
    grant_types: ['authorization_code'],
    token_endpoint_auth_method: 'client_secret_post',
  })),
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name', 'given_name', 'family_name', 'employee_number'],
  },
  scopes: ['openid', 'email', 'profile'],
  async findAccount(ctx, id) {
    if (!accounts[id]) return undefined;
    return { accountId: id, async claims() { return { sub: id, ...accounts[id] }; } };
  },
  features: { devInteractions: { enabled: true } },
  pkce: { required: () => false },
  cookies: { keys: ['tests-only-not-a-secret'] },
  conformIdTokenClaims: false, // the claims in the ID token too, as Entra ID sends them
  ttl: { IdToken: cfg.id_token_ttl || 3600 },
};

let handle = null;
const server = createServer((req, res) => handle(req, res));
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address();
  const provider = new Provider(`http://127.0.0.1:${port}`, configuration);
  // The test servers are plain http on 127.0.0.1.
  provider.proxy = false;
  handle = provider.callback();
  console.log(`listening ${port}`);
});
