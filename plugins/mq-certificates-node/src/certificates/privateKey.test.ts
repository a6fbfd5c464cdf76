import { createPublicKey } from 'node:crypto';
import { createCertificate } from './certificateBuilder';
import { parsePem, PemBlock } from './pem';
import {
  keyMatchesCertificate,
  parsePrivateKeyBlock,
  privateKeyFromPkcs8,
} from './privateKey';
import { testKey, TestKeyType } from './testPki';

/*
 * RSA keys take a shortcut (PKCS#8 unwrapped to PKCS#1 before node:crypto
 * reads it, matching by modulus and exponent): these tests hold it to the
 * same answers as node:crypto's own reading and encoding.
 */

function selfSigned(type: TestKeyType, slot: number) {
  const key = testKey(type, slot);
  return createCertificate({
    subject: `CN=${type}-${slot}`,
    publicKey: key,
    signingKey: key,
  });
}

const FORMS = {
  rsa: ['pkcs1', 'pkcs8'],
  'ec-p256': ['sec1', 'pkcs8'],
  'ec-p384': ['sec1', 'pkcs8'],
} as const;

describe('private key blocks', () => {
  it.each([
    ['rsa', 'pkcs1'],
    ['rsa', 'pkcs8'],
    ['ec-p256', 'sec1'],
    ['ec-p256', 'pkcs8'],
    ['ec-p384', 'sec1'],
    ['ec-p384', 'pkcs8'],
  ] as const)(
    '%s as %s: the same key as node:crypto reads, matched to its own certificate only',
    (type, form) => {
      expect(FORMS[type]).toContain(form);
      const original = testKey(type, 0);
      const pem = original.export({ type: form, format: 'pem' }) as string;
      const [block] = parsePem(pem);
      const key = parsePrivateKeyBlock(block);
      expect(key.type).toBe('private');
      expect(key.asymmetricKeyType).toBe(original.asymmetricKeyType);
      expect(key.export({ type: 'pkcs8', format: 'der' })).toEqual(
        original.export({ type: 'pkcs8', format: 'der' }),
      );
      expect(
        createPublicKey(key).export({ type: 'spki', format: 'der' }),
      ).toEqual(
        createPublicKey(original).export({ type: 'spki', format: 'der' }),
      );

      expect(keyMatchesCertificate(key, selfSigned(type, 0))).toBe(true);
      // Another key of the same type (same RSA exponent) and other types: no match.
      expect(keyMatchesCertificate(key, selfSigned(type, 1))).toBe(false);
      const others = (['rsa', 'ec-p256', 'ec-p384'] as const).filter(
        other => other !== type,
      );
      expect(
        others.map(other => keyMatchesCertificate(key, selfSigned(other, 0))),
      ).toEqual([false, false]);
    },
  );

  it('reads a PKCS#8 RSA key from a decrypted bag the same way', () => {
    const original = testKey('rsa', 0);
    const der = original.export({ type: 'pkcs8', format: 'der' });
    const key = privateKeyFromPkcs8(der);
    expect(key.export({ type: 'pkcs1', format: 'der' })).toEqual(
      original.export({ type: 'pkcs1', format: 'der' }),
    );
    expect(keyMatchesCertificate(key, selfSigned('rsa', 0))).toBe(true);
  });

  it('refuses a PKCS#8 RSA wrapper around bytes that are no key, without quoting them', () => {
    const der = testKey('rsa', 0).export({ type: 'pkcs8', format: 'der' });
    // Damage the PKCS#1 structure inside: its first INTEGER becomes a BOOLEAN.
    const damaged = Buffer.from(der);
    const inner = damaged.indexOf(Buffer.from([0x04, 0x82]), 10) + 4;
    expect(damaged[inner]).toBe(0x30);
    damaged[inner + 4] = 0x01;
    expect(() => privateKeyFromPkcs8(damaged)).toThrow();
    const block: PemBlock = {
      type: 'PRIVATE KEY',
      der: damaged,
      index: 1,
      line: 1,
    };
    let message = '';
    try {
      parsePrivateKeyBlock(block, 'privateKeyPem');
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(
      /^privateKeyPem: block 1 \(PRIVATE KEY\) is not a readable/,
    );
    expect(message).not.toContain(damaged.toString('base64').slice(40, 80));
  });
});
