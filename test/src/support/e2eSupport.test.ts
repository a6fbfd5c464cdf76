// Tests of the e2e tests' own instruments: if the secret audit or the
// openssl reader were blind, the e2e tests built on them would pass for
// nothing.
import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import type { AddressInfo } from 'node:net';
import {
  buildTestPkcs12,
  createTestCertificate,
  sharedTestPki,
} from '../qm-simulator';
import { startVaultDevServer, type VaultDevServer } from '../vault-dev-server';
import { describeWithTools } from './describeWithTools';
import { privateKeysFromPkcs12, readKvSecrets } from './issuedSecrets';
import {
  canonicalSerialFromOpenssl,
  servedCertificateByOpenssl,
} from './opensslServed';
import { describeFindings, SecretAuditor } from './secretAudit';

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const rsaPem = rsa.privateKey.export({
  type: 'pkcs1',
  format: 'pem',
}) as string;
const ecPem = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  .privateKey.export({ type: 'pkcs8', format: 'pem' })
  .toString();
const PASSWORD = 'Xk9"pQ2-long-keystore-pw';

function base64Of(pem: string, type: 'pkcs1' | 'pkcs8' | 'sec1'): string {
  return (
    createPrivateKey(pem).export({ type, format: 'der' }) as Buffer
  ).toString('base64');
}

describe('SecretAuditor', () => {
  const auditor = new SecretAuditor({
    privateKeysPem: [rsaPem, ecPem],
    passwords: [PASSWORD],
  });

  it('finds nothing in clean text, and knows its needles', () => {
    expect(auditor.keyCount).toBe(2);
    expect(auditor.passwordCount).toBe(1);
    expect(
      auditor.scan({
        name: 'log',
        content: `issued serial 1f:0a, password stored at secret/mq/keystores/qm1 version 3 ${'A'.repeat(
          200,
        )}`,
      }),
    ).toEqual([]);
  });

  it('finds a PEM private key block of any type', () => {
    const findings = auditor.scan({
      name: 'events',
      content: `x -----BEGIN ENCRYPTED PRIVATE KEY----- y`,
    });
    expect(findings.map(f => f.kind)).toEqual(['private-key-block']);
  });

  it('finds a 40-character fragment of the key in either DER form, but not 39', () => {
    const pkcs8 = base64Of(rsaPem, 'pkcs8');
    const pkcs1 = base64Of(rsaPem, 'pkcs1');
    const sec1 = base64Of(ecPem, 'sec1');
    for (const [b64, key] of [
      [pkcs8, 0],
      [pkcs1, 0],
      [sec1, 1],
    ] as const) {
      const fragment = b64.slice(
        300 % (b64.length - 40),
        (300 % (b64.length - 40)) + 40,
      );
      const hit = auditor.scan({ name: 'out', content: `"x":"${fragment}"` });
      expect(hit).toEqual([
        expect.objectContaining({
          kind: 'key-base64-fragment',
          secretIndex: key,
        }),
      ]);
      expect(
        auditor.scan({ name: 'out', content: `"x":"${fragment.slice(1)}"` }),
      ).toEqual([]);
    }
  });

  it('finds base64 wrapped over lines inside a JSON string', () => {
    const b64 = base64Of(rsaPem, 'pkcs1');
    const wrapped = JSON.stringify({
      text: b64.slice(0, 100).replace(/(.{20})/g, '$1\n'),
    });
    const findings = auditor.scan({ name: 'row', content: wrapped });
    expect(findings).toEqual([
      expect.objectContaining({
        kind: 'key-base64-fragment',
        source: 'row (unwrapped)',
      }),
    ]);
  });

  it('finds raw DER bytes in binary content', () => {
    const der = createPrivateKey(rsaPem).export({
      type: 'pkcs8',
      format: 'der',
    }) as Buffer;
    const blob = Buffer.concat([
      Buffer.alloc(100, 7),
      der.subarray(100, 200),
      Buffer.alloc(100, 9),
    ]);
    expect(auditor.scan({ name: 'db', content: blob })).toEqual([
      expect.objectContaining({ kind: 'key-der', secretIndex: 0 }),
    ]);
  });

  it('finds the password plain and JSON-escaped, and never prints it', () => {
    const plain = auditor.scan({ name: 'a', content: `pw=${PASSWORD};` });
    const escaped = auditor.scan({
      name: 'b',
      content: JSON.stringify({ pw: PASSWORD }),
    });
    expect(plain.map(f => f.kind)).toEqual(['password']);
    expect(escaped.map(f => f.kind)).toEqual(['password']);
    const text = describeFindings([...plain, ...escaped]);
    expect(text).toContain('password #0 in a at 3');
    expect(text).not.toContain(PASSWORD);
  });

  it('refuses passwords too short to search for', () => {
    expect(
      () => new SecretAuditor({ privateKeysPem: [], passwords: ['abc'] }),
    ).toThrow(/shorter than 8/);
  });
});

