import crypto, { X509Certificate } from 'node:crypto';
import forge from 'node-forge';
import { startVaultDevServer, VaultDevServer } from './index';
import { call, nodeVault, rejection } from './testSupport';

jest.setTimeout(60_000);

const ISSUE = 'pki_int/issue/mq-queue-managers';
// The same rules with EC keys: cheap to generate, so most tests use it.
const ISSUE_EC = 'pki_int/issue/mq-ec';
const MQ_EC_ROLE = {
  allowed_domains: 'mq.example.test',
  allow_subdomains: true,
  key_type: 'ec',
  ttl: '720h',
  max_ttl: '1128h',
};
const PEM_RE =
  /^-----BEGIN CERTIFICATE-----\n[A-Za-z0-9+/=\n]+\n-----END CERTIFICATE-----$/;

describe('vault dev server: PKI issue and sign', () => {
  let server: VaultDevServer;
  let root: string;

  beforeAll(async () => {
    server = await startVaultDevServer();
    root = server.rootToken;
    await call(server, 'POST', 'pki_int/roles/mq-ec', {
      token: root,
      body: MQ_EC_ROLE,
    });
  });
  afterAll(() => server.stop());

  it('answers issue with the Vault envelope and data fields', async () => {
    const before = Date.now();
    const res = await call(server, 'POST', ISSUE, {
      token: root,
      body: { common_name: 'qm1.mq.example.test' },
    });
    const after = Date.now();
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(res.headers.get('cache-control')).toBe('no-store');
    const b = res.body;
    expect(Object.keys(b).sort()).toEqual(
      [
        'auth',
        'data',
        'lease_duration',
        'lease_id',
        'mount_type',
        'renewable',
        'request_id',
        'warnings',
        'wrap_info',
      ].sort(),
    );
    expect(b.request_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(b).toMatchObject({
      lease_id: '',
      renewable: false,
      lease_duration: 0,
      wrap_info: null,
      warnings: null,
      auth: null,
      mount_type: 'pki',
    });
    const d = b.data;
    expect(Object.keys(d).sort()).toEqual(
      [
        'ca_chain',
        'certificate',
        'expiration',
        'issuing_ca',
        'private_key',
        'private_key_type',
        'serial_number',
      ].sort(),
    );
    for (const pem of [d.certificate, d.issuing_ca, ...d.ca_chain])
      expect(pem).toMatch(PEM_RE);
    expect(d.private_key).toMatch(
      /^-----BEGIN RSA PRIVATE KEY-----\n[\s\S]+\n-----END RSA PRIVATE KEY-----$/,
    );
    expect(d.private_key_type).toBe('rsa');
    expect(d.issuing_ca).toBe(d.ca_chain[0]);

    const leaf = new X509Certificate(d.certificate);
    const intermediate = new X509Certificate(d.ca_chain[0]);
    const rootCa = new X509Certificate(d.ca_chain[1]);
    expect(d.ca_chain).toHaveLength(2);
    expect(leaf.verify(intermediate.publicKey)).toBe(true);
    expect(intermediate.verify(rootCa.publicKey)).toBe(true);
    expect(rootCa.verify(rootCa.publicKey)).toBe(true);
    expect(leaf.subject).toBe('CN=qm1.mq.example.test');
    expect(leaf.subjectAltName).toBe('DNS:qm1.mq.example.test');
    expect(leaf.checkPrivateKey(crypto.createPrivateKey(d.private_key))).toBe(
      true,
    );

    // serial_number: lower-case colon hex of the certificate's serial
    expect(d.serial_number).toMatch(/^[0-9a-f]{2}(:[0-9a-f]{2})*$/);
    expect(BigInt(`0x${d.serial_number.replace(/:/g, '')}`)).toBe(
      BigInt(`0x${leaf.serialNumber}`),
    );
    // expiration: unix seconds of notAfter; role ttl 720h; notBefore back-dated 30 s
    expect(d.expiration).toBe(
      Math.floor(new Date(leaf.validTo).getTime() / 1000),
    );
    expect(d.expiration - Math.floor(before / 1000)).toBeGreaterThanOrEqual(
      720 * 3600 - 5,
    );
    expect(d.expiration - Math.floor(before / 1000)).toBeLessThanOrEqual(
      720 * 3600 + 5,
    );
    // Issued somewhere between before and after (RSA key generation on a
    // busy machine can take seconds); notBefore has whole seconds.
    const notBefore = new Date(leaf.validFrom).getTime();
    expect(notBefore).toBeGreaterThanOrEqual(
      Math.floor(before / 1000) * 1000 - 30_000,
    );
    expect(notBefore).toBeLessThanOrEqual(after - 30_000);
  });

  it('gives random 20-byte-or-shorter serials below 2^159', async () => {
    const serials = await Promise.all(
      [1, 2, 3].map(async i => {
        const res = await call(server, 'POST', ISSUE_EC, {
          token: root,
          body: { common_name: `s${i}.mq.example.test` },
        });
        return res.body.data.serial_number as string;
      }),
    );
    expect(new Set(serials).size).toBe(3);
    for (const s of serials) {
      const bytes = s.split(':');
      expect(bytes.length).toBeLessThanOrEqual(20);
      expect(bytes[0]).not.toBe('00');
      // rand.Int(2^159): a full 20-byte serial never has its top bit set
      expect(BigInt(`0x${bytes.join('')}`) < 2n ** 159n).toBe(true);
    }
  });

  it('issues EC certificates from an EC role', async () => {
    await call(server, 'POST', 'pki_int/roles/ec-role', {
      token: root,
      body: {
        allowed_domains: 'mq.example.test',
        allow_subdomains: true,
        key_type: 'ec',
        key_bits: 384,
        ttl: '24h',
      },
    });
    const res = await call(server, 'POST', 'pki_int/issue/ec-role', {
      token: root,
      body: { common_name: 'ec.mq.example.test' },
    });
    expect(res.status).toBe(200);
    expect(res.body.data.private_key_type).toBe('ec');
    expect(res.body.data.private_key).toMatch(
      /^-----BEGIN EC PRIVATE KEY-----/,
    );
    const leaf = new X509Certificate(res.body.data.certificate);
    expect(leaf.publicKey.asymmetricKeyType).toBe('ec');
    expect(leaf.publicKey.asymmetricKeyDetails?.namedCurve).toBe('secp384r1');
    expect(
      leaf.verify(new X509Certificate(res.body.data.issuing_ca).publicKey),
    ).toBe(true);
  });

  it('returns base64 DER for format=der', async () => {
    const res = await call(server, 'POST', ISSUE_EC, {
      token: root,
      body: { common_name: 'der.mq.example.test', format: 'der' },
    });
    expect(res.status).toBe(200);
    const d = res.body.data;
    const leaf = new X509Certificate(Buffer.from(d.certificate, 'base64'));
    expect(leaf.subject).toBe('CN=der.mq.example.test');
    expect(
      new X509Certificate(Buffer.from(d.issuing_ca, 'base64')).subject,
    ).toBe('CN=MQ Dev Intermediate CA');
    expect(
      d.ca_chain.map(
        (c: string) => new X509Certificate(Buffer.from(c, 'base64')).subject,
      ),
    ).toEqual(['CN=MQ Dev Intermediate CA', 'CN=MQ Dev Root CA']);
    const key = crypto.createPrivateKey({
      key: Buffer.from(d.private_key, 'base64'),
      format: 'der',
      type: 'sec1',
    });
    expect(leaf.checkPrivateKey(key)).toBe(true);
  });

  it('returns key, certificate and chain in certificate for format=pem_bundle', async () => {
    const res = await call(server, 'POST', ISSUE, {
      token: root,
      body: {
        common_name: 'b.mq.example.test',
        format: 'pem_bundle',
        private_key_format: 'pkcs8',
      },
    });
    const d = res.body.data;
    const blocks = d.certificate.match(/-----BEGIN ([A-Z ]+)-----/g);
    // pkcs8 changes private_key but not the key inside the bundle
    expect(blocks).toEqual([
      '-----BEGIN RSA PRIVATE KEY-----',
      '-----BEGIN CERTIFICATE-----',
      '-----BEGIN CERTIFICATE-----',
      '-----BEGIN CERTIFICATE-----',
    ]);
    expect(d.certificate.endsWith('-----END CERTIFICATE-----')).toBe(true);
    expect(d.private_key).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    expect(d.certificate).toContain(d.ca_chain[1]);
  });

  it('gives a PKCS#8 private key with private_key_format=pkcs8', async () => {
    const res = await call(server, 'POST', ISSUE_EC, {
      token: root,
      body: { common_name: 'p8.mq.example.test', private_key_format: 'pkcs8' },
    });
    expect(res.body.data.private_key).toMatch(
      /^-----BEGIN PRIVATE KEY-----\n[\s\S]+-----END PRIVATE KEY-----$/,
    );
    const key = crypto.createPrivateKey(res.body.data.private_key);
    expect(
      new X509Certificate(res.body.data.certificate).checkPrivateKey(key),
    ).toBe(true);
  });

  it('rejects an unknown format', async () => {
    const res = await call(server, 'POST', ISSUE, {
      token: root,
      body: { common_name: 'f.mq.example.test', format: 'pkcs12' },
    });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      errors: [
        'the "format" path parameter must be "pem", "der", or "pem_bundle"',
      ],
    });
  });

  it('cuts a TTL above max_ttl to max_ttl with a warning (200)', async () => {
    const res = await call(server, 'POST', ISSUE_EC, {
      token: root,
      body: { common_name: 'long.mq.example.test', ttl: '2000h' },
    });
    expect(res.status).toBe(200);
    expect(res.body.warnings).toEqual([
      'TTL "2000h0m0s" is longer than permitted maxTTL "1128h0m0s", so maxTTL is being used',
    ]);
    const lifetime = res.body.data.expiration - Math.floor(Date.now() / 1000);
    expect(Math.abs(lifetime - 1128 * 3600)).toBeLessThan(10);
  });

  it('rejects ttl together with not_after (400)', async () => {
    const res = await call(server, 'POST', ISSUE, {
      token: root,
      body: {
        common_name: 'x.mq.example.test',
        ttl: '1h',
        not_after: '2030-01-01T00:00:00Z',
      },
    });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([
      'Either ttl or not_after should be provided. Both should not be provided in the same request.',
    ]);
  });

  it('honours not_after within max_ttl', async () => {
    const at = new Date(Date.now() + 10 * 86_400_000);
    at.setUTCMilliseconds(0);
    const res = await call(server, 'POST', ISSUE_EC, {
      token: root,
      body: {
        common_name: 'na.mq.example.test',
        not_after: at.toISOString().replace('.000', ''),
      },
    });
    expect(res.status).toBe(200);
    expect(res.body.data.expiration).toBe(at.getTime() / 1000);
  });

  it('rejects a name the role does not allow (400)', async () => {
    const res = await call(server, 'POST', ISSUE, {
      token: root,
      body: { common_name: 'qm1.other.example' },
    });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      errors: ['common name qm1.other.example not allowed by this role'],
    });
    const bare = await call(server, 'POST', ISSUE, {
      token: root,
      body: { common_name: 'mq.example.test' },
    });
    expect(bare.body.errors).toEqual([
      'common name mq.example.test not allowed by this role',
    ]);
    const san = await call(server, 'POST', ISSUE, {
      token: root,
      body: { common_name: 'a.mq.example.test', alt_names: 'evil.example' },
    });
    expect(san.body.errors).toEqual([
      'subject alternate name evil.example not allowed by this role',
    ]);
  });

  it('rejects an unknown role (400)', async () => {
    const res = await call(server, 'POST', 'pki_int/issue/nope', {
      token: root,
      body: { common_name: 'a.mq.example.test' },
    });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ errors: ['unknown role: nope'] });
  });

  it('answers 404 "no handler for route" for an unknown mount', async () => {
    const res = await call(
      server,
      'POST',
      'pki_missing/issue/mq-queue-managers',
      { token: root, body: { common_name: 'a' } },
    );
    expect(res.status).toBe(404);
    expect(res.body).toEqual({
      errors: [
        'no handler for route "pki_missing/issue/mq-queue-managers". route entry not found.',
      ],
    });
  });

  it('issues through issuer/:ref/issue/:role, by name and by id', async () => {
    const byName = await call(
      server,
      'POST',
      'pki_int/issuer/intermediate/issue/mq-ec',
      { token: root, body: { common_name: 'r.mq.example.test' } },
    );
    expect(byName.status).toBe(200);
    const issuers = await call(server, 'GET', 'pki_int/issuers?list=true');
    const id = issuers.body.data.keys.find(
      (k: string) =>
        issuers.body.data.key_info[k].issuer_name === 'intermediate',
    );
    const byId = await call(
      server,
      'POST',
      `pki_int/issuer/${id}/issue/mq-ec`,
      { token: root, body: { common_name: 'r.mq.example.test' } },
    );
    expect(byId.body.data.issuing_ca).toBe(byName.body.data.issuing_ca);
    const missing = await call(
      server,
      'POST',
      'pki_int/issuer/ghost/issue/mq-ec',
      { token: root, body: { common_name: 'r.mq.example.test' } },
    );
    expect(missing.status).toBe(400);
  });

  it('drops self-signed certs from ca_chain with remove_roots_from_chain', async () => {
    const res = await call(server, 'POST', ISSUE_EC, {
      token: root,
      body: {
        common_name: 'nr.mq.example.test',
        remove_roots_from_chain: true,
      },
    });
    expect(res.body.data.ca_chain).toEqual([res.body.data.issuing_ca]);
  });

  it('signs a CSR, taking CN and SANs from it, with the CN warning', async () => {
    const { privateKey } = crypto.generateKeyPairSync('rsa', {
      modulusLength: 2048,
    });
    const fkey = forge.pki.privateKeyFromPem(
      privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
    );
    const csr = forge.pki.createCertificationRequest();
    csr.publicKey = forge.pki.setRsaPublicKey(fkey.n, fkey.e);
    csr.setSubject([{ name: 'commonName', value: 'csr.mq.example.test' }]);
    csr.setAttributes([
      {
        name: 'extensionRequest',
        extensions: [
          {
            name: 'subjectAltName',
            altNames: [{ type: 2, value: 'alt.mq.example.test' }],
          },
        ],
      },
    ]);
    csr.sign(fkey, forge.md.sha256.create());
    const pem = forge.pki.certificationRequestToPem(csr);
    const res = await call(server, 'POST', 'pki_int/sign/mq-queue-managers', {
      token: root,
      body: { csr: pem, common_name: 'ignored.mq.example.test' },
    });
    expect(res.status).toBe(200);
    expect(res.body.data.private_key).toBeUndefined();
    expect(res.body.data.private_key_type).toBeUndefined();
    expect(res.body.warnings).toEqual([
      'the common_name field was provided but the role is set with "use_csr_common_name" set to true',
    ]);
    const leaf = new X509Certificate(res.body.data.certificate);
    expect(leaf.subject).toBe('CN=csr.mq.example.test');
    expect(leaf.subjectAltName).toBe(
      'DNS:csr.mq.example.test, DNS:alt.mq.example.test',
    );
    expect(leaf.checkPrivateKey(privateKey)).toBe(true);

    // a CSR whose signature does not match its key is refused
    const tampered = forge.pki.certificationRequestFromPem(pem);
    tampered.signature = Buffer.alloc(256, 1).toString('latin1');
    const bad = await call(server, 'POST', 'pki_int/sign/mq-queue-managers', {
      token: root,
      body: { csr: forge.pki.certificationRequestToPem(tampered) },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual(['request signature invalid']);
    const empty = await call(server, 'POST', 'pki_int/sign/mq-queue-managers', {
      token: root,
      body: {},
    });
    expect(empty.body.errors).toEqual(['"csr" is empty']);
  });

  it('works with node-vault write()', async () => {
    const client = nodeVault(server, root);
    const res = await client.write(ISSUE_EC, {
      common_name: 'nv.mq.example.test',
    });
    expect(res.data.serial_number).toMatch(/^[0-9a-f:]+$/);
    const err = await rejection(
      client.write('pki_int/issue/nope', { common_name: 'a.mq.example.test' }),
    );
    expect(err.statusCode).toBe(400);
    expect(err.message).toBe('unknown role: nope');
  });
});

