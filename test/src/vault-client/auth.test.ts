import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  defaultSeed,
  startVaultDevServer,
  VaultDevServer,
} from '../vault-dev-server';
import { clientFor, failureOf, lastSeq, requestsSince } from './support';

jest.setTimeout(60_000);

const ROLE = { mount: 'pki_int', role: 'mq-queue-managers' };
const K8S_ACCOUNT = { namespace: 'backstage', serviceAccount: 'backstage' };

/**
 * The default seed plus Kubernetes and JWT logins at non-default mount paths
 * (`auth/k8s-prod`, `auth/jwt-ci` with a default_role), because a client that
 * ignores the mount path only works by luck at the default one. The MQ role
 * uses EC keys so the many issues here stay fast.
 */
function seed() {
  const s = defaultSeed();
  const secrets = s.secrets!;
  const pkiInt = secrets.pki_int as { roles: Record<string, any> };
  pkiInt.roles['mq-queue-managers'] = {
    ...pkiInt.roles['mq-queue-managers'],
    key_type: 'ec',
    key_bits: 256,
  };
  s.auth!['k8s-prod'] = { ...s.auth!.kubernetes };
  s.auth!['jwt-ci'] = {
    ...s.auth!.jwt,
    config: { default_role: 'mq-portal' },
  };
  return s;
}

