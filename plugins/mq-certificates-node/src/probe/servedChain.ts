/*
 * Reading and verifying what a TLS listener served. The probe connects
 * without trusting anything (so a bad chain never stops it), then verifies
 * the served chain itself against the configured CAs: signatures, issuer
 * names and validity dates. Host names are not checked: MQ clients select
 * certificates by label and SNI, not by host name.
 */
import { X509Certificate } from 'node:crypto';
import { formatDistinguishedName } from '../certificates/summary';

/**
 * The certificates the peer sent, leaf first: node links each certificate
 * to its issuer among those the peer sent (`issuerCertificate`), so this is
 * the sent chain in issuing order (sent certificates off the leaf's path are
 * not exposed). The probe's secure context trusts nothing, so no CA from a
 * trust store is added. Far cheaper than `getPeerCertificate(true)`, which
 * converts every field of every certificate into JavaScript objects.
 */
export function servedCertificates(
  leaf: X509Certificate | undefined,
): X509Certificate[] {
  const out: X509Certificate[] = [];
  let current = leaf;
  while (current && out.length < 16) {
    out.push(current);
    const next: X509Certificate | undefined = current.issuerCertificate;
    if (!next || next.raw.equals(current.raw)) break;
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

/**
 * Signature verdicts by (issuer, subject) certificate fingerprints. A fleet
 * serves few distinct chains, and a signature over fixed bytes never changes
 * its verdict, so a probe sweep verifies each link once instead of once per
 * listener (an RSA verification costs about as much as a tenth of a loopback
 * handshake). Validity dates are still checked on every probe.
 */
const SIGNATURE_CACHE_SIZE = 512;
const signatureVerdicts = new Map<string, boolean>();

function issued(parent: X509Certificate, child: X509Certificate): boolean {
  if (!child.checkIssued(parent)) return false;
  const key = `${parent.fingerprint256}>${child.fingerprint256}`;
  let verdict = signatureVerdicts.get(key);
  if (verdict === undefined) {
    verdict = child.verify(parent.publicKey);
    if (signatureVerdicts.size >= SIGNATURE_CACHE_SIZE) {
      // Oldest first: Map keeps insertion order.
      signatureVerdicts.delete(signatureVerdicts.keys().next().value!);
    }
    signatureVerdicts.set(key, verdict);
  }
  return verdict;
}

function validityProblem(
  cert: X509Certificate,
  now: number,
): string | undefined {
  // The name is formatted only for a problem: this runs for every
  // certificate of every probe, and most are within their dates.
  const name = () => formatDistinguishedName(cert.subject);
  if (Date.parse(cert.validTo) < now)
    return `certificate '${name()}' expired on ${new Date(
      cert.validTo,
    ).toISOString()}`;
  if (Date.parse(cert.validFrom) > now)
    return `certificate '${name()}' is not valid before ${new Date(
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
