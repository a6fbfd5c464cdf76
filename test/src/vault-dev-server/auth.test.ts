import { setTimeout as sleep } from 'node:timers/promises';
import { startVaultDevServer, VaultDevServer } from './index';
import { call, nodeVault, rejection } from './testSupport';

jest.setTimeout(60_000);

const INVALID_TOKEN =
  '2 errors occurred:\n\t* permission denied\n\t* invalid token\n\n';
const PERMISSION_DENIED = '1 error occurred:\n\t* permission denied\n\n';
const EC_ROLE = {
  allowed_domains: 'mq.example.test',
  allow_subdomains: true,
  key_type: 'ec',
};

describe('vault dev server: tokens, policies and logins', () => {
  let server: VaultDevServer;
  let root: string;

  const approleLogin = async () => {
    const res = await call(server, 'POST', 'auth/approle/login', {
      body: { role_id: server.roleId, secret_id: server.secretId },
    });
    expect(res.status).toBe(200);
    return res.body.auth.client_token as string;
  };

  beforeAll(async () => {
    server = await startVaultDevServer();
    root = server.rootToken;
    // The portal policy names the RSA role; an EC twin keeps these tests fast.
    await call(server, 'POST', 'pki_int/roles/mq-queue-managers', {
      token: root,
      body: { ...EC_ROLE, ttl: '720h', max_ttl: '1128h' },
    });
  });
  afterAll(() => server.stop());

  it('answers a bad or missing token with 403 "invalid token"', async () => {
    for (const token of ['hvs.not-a-token', undefined]) {
      const res = await call(
        server,
        'POST',
        'pki_int/issue/mq-queue-managers',
        { token, body: { common_name: 'a.mq.example.test' } },
      );
      expect(res.status).toBe(403);
      expect(res.body).toEqual({ errors: [INVALID_TOKEN] });
    }
    const err = await rejection(
      nodeVault(server, 'hvs.bogus').read('secret/data/mq/x'),
    );
    expect(err.statusCode).toBe(403);
    expect(err.message).toBe(INVALID_TOKEN);
  });

  it("logs in with AppRole (node-vault) and returns Vault's auth block", async () => {
    const client = nodeVault(server);
    const res = await client.approleLogin({
      role_id: server.roleId,
      secret_id: server.secretId,
    });
    expect(res).toMatchObject({
      lease_id: '',
      renewable: false,
      lease_duration: 0,
      data: null,
      warnings: null,
      wrap_info: null,
    });
    expect(res.auth).toEqual({
      client_token: expect.stringMatching(/^hvs\./),
      accessor: expect.any(String),
      policies: ['default', 'mq-portal'],
      token_policies: ['default', 'mq-portal'],
      metadata: { role_name: 'mq-portal' },
      lease_duration: 3600,
      renewable: true,
      entity_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      token_type: 'service',
      orphan: true,
      mfa_requirement: null,
      num_uses: 0,
    });
    expect(client.token).toBe(res.auth.client_token);
  });

  it("rejects bad AppRole credentials with Vault's texts", async () => {
    const wrong = await call(server, 'POST', 'auth/approle/login', {
      body: { role_id: server.roleId, secret_id: 'nope' },
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body).toEqual({ errors: ['invalid role or secret ID'] });
    const missing = await call(server, 'POST', 'auth/approle/login', {
      body: { secret_id: server.secretId },
    });
    expect(missing.body.errors).toEqual(['missing role_id']);
  });

  it('lets the portal token do what its policy allows and nothing else', async () => {
    const token = await approleLogin();
    const issue = await call(
      server,
      'POST',
      'pki_int/issue/mq-queue-managers',
      { token, body: { common_name: 'p.mq.example.test' } },
    );
    expect(issue.status).toBe(200);
    const write = await call(server, 'POST', 'secret/data/mq/qm1', {
      token,
      body: { data: { password: 's3cret' } },
    });
    expect(write.status).toBe(200);
    const read = await call(server, 'GET', 'secret/data/mq/qm1', { token });
    expect(read.body.data.data).toEqual({ password: 's3cret' });
    for (const [method, path] of [
      ['GET', 'pki_int/roles/mq-queue-managers'],
      ['POST', 'pki_int/roles/mq-queue-managers'],
      ['POST', 'pki/issue/anything'],
      ['POST', 'secret/data/other'],
      ['GET', 'secret/metadata/mq/qm1'],
      ['POST', 'pki_missing/issue/x'],
    ]) {
      const res = await call(server, method, path, {
        token,
        body: method === 'POST' ? { data: {} } : undefined,
      });
      expect({ method, path, status: res.status, body: res.body }).toEqual({
        method,
        path,
        status: 403,
        body: { errors: [PERMISSION_DENIED] },
      });
    }
    // Authorization: Bearer works as well as X-Vault-Token.
    const bearer = await call(server, 'GET', 'auth/token/lookup-self', {
      headers: { Authorization: `Bearer ${token}` },
    });
    expect(bearer.status).toBe(200);
  });

  it('looks up itself (service token and root)', async () => {
    const token = await approleLogin();
    const res = await call(server, 'GET', 'auth/token/lookup-self', { token });
    expect(res.body.data).toMatchObject({
      id: token,
      policies: ['default', 'mq-portal'],
      path: 'auth/approle/login',
      renewable: true,
      type: 'service',
      creation_ttl: 3600,
      explicit_max_ttl: 0,
      orphan: true,
      meta: { role_name: 'mq-portal' },
    });
    expect(res.body.data.ttl).toBeGreaterThan(3590);
    expect(Date.parse(res.body.data.expire_time) - Date.now()).toBeGreaterThan(
      3_590_000,
    );
    const rootLookup = await nodeVault(server, root).tokenLookupSelf();
    expect(rootLookup.data).toMatchObject({
      policies: ['root'],
      expire_time: null,
      ttl: 0,
      display_name: 'root',
      path: 'auth/token/root',
    });
  });

  it('renews from now, caps at the max TTL with a warning, refuses root', async () => {
    await call(server, 'POST', 'auth/approle/role/short', {
      token: root,
      body: {
        token_policies: 'mq-portal',
        token_ttl: '60s',
        token_max_ttl: '120s',
      },
    });
    const roleId = (
      await call(server, 'GET', 'auth/approle/role/short/role-id', {
        token: root,
      })
    ).body.data.role_id;
    const secretId = (
      await call(server, 'POST', 'auth/approle/role/short/secret-id', {
        token: root,
      })
    ).body.data.secret_id;
    const client = nodeVault(server);
    await client.approleLogin({ role_id: roleId, secret_id: secretId });
    const renewed = await client.tokenRenewSelf({ increment: '30s' });
    // increment counts from now: 30, not 60 + 30
    expect(renewed.auth.lease_duration).toBe(30);
    expect(renewed.warnings).toBeNull();
    expect((await client.tokenLookupSelf()).data.ttl).toBeLessThanOrEqual(30);
    const capped = await client.tokenRenewSelf({ increment: '1h' });
    expect(capped.auth.lease_duration).toBeGreaterThan(110);
    expect(capped.auth.lease_duration).toBeLessThanOrEqual(120);
    expect(capped.warnings).toHaveLength(1);
    expect(capped.warnings[0]).toMatch(
      /^TTL of "1h0m0s" exceeded the effective max_ttl of "1m\d+s"; TTL value is capped accordingly$/,
    );
    const rootRenew = await call(server, 'POST', 'auth/token/renew-self', {
      token: root,
      body: {},
    });
    expect(rootRenew.status).toBe(400);
    expect(rootRenew.body.errors).toEqual(['lease is not renewable']);
  });

  it('expires tokens by their TTL', async () => {
    await call(server, 'POST', 'auth/approle/role/tiny', {
      token: root,
      body: {
        token_policies: 'mq-portal',
        token_ttl: '1s',
        token_max_ttl: '1s',
      },
    });
    const roleId = (
      await call(server, 'GET', 'auth/approle/role/tiny/role-id', {
        token: root,
      })
    ).body.data.role_id;
    const secretId = (
      await call(server, 'POST', 'auth/approle/role/tiny/secret-id', {
        token: root,
      })
    ).body.data.secret_id;
    const login = await call(server, 'POST', 'auth/approle/login', {
      body: { role_id: roleId, secret_id: secretId },
    });
    const token = login.body.auth.client_token;
    expect(login.body.auth.lease_duration).toBe(1);
    await sleep(1_500);
    const res = await call(server, 'GET', 'auth/token/lookup-self', { token });
    expect(res.status).toBe(403);
    expect(res.body.errors).toEqual([INVALID_TOKEN]);
  });

  it('answers 403 for a token without the policy (auth/token/create, default policy only)', async () => {
    const created = await call(server, 'POST', 'auth/token/create', {
      token: root,
      body: { policies: [], ttl: '1h' },
    });
    expect(created.body.auth.policies).toEqual(['default']);
    const token = created.body.auth.client_token;
    const res = await call(server, 'POST', 'pki_int/issue/mq-queue-managers', {
      token,
      body: { common_name: 'a.mq.example.test' },
    });
    expect(res.status).toBe(403);
    expect(res.body).toEqual({ errors: [PERMISSION_DENIED] });
    expect(
      (await call(server, 'GET', 'auth/token/lookup-self', { token })).status,
    ).toBe(200);
  });

  describe('kubernetes', () => {
    const sa = { namespace: 'backstage', serviceAccount: 'backstage' };

    it('logs in at auth/kubernetes/login with a service-account JWT', async () => {
      const since = (await server.control.requests()).at(-1)?.seq ?? 0;
      const client = nodeVault(server);
      const jwt = server.mintJwt({
        kubernetes: { ...sa, uid: 'uid-1', secretName: 'backstage-token' },
        audience: 'vault',
      });
      const res = await client.kubernetesLogin({
        role: 'mq-portal',
        jwt,
        mount_point: 'kubernetes',
      });
      expect(res.auth.policies).toEqual(['default', 'mq-portal']);
      expect(res.auth.metadata).toEqual({
        role: 'mq-portal',
        service_account_name: 'backstage',
        service_account_namespace: 'backstage',
        service_account_secret_name: 'backstage-token',
        service_account_uid: 'uid-1',
      });
      const log = await server.control.requests({ since });
      expect(log.map(r => `${r.method} ${r.path} ${r.status}`)).toEqual([
        'POST /v1/auth/kubernetes/login 200',
      ]);
    });

    it("shows node-vault's auth//login bug in the request log (Go mux 301)", async () => {
      const since = (await server.control.requests()).at(-1)?.seq ?? 0;
      const jwt = server.mintJwt({ kubernetes: sa, audience: 'vault' });
      const err = await rejection(
        nodeVault(server).kubernetesLogin({ role: 'mq-portal', jwt }),
      );
      expect(err.statusCode).toBeGreaterThanOrEqual(400);
      const log = await server.control.requests({ since });
      expect(log[0]).toMatchObject({
        method: 'POST',
        path: '/v1/auth//login',
        status: 301,
      });
    });

    it('refuses wrong service accounts, namespaces, audiences, roles and expired tokens', async () => {
      const login = (jwt: string, role = 'mq-portal') =>
        call(server, 'POST', 'auth/kubernetes/login', { body: { role, jwt } });
      const wrongName = await login(
        server.mintJwt({
          kubernetes: { ...sa, serviceAccount: 'other' },
          audience: 'vault',
        }),
      );
      expect([wrongName.status, wrongName.body.errors]).toEqual([
        403,
        ['service account name not authorized'],
      ]);
      const wrongNs = await login(
        server.mintJwt({
          kubernetes: { ...sa, namespace: 'default' },
          audience: 'vault',
        }),
      );
      expect([wrongNs.status, wrongNs.body.errors]).toEqual([
        403,
        ['namespace not authorized'],
      ]);
      const wrongAud = await login(
        server.mintJwt({ kubernetes: sa, audience: 'other' }),
      );
      expect(wrongAud.status).toBe(403);
      const expired = await login(
        server.mintJwt({ kubernetes: sa, audience: 'vault', ttlSeconds: -60 }),
      );
      expect([expired.status, expired.body.errors]).toEqual([
        403,
        [PERMISSION_DENIED],
      ]);
      const untrusted = await login(
        server.mintJwt({ kubernetes: sa, audience: 'vault', untrusted: true }),
      );
      expect(untrusted.status).toBe(403);
      const role = await login(
        server.mintJwt({ kubernetes: sa, audience: 'vault' }),
        'ghost',
      );
      expect([role.status, role.body.errors]).toEqual([
        400,
        ['invalid role name "ghost"'],
      ]);
    });
  });

  describe('jwt', () => {
    it('logs in with node-vault jwtLogin and checks audience, expiry, signature and role', async () => {
      const client = nodeVault(server);
      const ok = await client.jwtLogin({
        role: 'mq-portal',
        jwt: server.mintJwt({ subject: 'backstage', audience: 'vault' }),
      });
      expect(ok.auth.policies).toEqual(['default', 'mq-portal']);
      expect(ok.auth.metadata).toEqual({ role: 'mq-portal' });
      const login = (jwt: string, role = 'mq-portal') =>
        call(server, 'POST', 'auth/jwt/login', { body: { role, jwt } });
      const aud = await login(
        server.mintJwt({ subject: 'backstage', audience: 'other' }),
      );
      expect([aud.status, aud.body.errors[0]]).toEqual([
        400,
        expect.stringContaining('audience'),
      ]);
      // Vault's jwt method allows 150 s of expiration leeway by default.
      const expired = await login(
        server.mintJwt({
          subject: 'backstage',
          audience: 'vault',
          ttlSeconds: -3600,
        }),
      );
      expect([expired.status, expired.body.errors[0]]).toEqual([
        400,
        expect.stringContaining('token is expired'),
      ]);
      const sig = await login(
        server.mintJwt({
          subject: 'backstage',
          audience: 'vault',
          untrusted: true,
        }),
      );
      expect([sig.status, sig.body.errors[0]]).toEqual([
        400,
        expect.stringContaining('signature'),
      ]);
      const role = await login(
        server.mintJwt({ subject: 'backstage', audience: 'vault' }),
        'ghost',
      );
      expect([role.status, role.body.errors]).toEqual([
        400,
        ['role "ghost" could not be found'],
      ]);
    });

    it('mints the same kind of JWT through the control endpoint', async () => {
      const jwt = await server.control.mintJwt({
        subject: 'svc',
        audience: 'vault',
      });
      const res = await call(server, 'POST', 'auth/jwt/login', {
        body: { role: 'mq-portal', jwt },
      });
      expect(res.status).toBe(200);
    });
  });
});