describe('privateKeysFromPkcs12', () => {
  it('opens a PKCS#12 with the password that fits and returns its keys', () => {
    const pki = sharedTestPki();
    const cert = pki.issue('qm9.mq.example.test');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'e2e-support-'));
    try {
      const file = path.join(dir, 'key.p12');
      fs.writeFileSync(
        file,
        buildTestPkcs12({
          entries: [{ label: 'qm9cert', ...cert }],
          caCertificatesPem: pki.chainPem,
          password: PASSWORD,
          algorithm: 'aes256',
          iterations: 64,
        }),
      );
      expect(privateKeysFromPkcs12(file, ['wrong-password-1'])).toBeUndefined();
      const keys = privateKeysFromPkcs12(file, ['wrong-password-1', PASSWORD]);
      expect(keys).toHaveLength(1);
      expect(keys![0].label).toBe('qm9cert');
      const der = (pem: string) =>
        createPrivateKey(pem).export({ type: 'pkcs8', format: 'der' });
      expect(der(keys![0].pem)).toEqual(der(cert.privateKeyPem));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('readKvSecrets', () => {
  let vault: VaultDevServer;
  beforeAll(async () => {
    vault = await startVaultDevServer();
  });
  afterAll(async () => {
    await vault?.stop();
  });

  async function kvPut(p: string, data: Record<string, string>) {
    const res = await fetch(`${vault.address}/v1/secret/data/${p}`, {
      method: 'POST',
      headers: { 'X-Vault-Token': vault.rootToken },
      body: JSON.stringify({ data }),
    });
    expect(res.status).toBe(200);
  }

  it('reads every version of every secret below a prefix', async () => {
    await kvPut('mq/keystores/qm1', { password: 'first-password-1' });
    await kvPut('mq/keystores/qm1', { password: 'second-password-2' });
    await kvPut('mq/keystores/team/qm2', { password: 'third-password-3' });
    await kvPut('other/thing', { password: 'not-below-the-prefix' });
    const values = await readKvSecrets({
      address: vault.address,
      token: vault.rootToken,
      prefix: 'mq/keystores',
    });
    expect(values.map(v => `${v.path}@${v.version}:${v.value}`).sort()).toEqual(
      [
        'mq/keystores/qm1@1:first-password-1',
        'mq/keystores/qm1@2:second-password-2',
        'mq/keystores/team/qm2@1:third-password-3',
      ],
    );
  });

  it('is empty when nothing was stored', async () => {
    expect(
      await readKvSecrets({
        address: vault.address,
        token: vault.rootToken,
        prefix: 'nothing/here',
      }),
    ).toEqual([]);
  });
});

describeWithTools(['openssl'], 'servedCertificateByOpenssl', () => {
  let server: tls.Server;
  let port: number;
  const pki = sharedTestPki();
  const plain = pki.issue('qm1.mq.example.test');
  const channel = createTestCertificate({
    commonName: 'chl.mq.example.test',
    issuer: pki.intermediate,
    serialHex: '2b0000000000000000000000000042',
  });

  beforeAll(async () => {
    const context = (c: { certificatePem: string; privateKeyPem: string }) =>
      tls.createSecureContext({
        cert: [c.certificatePem, pki.intermediate.certificatePem].join('\n'),
        key: c.privateKeyPem,
      });
    server = tls.createServer({
      ...{ cert: plain.certificatePem, key: plain.privateKeyPem },
      SNICallback: (name, cb) =>
        cb(
          null,
          name === 'dev2e-app.chl.mq.ibm.com'
            ? context(channel)
            : context(plain),
        ),
    });
    server.on('secureConnection', s => s.end());
    await new Promise<void>(r => server.listen(0, '127.0.0.1', () => r()));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise(r => server.close(r));
  });

  it('reads the served serial from an in-process listener, without and with SNI', async () => {
    const served = await servedCertificateByOpenssl('127.0.0.1', port);
    expect(served.serialNumber).toBe(plain.serialNumber);
    expect(served.subject).toContain('CN=qm1.mq.example.test');
    expect(Date.parse(served.notAfter)).toBeGreaterThan(Date.now());
    const bySni = await servedCertificateByOpenssl('127.0.0.1', port, {
      servername: 'dev2e-app.chl.mq.ibm.com',
    });
    expect(bySni.serialNumber).toBe(
      canonicalSerialFromOpenssl('2B0000000000000000000000000042'),
    );
    expect(bySni.serialNumber).toMatch(/^2b:00:.*:42$/);
  });

  it('names the listener when nothing answers', async () => {
    const closed = tls.createServer();
    await new Promise<void>(r => closed.listen(0, '127.0.0.1', () => r()));
    const p = (closed.address() as AddressInfo).port;
    await new Promise(r => closed.close(r));
    await expect(servedCertificateByOpenssl('127.0.0.1', p)).rejects.toThrow(
      `127.0.0.1:${p} got no certificate`,
    );
  });
});
