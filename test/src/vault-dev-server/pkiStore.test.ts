import { X509Certificate } from 'node:crypto';
import { startVaultDevServer, VaultDevServer } from './index';
import { call, nodeVault, vaultSerialOf } from './testSupport';

jest.setTimeout(60_000);

const EC_ROLE = {
  allowed_domains: 'mq.example.test',
  allow_subdomains: true,
  key_type: 'ec',
  ttl: '24h',
  max_ttl: '48h',
};

describe('vault dev server: PKI store, CA endpoints, revoke, tidy, roles, issuers', () => {
  let server: VaultDevServer;
  let root: string;
  const issue = async (role: string, cn: string) => {
    const res = await call(server, 'POST', `pki_int/issue/${role}`, {
      token: root,
      body: { common_name: cn },
    });
    expect(res.status).toBe(200);
    return res.body.data as {
      serial_number: string;
      certificate: string;
      issuing_ca: string;
      ca_chain: string[];
    };
  };

  beforeAll(async () => {
    server = await startVaultDevServer();
    root = server.rootToken;
  });
  afterAll(() => server.stop());

  it('answers an empty LIST with 404 {"errors":[]}', async () => {
    const res = await call(server, 'GET', 'pki_int/certs?list=true', {
      token: root,
    });
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ errors: [] });
    const revoked = await call(
      server,
      'GET',
      'pki_int/certs/revoked?list=true',
      { token: root },
    );
    expect(revoked.status).toBe(404);
    expect(revoked.body).toEqual({ errors: [] });
  });

  it('lists the root and the signed intermediate in pki, not imported CAs', async () => {
    const res = await call(server, 'GET', 'pki/certs?list=true', {
      token: root,
    });
    expect(res.status).toBe(200);
    expect(res.body.data.keys).toHaveLength(2);
    const intermediate = new X509Certificate(
      server.caChainPem.split(/(?=-----BEGIN)/)[1],
    );
    expect(intermediate.subject).toBe('CN=MQ Dev Intermediate CA');
    expect(res.body.data.keys).toContain(vaultSerialOf(intermediate));
  });

  it('stores issued certificates: LIST certs, read by serial in any case and separator', async () => {
    await call(server, 'POST', 'pki_int/roles/ec', {
      token: root,
      body: EC_ROLE,
    });
    const a = await issue('ec', 'a.mq.example.test');
    const list = await call(server, 'GET', 'pki_int/certs?list=true', {
      token: root,
    });
    expect(list.body.data.keys).toContain(a.serial_number);
    for (const form of [
      a.serial_number,
      a.serial_number.toUpperCase(),
      a.serial_number.replace(/:/g, '-'),
      a.serial_number.replace(/:/g, '-').toUpperCase(),
    ]) {
      const read = await call(server, 'GET', `pki_int/cert/${form}`);
      expect(read.status).toBe(200);
      expect(read.body.data).toEqual({
        certificate: a.certificate,
        revocation_time: 0,
        revocation_time_rfc3339: '',
      });
    }
    const bare = await call(
      server,
      'GET',
      `pki_int/cert/${a.serial_number.replace(/:/g, '')}`,
    );
    expect(bare.status).toBe(404);
    expect(bare.body).toEqual({ errors: [] });
    const raw = await call(
      server,
      'GET',
      `pki_int/cert/${a.serial_number}/raw/pem`,
    );
    expect(raw.text).toBe(a.certificate);
    expect(raw.headers.get('content-type')).toBe(
      'application/pem-certificate-chain',
    );
  });

  it('never stores certificates of a no_store role', async () => {
    await call(server, 'POST', 'pki_int/roles/ephemeral', {
      token: root,
      body: { ...EC_ROLE, no_store: true },
    });
    const cert = await issue('ephemeral', 'e.mq.example.test');
    const list = await call(server, 'GET', 'pki_int/certs?list=true', {
      token: root,
    });
    expect(list.body.data.keys).not.toContain(cert.serial_number);
    const read = await call(
      server,
      'GET',
      `pki_int/cert/${cert.serial_number}`,
    );
    expect(read.status).toBe(404);
    const revoke = await call(server, 'POST', 'pki_int/revoke', {
      token: root,
      body: { serial_number: cert.serial_number },
    });
    expect(revoke.status).toBe(400);
    expect(revoke.body.errors).toEqual([
      `certificate with serial ${cert.serial_number} not found.`,
    ]);
    // Revoking by the certificate itself works.
    const byPem = await call(server, 'POST', 'pki_int/revoke', {
      token: root,
      body: { certificate: cert.certificate },
    });
    expect(byPem.status).toBe(200);
    expect(byPem.body.data.state).toBe('revoked');
  });

  it('revokes by serial, idempotently, and shows it in cert/:serial and certs/revoked', async () => {
    const c = await issue('ec', 'r.mq.example.test');
    const first = await call(server, 'POST', 'pki_int/revoke', {
      token: root,
      body: { serial_number: c.serial_number.toUpperCase() },
    });
    expect(first.status).toBe(200);
    expect(first.body.data).toEqual({
      revocation_time: expect.any(Number),
      revocation_time_rfc3339: expect.stringMatching(
        /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/,
      ),
      state: 'revoked',
    });
    expect(
      Math.abs(first.body.data.revocation_time - Date.now() / 1000),
    ).toBeLessThan(10);
    const again = await call(server, 'POST', 'pki_int/revoke', {
      token: root,
      body: { serial_number: c.serial_number },
    });
    expect(again.body.data).toEqual(first.body.data);
    const read = await call(server, 'GET', `pki_int/cert/${c.serial_number}`);
    expect(read.body.data.revocation_time).toBe(
      first.body.data.revocation_time,
    );
    expect(read.body.data.issuer_id).toMatch(/^[0-9a-f-]{36}$/);
    const revoked = await call(
      server,
      'GET',
      'pki_int/certs/revoked?list=true',
      { token: root },
    );
    expect(revoked.body.data.keys).toContain(c.serial_number);
  });

  it('rejects revoke of an unknown serial, of no serial, and of the issuer itself', async () => {
    const unknown = await call(server, 'POST', 'pki_int/revoke', {
      token: root,
      body: { serial_number: '01:02:03' },
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors).toEqual([
      'certificate with serial 01:02:03 not found.',
    ]);
    const none = await call(server, 'POST', 'pki_int/revoke', {
      token: root,
      body: {},
    });
    expect(none.body.errors).toEqual([
      'The serial number or certificate to revoke must be provided.',
    ]);
    const pkiCerts = await call(server, 'GET', 'pki/certs?list=true', {
      token: root,
    });
    const rootCa = new X509Certificate(
      server.caChainPem.split(/(?=-----BEGIN)/)[0],
    );
    const rootSerial = pkiCerts.body.data.keys.find(
      (k: string) =>
        BigInt(`0x${k.replace(/:/g, '')}`) ===
        BigInt(`0x${rootCa.serialNumber}`),
    );
    const own = await call(server, 'POST', 'pki/revoke', {
      token: root,
      body: { serial_number: rootSerial },
    });
    expect(own.status).toBe(400);
    expect(own.body.errors[0]).toMatch(
      /^adding issuer \(id: [0-9a-f-]{36}\) to its own CRL is not allowed$/,
    );
  });

  it('starts tidy with 202 and the warning', async () => {
    const res = await call(server, 'POST', 'pki_int/tidy', {
      token: root,
      body: { tidy_cert_store: true, safety_buffer: '1h' },
    });
    expect(res.status).toBe(202);
    expect(res.body.warnings).toEqual([
      "Tidy operation successfully started. Any information from the operation will be printed to Vault's server logs.",
    ]);
    const status = await call(server, 'GET', 'pki_int/tidy-status', {
      token: root,
    });
    expect(status.body.data.state).toBe('Finished');
  });

  it('serves ca/pem, ca, ca_chain and cert/ca_chain', async () => {
    const c = await issue('ec', 'chain.mq.example.test');
    const caPem = await call(server, 'GET', 'pki_int/ca/pem');
    expect(caPem.status).toBe(200);
    expect(caPem.headers.get('content-type')).toBe(
      'application/pem-certificate-chain',
    );
    expect(caPem.text).toBe(c.issuing_ca);
    const der = await fetch(`${server.address}/v1/pki_int/ca`);
    expect(der.headers.get('content-type')).toBe('application/pkix-cert');
    expect(
      new X509Certificate(Buffer.from(await der.arrayBuffer()))
        .toString()
        .trim(),
    ).toBe(c.issuing_ca);
    const chain = await call(server, 'GET', 'pki_int/ca_chain');
    expect(chain.headers.get('content-type')).toBe('application/pkix-cert');
    expect(chain.text).toBe(c.ca_chain.join('\n'));
    const json = await call(server, 'GET', 'pki_int/cert/ca_chain');
    expect(json.body.data).toEqual({
      certificate: c.ca_chain.join('\n'),
      ca_chain: c.ca_chain.join('\n'),
      revocation_time: 0,
      revocation_time_rfc3339: '',
    });
  });

  it('reads, writes and lists roles', async () => {
    const write = await call(server, 'POST', 'pki_int/roles/web', {
      token: root,
      body: { allowed_domains: ['a.test', 'b.test'], ttl: '1h', max_ttl: 7200 },
    });
    expect(write.status).toBe(200);
    const read = await call(server, 'GET', 'pki_int/roles/web', {
      token: root,
    });
    expect(read.body.data).toMatchObject({
      allowed_domains: ['a.test', 'b.test'],
      ttl: 3600,
      max_ttl: 7200,
      key_type: 'rsa',
      key_bits: 2048,
      allow_localhost: true,
      enforce_hostnames: true,
      server_flag: true,
      client_flag: true,
      key_usage: ['DigitalSignature', 'KeyAgreement', 'KeyEncipherment'],
      not_before_duration: 30,
      issuer_ref: 'default',
      no_store: false,
      require_cn: true,
      generate_lease: false,
    });
    const seeded = await call(
      server,
      'GET',
      'pki_int/roles/mq-queue-managers',
      { token: root },
    );
    expect(seeded.body.data).toMatchObject({
      allowed_domains: ['mq.example.test'],
      allow_subdomains: true,
      key_type: 'rsa',
      key_bits: 2048,
      ttl: 720 * 3600,
      max_ttl: 1128 * 3600,
      server_flag: true,
      client_flag: true,
    });
    const list = await nodeVault(server, root).list('pki_int/roles');
    expect(list.data.keys).toEqual(
      expect.arrayContaining(['mq-queue-managers', 'web']),
    );
    const bad = await call(server, 'POST', 'pki_int/roles/bad', {
      token: root,
      body: { ttl: '2h', max_ttl: '1h' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([
      '"ttl" value must be less than "max_ttl" value',
    ]);
    const missing = await call(server, 'GET', 'pki_int/roles/none', {
      token: root,
    });
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({ errors: [] });
  });

  it('lists issuers (unauthenticated) and reads one (authenticated)', async () => {
    const list = await call(server, 'GET', 'pki_int/issuers?list=true');
    expect(list.status).toBe(200);
    const names = list.body.data.keys.map(
      (k: string) => list.body.data.key_info[k].issuer_name,
    );
    expect(names.sort()).toEqual(['imported-root', 'intermediate']);
    const defaultId = list.body.data.keys.find(
      (k: string) => list.body.data.key_info[k].is_default,
    );
    const anonymous = await call(server, 'GET', `pki_int/issuer/${defaultId}`);
    expect(anonymous.status).toBe(403);
    const read = await call(server, 'GET', `pki_int/issuer/${defaultId}`, {
      token: root,
    });
    expect(read.body.data).toMatchObject({
      issuer_id: defaultId,
      issuer_name: 'intermediate',
      leaf_not_after_behavior: 'err',
      manual_chain: null,
      revoked: false,
    });
    expect(read.body.data.ca_chain).toHaveLength(2);
    const json = await call(server, 'GET', 'pki_int/issuer/default/json');
    expect(json.body.data.issuer_id).toBe(defaultId);
  });
});
