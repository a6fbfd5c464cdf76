import type { LoggerService } from '@backstage/backend-plugin-api';
import type { VaultAuthConfig } from './authConfig';
import {
  FakeClock,
  INVALID_TOKEN,
  loginReply,
  PERMISSION_DENIED,
  SEALED,
  ScriptedVault,
} from './__testUtils__/scriptedVault';
import { VaultError } from './VaultError';
import {
  NodeVaultPkiClient,
  type VaultPkiClientOptions,
} from './VaultPkiClientImpl';

const APPROLE: VaultAuthConfig = {
  method: 'approle',
  roleId: 'role-id-1',
  secretId: 'secret-id-1',
};

function recordingLogger() {
  const lines: string[] = [];
  const logger: LoggerService = {
    error: m => lines.push(`error ${m}`),
    warn: m => lines.push(`warn ${m}`),
    info: m => lines.push(`info ${m}`),
    debug: m => lines.push(`debug ${m}`),
    child: () => logger,
  };
  return { logger, lines };
}

function setup(
  vault: ScriptedVault,
  options: Partial<VaultPkiClientOptions> = {},
) {
  const clock = new FakeClock();
  const { logger, lines } = recordingLogger();
  const client = new NodeVaultPkiClient({
    address: 'http://127.0.0.1:8200',
    auth: APPROLE,
    transport: vault.transport,
    clock,
    random: () => 0.5,
    logger,
    ...options,
  });
  return { client, clock, lines };
}

async function failure(p: Promise<unknown>): Promise<VaultError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(VaultError);
    return e as VaultError;
  }
  throw new Error('expected the call to fail');
}

const QM1 = {
  role: { mount: 'pki_int', role: 'mq-queue-managers' },
  commonName: 'qm1.mq.example.test',
};

const ROLE = {
  name: 'mq-queue-managers',
  allowed_domains: ['mq.example.test'],
  allow_subdomains: true,
  allow_bare_domains: false,
  allow_glob_domains: false,
  allow_any_name: false,
  allow_ip_sans: true,
  ttl: 2592000,
  max_ttl: 4060800,
};

