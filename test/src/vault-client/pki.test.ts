import crypto, { X509Certificate } from 'node:crypto';
import forge from 'node-forge';
import {
  NodeVaultPkiClient,
  VaultKeystorePasswordStore,
} from '@mqcert/plugin-mq-certificates-node';
import {
  defaultSeed,
  startVaultDevServer,
  VaultDevServer,
} from '../vault-dev-server';
import { clientFor, failureOf, lastSeq, requestsSince } from './support';

jest.setTimeout(60_000);

const MQ_RSA = { mount: 'pki_int', role: 'mq-queue-managers' };
const MQ_EC = { mount: 'pki_int', role: 'mq-ec' };
const EC_ROLE = {
  allowed_domains: ['mq.example.test'],
  allow_subdomains: true,
  key_type: 'ec',
  ttl: '720h',
  max_ttl: '1128h',
};

/**
 * Default seed plus: an EC twin of the MQ role, a no_store role, an empty
 * PKI mount, and `pki_noroot`, an intermediate whose root was never
 * imported (ca_chain stops at the intermediate, vault#8407).
 */
function seed() {
  const s = defaultSeed();
  const secrets = s.secrets!;
  const pkiInt = secrets.pki_int as { roles: Record<string, any> };
  pkiInt.roles['mq-ec'] = EC_ROLE;
  pkiInt.roles['mq-nostore'] = { ...EC_ROLE, no_store: true };
  secrets.pki_empty = { type: 'pki' };
  secrets.pki_noroot = {
    type: 'pki',
    issuers: [
      {
        type: 'intermediate',
        common_name: 'MQ Dev Rootless Intermediate',
        signed_by: 'pki',
        import_parent_chain: false,
        key_type: 'ec',
      },
    ],
    roles: { 'mq-ec': EC_ROLE },
  };
  return s;
}

