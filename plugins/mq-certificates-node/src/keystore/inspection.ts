import { KeyObject, X509Certificate } from 'node:crypto';
import { orderChain } from '../certificates/chain';
import { keyMatchesCertificate } from '../certificates/privateKey';
import { summarizeCertificate } from '../certificates/summary';
import type { KeystoreLabelInfo } from '../types';
import { KeystoreReadError } from './errors';

/** A certificate found in a key repository, with its label when it has one. */
export interface FoundCertificate {
  cert: X509Certificate;
  label?: string;
  localKeyId?: Buffer;
}

/**
 * Turns what a key repository holds into labelled entries: each key paired
 * with its certificate (by public key, so a wrong localKeyId cannot mislead),
 * personal entries first with the chain found among the CA certificates,
 * then the CA certificates. A label is the friendlyName; empty when a
 * certificate has none.
 */
export function describeEntries(
  keys: { key: KeyObject; label?: string }[],
  certificates: FoundCertificate[],
): KeystoreLabelInfo[] {
  const personal: KeystoreLabelInfo[] = [];
  const used = new Set<FoundCertificate>();
  for (const key of keys) {
    const match = certificates.find(c =>
      keyMatchesCertificate(key.key, c.cert),
    );
    if (!match) {
      throw new KeystoreReadError(
        `the key${
          key.label ? ` labelled '${key.label}'` : ''
        } has no matching certificate in the file; rebuild the key repository`,
        'key-mismatch',
      );
    }
    used.add(match);
    const others = certificates.filter(c => c !== match).map(c => c.cert);
    const chain = others.length
      ? orderChain([match.cert, ...others], { leaf: match.cert }).issuers
      : [];
    personal.push({
      label: key.label ?? match.label ?? '',
      personal: true,
      certificate: summarizeCertificate(match.cert),
      chain: chain.map(summarizeCertificate),
    });
  }
  const cas = certificates
    .filter(c => !used.has(c))
    .map(c => ({
      label: c.label ?? '',
      personal: false,
      certificate: summarizeCertificate(c.cert),
      chain: [],
    }));
  return [...personal, ...cas];
}
