import type { X509Certificate } from 'node:crypto';
import { parseCertificates } from '../certificates/bundle';
import { orderChain } from '../certificates/chain';
import { summarizeCertificate } from '../certificates/summary';
import type { IssuedCertificate } from '../types';
import { VaultError } from './VaultError';

type Json = Record<string, any>;

const KEY_TYPES = ['rsa', 'ec', 'ed25519'] as const;

/** Vault's `warnings`: a JSON array, or null when there are none. */
export function vaultWarnings(response: Json | undefined): string[] {
  const w = response?.warnings;
  return Array.isArray(w)
    ? w.filter((x): x is string => typeof x === 'string')
    : [];
}

function unexpected(operation: string, what: string): VaultError {
  return new VaultError({
    operation,
    kind: 'unexpected-response',
    vaultMessages: [],
    hint: `Vault's answer had ${what}: check that the mount is a PKI secrets engine and that mqCertificates.vault.address points at Vault.`,
    attempts: 1,
  });
}

/**
 * The issuer certificates Vault sent with a leaf. `ca_chain` is the issuer
 * first, then its parents, and is omitted when empty; older answers (or an
 * intermediate whose root was never imported) have only `issuing_ca`, or a
 * `ca_chain` without the root.
 */
function vaultChainPems(data: Json): string[] {
  if (Array.isArray(data.ca_chain) && data.ca_chain.length > 0) {
    return data.ca_chain.filter(
      (p: unknown): p is string => typeof p === 'string',
    );
  }
  if (typeof data.issuing_ca === 'string' && data.issuing_ca.trim()) {
    return [data.issuing_ca];
  }
  return [];
}

/**
 * Maps an answer of `pki/issue/:role` or `pki/sign/:role` (format pem) to
 * an IssuedCertificate. Serial, validity, fingerprint and summary are read
 * from the certificate itself, because Vault may cut the TTL to the role's
 * max_ttl and only warn. The chain is ordered from the leaf by key
 * identifiers; when Vault's chain stops short of a root, a configured CA
 * certificate that issued the last one completes it.
 */
export function mapIssueResponse(
  response: Json,
  options: { operation: string; trustAnchors?: X509Certificate[] },
): IssuedCertificate {
  const data: Json | undefined = response?.data;
  if (!data || typeof data.certificate !== 'string') {
    throw unexpected(options.operation, 'no certificate');
  }
  const [leaf] = parseCertificates(data.certificate, 'Vault certificate');
  const chainPems = vaultChainPems(data);
  const given = chainPems.length
    ? parseCertificates(chainPems.join('\n'), 'Vault ca_chain')
    : [];
  const ordered = orderChain([leaf, ...given], {
    leaf,
    trustAnchors: options.trustAnchors,
  });
  // Vault certificates the path did not use still belong to the answer
  // (for instance a cross-signed copy); keep them after the path.
  const issuers = [...ordered.issuers, ...ordered.unused];
  const summary = summarizeCertificate(leaf);
  const issued: IssuedCertificate = {
    certificatePem: leaf.toString(),
    chainPem: issuers.map(c => c.toString()),
    serialNumber: summary.serialNumber,
    notBefore: summary.notBefore,
    notAfter: summary.notAfter,
    fingerprintSha256: summary.fingerprintSha256,
    summary,
    warnings: vaultWarnings(response),
    chainComplete: ordered.endsAtRoot,
  };
  if (typeof data.private_key === 'string' && data.private_key) {
    issued.privateKeyPem = data.private_key;
    const type = KEY_TYPES.find(t => t === data.private_key_type);
    const fromLeaf = KEY_TYPES.find(t => t === summary.keyType);
    const keyType = type ?? fromLeaf;
    if (keyType) issued.privateKeyType = keyType;
  }
  return issued;
}