describe('NodeVaultPkiClient auth', () => {
  it('logs in with AppRole at the configured mount and sends the token', async () => {
    const vault = new ScriptedVault()
      .on('POST', 'auth/approle-mq/login', loginReply('s.login1'))
      .on('GET', 'pki_int/roles/r', { status: 200, body: { data: ROLE } });
    const { client, lines } = setup(vault, {
      auth: { ...APPROLE, mountPath: 'approle-mq' },
    });
    await expect(client.readRole('pki_int', 'r')).resolves.toMatchObject({
      allowed_domains: ['mq.example.test'],
    });
    const [login] = vault.seen('POST', 'auth/approle-mq/login');
    expect(login.body).toEqual({
      role_id: 'role-id-1',
      secret_id: 'secret-id-1',
    });
    expect(login.token).toBeUndefined();
    expect(vault.seen('GET', 'pki_int/roles/r')[0].token).toBe('s.login1');
    expect(lines.join('\n')).not.toMatch(/s\.login1|secret-id-1/);
  });

  it('posts the Kubernetes login to auth/<mount>/login, never auth//login', async () => {
    const vault = new ScriptedVault()
      .on('POST', 'auth/kubernetes/login', loginReply('s.k8s'))
      .on('GET', 'pki_int/roles/r', { status: 200, body: { data: ROLE } });
    const { client } = setup(vault, {
      auth: { method: 'kubernetes', role: 'mq-portal', jwtFile: '/sa/token' },
      readFile: async path => (path === '/sa/token' ? 'eyJ.k8s.jwt\n' : ''),
    });
    await client.readRole('pki_int', 'r');
    expect(vault.requests[0]).toMatchObject({
      method: 'POST',
      path: 'auth/kubernetes/login',
      body: { role: 'mq-portal', jwt: 'eyJ.k8s.jwt' },
    });
    expect(vault.requests.some(r => r.path.includes('//'))).toBe(false);
  });

  it('logs in with JWT without a role (the mount default_role applies)', async () => {
    const vault = new ScriptedVault()
      .on('POST', 'auth/oidc/login', loginReply('s.jwt'))
      .on('GET', 'pki_int/roles/r', { status: 200, body: { data: ROLE } });
    const { client } = setup(vault, {
      auth: { method: 'jwt', mountPath: 'oidc', jwt: 'eyJ.jwt' },
    });
    await client.readRole('pki_int', 'r');
    expect(vault.requests[0].body).toEqual({ jwt: 'eyJ.jwt' });
  });

  it('uses a configured token after looking it up, with the namespace header', async () => {
    const vault = new ScriptedVault()
      .on('GET', 'auth/token/lookup-self', {
        status: 200,
        body: {
          data: {
            ttl: 0,
            renewable: false,
            policies: ['root'],
            expire_time: null,
            id: 's.root',
          },
        },
      })
      .on('GET', 'pki_int/roles/r', { status: 200, body: { data: ROLE } });
    const { client } = setup(vault, {
      auth: { method: 'token', token: 's.root' },
      namespace: 'team-mq',
    });
    await client.readRole('pki_int', 'r');
    expect(vault.requests.map(r => [r.path, r.token, r.namespace])).toEqual([
      ['auth/token/lookup-self', 's.root', 'team-mq'],
      ['pki_int/roles/r', 's.root', 'team-mq'],
    ]);
  });

  it('gives every request a timeout: 30 s by default, else the configured one', async () => {
    const timeouts = async (timeoutMs?: number) => {
      const vault = new ScriptedVault()
        .on('POST', 'auth/approle/login', loginReply('s.1'))
        .on('GET', 'pki_int/roles/r', { status: 200, body: { data: ROLE } });
      const seen: unknown[] = [];
      const { client } = setup(vault, {
        timeoutMs,
        // node-vault hands its request options (timeout included) to the HTTP layer.
        transport: request => {
          seen.push((request as { timeout?: unknown }).timeout);
          return vault.transport(request);
        },
      });
      await client.readRole('pki_int', 'r');
      return seen;
    };
    expect(await timeouts()).toEqual([30_000, 30_000]);
    expect(await timeouts(1234)).toEqual([1234, 1234]);
  });

  it('renews the token once two thirds of its lease have passed', async () => {
    const vault = new ScriptedVault()
      .on('POST', 'auth/approle/login', loginReply('s.a', 60))
      .on('POST', 'auth/token/renew-self', loginReply('s.a', 60))
      .on('GET', 'pki_int/roles/r', { status: 200, body: { data: ROLE } });
    const { client, clock } = setup(vault);
    await client.readRole('pki_int', 'r');
    clock.advance(30_000);
    await client.readRole('pki_int', 'r');
    expect(vault.seen('POST', 'auth/token/renew-self')).toHaveLength(0);
    clock.advance(15_000);
    await client.readRole('pki_int', 'r');
    expect(vault.seen('POST', 'auth/token/renew-self')).toHaveLength(1);
    expect(vault.seen('POST', 'auth/approle/login')).toHaveLength(1);
  });

  it('logs in again when a renewal is capped near the max TTL', async () => {
    const vault = new ScriptedVault()
      .on(
        'POST',
        'auth/approle/login',
        loginReply('s.a', 60),
        loginReply('s.b', 60),
      )
      .on('POST', 'auth/token/renew-self', loginReply('s.a', 5))
      .on('GET', 'pki_int/roles/r', { status: 200, body: { data: ROLE } });
    const { client, clock } = setup(vault);
    await client.readRole('pki_int', 'r');
    clock.advance(41_000);
    await client.readRole('pki_int', 'r');
    expect(vault.seen('POST', 'auth/approle/login')).toHaveLength(2);
    expect(vault.seen('GET', 'pki_int/roles/r').map(r => r.token)).toEqual([
      's.a',
      's.b',
    ]);
  });

  it('expired token mid-run (403 invalid token): exactly one new login, then success', async () => {
    const vault = new ScriptedVault()
      .on(
        'POST',
        'auth/approle/login',
        loginReply('s.old'),
        loginReply('s.new'),
      )
      .on(
        'GET',
        'pki_int/roles/r',
        { status: 200, body: { data: ROLE } },
        INVALID_TOKEN,
        { status: 200, body: { data: ROLE } },
      );
    const { client, lines } = setup(vault);
    await client.readRole('pki_int', 'r');
    await expect(client.readRole('pki_int', 'r')).resolves.toMatchObject({
      name: 'mq-queue-managers',
    });
    expect(vault.seen('POST', 'auth/approle/login')).toHaveLength(2);
    expect(vault.seen('GET', 'pki_int/roles/r').map(r => r.token)).toEqual([
      's.old',
      's.old',
      's.new',
    ]);
    expect(lines.some(l => /invalid.*logging in again/.test(l))).toBe(true);
  });

  it('does not loop when the new token is refused too', async () => {
    const vault = new ScriptedVault()
      .on(
        'POST',
        'auth/approle/login',
        loginReply('s.1'),
        loginReply('s.2'),
        loginReply('s.3'),
      )
      .on('GET', 'pki_int/roles/r', INVALID_TOKEN);
    const { client } = setup(vault);
    const err = await failure(client.readRole('pki_int', 'r'));
    expect(err.kind).toBe('invalid-token');
    expect(err.hint).toMatch(/fresh approle login was refused/);
    expect(vault.seen('POST', 'auth/approle/login')).toHaveLength(2);
    expect(vault.seen('GET', 'pki_int/roles/r')).toHaveLength(2);
  });

  it('a plain permission denied is reported at once, naming the policy path and capability', async () => {
    const vault = new ScriptedVault()
      .on('POST', 'auth/approle/login', loginReply('s.1'))
      .on('POST', 'pki_int/issue/mq-queue-managers', PERMISSION_DENIED);
    const { client } = setup(vault);
    const err = await failure(client.issue(QM1));
    expect(err).toMatchObject({
      kind: 'permission-denied',
      vaultStatus: 403,
      vaultMessages: ['permission denied'],
      operation: 'issue on role pki_int/mq-queue-managers',
      attempts: 1,
      statusCode: 502,
    });
    expect(err.hint).toContain(
      'path "pki_int/issue/mq-queue-managers" { capabilities = ["update"] }',
    );
    expect(vault.seen('POST', 'auth/approle/login')).toHaveLength(1);
    expect(vault.seen('POST', 'pki_int/issue/mq-queue-managers')).toHaveLength(
      1,
    );
  });

  it('with token auth, an invalid token says to configure a new one', async () => {
    const vault = new ScriptedVault()
      .on('GET', 'auth/token/lookup-self', INVALID_TOKEN)
      .on('GET', 'pki_int/roles/r', INVALID_TOKEN);
    const { client } = setup(vault, {
      auth: { method: 'token', token: 's.gone' },
    });
    const err = await failure(client.readRole('pki_int', 'r'));
    expect(err.kind).toBe('invalid-token');
    expect(err.hint).toMatch(/mqCertificates\.vault\.auth\.token/);
    expect(err.message).not.toContain('s.gone');
  });

  it('names a refused AppRole login', async () => {
    const vault = new ScriptedVault().on('POST', 'auth/approle/login', {
      status: 400,
      body: { errors: ['invalid role or secret ID'] },
    });
    const { client } = setup(vault);
    const err = await failure(client.readRole('pki_int', 'r'));
    expect(err.operation).toBe('log in with approle at auth/approle');
    expect(err.hint).toMatch(/roleId and secretId/);
    expect(err.message).not.toContain('secret-id-1');
  });
});