describe('Vault client against the dev server: logins and token upkeep', () => {
  let server: VaultDevServer;
  let dir: string;

  beforeAll(async () => {
    server = await startVaultDevServer({ seed: seed() });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vault-client-auth-'));
  });
  afterAll(async () => {
    await server.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const approle = () =>
    clientFor(server, {
      method: 'approle',
      roleId: server.roleId,
      secretId: server.secretId,
    });

  it('logs in with AppRole once and issues on the role its policy allows', async () => {
    const since = await lastSeq(server);
    const { client, logger } = approle();
    const a = await client.issue({
      role: ROLE,
      commonName: 'qm1.mq.example.test',
    });
    const b = await client.issue({
      role: ROLE,
      commonName: 'qm2.mq.example.test',
    });
    expect(a.summary.subject).toContain('CN=qm1.mq.example.test');
    expect(b.serialNumber).not.toBe(a.serialNumber);
    const info = await client.lookupToken();
    expect(info.policies).toEqual(['default', 'mq-portal']);
    expect(info.renewable).toBe(true);
    expect(info.ttlSeconds).toBeGreaterThan(3000);

    const logins = await requestsSince(server, since, '/v1/auth/');
    expect(
      logins
        .filter(r => r.path === '/v1/auth/approle/login')
        .map(r => r.status),
    ).toEqual([200]);
    // Neither the secret ID, the token nor the private keys reach the log.
    const logged = logger.text();
    expect(logged).toContain('Logged in to Vault with approle at auth/approle');
    expect(logged).not.toContain(server.secretId);
    expect(logged).not.toContain('PRIVATE KEY');
    expect(logged).not.toMatch(/hvs\.[A-Za-z0-9]{10,}/);
  });

  it('logs in with Kubernetes at its mount path, never at auth//login, reading the JWT file at each login', async () => {
    const jwtFile = path.join(dir, 'sa-token');
    fs.writeFileSync(
      jwtFile,
      server.mintJwt({ kubernetes: K8S_ACCOUNT, audience: 'vault' }),
    );
    const since = await lastSeq(server);
    const { client } = clientFor(server, {
      method: 'kubernetes',
      mountPath: 'k8s-prod',
      role: 'mq-portal',
      jwtFile,
    });
    const issued = await client.issue({
      role: ROLE,
      commonName: 'k8s.mq.example.test',
    });
    expect(issued.chainComplete).toBe(true);
    let log = await requestsSince(server, since, '/v1/auth/');
    expect(log.map(r => `${r.method} ${r.path} ${r.status}`)).toEqual([
      'POST /v1/auth/k8s-prod/login 200',
    ]);

    // The kubelet rotates the file: a token the mount does not trust now.
    fs.writeFileSync(
      jwtFile,
      server.mintJwt({ kubernetes: K8S_ACCOUNT, untrusted: true }),
    );
    await server.control.expireTokensFrom('auth/k8s-prod/login');
    const refused = await failureOf(
      client.issue({ role: ROLE, commonName: 'k8s.mq.example.test' }),
    );
    expect(refused.name).toBe('VaultError');
    expect(refused.operation).toBe('log in with kubernetes at auth/k8s-prod');
    expect(refused.vaultStatus).toBe(403);
    expect(refused.hint).toContain("the role 'mq-portal' exists and accepts");

    fs.writeFileSync(
      jwtFile,
      server.mintJwt({ kubernetes: K8S_ACCOUNT, audience: 'vault' }),
    );
    await client.issue({ role: ROLE, commonName: 'k8s.mq.example.test' });
    log = await requestsSince(server, since, '/v1/auth/');
    expect(log.some(r => r.path.includes('//'))).toBe(false);
    expect(log.map(r => r.status)).toEqual([200, 403, 200]);
  });

  it('logs in with JWT at a custom mount, with a role and with the mount default_role', async () => {
    const jwt = server.mintJwt({ audience: 'vault', subject: 'backstage' });
    const since = await lastSeq(server);
    for (const role of ['mq-portal', undefined]) {
      const { client } = clientFor(server, {
        method: 'jwt',
        mountPath: 'jwt-ci',
        role,
        jwt,
      });
      const info = await client.lookupToken();
      expect(info.policies).toEqual(['default', 'mq-portal']);
    }
    const log = await requestsSince(server, since, '/v1/auth/jwt-ci/login');
    expect(log.map(r => r.status)).toEqual([200, 200]);
  });

  it('points at the mount path when a login to a wrong auth mount is refused', async () => {
    const since = await lastSeq(server);
    const { client } = clientFor(server, {
      method: 'approle',
      mountPath: 'approle-typo',
      roleId: server.roleId,
      secretId: server.secretId,
    });
    const err = await failureOf(client.lookupToken());
    expect(err.name).toBe('VaultError');
    expect(err.operation).toBe('log in with approle at auth/approle-typo');
    expect(err.vaultStatus).toBe(403);
    expect(err.hint).toContain(
      'check mqCertificates.vault.auth.mountPath (auth/approle-typo must be an auth mount of type approle)',
    );
    expect(err.attempts).toBe(1);
    expect(await requestsSince(server, since, '/v1/')).toHaveLength(1);
  });

  it('refuses bad AppRole credentials with Vault text and a hint, without retrying', async () => {
    const since = await lastSeq(server);
    const { client, logger } = clientFor(server, {
      method: 'approle',
      roleId: server.roleId,
      secretId: 'not-the-secret',
    });
    const err = await failureOf(
      client.issue({ role: ROLE, commonName: 'x.mq.example.test' }),
    );
    expect(err.vaultMessages).toEqual(['invalid role or secret ID']);
    expect(err.hint).toContain('mqCertificates.vault.auth.roleId and secretId');
    expect(await requestsSince(server, since, '/v1/')).toHaveLength(1);
    expect(logger.text()).not.toContain('not-the-secret');
  });

  it('after its token expires mid-run, logs in exactly once more and the call succeeds', async () => {
    const { client, logger } = approle();
    await client.issue({ role: ROLE, commonName: 'a.mq.example.test' });
    const since = await lastSeq(server);
    expect(
      await server.control.expireTokensFrom('auth/approle/login'),
    ).toBeGreaterThanOrEqual(1);

    const issued = await client.issue({
      role: ROLE,
      commonName: 'b.mq.example.test',
    });
    expect(issued.summary.subject).toContain('CN=b.mq.example.test');
    const log = await requestsSince(server, since, '/v1/');
    expect(log.map(r => `${r.method} ${r.path} ${r.status}`)).toEqual([
      'POST /v1/pki_int/issue/mq-queue-managers 403',
      'POST /v1/auth/approle/login 200',
      'POST /v1/pki_int/issue/mq-queue-managers 200',
    ]);
    expect(logger.text()).toContain(
      "Vault called the backend's token invalid (expired or revoked); logging in again with approle",
    );
  });

  it('does not loop when the fresh token is refused too: one re-login, then an invalid-token error', async () => {
    const { client } = approle();
    await client.lookupToken();
    const since = await lastSeq(server);
    // Every issue answers "invalid token", whatever token is sent.
    await server.control.failNext('pki_int/issue', 403, {
      count: -1,
      errors: [
        '2 errors occurred:\n\t* permission denied\n\t* invalid token\n\n',
      ],
    });
    try {
      const err = await failureOf(
        client.issue({ role: ROLE, commonName: 'c.mq.example.test' }),
      );
      expect(err.kind).toBe('invalid-token');
      expect(err.vaultMessages).toEqual(['permission denied', 'invalid token']);
      expect(err.hint).toContain('A fresh approle login was refused as well');
    } finally {
      await server.control.clearFaults();
    }
    const log = await requestsSince(server, since, '/v1/');
    expect(log.map(r => `${r.path} ${r.status}`)).toEqual([
      '/v1/pki_int/issue/mq-queue-managers 403',
      '/v1/auth/approle/login 200',
      '/v1/pki_int/issue/mq-queue-managers 403',
    ]);
  });

  it('reports a plain permission denied at once, naming the policy path, with no re-login', async () => {
    const { client } = approle();
    await client.lookupToken();
    const since = await lastSeq(server);
    const err = await failureOf(client.listCertificates('pki_int'));
    expect(err.kind).toBe('permission-denied');
    expect(err.vaultStatus).toBe(403);
    expect(err.vaultMessages).toEqual(['permission denied']);
    expect(err.hint).toContain(
      'add path "pki_int/certs" { capabilities = ["list"] }',
    );
    expect(err.attempts).toBe(1);
    const log = await requestsSince(server, since, '/v1/');
    expect(log.map(r => `${r.path}?${r.query} ${r.status}`)).toEqual([
      '/v1/pki_int/certs?list=1 403',
    ]);
  });

  it('with a configured token that expires: invalid-token error telling to configure a new one', async () => {
    const login = await fetch(`${server.address}/v1/auth/approle/login`, {
      method: 'POST',
      body: JSON.stringify({
        role_id: server.roleId,
        secret_id: server.secretId,
      }),
    }).then(r => r.json());
    const token = login.auth.client_token as string;
    const { client, logger } = clientFor(server, { method: 'token', token });
    await client.issue({ role: ROLE, commonName: 'd.mq.example.test' });
    await server.control.expireToken(token);
    const err = await failureOf(
      client.issue({ role: ROLE, commonName: 'e.mq.example.test' }),
    );
    expect(err.kind).toBe('invalid-token');
    expect(err.hint).toContain('mqCertificates.vault.auth.token');
    expect(logger.text()).not.toContain(token);
  });

  it('sends X-Vault-Namespace when a namespace is configured', async () => {
    const since = await lastSeq(server);
    const { client } = clientFor(
      server,
      { method: 'token', token: server.rootToken },
      { namespace: 'mq/team-a' },
    );
    await client.readRole('pki_int', 'mq-queue-managers');
    const log = await requestsSince(server, since, '/v1/');
    expect(log.length).toBeGreaterThan(0);
    for (const r of log)
      expect(r.headers['x-vault-namespace']).toBe('mq/team-a');
    expect(log.every(r => r.headers['x-vault-token'] === '<redacted>')).toBe(
      true,
    );
  });
});

describe('Vault client against the dev server over TLS with a client certificate', () => {
  let server: VaultDevServer;

  beforeAll(async () => {
    server = await startVaultDevServer({
      seed: seed(),
      tls: { requireClientCert: true },
    });
  });
  afterAll(() => server.stop());

  it('trusts the configured CA and presents the client certificate', async () => {
    const tls = server.tls!;
    const { client } = clientFor(
      server,
      { method: 'approle', roleId: server.roleId, secretId: server.secretId },
      {
        tls: { ca: tls.caPem, cert: tls.clientCertPem, key: tls.clientKeyPem },
      },
    );
    const issued = await client.issue({
      role: ROLE,
      commonName: 'tls.mq.example.test',
    });
    expect(issued.chainComplete).toBe(true);
  });

  it('fails with a TLS error and the caFile hint when the CA is not configured', async () => {
    const { client } = clientFor(server, {
      method: 'approle',
      roleId: server.roleId,
      secretId: server.secretId,
    });
    const err = await failureOf(client.lookupToken());
    expect(err.kind).toBe('tls');
    expect(err.hint).toContain('mqCertificates.vault.tls.caFile');
    expect(err.attempts).toBe(1);
  });
});