/** A CSR for `cn` made with node-forge (key from node:crypto, which is fast). */
function makeCsr(cn: string): { csrPem: string; publicKeyPem: string } {
  const { privateKey, publicKey } = crypto.generateKeyPairSync('rsa', {
    modulusLength: 2048,
  });
  const csr = forge.pki.createCertificationRequest();
  csr.publicKey = forge.pki.publicKeyFromPem(
    publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  );
  csr.setSubject([{ name: 'commonName', value: cn }]);
  csr.sign(
    forge.pki.privateKeyFromPem(
      privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
    ),
    forge.md.sha256.create(),
  );
  return {
    csrPem: forge.pki.certificationRequestToPem(csr),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

describe('Vault client against the dev server: PKI and KV v2', () => {
  let server: VaultDevServer;
  let client: NodeVaultPkiClient;
  let rootPem: string;
  let intPem: string;

  beforeAll(async () => {
    server = await startVaultDevServer({ seed: seed() });
    client = clientFor(server, {
      method: 'token',
      token: server.rootToken,
    }).client;
    const chain = await fetch(`${server.address}/v1/pki_int/ca_chain`).then(r =>
      r.text(),
    );
    [intPem, rootPem] = chain
      .split(/\n(?=-----BEGIN)/)
      .map(p => new X509Certificate(p).toString());
  });
  afterAll(() => server.stop());

  it('issues on the RSA role: key, chain leaf-first to the root, facts read from the certificate', async () => {
    const issued = await client.issue({
      role: MQ_RSA,
      commonName: 'qm1.mq.example.test',
      altNames: ['qm1-alt.mq.example.test'],
    });
    const leaf = new X509Certificate(issued.certificatePem);
    expect(issued.privateKeyPem).toMatch(/^-----BEGIN RSA PRIVATE KEY-----/);
    expect(issued.privateKeyType).toBe('rsa');
    expect(
      leaf.checkPrivateKey(crypto.createPrivateKey(issued.privateKeyPem!)),
    ).toBe(true);
    expect(issued.chainPem).toEqual([intPem, rootPem]);
    expect(issued.chainComplete).toBe(true);
    expect(issued.notAfter).toBe(new Date(leaf.validTo).toISOString());
    expect(issued.summary.subjectAltNames).toEqual(
      expect.arrayContaining([
        expect.stringContaining('qm1-alt.mq.example.test'),
      ]),
    );
    expect(issued.warnings).toEqual([]);
    // The serial in Vault's own form reads the same certificate back.
    expect(issued.serialNumber).toMatch(/^[0-9a-f]{2}(:[0-9a-f]{2})*$/);
    const back = await client.readCertificate('pki_int', issued.serialNumber);
    expect(back.certificatePem.trim()).toBe(issued.certificatePem.trim());
    expect(back.revoked).toBe(false);
  });

  it('never logs or prints the issued private key, even with DEBUG=node-vault', async () => {
    const printed: string[] = [];
    const capture = (stream: NodeJS.WriteStream) =>
      jest.spyOn(stream, 'write').mockImplementation((chunk: unknown) => {
        printed.push(String(chunk));
        return true;
      });
    const previousDebug = process.env.DEBUG;
    process.env.DEBUG = 'node-vault,*';
    const spies = [capture(process.stdout), capture(process.stderr)];
    try {
      const { client: debugClient, logger } = clientFor(server, {
        method: 'token',
        token: server.rootToken,
      });
      const issued = await debugClient.issue({
        role: MQ_RSA,
        commonName: 'qm1.mq.example.test',
      });
      // Any 40 characters of the key's base64 body would be a leak.
      const body = issued
        .privateKeyPem!.split('\n')
        .filter(l => !l.startsWith('-----') && l.length >= 40);
      expect(body.length).toBeGreaterThan(10);
      const seen = `${logger.text()}\n${printed.join('')}`;
      for (const line of body) expect(seen).not.toContain(line.slice(0, 40));
      expect(
        JSON.stringify({ ...issued, privateKeyPem: undefined }),
      ).not.toContain(body[1].slice(0, 40));
    } finally {
      spies.forEach(s => s.mockRestore());
      if (previousDebug === undefined) delete process.env.DEBUG;
      else process.env.DEBUG = previousDebug;
    }
  });

  it('passes the TTL cut to max_ttl through as a warning and reads the real notAfter', async () => {
    const before = Date.now();
    const issued = await client.issue({
      role: MQ_EC,
      commonName: 'long.mq.example.test',
      ttl: '2000h',
    });
    expect(issued.warnings).toEqual([
      'TTL "2000h0m0s" is longer than permitted maxTTL "1128h0m0s", so maxTTL is being used',
    ]);
    const lifetimeH = (Date.parse(issued.notAfter) - before) / 3_600_000;
    expect(lifetimeH).toBeGreaterThan(1127.9);
    expect(lifetimeH).toBeLessThan(1128.1);
    expect(issued.privateKeyType).toBe('ec');
    expect(issued.privateKeyPem).toMatch(/^-----BEGIN EC PRIVATE KEY-----/);
  });

  it('signs a CSR: no private key, the CSR key in the leaf', async () => {
    const { csrPem, publicKeyPem } = makeCsr('csr.mq.example.test');
    const signed = await client.sign(csrPem, {
      role: MQ_RSA,
      commonName: 'csr.mq.example.test',
    });
    expect(signed.privateKeyPem).toBeUndefined();
    const leaf = new X509Certificate(signed.certificatePem);
    expect(leaf.publicKey.export({ type: 'spki', format: 'pem' })).toBe(
      publicKeyPem,
    );
    expect(signed.chainPem).toEqual([intPem, rootPem]);
    // Vault's warning about the common_name field (use_csr_common_name) is passed on.
    expect(signed.warnings).toEqual([
      'the common_name field was provided but the role is set with "use_csr_common_name" set to true',
    ]);
  });

  it('lists, reads in any serial form, and revokes', async () => {
    const issued = await client.issue({
      role: MQ_EC,
      commonName: 'rev.mq.example.test',
    });
    expect(await client.listCertificates('pki_int')).toContain(
      issued.serialNumber,
    );
    const upper = issued.serialNumber.toUpperCase();
    expect((await client.readCertificate('pki_int', upper)).revoked).toBe(
      false,
    );
    // The client puts a bare serial (as OpenSSL prints it) in Vault's form.
    const bare = issued.serialNumber.replace(/:/g, '');
    expect(
      (await client.readCertificate('pki_int', bare)).certificatePem.trim(),
    ).toBe(issued.certificatePem.trim());

    const before = Date.now();
    const revoked = await client.revoke(
      'pki_int',
      issued.serialNumber.replace(/:/g, '-'),
    );
    expect(Date.parse(revoked.revokedAt!)).toBeGreaterThanOrEqual(
      Math.floor(before / 1000) * 1000,
    );
    expect(revoked.warnings).toEqual([]);
    const after = await client.readCertificate('pki_int', issued.serialNumber);
    expect(after.revoked).toBe(true);
    expect(after.revokedAt).toBe(revoked.revokedAt);
    // Idempotent, as in Vault.
    expect(
      (await client.revoke('pki_int', issued.serialNumber)).revokedAt,
    ).toBe(revoked.revokedAt);
  });

  it('an empty LIST (404 {"errors":[]}) is [], an unknown mount is a clear error', async () => {
    expect(await client.listCertificates('pki_empty')).toEqual([]);
    const err = await failureOf(client.listCertificates('pki_nope'));
    expect(err.kind).toBe('unknown-mount');
    expect(err.vaultStatus).toBe(404);
    expect(err.vaultMessages).toEqual([
      'no handler for route "pki_nope/certs/". route entry not found.',
    ]);
    expect(err.hint).toContain("Nothing is mounted at 'pki_nope/'");
    expect(err.statusCode).toBe(502);
  });

  it('never finds a no_store certificate again, and says why', async () => {
    const issued = await client.issue({
      role: { mount: 'pki_int', role: 'mq-nostore' },
      commonName: 'ns.mq.example.test',
    });
    expect(await client.listCertificates('pki_int')).not.toContain(
      issued.serialNumber,
    );
    const err = await failureOf(
      client.readCertificate('pki_int', issued.serialNumber),
    );
    expect(err.kind).toBe('not-found');
    expect(err.hint).toContain('no_store=true');
  });

  it('reads the CA chain (issuer first) and a role', async () => {
    expect(await client.readCaChain('pki_int')).toEqual([intPem, rootPem]);
    const role = await client.readRole('pki_int', 'mq-queue-managers');
    expect(role).toMatchObject({
      allowed_domains: ['mq.example.test'],
      allow_subdomains: true,
      key_type: 'rsa',
      key_bits: 2048,
      ttl: 720 * 3600,
      max_ttl: 1128 * 3600,
      server_flag: true,
      client_flag: true,
    });
  });

  it('explains refusals: name not allowed (with the role settings), unknown role, CA expiry', async () => {
    const since = await lastSeq(server);
    const name = await failureOf(
      client.issue({ role: MQ_EC, commonName: 'qm1.other.example' }),
    );
    expect(name.kind).toBe('not-allowed-by-role');
    expect(name.vaultMessages).toEqual([
      'common name qm1.other.example not allowed by this role',
    ]);
    expect(name.message).toContain('Vault issue on role pki_int/mq-ec failed');
    expect(name.hint).toContain(
      'The role allows: allowed_domains=[mq.example.test], allow_subdomains=true',
    );
    expect(name.statusCode).toBe(400);
    // One issue, one role read: no retries of a 400.
    expect(
      (await requestsSince(server, since, '/v1/')).map(r => r.path),
    ).toEqual(['/v1/pki_int/issue/mq-ec', '/v1/pki_int/roles/mq-ec']);

    const role = await failureOf(
      client.issue({
        role: { mount: 'pki_int', role: 'nope' },
        commonName: 'a.mq.example.test',
      }),
    );
    expect(role.kind).toBe('unknown-role');
    expect(role.vaultMessages).toEqual(['unknown role: nope']);
    expect(role.hint).toContain("There is no role 'nope' on the PKI mount");

    // The intermediate lives 43800h; ask for more than that (within max_ttl).
    await fetch(`${server.address}/v1/pki_int/roles/mq-long`, {
      method: 'POST',
      headers: { 'X-Vault-Token': server.rootToken },
      body: JSON.stringify({ ...EC_ROLE, max_ttl: '100000h' }),
    });
    const ca = await failureOf(
      client.issue({
        role: { mount: 'pki_int', role: 'mq-long' },
        commonName: 'a.mq.example.test',
        ttl: '50000h',
      }),
    );
    expect(ca.kind).toBe('ca-expiry');
    expect(ca.vaultMessages[0]).toMatch(
      /^cannot satisfy request, as TTL would result in notAfter of .* that is beyond the expiration of the CA certificate at /,
    );
    expect(ca.hint).toContain('leaf_not_after_behavior=truncate');
  });

  it('reports a chain without its root as incomplete, and completes it from configured CAs', async () => {
    const role = { mount: 'pki_noroot', role: 'mq-ec' };
    const bare = await client.issue({ role, commonName: 'nr.mq.example.test' });
    expect(bare.chainPem).toHaveLength(1);
    expect(new X509Certificate(bare.chainPem[0]).subject).toContain(
      'MQ Dev Rootless Intermediate',
    );
    expect(bare.chainComplete).toBe(false);

    const completing = clientFor(
      server,
      { method: 'token', token: server.rootToken },
      { extraCaCertificatesPem: rootPem },
    ).client;
    const full = await completing.issue({
      role,
      commonName: 'nr.mq.example.test',
    });
    expect(full.chainPem).toHaveLength(2);
    expect(full.chainPem[1]).toBe(rootPem);
    expect(full.chainComplete).toBe(true);
  });

  it('writes and reads KV v2 with check-and-set', async () => {
    const first = await client.kvWrite(
      'secret',
      'mq/kv-test',
      { password: 'one' },
      { cas: 0 },
    );
    expect(first).toEqual({ mount: 'secret', path: 'mq/kv-test', version: 1 });
    const clash = await failureOf(
      client.kvWrite('secret', 'mq/kv-test', { password: 'x' }, { cas: 0 }),
    );
    expect(clash.kind).toBe('conflict');
    expect(clash.vaultMessages).toEqual([
      'check-and-set parameter did not match the current version',
    ]);
    expect(clash.statusCode).toBe(409);
    const second = await client.kvWrite(
      'secret',
      'mq/kv-test',
      { password: 'two' },
      { cas: 1 },
    );
    expect(second.version).toBe(2);
    expect(await client.kvRead('secret', 'mq/kv-test')).toEqual({
      data: { password: 'two' },
      version: 2,
    });
    expect(await client.kvRead('secret', 'mq/kv-test', 1)).toEqual({
      data: { password: 'one' },
      version: 1,
    });
    const missing = await failureOf(client.kvRead('secret', 'mq/none'));
    expect(missing.kind).toBe('not-found');
  });

  it('keeps keystore passwords in KV v2 with the AppRole policy, handing out references', async () => {
    const { client: portal, logger } = clientFor(server, {
      method: 'approle',
      roleId: server.roleId,
      secretId: server.secretId,
    });
    const store = new VaultKeystorePasswordStore(portal, {
      mount: 'secret',
      pathPrefix: 'mq/keystores',
    });
    const created = await store.createPassword('qm1');
    expect(created.ref).toEqual({
      mount: 'secret',
      path: 'mq/keystores/qm1',
      version: 1,
    });
    const password = created.reveal();
    expect(password).toMatch(/^[\x21-\x7e]{16,}$/);
    expect(JSON.stringify(created)).not.toContain(password);
    expect(await store.readPassword(created.ref)).toBe(password);
    // What Vault stored is what the store returned.
    const raw = await fetch(
      `${server.address}/v1/secret/data/mq/keystores/qm1`,
      {
        headers: { 'X-Vault-Token': server.rootToken },
      },
    ).then(r => r.json());
    expect(raw.data.data).toEqual({ password });
    expect(logger.text()).not.toContain(password);

    // Outside the policy (secret/data/mq/*): permission denied, not retried.
    const outside = new VaultKeystorePasswordStore(portal, {
      mount: 'secret',
      pathPrefix: 'other/keystores',
    });
    const err = await failureOf(outside.createPassword('qm1'));
    expect(err.kind).toBe('permission-denied');
    expect(err.hint).toContain('secret/data/other/keystores/qm1');
  });
});