describe('NodeVaultPkiClient retries', () => {
  it.each([429, 500, 502, 503])(
    'retries HTTP %i with growing jittered delays, then succeeds',
    async status => {
      const vault = new ScriptedVault()
        .on('POST', 'auth/approle/login', loginReply('s.1'))
        .on(
          'GET',
          'pki_int/roles/r',
          { status, body: { errors: [] } },
          { status, body: { errors: [] } },
          { status: 200, body: { data: ROLE } },
        );
      const { client, clock } = setup(vault);
      await expect(client.readRole('pki_int', 'r')).resolves.toMatchObject({
        name: 'mq-queue-managers',
      });
      expect(vault.seen('GET', 'pki_int/roles/r')).toHaveLength(3);
      expect(clock.slept).toEqual([150, 300]);
    },
  );

  it('gives up after maxAttempts and says how often it tried', async () => {
    const vault = new ScriptedVault()
      .on('POST', 'auth/approle/login', loginReply('s.1'))
      .on('GET', 'pki_int/roles/r', {
        status: 500,
        body: { errors: ['internal error'] },
      });
    const { client } = setup(vault, { retry: { maxAttempts: 3 } });
    const err = await failure(client.readRole('pki_int', 'r'));
    expect(err).toMatchObject({
      kind: 'server-error',
      attempts: 3,
      vaultMessages: ['internal error'],
    });
    expect(err.message).toContain('3 attempts');
    expect(vault.seen('GET', 'pki_int/roles/r')).toHaveLength(3);
  });

  it('stops retrying when the time budget is spent', async () => {
    const vault = new ScriptedVault()
      .on('POST', 'auth/approle/login', loginReply('s.1'))
      .on('GET', 'pki_int/roles/r', { status: 503, body: { errors: [] } });
    const { client } = setup(vault, {
      retry: { maxAttempts: 10, baseDelayMs: 1000, maxElapsedMs: 2500 },
    });
    const err = await failure(client.readRole('pki_int', 'r'));
    // delays 750 then 1500 fit in 2500 ms; the next (3000) does not.
    expect(err.attempts).toBe(3);
  });

  it('retries connection failures and timeouts', async () => {
    const vault = new ScriptedVault()
      .on(
        'POST',
        'auth/approle/login',
        { transportError: 'ECONNREFUSED' },
        loginReply('s.1'),
      )
      .on(
        'GET',
        'pki_int/roles/r',
        {
          transportError: 'ECONNABORTED',
          message: 'timeout of 30000ms exceeded',
        },
        { status: 200, body: { data: ROLE } },
      );
    const { client } = setup(vault);
    await expect(client.readRole('pki_int', 'r')).resolves.toBeDefined();
    expect(vault.requests).toHaveLength(4);
  });

  it('reports an unreachable Vault with its address and what to check', async () => {
    const vault = new ScriptedVault().on('POST', 'auth/approle/login', {
      transportError: 'ECONNREFUSED',
    });
    const { client } = setup(vault, { retry: { maxAttempts: 2 } });
    const err = await failure(client.readRole('pki_int', 'r'));
    expect(err).toMatchObject({
      kind: 'connection',
      code: 'ECONNREFUSED',
      attempts: 2,
      statusCode: 503,
    });
    expect(err.hint).toMatch(
      /http:\/\/127\.0\.0\.1:8200.*mqCertificates\.vault\.address/,
    );
  });

  it.each([
    [400, { errors: ['unknown role: nope'] }],
    [403, { errors: ['1 error occurred:\n\t* permission denied\n\n'] }],
    [404, { errors: [] }],
  ])('never retries HTTP %i', async (status, body) => {
    const vault = new ScriptedVault()
      .on('POST', 'auth/approle/login', loginReply('s.1'))
      .on('GET', 'pki_int/roles/nope', { status, body });
    const { client, clock } = setup(vault);
    await failure(client.readRole('pki_int', 'nope'));
    expect(vault.seen('GET', 'pki_int/roles/nope')).toHaveLength(1);
    expect(clock.slept).toEqual([]);
  });

  it('reports a sealed Vault at once, as sealed', async () => {
    const vault = new ScriptedVault()
      .on('POST', 'auth/approle/login', loginReply('s.1'))
      .on('POST', 'pki_int/issue/mq-queue-managers', SEALED);
    const { client } = setup(vault);
    const err = await failure(client.issue(QM1));
    expect(err).toMatchObject({
      kind: 'sealed',
      vaultStatus: 503,
      attempts: 1,
      statusCode: 503,
    });
    expect(err.message).toMatch(
      /Vault issue on role pki_int\/mq-queue-managers failed: Vault is sealed \(HTTP 503\)\. .*unseal/,
    );
  });
});

