import {
  createPrivateKey,
  createPublicKey,
  KeyObject,
  X509Certificate,
} from 'node:crypto';
import { InputError } from '@backstage/errors';
import { decodeOid, derChildren, readDer, readDerExact, TAG } from './der';
import { OID } from './oids';
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
    return type === 'pkcs8'
      ? privateKeyFromPkcs8(block.der)
      : readPrivateKeyDer(block.der, type);
  } catch {
    throw new InputError(
      `${field}: block ${block.index} (${
        block.type
      }) is not a readable ${block.type.toLowerCase()}; copy the key again or check its type`,
    );
  }
}

/**
 * Modulus and public exponent of RSA keys we parsed, as DER INTEGER
 * contents: matching such a key to a certificate is then a byte comparison,
 * where deriving the public key through node:crypto costs about a quarter of
 * a millisecond per key.
 */
const rsaPublicParts = new WeakMap<KeyObject, { n: Buffer; e: Buffer }>();

/** INTEGER content without the sign byte or other leading zeros. */
function magnitude(content: Buffer): Buffer {
  let start = 0;
  while (start < content.length - 1 && content[start] === 0) start++;
  return content.subarray(start);
}

/** Modulus and exponent of an RSAPrivateKey or RSAPublicKey (PKCS#1). */
function rsaParts(
  seq: Buffer,
  skipVersion: boolean,
): { n: Buffer; e: Buffer } | undefined {
  const parts = derChildren(readDerExact(seq));
  const [n, e] = skipVersion ? parts.slice(1, 3) : parts.slice(0, 2);
  if (n?.tag !== TAG.INTEGER || e?.tag !== TAG.INTEGER) return undefined;
  return { n: magnitude(n.content), e: magnitude(e.content) };
}

function readPrivateKeyDer(
  der: Buffer,
  type: 'pkcs1' | 'pkcs8' | 'sec1',
): KeyObject {
  const key = createPrivateKey({ key: der, format: 'der', type });
  if (type === 'pkcs1') {
    try {
      const parts = rsaParts(der, true);
      if (parts) rsaPublicParts.set(key, parts);
    } catch {
      // node:crypto read it; matching falls back to its own encoding.
    }
  }
  return key;
}

/**
 * Reads a PKCS#8 PrivateKeyInfo. An RSA key is handed to node:crypto as
 * the PKCS#1 structure inside it: OpenSSL 3 tries its PKCS#8 decoders one
 * after the other, which makes the PKCS#8 form three times slower to load
 * (0.7 ms against 0.2 ms for RSA-2048) for the same key. Other key types
 * go through node:crypto's PKCS#8 reader.
 */
export function privateKeyFromPkcs8(der: Buffer): KeyObject {
  let inner: Buffer | undefined;
  try {
    const [version, algorithm, privateKey] = derChildren(readDerExact(der));
    const oid = decodeOid(derChildren(algorithm)[0].content);
    if (
      version?.tag === TAG.INTEGER &&
      oid === OID.rsaEncryption &&
      privateKey?.tag === TAG.OCTET_STRING
    ) {
      inner = privateKey.content;
    }
  } catch {
    // Not the structure we expected: node:crypto says what it makes of it.
  }
  return inner
    ? readPrivateKeyDer(inner, 'pkcs1')
    : readPrivateKeyDer(der, 'pkcs8');
}

/** Modulus and exponent of an RSA SubjectPublicKeyInfo, else undefined. */
function rsaPartsOfSpki(spki: Buffer): { n: Buffer; e: Buffer } | undefined {
  const [algorithm, bits] = derChildren(readDer(spki));
  if (decodeOid(derChildren(algorithm)[0].content) !== OID.rsaEncryption)
    return undefined;
  if (bits?.tag !== TAG.BIT_STRING || bits.content[0] !== 0) return undefined;
  return rsaParts(bits.content.subarray(1), false);
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
  const rsa = rsaPublicParts.get(key);
  if (rsa) {
    try {
      const theirs = rsaPartsOfSpki(spkiOfCertificate(cert));
      return !!theirs && theirs.n.equals(rsa.n) && theirs.e.equals(rsa.e);
    } catch {
      // An SPKI we cannot take apart: compare as node:crypto encodes keys.
    }
  }
  const mine = spkiOfKey(key);
  if (mine.equals(spkiOfCertificate(cert))) return true;
  // An EC point may be encoded compressed in the certificate: compare keys as node re-encodes them.
  return (
    key.asymmetricKeyType === 'ec' &&
    mine.equals(cert.publicKey.export({ type: 'spki', format: 'der' }))
  );
}
