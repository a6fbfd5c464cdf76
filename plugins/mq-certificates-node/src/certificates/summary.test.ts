import { normalizeSerialNumber } from '@mqcert/plugin-mq-certificates-common';
import { createCertificate } from './certificateBuilder';
import { describeKey, summarizeCertificate } from './summary';
import { createTestPki, testKey } from './testPki';

function forms(hex: string): string[] {
  const pairs = hex.match(/../g)!;
  return [
    pairs.join(':'),
    pairs.join('-'),
    hex.toUpperCase(),
    pairs.join(':').toUpperCase(),
    hex,
  ];
}

describe('summarizeCertificate', () => {
  const pki = createTestPki();

  it.each([
    ['high bit set', 'cc3f3ee26d9a574e', 'cc:3f:3e:e2:6d:9a:57:4e'],
    [
      'DER leading 00 kept off',
      '00cc3f3ee26d9a574e',
      'cc:3f:3e:e2:6d:9a:57:4e',
    ],
    [
      '20 bytes',
      '7d1c0b5e9a2f4c6b8e3d1a0f2b4c6d8e9f0a1b2c',
      '7d:1c:0b:5e:9a:2f:4c:6b:8e:3d:1a:0f:2b:4c:6d:8e:9f:0a:1b:2c',
    ],
    [
      '20 bytes with high bit (21 DER bytes)',
      '9d1c0b5e9a2f4c6b8e3d1a0f2b4c6d8e9f0a1b2c',
      '9d:1c:0b:5e:9a:2f:4c:6b:8e:3d:1a:0f:2b:4c:6d:8e:9f:0a:1b:2c',
    ],
  ])(
    'gives the canonical serial for a serial with %s, matching every input form',
    (_n, serial, canonical) => {
      const cert = createCertificate({
        subject: 'CN=serial test',
        publicKey: pki.leaf.key,
        issuer: pki.intermediate.cert,
        signingKey: pki.intermediate.key,
        serialNumber: serial,
      });
      const summary = summarizeCertificate(cert);
      expect(summary.serialNumber).toBe(canonical);
      for (const form of forms(serial.replace(/^00/, ''))) {
        expect(normalizeSerialNumber(form)).toBe(summary.serialNumber);
      }
      expect(normalizeSerialNumber(`00:${canonical}`)).toBe(canonical);
    },
  );

  it('summarises subject, issuer, SANs, fingerprint, key and dates', () => {
    const s = summarizeCertificate(pki.leaf.cert);
    expect(s.subject).toBe('CN=qm1.example.com,OU=MQ,O=MQ Cert Tests');
    expect(s.issuer).toBe('CN=Test Issuing CA,O=MQ Cert Tests');
    expect(s.subjectAltNames).toEqual(['DNS:qm1.example.com', 'IP:127.0.0.1']);
    expect(s.fingerprintSha256).toBe(
      pki.leaf.cert.fingerprint256.toLowerCase(),
    );
    expect(s.fingerprintSha256).toMatch(/^([0-9a-f]{2}:){31}[0-9a-f]{2}$/);
    expect(s.keyType).toBe('rsa');
    expect(s.keyBits).toBe(2048);
    expect(new Date(s.notAfter).getTime()).toBe(
      new Date(pki.leaf.cert.validTo).getTime(),
    );
    expect(s.notBefore).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$/);
  });

  it('describes EC keys by curve size', () => {
    expect(describeKey(testKey('ec-p256'))).toEqual({
      keyType: 'ec',
      keyBits: 256,
    });
    expect(describeKey(testKey('ec-p384'))).toEqual({
      keyType: 'ec',
      keyBits: 384,
    });
  });
});
