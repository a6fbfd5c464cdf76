/*
 * Test-only helpers: a synthetic root → intermediate → leaf PKI built with
 * createCertificate. Not exported from the package index.
 */
import { generateKeyPairSync, KeyObject, X509Certificate } from 'node:crypto';
import { createCertificate } from './certificateBuilder';
import { toPem } from './pem';

/** Key shapes the tests use. */
export type TestKeyType = 'rsa' | 'ec-p256' | 'ec-p384';

const keyCache = new Map<string, KeyObject>();

/** A private key, cached per (type, slot) so suites do not wait for RSA generation. */
export function testKey(type: TestKeyType, slot = 0): KeyObject {
  const id = `${type}/${slot}`;
  let key = keyCache.get(id);
  if (!key) {
    key =
      type === 'rsa'
        ? generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey
        : generateKeyPairSync('ec', {
            namedCurve: type === 'ec-p256' ? 'prime256v1' : 'secp384r1',
          }).privateKey;
    keyCache.set(id, key);
  }
  return key;
}

/** A certificate with its private key. */
export interface TestIdentity {
  cert: X509Certificate;
  key: KeyObject;
  pem: string;
}

/** A root, an intermediate and a leaf for `qm1.example.com`. */
export interface TestPki {
  root: TestIdentity;
  intermediate: TestIdentity;
  leaf: TestIdentity;
  /** Leaf key as PKCS#8 `PRIVATE KEY` PEM. */
  leafKeyPem: string;
}

function identity(cert: X509Certificate, key: KeyObject): TestIdentity {
  return { cert, key, pem: toPem('CERTIFICATE', cert.raw) };
}

/** Builds a three-level PKI; `name` distinguishes the CAs of several PKIs. */
export function createTestPki(
  options: {
    leafKeyType?: TestKeyType;
    caKeyType?: TestKeyType;
    name?: string;
    leafSerial?: string;
    leafCommonName?: string;
    slot?: number;
    keyIdentifiers?: boolean;
  } = {},
): TestPki {
  const name = options.name ?? 'Test';
  const slot = options.slot ?? 0;
  const caType = options.caKeyType ?? 'rsa';
  const rootKey = testKey(caType, 10 + slot);
  const intKey = testKey(caType, 20 + slot);
  const leafKey = testKey(options.leafKeyType ?? 'rsa', slot);
  const keyIdentifiers = options.keyIdentifiers ?? true;
  const root = createCertificate({
    subject: `CN=${name} Root CA,O=MQ Cert Tests`,
    publicKey: rootKey,
    signingKey: rootKey,
    isCa: true,
    keyIdentifiers,
  });
  const intermediate = createCertificate({
    subject: `CN=${name} Issuing CA,O=MQ Cert Tests`,
    publicKey: intKey,
    issuer: root,
    signingKey: rootKey,
    isCa: true,
    keyIdentifiers,
  });
  const cn = options.leafCommonName ?? 'qm1.example.com';
  const leaf = createCertificate({
    subject: `CN=${cn},OU=MQ,O=MQ Cert Tests`,
    publicKey: leafKey,
    issuer: intermediate,
    signingKey: intKey,
    serialNumber: options.leafSerial,
    dnsNames: [cn],
    ipAddresses: ['127.0.0.1'],
    keyIdentifiers,
  });
  return {
    root: identity(root, rootKey),
    intermediate: identity(intermediate, intKey),
    leaf: identity(leaf, leafKey),
    leafKeyPem: leafKey.export({ type: 'pkcs8', format: 'pem' }) as string,
  };
}
