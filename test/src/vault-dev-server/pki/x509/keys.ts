import crypto, { KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import { toPem } from './der';

const generateKeyPair = promisify(crypto.generateKeyPair);

/** Key types Vault's PKI engine issues (`key_type` of a role or issuer). */
export type KeyType = 'rsa' | 'ec' | 'ed25519';

const EC_CURVES: Record<number, string> = {
  224: 'secp224r1',
  256: 'prime256v1',
  384: 'secp384r1',
  521: 'secp521r1',
};

const CURVE_BITS: Record<string, number> = {
  secp224r1: 224,
  prime256v1: 256,
  secp384r1: 384,
  secp521r1: 521,
};

/** Vault's defaults when `key_bits` is 0 (certutil.ValidateDefaultOrValueKeyType). */
export function defaultKeyBits(type: KeyType): number {
  if (type === 'rsa') return 2048;
  if (type === 'ec') return 256;
  return 0;
}

/** Same rules and texts as certutil.ValidateKeyTypeLength. */
export function validateKeyTypeLength(
  type: string,
  keyBits: number,
): string | undefined {
  switch (type) {
    case 'rsa':
      if (![2048, 3072, 4096, 8192].includes(keyBits)) {
        return `unsupported bit length for RSA key: ${keyBits}`;
      }
      return undefined;
    case 'ec':
      if (!EC_CURVES[keyBits])
        return `unsupported bit length for EC key: ${keyBits}`;
      return undefined;
    case 'ed25519':
    case 'any':
      return undefined;
    default:
      return `unknown key type ${type}`;
  }
}

export interface KeyPair {
  privateKey: KeyObject;
  publicKey: KeyObject;
}

/** Generates a key with node:crypto (native, fast enough for per-request RSA). */
export async function generateKey(
  type: KeyType,
  keyBits: number,
): Promise<KeyPair> {
  const bits = keyBits || defaultKeyBits(type);
  if (type === 'rsa') {
    return generateKeyPair('rsa', {
      modulusLength: bits,
      publicExponent: 65537,
    });
  }
  if (type === 'ec') {
    const namedCurve = EC_CURVES[bits];
    if (!namedCurve)
      throw new Error(`unsupported bit length for EC key: ${bits}`);
    return generateKeyPair('ec', { namedCurve });
  }
  return generateKeyPair('ed25519');
}

export interface KeyInfo {
  type: KeyType;
  bits: number;
}

export function keyInfo(key: KeyObject): KeyInfo {
  const details = key.asymmetricKeyDetails ?? {};
  switch (key.asymmetricKeyType) {
    case 'rsa':
      return { type: 'rsa', bits: details.modulusLength ?? 0 };
    case 'ec':
      return { type: 'ec', bits: CURVE_BITS[details.namedCurve ?? ''] ?? 0 };
    case 'ed25519':
      return { type: 'ed25519', bits: 0 };
    default:
      throw new Error(`unsupported key algorithm ${key.asymmetricKeyType}`);
  }
}

export function spkiDer(publicKey: KeyObject): Buffer {
  return publicKey.export({ type: 'spki', format: 'der' });
}

/**
 * The private key as Vault returns it: `der` (Vault's default name) is PKCS#1
 * for RSA and SEC 1 for EC; `pkcs8` is PKCS#8. Ed25519 is always PKCS#8.
 */
export function privateKeyDer(
  key: KeyObject,
  format: 'der' | 'pkcs8',
): {
  der: Buffer;
  label: string;
} {
  const type = key.asymmetricKeyType;
  if (format === 'pkcs8' || type === 'ed25519') {
    return {
      der: key.export({ type: 'pkcs8', format: 'der' }),
      label: 'PRIVATE KEY',
    };
  }
  if (type === 'rsa') {
    return {
      der: key.export({ type: 'pkcs1', format: 'der' }),
      label: 'RSA PRIVATE KEY',
    };
  }
  return {
    der: key.export({ type: 'sec1', format: 'der' }),
    label: 'EC PRIVATE KEY',
  };
}

export function privateKeyPem(
  key: KeyObject,
  format: 'der' | 'pkcs8' = 'der',
): string {
  const { der, label } = privateKeyDer(key, format);
  return toPem(der, label);
}

/** Serialisable private key (PKCS#8 PEM) for the state folder. */
export function exportPrivateKey(key: KeyObject): string {
  return key.export({ type: 'pkcs8', format: 'pem' }).toString().trim();
}

export function importPrivateKey(pem: string): KeyObject {
  return crypto.createPrivateKey(pem);
}
