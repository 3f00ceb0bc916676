// A real OpenID Connect provider for the single sign-on tests: panva's oidc-provider
// (a certified implementation) with a small login form of its own instead of the library's
// development-only pages. The tests start it on a local port and drive it with a real
// HTTP client and with Chromium.
//
//   node provider.mjs CONFIG.json
//
// CONFIG.json: {"port": 0,
//               "jwks": {"keys": [<a private RSA JWK>]},
//               "clients": [{"client_id", "client_secret", "redirect_uris": [...]}],
//               "accounts": [{"login", "password", "claims": {"email", "name", "groups", ...}}]}
//
// It listens on a port the system picks (or on "port" when one is given) and, once
// listening, writes "listening on <issuer>" to its output: the issuer is
// http://127.0.0.1:<that port> (or "issuer" when given), so two test runs never collide.
//
// The key is given by the test, so a test can also sign a token the way this provider
// does (and with a wrong audience, issuer or key) and see Hoshin refuse it.
import { readFileSync } from 'node:fs';
import http from 'node:http';

import Provider from 'oidc-provider';

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const accounts = new Map(config.accounts.map((account) => [account.login, account]));

const makeProvider = (issuer) => new Provider(issuer, {
  clients: config.clients.map((client) => ({
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_post',
    ...client,
  })),
  jwks: config.jwks,
  cookies: { keys: ['hoshin-test-provider-cookie-key'] },
  // PKCE is required of every client, so a relying party that does not send a code
  // challenge cannot sign in here.
  pkce: { required: () => true },
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name', 'given_name', 'family_name', 'groups', 'department'],
  },
  features: { devInteractions: { enabled: false } },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  async findAccount(ctx, sub) {
    const account = accounts.get(sub);
    if (!account) return undefined;
    return { accountId: sub, async claims() { return { sub, ...account.claims }; } };
  },
  // Every consent is given at once: the login form is the one interaction.
  async loadExistingGrant(ctx) {
    const grant = new ctx.oidc.provider.Grant({
      clientId: ctx.oidc.client.clientId,
      accountId: ctx.oidc.session.accountId,
    });
    grant.addOIDCScope('openid email profile');
    grant.addOIDCClaims(['email', 'email_verified', 'name', 'groups', 'department']);
    await grant.save();
    return grant;
  },
});

const escape = (text) => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function loginPage(uid, error) {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Test identity provider</title></head>
<body><main><h1>Test identity provider</h1>
${error ? `<p role="alert">${escape(error)}</p>` : ''}
<form method="post" action="/interaction/${escape(uid)}/login">
<p><label for="login">Username</label> <input id="login" name="login" autocomplete="username"></p>
<p><label for="password">Password</label> <input id="password" name="password" type="password"></p>
<p><button type="submit">Sign in</button></p>
</form></main></body></html>`;
}

async function readForm(req) {
  let body = '';
  for await (const chunk of req) body += chunk;
  return new URLSearchParams(body);
}

// Made once the server listens and its port, hence the issuer, is known.
let provider;
let oidc;

const server = http.createServer(async (req, res) => {
  if (!provider) {
    res.statusCode = 503;
    return res.end('starting');
  }
  const match = req.url.match(/^\/interaction\/([\w-]+)(\/login)?$/);
  if (!match) return oidc(req, res);
  try {
    const details = await provider.interactionDetails(req, res);
    if (details.uid !== match[1]) throw new Error('interaction mismatch');
    if (req.method === 'GET') {
      res.setHeader('Content-Type', 'text/html; charset=utf-8');
      return res.end(loginPage(details.uid));
    }
    const form = await readForm(req);
    const account = accounts.get(form.get('login'));
    if (!account || account.password !== form.get('password')) {
      res.statusCode = 401;
      res.setHeader('Content-Type', 'text/html; charset=utf-8');
      return res.end(loginPage(details.uid, 'Wrong username or password.'));
    }
    return await provider.interactionFinished(req, res, { login: { accountId: account.login } },
      { mergeWithLastSubmission: false });
  } catch (error) {
    res.statusCode = 400;
    return res.end(`interaction failed: ${error.message}`);
  }
});

server.listen(config.port ?? 0, '127.0.0.1', () => {
  const issuer = config.issuer ?? `http://127.0.0.1:${server.address().port}`;
  provider = makeProvider(issuer);
  oidc = provider.callback();
  process.stdout.write(`listening on ${issuer}\n`);
});
