import { X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startVaultDevServer, VaultDevServer } from './index';
import { call, nodeVault } from './testSupport';

jest.setTimeout(60_000);

/*
 * Behaviours of issue/:role that the other files touch only from one side:
 * leases when the role asks for them, the ca_chain key when the chain is
 * empty, the exact times in the CA-expiry error, and whether a restart gives
 * a fresh CA. Expected texts are written out from
 * shared/reference/vault-api.md, not imported from the server.
 */

const EC_ROLE = {
  allowed_domains: 'mq.example.test',
  allow_subdomains: true,
  key_type: 'ec',
  ttl: '24h',
  max_ttl: '48h',
};

describe('vault dev server: issue details (leases, empty chains, CA expiry)', () => {
  let server: VaultDevServer;
  let root: string;

  beforeAll(async () => {
    server = await startVaultDevServer();
    root = server.rootToken;
    await call(server, 'POST', 'pki_int/roles/leased', {
      token: root,
      body: { ...EC_ROLE, generate_lease: true },
    });
    await call(server, 'POST', 'pki_int/roles/unleased', {
      token: root,
      body: EC_ROLE,
    });
    // A role on the root mount: its leaves are issued by the root itself.
    await call(server, 'POST', 'pki/roles/from-root', {
      token: root,
      body: EC_ROLE,
    });
  });
  afterAll(() => server.stop());

  it('gives a lease (<mount>/issue/<role>/<id>, seconds to notAfter, not renewable) only when the role has generate_lease', async () => {
    const res = await call(server, 'POST', 'pki_int/issue/leased', {
      token: root,
      body: { common_name: 'lease.mq.example.test' },
    });
    expect(res.status).toBe(200);
    expect(res.body.lease_id).toMatch(/^pki_int\/issue\/leased\/[A-Za-z0-9]+$/);
    // PKI secrets have only a revoke handler, so Vault never marks them renewable.
    expect(res.body.renewable).toBe(false);
    const notAfterSeconds = Math.floor(
      new Date(
        new X509Certificate(res.body.data.certificate).validTo,
      ).getTime() / 1000,
    );
    const untilNotAfter = notAfterSeconds - Math.floor(Date.now() / 1000);
    expect(
      Math.abs(res.body.lease_duration - untilNotAfter),
    ).toBeLessThanOrEqual(2);
    expect(res.body.lease_duration).toBeGreaterThan(24 * 3600 - 10);

    // Two issues get two leases.
    const again = await nodeVault(server, root).write('pki_int/issue/leased', {
      common_name: 'lease2.mq.example.test',
    });
    expect(again.lease_id).toMatch(/^pki_int\/issue\/leased\//);
    expect(again.lease_id).not.toBe(res.body.lease_id);

    const plain = await call(server, 'POST', 'pki_int/issue/unleased', {
      token: root,
      body: { common_name: 'nolease.mq.example.test' },
    });
    expect([plain.body.lease_id, plain.body.lease_duration]).toEqual(['', 0]);
  });

  it('omits ca_chain (the key, not null) when the chain is empty, and gives [root] for a leaf of the root', async () => {
    const withRoot = await call(server, 'POST', 'pki/issue/from-root', {
      token: root,
      body: { common_name: 'r.mq.example.test' },
    });
    expect(withRoot.status).toBe(200);
    const rootPem = server.caChainPem.split(/\n(?=-----BEGIN)/)[0].trim();
    expect(new X509Certificate(rootPem).subject).toBe('CN=MQ Dev Root CA');
    expect(withRoot.body.data.ca_chain).toEqual([rootPem]);
    expect(withRoot.body.data.issuing_ca).toBe(rootPem);

    const noRoots = await call(server, 'POST', 'pki/issue/from-root', {
      token: root,
      body: { common_name: 'r.mq.example.test', remove_roots_from_chain: true },
    });
    expect(noRoots.status).toBe(200);
    expect(Object.keys(noRoots.body.data)).not.toContain('ca_chain');
    expect(noRoots.body.data.issuing_ca).toBe(rootPem);
  });
});

describe('vault dev server: CA-expiry error names both instants', () => {
  let server: VaultDevServer;

  beforeAll(async () => {
    server = await startVaultDevServer();
    await server.control.rotateIssuer('pki_int', {
      ttl: '240h',
      key_type: 'ec',
    });
    await call(server, 'POST', 'pki_int/roles/month', {
      token: server.rootToken,
      body: { ...EC_ROLE, ttl: '720h', max_ttl: '1128h' },
    });
  });
  afterAll(() => server.stop());

  it('err: the requested notAfter (now + ttl) and the CA notAfter, in RFC 3339', async () => {
    const ca = await call(server, 'GET', 'pki_int/issuer/default', {
      token: server.rootToken,
    });
    expect(ca.body.data.leaf_not_after_behavior).toBe('err');
    const caNotAfter = new Date(
      new X509Certificate(ca.body.data.certificate).validTo,
    ).getTime();
    const before = Date.now();
    const res = await call(server, 'POST', 'pki_int/issue/month', {
      token: server.rootToken,
      body: { common_name: 'late.mq.example.test' },
    });
    const after = Date.now();
    expect(res.status).toBe(400);
    expect(res.body.errors).toHaveLength(1);
    const m =
      /^cannot satisfy request, as TTL would result in notAfter of (\S+) that is beyond the expiration of the CA certificate at (\S+)$/.exec(
        res.body.errors[0],
      );
    expect(m).not.toBeNull();
    const [, leafText, caText] = m!;
    // Go's RFC3339Nano: UTC with Z, no trailing zeros in the fraction.
    for (const t of [leafText, caText])
      expect(t).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d*[1-9])?Z$/);
    expect(Date.parse(caText)).toBe(caNotAfter);
    const ttl = 720 * 3600_000;
    expect(Date.parse(leafText)).toBeGreaterThanOrEqual(before + ttl - 1000);
    expect(Date.parse(leafText)).toBeLessThanOrEqual(after + ttl + 1000);
  });
});

describe('vault dev server: state across restarts', () => {
  it('starts with a fresh CA each time without a state folder, and keeps it with one', async () => {
    const rootsOf = async (s: VaultDevServer) =>
      (await call(s, 'GET', 'pki/ca/pem')).text;

    const a = await startVaultDevServer();
    const aRoot = await rootsOf(a);
    const aToken = a.rootToken;
    await a.stop();
    const b = await startVaultDevServer();
    try {
      expect(await rootsOf(b)).toMatch(/^-----BEGIN CERTIFICATE-----/);
      expect(await rootsOf(b)).not.toBe(aRoot);
      expect(b.rootToken).not.toBe(aToken);
    } finally {
      await b.stop();
    }

    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vault-dev-state-'));
    try {
      const stateDir = path.join(dir, 'state');
      const first = await startVaultDevServer({ stateDir });
      const firstRoot = await rootsOf(first);
      const written = await call(first, 'POST', 'secret/data/mq/kept', {
        token: first.rootToken,
        body: { data: { v: 1 } },
      });
      expect(written.status).toBe(200);
      const firstToken = first.rootToken;
      await first.stop();

      const second = await startVaultDevServer({ stateDir });
      try {
        expect(await rootsOf(second)).toBe(firstRoot);
        expect(second.rootToken).toBe(firstToken);
        const read = await call(second, 'GET', 'secret/data/mq/kept', {
          token: second.rootToken,
        });
        expect(read.body.data.data).toEqual({ v: 1 });
      } finally {
        await second.stop();
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
