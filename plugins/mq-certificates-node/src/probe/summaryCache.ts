import type { X509Certificate } from 'node:crypto';
import type { CertificateSummary } from '@mqcert/plugin-mq-certificates-common';
import { summarizeCertificate } from '../certificates/summary';

/**
 * Summaries of served certificates by SHA-256 fingerprint. A probe sweep over
 * a fleet sees the same few certificates on many listeners, and a summary is
 * a pure function of the certificate's bytes; building one (public key
 * object, SAN parsing, dates, a second hash) costs a noticeable share of a
 * loopback handshake, which `npm run bench:probe` measures.
 */
const CACHE_SIZE = 512;
const summaries = new Map<string, CertificateSummary>();

/** summarizeCertificate, remembered; every call gets its own copy. */
export function summarizeServedCertificate(
  cert: X509Certificate,
): CertificateSummary {
  const key = cert.fingerprint256;
  let summary = summaries.get(key);
  if (!summary) {
    summary = summarizeCertificate(cert);
    if (summaries.size >= CACHE_SIZE) {
      // Oldest first: Map keeps insertion order.
      summaries.delete(summaries.keys().next().value!);
    }
    summaries.set(key, summary);
  }
  return { ...summary, subjectAltNames: [...summary.subjectAltNames] };
}
