import { KeyObject, X509Certificate } from 'node:crypto';
import { InputError } from '@backstage/errors';
import { validateCertificateLabel } from '@mqcert/plugin-mq-certificates-common';
import {
  parseCertificateBundle,
  parseCertificates,
} from '../certificates/bundle';
import { assertChainComplete, orderChain } from '../certificates/chain';
import { summarizeCertificate } from '../certificates/summary';
import type {
  BuiltKeystore,
  KeystoreBuildOptions,
  KeystoreEntryInput,
} from '../types';

/** One personal entry, parsed and ordered: leaf first, then its issuers. */
export interface PreparedEntry {
  label: string;
  leaf: X509Certificate;
  /** Secret. */
  key: KeyObject;
  /** The leaf's issuer first. */
  chain: X509Certificate[];
  warnings: string[];
}

/**
 * Parses and checks the entries of a key repository: labels valid and
 * distinct, one key per entry matching its leaf (found among all the
 * certificates given, whatever their order), the chain ordered leaf-first by
 * key identifiers. Chain problems (a missing link, no configured trust
 * anchor reached) are errors when `requireCompleteChain` is set or trust
 * anchors are configured, warnings otherwise.
 */
export function prepareEntries(
  entries: KeystoreEntryInput[],
  options: Pick<
    KeystoreBuildOptions,
    'trustAnchorsPem' | 'requireCompleteChain'
  >,
): PreparedEntry[] {
  if (!Array.isArray(entries) || entries.length === 0) {
    throw new InputError(
      'entries: give at least one certificate with its key and label',
    );
  }
  const trustAnchors = (options.trustAnchorsPem ?? []).flatMap((pem, i) =>
    parseCertificates(pem, `trust anchor ${i + 1}`),
  );
  const seen = new Set<string>();
  return entries.map((entry, i) => {
    const field = `entries[${i}]`;
    const label = validateCertificateLabel(entry.label, `${field}.label`);
    if (seen.has(label)) {
      throw new InputError(
        `${field}.label: '${label}' is used twice; each personal certificate needs its own label`,
      );
    }
    seen.add(label);
    const own = parseCertificateBundle(
      entry.certificatePem,
      `${field}.certificatePem`,
    );
    const keyBundle = parseCertificateBundle(
      entry.privateKeyPem,
      `${field}.privateKeyPem`,
    );
    const key = keyBundle.privateKey ?? own.privateKey;
    if (!key)
      throw new InputError(
        `${field}.privateKeyPem: no private key block found`,
      );
    const certs = [
      ...own.certificates,
      ...keyBundle.certificates,
      ...(entry.chainPem ?? []).flatMap((pem, j) =>
        parseCertificates(pem, `${field}.chainPem[${j}]`),
      ),
    ];
    if (certs.length === 0)
      throw new InputError(
        `${field}.certificatePem: no CERTIFICATE block found`,
      );
    const ordered = orderChain(certs, { privateKey: key, trustAnchors });
    if (options.requireCompleteChain || trustAnchors.length > 0) {
      assertChainComplete(ordered, `${field} (${label})`);
    }
    return {
      label,
      leaf: ordered.leaf,
      key,
      chain: ordered.issuers,
      warnings: ordered.problems.map(p => `${label}: ${p}`),
    };
  });
}

/** What a built key repository reports of its entries (never key material). */
export function describeBuilt(
  prepared: PreparedEntry[],
): Pick<BuiltKeystore, 'labels' | 'certificates' | 'warnings'> {
  return {
    labels: prepared.map(e => e.label),
    certificates: prepared.map(e => {
      const summary = summarizeCertificate(e.leaf);
      return {
        label: e.label,
        serialNumber: summary.serialNumber,
        notAfter: summary.notAfter,
        fingerprintSha256: summary.fingerprintSha256,
      };
    }),
    warnings: prepared.flatMap(e => e.warnings),
  };
}
