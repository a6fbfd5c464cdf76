import { createHash, KeyObject, X509Certificate } from 'node:crypto';
import type { CertificateSummary } from '@mqcert/plugin-mq-certificates-common';
import { normalizeSerialNumber } from '@mqcert/plugin-mq-certificates-common';

/**
 * SHA-256 fingerprint of DER bytes in this project's one format: lower-case
 * hex byte pairs separated by colons (the same shape as canonical serials),
 * e.g. `3f:a2:…`. `openssl x509 -fingerprint -sha256` prints the same bytes
 * in upper case.
 */
export function fingerprintSha256(derBytes: Buffer): string {
  return createHash('sha256')
    .update(derBytes)
    .digest('hex')
    .match(/../g)!
    .join(':');
}

/**
 * A distinguished name as one RFC 4514-style line, most specific first
 * (`CN=qm1.example.com,O=Example`), from node's one-attribute-per-line form
 * (which lists the least specific first and already escapes values by
 * RFC 2253 rules).
 */
export function formatDistinguishedName(nodeName: string): string {
  return nodeName.split('\n').filter(Boolean).reverse().join(',');
}

/**
 * Subject alternative names as `DNS:host`, `IP:address`, `email:…`, `URI:…`
 * (node prints them in one comma-separated string and quotes values that
 * contain separators).
 */
export function subjectAltNames(cert: X509Certificate): string[] {
  const text = cert.subjectAltName;
  if (!text) return [];
  const out: string[] = [];
  const pattern = /([A-Za-z ]+):("(?:[^"\\]|\\.)*"|[^,]*)(?:, |$)/g;
  for (const m of text.matchAll(pattern)) {
    const type = m[1] === 'IP Address' ? 'IP' : m[1];
    const value = m[2].startsWith('"') ? (JSON.parse(m[2]) as string) : m[2];
    out.push(`${type}:${value}`);
  }
  return out;
}

const CURVE_BITS: Record<string, number> = {
  prime256v1: 256,
  'P-256': 256,
  secp384r1: 384,
  'P-384': 384,
  secp521r1: 521,
  'P-521': 521,
};

/** Key type (`rsa`, `ec`, `ed25519`…) and size in bits of a public or private key. */
export function describeKey(key: KeyObject): {
  keyType?: string;
  keyBits?: number;
} {
  const keyType = key.asymmetricKeyType;
  const details = key.asymmetricKeyDetails ?? {};
  if (keyType === 'rsa' || keyType === 'rsa-pss') {
    return { keyType, keyBits: details.modulusLength };
  }
  if (keyType === 'ec') {
    return { keyType, keyBits: CURVE_BITS[details.namedCurve ?? ''] };
  }
  if (keyType === 'ed25519') return { keyType, keyBits: 256 };
  return { keyType };
}

function isoDate(text: string): string {
  const date = new Date(text);
  if (Number.isNaN(date.getTime()))
    throw new Error(`unreadable certificate date '${text}'`);
  return date.toISOString();
}

/**
 * What we show of a certificate: subject, issuer, SANs, canonical serial
 * (lower-case colon hex, no sign byte), SHA-256 fingerprint, key type and
 * size, validity as ISO-8601 UTC.
 */
export function summarizeCertificate(
  cert: X509Certificate,
): CertificateSummary {
  return {
    serialNumber: normalizeSerialNumber(cert.serialNumber),
    fingerprintSha256: fingerprintSha256(cert.raw),
    subject: formatDistinguishedName(cert.subject),
    issuer: formatDistinguishedName(cert.issuer),
    subjectAltNames: subjectAltNames(cert),
    notBefore: isoDate(cert.validFrom),
    notAfter: isoDate(cert.validTo),
    ...describeKey(cert.publicKey),
  };
}
