import { X509Certificate } from 'node:crypto';
import { startVaultDevServer, VaultDevServer } from './index';
import { call, nodeVault, rawExchange, rejection } from './testSupport';

jest.setTimeout(60_000);

// Texts written out here (not imported) so the test checks the server
// against the reference, not against itself.
const INVALID_TOKEN =
  '2 errors occurred:\n\t* permission denied\n\t* invalid token\n\n';
const EC_ROLE = {
  allowed_domains: 'mq.example.test',
  allow_subdomains: true,
  key_type: 'ec',
  ttl: '720h',
  max_ttl: '1128h',
};
const ISSUE = 'pki_int/issue/mq-ec';

/** POSTs to the control endpoint with plain fetch, as a non-TypeScript test would. */
async function control(
  server: VaultDevServer,
  path: string,
  body?: unknown,
  method = 'POST',
) {
  const res = await fetch(`${server.address}/_dev/${path}`, {
    method,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

describe('vault dev server: fault injection seen by plain HTTP clients', () => {
  let server: VaultDevServer;
  let root: string;
  const issue = (token = root) =>
    call(server, 'POST', ISSUE, {
      token,
      body: { common_name: 'f.mq.example.test', ttl: '1h' },
    });

  beforeAll(async () => {
    server = await startVaultDevServer();
    root = server.rootToken;
    await call(server, 'POST', 'pki_int/roles/mq-ec', {
      token: root,
      body: EC_ROLE,
    });
  });
  afterEach(() => server.control.clearFaults());
  afterAll(() => server.stop());

  it.each([
    [429, 'request path "pki_int/issue/mq-ec": rate limit quota exceeded'],
    [500, 'internal error'],
    [502, 'upstream rate limited'],
    [503, 'Vault is sealed'],
  ])(
    'answers the next N requests on a path with %i and Vault errors, then serves normally',
    async (status, text) => {
      const added = await control(server, 'faults', {
        path: '/v1/pki_int/issue',
        status,
        count: 2,
      });
      expect(added.status).toBe(201);
      expect(added.body.fault).toMatchObject({
        path: 'pki_int/issue',
        remaining: 2,
        status,
      });
      for (let i = 0; i < 2; i++) {
        const res = await issue();
        expect(res.status).toBe(status);
        expect(res.headers.get('content-type')).toBe('application/json');
        expect(res.body).toEqual({ errors: [text] });
      }
      const ok = await issue();
      expect(ok.status).toBe(200);
      expect(ok.body.data.certificate).toMatch(/^-----BEGIN CERTIFICATE/);
      expect((await control(server, 'faults', undefined, 'GET')).body).toEqual({
        faults: [],
      });
    },
  );

  it('shows the injected status to node-vault like a real Vault error', async () => {
    await server.control.failNext('pki_int/issue', 503);
    const err = await rejection(
      nodeVault(server, root).write(ISSUE, {
        common_name: 'n.mq.example.test',
      }),
    );
    expect(err.statusCode).toBe(503);
    expect(err.message).toBe('Vault is sealed');
    await server.control.failNext('pki_int/issue', 429, {
      errors: ['slow down'],
      retryAfterSeconds: 3,
    });
    const res = await issue();
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('3');
    expect(res.body).toEqual({ errors: ['slow down'] });
  });

  it('matches the method and path prefix only, and count -1 lasts until cleared', async () => {
    await server.control.addFault({
      path: 'pki_int/issue',
      method: 'POST',
      status: 500,
      count: -1,
    });
    // Other paths and other methods are not touched.
    const roles = await call(server, 'GET', 'pki_int/roles/mq-ec', {
      token: root,
    });
    expect(roles.status).toBe(200);
    for (let i = 0; i < 3; i++) expect((await issue()).status).toBe(500);
    const [rule] = await server.control.faults();
    expect(rule.remaining).toBe(-1);
    expect(
      (await control(server, `faults/${rule.id}`, undefined, 'DELETE')).status,
    ).toBe(204);
    expect((await issue()).status).toBe(200);
  });

  it('matches LIST requests sent with the LIST verb', async () => {
    await server.control.failNext('pki_int/certs', 502, { method: 'LIST' });
    const raw = await rawExchange(
      server.port,
      `LIST /v1/pki_int/certs HTTP/1.1\r\nHost: x\r\nX-Vault-Token: ${root}\r\nConnection: close\r\n\r\n`,
    );
    expect(raw).toMatch(/^HTTP\/1\.1 502 /);
    expect(raw).toContain('{"errors":["upstream rate limited"]}');
  });

  it('adds latency, then answers normally', async () => {
    await control(server, 'faults', {
      path: 'pki_int/issue',
      latency_ms: 700,
    });
    const started = Date.now();
    const slow = await issue();
    expect(Date.now() - started).toBeGreaterThanOrEqual(690);
    expect(slow.status).toBe(200);
    const quick = Date.now();
    expect((await issue()).status).toBe(200);
    expect(Date.now() - quick).toBeLessThan(690);
  });

  it('latency past a client timeout shows up as that timeout', async () => {
    await server.control.addLatency('sys/seal-status', 1500, { count: 2 });
    await expect(
      fetch(`${server.address}/v1/sys/seal-status`, {
        signal: AbortSignal.timeout(300),
      }),
    ).rejects.toThrow(/aborted due to timeout/);
    const client = nodeVault(server, root, {
      requestOptions: { timeout: 300 },
    });
    const err = await rejection(client.status());
    expect(err.code).toBe('ECONNABORTED');
    expect(err.statusCode).toBeUndefined();
    // Both delayed requests are used up; the next one is answered at once.
    expect((await client.status()).sealed).toBe(false);
  });

  it('resets the connection (TCP RST) for fetch, node-vault and a raw socket', async () => {
    await control(server, 'faults', { path: 'pki_int/issue', reset: true });
    const e = await issue().then(
      () => undefined,
      (x: Error & { cause?: { code?: string } }) => x,
    );
    expect(e?.cause?.code).toBe('ECONNRESET');

    await server.control.resetConnections('pki_int/issue');
    const nv = await rejection(
      nodeVault(server, root).write(ISSUE, {
        common_name: 'r.mq.example.test',
      }),
    );
    expect(nv.code).toBe('ECONNRESET');
    expect(nv.statusCode).toBeUndefined();

    await server.control.resetConnections('sys/health');
    await expect(
      rawExchange(
        server.port,
        'GET /v1/sys/health HTTP/1.1\r\nHost: x\r\n\r\n',
      ),
    ).rejects.toMatchObject({ code: 'ECONNRESET' });

    expect((await issue()).status).toBe(200);
    const log = await server.control.requests({ pathPrefix: '/v1/pki_int' });
    expect(log.filter(r => r.status === 0)).toHaveLength(2);
  });

  it('refuses a bad fault with a message naming the field', async () => {
    const bad = await control(server, 'faults', {
      path: 'pki_int/issue',
      status: 200,
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0]).toMatch(/^status: must be an HTTP error status/);
    const none = await control(server, 'faults', { path: 'pki_int/issue' });
    expect(none.status).toBe(400);
    expect(none.body.errors[0]).toBe(
      'give at least one of status, latency_ms or reset',
    );
    const count = await control(server, 'faults', {
      path: 'x',
      status: 500,
      count: 0,
    });
    expect(count.body.errors[0]).toMatch(/^count: /);
  });

  it('expires a token now, by token or by accessor: its next use is 403 invalid token', async () => {
    for (const by of ['token', 'accessor'] as const) {
      const login = await call(server, 'POST', 'auth/approle/login', {
        body: { role_id: server.roleId, secret_id: server.secretId },
      });
      const { client_token: token, accessor } = login.body.auth;
      const before = await call(server, 'GET', 'auth/token/lookup-self', {
        token,
      });
      expect(before.status).toBe(200);
      expect(before.body.data.ttl).toBeGreaterThan(3000);

      const expired = await control(server, 'tokens/expire', {
        [by]: by === 'token' ? token : accessor,
      });
      expect(expired.status).toBe(204);
      const after = await call(server, 'GET', 'auth/token/lookup-self', {
        token,
      });
      expect(after.status).toBe(403);
      expect(after.body).toEqual({ errors: [INVALID_TOKEN] });
      const write = await call(server, 'POST', 'secret/data/mq/x', {
        token,
        body: { data: { a: 1 } },
      });
      expect(write.status).toBe(403);
      expect(write.body).toEqual({ errors: [INVALID_TOKEN] });
      const renew = await call(server, 'POST', 'auth/token/renew-self', {
        token,
      });
      expect(renew.status).toBe(403);
    }
    const unknown = await control(server, 'tokens/expire', {
      token: 'hvs.nope',
    });
    expect(unknown.status).toBe(404);
  });

  it('expires every token a login path made, and leaves the others', async () => {
    const tokens: string[] = [];
    for (let i = 0; i < 2; i++) {
      const login = await call(server, 'POST', 'auth/approle/login', {
        body: { role_id: server.roleId, secret_id: server.secretId },
      });
      tokens.push(login.body.auth.client_token);
    }
    const res = await control(server, 'tokens/expire', {
      path: 'auth/approle/login',
    });
    expect(res.status).toBe(200);
    expect(res.body.expired).toBeGreaterThanOrEqual(2);
    for (const token of tokens) {
      const self = await call(server, 'GET', 'auth/token/lookup-self', {
        token,
      });
      expect(self.body).toEqual({ errors: [INVALID_TOKEN] });
    }
    const rootSelf = await call(server, 'GET', 'auth/token/lookup-self', {
      token: root,
    });
    expect(rootSelf.status).toBe(200);
    const none = await control(server, 'tokens/expire', {});
    expect(none.status).toBe(400);
    expect(none.body.errors[0]).toMatch(/^token, accessor or path: required/);
  });

  it('rotates the issuing CA: new key and default issuer, chain to the same root, old issuer kept', async () => {
    const before = await issue();
    const oldIssuing = before.body.data.issuing_ca as string;
    const [oldInt, rootPem] = before.body.data.ca_chain as string[];
    expect(oldInt).toBe(oldIssuing);

    const rotated = await control(server, 'pki/rotate', {
      mount: 'pki_int',
      common_name: 'MQ Dev Intermediate CA R2',
      key_type: 'ec',
    });
    expect(rotated.status).toBe(200);
    expect(rotated.body.certificate).not.toBe(oldIssuing);
    expect(rotated.body.ca_chain).toEqual([rotated.body.certificate, rootPem]);

    const after = await issue();
    expect(after.status).toBe(200);
    expect(after.body.data.issuing_ca).toBe(rotated.body.certificate);
    expect(after.body.data.ca_chain).toEqual([
      rotated.body.certificate,
      rootPem,
    ]);
    const newCa = new X509Certificate(rotated.body.certificate);
    const leaf = new X509Certificate(after.body.data.certificate);
    expect(newCa.subject).toContain('CN=MQ Dev Intermediate CA R2');
    expect(newCa.publicKey.asymmetricKeyType).toBe('ec');
    expect(leaf.verify(newCa.publicKey)).toBe(true);
    expect(leaf.verify(new X509Certificate(oldIssuing).publicKey)).toBe(false);
    expect(newCa.verify(new X509Certificate(rootPem).publicKey)).toBe(true);

    // The new CA is the default issuer, ca/pem serves it, and the old one is still listed.
    const caPem = await fetch(`${server.address}/v1/pki_int/ca/pem`);
    expect(await caPem.text()).toBe(rotated.body.certificate);
    const issuers = await call(server, 'LIST', 'pki_int/issuers');
    expect(issuers.body.data.keys).toContain(rotated.body.issuer_id);
    expect(issuers.body.data.keys.length).toBeGreaterThanOrEqual(3);

    const unknown = await control(server, 'pki/rotate', { mount: 'nope' });
    expect(unknown.status).toBe(404);
    expect(unknown.body.errors[0]).toBe('mount: "nope" is not a pki mount');
  });

  it('lists its endpoints at GET /_dev and refuses unknown ones', async () => {
    const index = await control(server, '', undefined, 'GET');
    expect(index.status).toBe(200);
    expect(index.body.endpoints.join('\n')).toMatch(/\/_dev\/faults/);
    const unknown = await control(server, 'nothing');
    expect(unknown.status).toBe(404);
  });
});