describe('NodeVaultPkiClient operations', () => {
  const withLogin = () =>
    new ScriptedVault().on('POST', 'auth/approle/login', loginReply('s.1'));

  it('explains a role refusal with the role setting and its allowed domains', async () => {
    const vault = withLogin()
      .on('POST', 'pki_int/issue/mq-queue-managers', {
        status: 400,
        body: {
          errors: ['common name qm1.other.test not allowed by this role'],
        },
      })
      .on('GET', 'pki_int/roles/mq-queue-managers', {
        status: 200,
        body: { data: ROLE },
      });
    const { client } = setup(vault);
    const err = await failure(
      client.issue({
        role: { mount: 'pki_int', role: 'mq-queue-managers' },
        commonName: 'qm1.other.test',
      }),
    );
    expect(err.kind).toBe('not-allowed-by-role');
    expect(err.statusCode).toBe(400);
    expect(err.vaultMessages).toEqual([
      'common name qm1.other.test not allowed by this role',
    ]);
    expect(err.hint).toMatch(/allowed_domains.*allow_subdomains/);
    expect(err.hint).toContain(
      'allowed_domains=[mq.example.test], allow_subdomains=true',
    );
  });

  it('still explains a role refusal when the role cannot be read', async () => {
    const vault = withLogin()
      .on('POST', 'pki_int/issue/mq-queue-managers', {
        status: 400,
        body: { errors: ['common name x.test not allowed by this role'] },
      })
      .on('GET', 'pki_int/roles/mq-queue-managers', PERMISSION_DENIED);
    const { client } = setup(vault);
    const err = await failure(
      client.issue({
        role: { mount: 'pki_int', role: 'mq-queue-managers' },
        commonName: 'x.test',
      }),
    );
    expect(err.hint).toMatch(/grant read on pki_int\/roles\/mq-queue-managers/);
  });

  it('sends issue fields as Vault expects them', async () => {
    const vault = withLogin().on('POST', 'pki_int/issue/r', {
      status: 400,
      body: { errors: ['unknown role: r'] },
    });
    const { client } = setup(vault);
    const err = await failure(
      client.issue({
        role: { mount: 'pki_int', role: 'r' },
        commonName: 'qm1.mq.example.test',
        altNames: ['qm1', 'qm1-alt.mq.example.test'],
        ipSans: ['127.0.0.1'],
        ttl: '720h',
      }),
    );
    expect(err.kind).toBe('unknown-role');
    expect(err.hint).toMatch(/no role 'r' on the PKI mount 'pki_int'/);
    expect(vault.seen('POST', 'pki_int/issue/r')[0].body).toEqual({
      common_name: 'qm1.mq.example.test',
      alt_names: 'qm1,qm1-alt.mq.example.test',
      ip_sans: '127.0.0.1',
      ttl: '720h',
      format: 'pem',
    });
  });

  it('refuses unsafe input before calling Vault, naming the field', async () => {
    const vault = withLogin();
    const { client } = setup(vault);
    await expect(
      client.issue({
        role: { mount: 'pki_int/../sys', role: 'r' },
        commonName: 'a',
      }),
    ).rejects.toThrow(/role\.mount/);
    await expect(
      client.issue({
        role: { mount: 'pki_int', role: 'r?x=1' },
        commonName: 'a',
      }),
    ).rejects.toThrow(/role\.role/);
    await expect(
      client.issue({
        role: { mount: 'pki_int', role: 'r' },
        commonName: 'a',
        ttl: '1w;x',
      }),
    ).rejects.toThrow(/ttl/);
    await expect(client.readCertificate('pki_int', 'zz')).rejects.toThrow(
      /serial/,
    );
    expect(vault.requests).toHaveLength(0);
  });

  it('lists certificates: 404 with no errors is an empty list', async () => {
    const vault = withLogin().on('GET', 'pki_int/certs', {
      status: 404,
      body: { errors: [] },
    });
    const { client } = setup(vault);
    await expect(client.listCertificates('pki_int')).resolves.toEqual([]);
    expect(vault.seen('GET', 'pki_int/certs')[0].query).toBe('?list=1');
  });

  it('lists certificates: 404 "no handler for route" is a misconfigured mount', async () => {
    const vault = withLogin();
    const { client } = setup(vault);
    const err = await failure(client.listCertificates('pki_nope'));
    expect(err.kind).toBe('unknown-mount');
    expect(err.hint).toMatch(/Nothing is mounted at 'pki_nope\/'/);
  });

  it('lists certificates in canonical serial form', async () => {
    const vault = withLogin().on('GET', 'pki_int/certs', {
      status: 200,
      body: { data: { keys: ['cc:3f:3e:e2:6d:9a:57:4e', '0a:01'] } },
    });
    const { client } = setup(vault);
    await expect(client.listCertificates('pki_int')).resolves.toEqual([
      'cc:3f:3e:e2:6d:9a:57:4e',
      '0a:01',
    ]);
  });

  it('reads a certificate by serial in any form, sending the colon form', async () => {
    const vault = withLogin().on(
      'GET',
      'pki_int/cert/cc:3f:3e:e2:6d:9a:57:4e',
      {
        status: 200,
        body: {
          data: {
            certificate:
              '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----',
            revocation_time: 1767225600,
            revocation_time_rfc3339: '2026-01-01T00:00:00Z',
            issuer_id: 'i',
          },
        },
      },
    );
    const { client } = setup(vault);
    await expect(
      client.readCertificate('pki_int', 'CC3F3EE26D9A574E'),
    ).resolves.toEqual({
      certificatePem:
        '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----',
      revoked: true,
      revokedAt: '2026-01-01T00:00:00.000Z',
    });
  });

  it('revokes by serial and passes warnings through', async () => {
    const vault = withLogin().on('POST', 'pki_int/revoke', {
      status: 200,
      body: {
        data: null,
        warnings: [
          'certificate with serial 0a:01 already expired; refusing to add to CRL',
        ],
      },
    });
    const { client } = setup(vault);
    await expect(client.revoke('pki_int', '0A-01')).resolves.toEqual({
      warnings: [
        'certificate with serial 0a:01 already expired; refusing to add to CRL',
      ],
    });
    expect(vault.seen('POST', 'pki_int/revoke')[0].body).toEqual({
      serial_number: '0a:01',
    });
  });

  it('writes KV v2 with check-and-set and reports a conflict', async () => {
    const vault = withLogin().on(
      'POST',
      'secret/data/mq/keystores/qm1',
      {
        status: 200,
        body: {
          data: {
            version: 4,
            created_time: 'x',
            deletion_time: '',
            destroyed: false,
          },
        },
      },
      {
        status: 400,
        body: {
          errors: ['check-and-set parameter did not match the current version'],
        },
      },
    );
    const { client } = setup(vault);
    await expect(
      client.kvWrite(
        'secret',
        'mq/keystores/qm1',
        { password: 'pw' },
        { cas: 3 },
      ),
    ).resolves.toEqual({
      mount: 'secret',
      path: 'mq/keystores/qm1',
      version: 4,
    });
    expect(vault.seen('POST', 'secret/data/mq/keystores/qm1')[0].body).toEqual({
      data: { password: 'pw' },
      options: { cas: 3 },
    });
    const err = await failure(
      client.kvWrite(
        'secret',
        'mq/keystores/qm1',
        { password: 'pw2' },
        { cas: 3 },
      ),
    );
    expect(err).toMatchObject({ kind: 'conflict', statusCode: 409 });
    expect(err.message).not.toContain('pw2');
  });

  it('reads a KV v2 version and explains a deleted one', async () => {
    const vault = withLogin().on('GET', 'secret/data/mq/keystores/qm1', {
      status: 200,
      body: {
        data: {
          data: { password: 'pw' },
          metadata: { version: 2, deletion_time: '', destroyed: false },
        },
      },
    });
    const { client } = setup(vault);
    await expect(
      client.kvRead('secret', 'mq/keystores/qm1', 2),
    ).resolves.toEqual({
      data: { password: 'pw' },
      version: 2,
    });
    expect(vault.seen('GET', 'secret/data/mq/keystores/qm1')[0].query).toBe(
      '?version=2',
    );

    vault.on('GET', 'secret/data/mq/keystores/qm1', {
      status: 404,
      body: {
        data: {
          data: null,
          metadata: {
            version: 1,
            deletion_time: '2026-01-01T00:00:00Z',
            destroyed: false,
          },
        },
      },
    });
    const err = await failure(client.kvRead('secret', 'mq/keystores/qm1', 1));
    expect(err.kind).toBe('not-found');
    expect(err.hint).toMatch(
      /version 1 was deleted at 2026-01-01T00:00:00Z; vault kv undelete/,
    );
  });

  it('never puts the token in errors or logs', async () => {
    const vault = new ScriptedVault()
      .on('POST', 'auth/approle/login', loginReply('s.topsecret'))
      .on('GET', 'pki_int/roles/r', { status: 500, body: { errors: [] } });
    const { client, lines } = setup(vault, { retry: { maxAttempts: 2 } });
    const err = await failure(client.readRole('pki_int', 'r'));
    const everything = `${lines.join('\n')}\n${err.message}\n${JSON.stringify(
      err,
    )}`;
    expect(everything).not.toContain('s.topsecret');
    expect(everything).not.toContain('secret-id-1');
  });
});
