/*
 * Reading and verifying what a TLS listener served. The probe connects
 * without trusting anything (so a bad chain never stops it), then verifies
 * the served chain itself against the configured CAs: signatures, issuer
 * names and validity dates. Host names are not checked: MQ clients select
 * certificates by label and SNI, not by host name.
 */
import { X509Certificate } from 'node:crypto';
import type { PeerCertificate } from 'node:tls';
import { formatDistinguishedName } from '../certificates/summary';

/**
 * The certificates the peer sent, leaf first, as node exposes them: the
 * chain ordered by issuance (certificates the server sent that are not on
 * the leaf's path are not exposed by node). The probe's secure context
 * trusts nothing, so no CA certificate from a trust store is added here.
 */
export function servedCertificates(
  peer: PeerCertificate | undefined,
): X509Certificate[] {
  const out: X509Certificate[] = [];
  const seen = new Set<string>();
  let current = peer as
    | (PeerCertificate & { issuerCertificate?: PeerCertificate })
    | undefined;
  while (current?.raw && out.length < 16) {
    const key = current.fingerprint256;
    if (seen.has(key)) break;
    seen.add(key);
    out.push(new X509Certificate(current.raw));
    const next = current.issuerCertificate;
    if (!next || next === current) break;
    current = next;
  }
  return out;
}

/** Outcome of {@link verifyServedChain}. */
export interface ChainVerification {
  trusted: boolean;
  /** Why not, in plain words. */
  error?: string;
}

function issued(parent: X509Certificate, child: X509Certificate): boolean {
  return child.checkIssued(parent) && child.verify(parent.publicKey);
}

function validityProblem(
  cert: X509Certificate,
  now: number,
): string | undefined {
  const name = formatDistinguishedName(cert.subject);
  if (Date.parse(cert.validTo) < now)
    return `certificate '${name}' expired on ${new Date(
      cert.validTo,
    ).toISOString()}`;
  if (Date.parse(cert.validFrom) > now)
    return `certificate '${name}' is not valid before ${new Date(
      cert.validFrom,
    ).toISOString()}`;
  return undefined;
}

/** The issuer of `cert` among the served certificates not yet on the path. */
function nextIssuer(
  cert: X509Certificate,
  served: X509Certificate[],
  used: Set<X509Certificate>,
): X509Certificate | undefined {
  return served.find(c => !used.has(c) && issued(c, cert));
}

/**
 * The verdict at one certificate of the path, or undefined to go on to its
 * issuer among the served certificates.
 */
function judgeLink(
  cert: X509Certificate,
  served: X509Certificate[],
  anchors: X509Certificate[],
  used: Set<X509Certificate>,
  now: number,
): ChainVerification | undefined {
  const problem = validityProblem(cert, now);
  if (problem) return { trusted: false, error: problem };
  if (anchors.some(a => a.raw.equals(cert.raw))) return { trusted: true };
  const anchor = anchors.find(a => issued(a, cert));
  if (anchor) {
    const anchorProblem = validityProblem(anchor, now);
    return anchorProblem
      ? { trusted: false, error: `trusted CA ${anchorProblem}` }
      : { trusted: true };
  }
  if (nextIssuer(cert, served, used)) return undefined;
  const subject = formatDistinguishedName(cert.subject);
  const issuer = formatDistinguishedName(cert.issuer);
  return {
    trusted: false,
    error:
      subject === issuer
        ? `the chain ends at the self-signed '${subject}', which is not a configured CA`
        : `the chain does not reach a configured CA: no certificate from '${issuer}' (the issuer of '${subject}') was served or configured`,
  };
}

/**
 * Verifies the served chain against trust anchors (roots, or intermediates
 * trusted as anchors): each link's issuer name and signature, and every
 * certificate's validity on the path.
 */
export function verifyServedChain(
  served: X509Certificate[],
  anchors: X509Certificate[],
  now: number = Date.now(),
): ChainVerification {
  if (served.length === 0)
    return { trusted: false, error: 'no certificate was served' };
  if (anchors.length === 0) {
    return {
      trusted: false,
      error:
        'no CA is configured to verify against; set the probe CA (mqCertificates.probe.ca)',
    };
  }
  const used = new Set<X509Certificate>([served[0]]);
  let current: X509Certificate | undefined = served[0];
  for (let depth = 0; current && depth <= served.length; depth++) {
    const verdict = judgeLink(current, served, anchors, used, now);
    if (verdict) return verdict;
    current = nextIssuer(current, served, used);
    if (current) used.add(current);
  }
  return { trusted: false, error: 'the served chain loops' };
}