describe('vault dev server: leaf_not_after_behavior', () => {
  let server: VaultDevServer;

  beforeAll(async () => {
    server = await startVaultDevServer();
    // An intermediate that expires in 10 days, so the role's 30-day TTL passes it.
    await server.control.rotateIssuer('pki_int', { ttl: '240h' });
    await call(server, 'POST', 'pki_int/roles/mq-ec', {
      token: server.rootToken,
      body: MQ_EC_ROLE,
    });
  });
  afterAll(() => server.stop());

  async function issueWith(behavior: string) {
    const upd = await call(server, 'POST', 'pki_int/issuer/default', {
      token: server.rootToken,
      body: { leaf_not_after_behavior: behavior },
    });
    expect(upd.status).toBe(200);
    expect(upd.body.data.leaf_not_after_behavior).toBe(behavior);
    const caNotAfter = new Date(
      new X509Certificate(upd.body.data.certificate).validTo,
    ).getTime();
    const res = await call(server, 'POST', ISSUE_EC, {
      token: server.rootToken,
      body: { common_name: 'n.mq.example.test' },
    });
    return { res, caNotAfter };
  }

  it('err: 400 with the notAfter text', async () => {
    const { res } = await issueWith('err');
    expect(res.status).toBe(400);
    expect(res.body.errors[0]).toMatch(
      /^cannot satisfy request, as TTL would result in notAfter of \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z that is beyond the expiration of the CA certificate at \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/,
    );
  });

  it('truncate: notAfter cut to the CA expiry', async () => {
    const { res, caNotAfter } = await issueWith('truncate');
    expect(res.status).toBe(200);
    expect(res.body.data.expiration * 1000).toBe(caNotAfter);
  });

  it('permit: notAfter past the CA expiry', async () => {
    const { res, caNotAfter } = await issueWith('permit');
    expect(res.status).toBe(200);
    expect(res.body.data.expiration * 1000).toBeGreaterThan(
      caNotAfter + 19 * 86_400_000,
    );
  });
});
