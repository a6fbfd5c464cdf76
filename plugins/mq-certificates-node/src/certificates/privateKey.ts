import {
  createPrivateKey,
  createPublicKey,
  KeyObject,
  X509Certificate,
} from 'node:crypto';
import { InputError } from '@backstage/errors';
import { derChildren, readDer } from './der';
import type { PemBlock } from './pem';

/** PEM types that hold an unencrypted private key, with the DER structure each uses. */
const KEY_TYPES: Record<string, 'pkcs1' | 'pkcs8' | 'sec1'> = {
  'RSA PRIVATE KEY': 'pkcs1',
  'PRIVATE KEY': 'pkcs8',
  'EC PRIVATE KEY': 'sec1',
};

/** Whether a PEM block type is a private key (encrypted or not). */
export function isPrivateKeyType(type: string): boolean {
  return type in KEY_TYPES || type === 'ENCRYPTED PRIVATE KEY';
}

/**
 * Reads a private key block: `RSA PRIVATE KEY` (PKCS#1), `PRIVATE KEY`
 * (PKCS#8) or `EC PRIVATE KEY` (SEC 1). Errors never contain key bytes.
 */
export function parsePrivateKeyBlock(
  block: PemBlock,
  field = 'private key',
): KeyObject {
  if (block.type === 'ENCRYPTED PRIVATE KEY') {
    throw new InputError(
      `${field}: block ${block.index} is an encrypted private key; supply it unencrypted (openssl pkey -in key.pem -out plain.pem)`,
    );
  }
  const type = KEY_TYPES[block.type];
  if (!type) {
    throw new InputError(
      `${field}: block ${block.index} (${block.type}) is not a private key`,
    );
  }
  try {
    return createPrivateKey({ key: block.der, format: 'der', type });
  } catch {
    throw new InputError(
      `${field}: block ${block.index} (${
        block.type
      }) is not a readable ${block.type.toLowerCase()}; copy the key again or check its type`,
    );
  }
}

const keySpki = new WeakMap<KeyObject, Buffer>();

function spkiOfKey(key: KeyObject): Buffer {
  let out = keySpki.get(key);
  if (!out) {
    const pub = key.type === 'private' ? createPublicKey(key) : key;
    out = pub.export({ type: 'spki', format: 'der' });
    keySpki.set(key, out);
  }
  return out;
}

/**
 * The certificate's SubjectPublicKeyInfo as encoded in it: read from the DER
 * rather than through cert.publicKey, which parses the key (a tenth of a
 * millisecond per certificate, on the keystore build path).
 */
function spkiOfCertificate(cert: X509Certificate): Buffer {
  try {
    const parts = derChildren(derChildren(readDer(cert.raw))[0]);
    return parts[(parts[0].tag === 0xa0 ? 1 : 0) + 5].raw;
  } catch {
    return cert.publicKey.export({ type: 'spki', format: 'der' });
  }
}

/** Whether the private key is the one whose public half the certificate carries. */
export function keyMatchesCertificate(
  key: KeyObject,
  cert: X509Certificate,
): boolean {
  const mine = spkiOfKey(key);
  if (mine.equals(spkiOfCertificate(cert))) return true;
  // An EC point may be encoded compressed in the certificate: compare keys as node re-encodes them.
  return (
    key.asymmetricKeyType === 'ec' &&
    mine.equals(cert.publicKey.export({ type: 'spki', format: 'der' }))
  );
}
