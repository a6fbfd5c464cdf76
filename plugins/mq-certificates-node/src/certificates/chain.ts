import { KeyObject, X509Certificate } from 'node:crypto';
import { InputError } from '@backstage/errors';
import { readKeyIdentifiers } from './extensions';
import { keyMatchesCertificate } from './privateKey';
import { formatDistinguishedName } from './summary';

/** A leaf and its issuers, as found in what was given (and the trust anchors). */
export interface OrderedChain {
  leaf: X509Certificate;
  /** The leaf's issuer first, then its issuer, … (the root last when known). */
  issuers: X509Certificate[];
  /** Whether the last certificate of the path is self-signed (a root). */
  endsAtRoot: boolean;
  /** When trust anchors were given: the anchor the path reaches, if any. */
  anchor?: X509Certificate;
  /** Whether the anchor was taken from the trust anchors (it was not among the given certificates). */
  anchorAdded: boolean;
  /** Given certificates that are not on the leaf's path. */
  unused: X509Certificate[];
  /** Missing link, path not ending at a trust anchor, bad signature: in plain words. */
  problems: string[];
}

/** Options of {@link orderChain}. */
export interface OrderChainOptions {
  /** The private key of the leaf: picks the leaf among the certificates. */
  privateKey?: KeyObject;
  /** The leaf, when the caller knows it. */
  leaf?: X509Certificate;
  /** CA certificates the path must end at (roots, or intermediates trusted as anchors). */
  trustAnchors?: X509Certificate[];
}

const name = (dn: string) => formatDistinguishedName(dn);

function sameCert(a: X509Certificate, b: X509Certificate): boolean {
  return a.raw.equals(b.raw);
}

/**
 * Whether `parent` may have issued `child`: by key identifiers when both
 * carry them (authority key id of the child = subject key id of the parent),
 * otherwise by names.
 */
export function mayHaveIssued(
  parent: X509Certificate,
  child: X509Certificate,
): boolean {
  const aki = readKeyIdentifiers(child).authorityKeyId;
  const ski = readKeyIdentifiers(parent).subjectKeyId;
  if (aki && ski) return aki === ski;
  return child.issuer === parent.subject;
}

const verified = new WeakMap<
  X509Certificate,
  WeakMap<X509Certificate, boolean>
>();

/** Whether `parent`'s key verifies `child`'s signature (memoised: ordering asks twice). */
function signedBy(child: X509Certificate, parent: X509Certificate): boolean {
  let byParent = verified.get(child);
  if (!byParent) {
    byParent = new WeakMap();
    verified.set(child, byParent);
  }
  let ok = byParent.get(parent);
  if (ok === undefined) {
    ok = child.verify(parent.publicKey);
    byParent.set(parent, ok);
  }
  return ok;
}

/** Whether the certificate is self-issued and self-signed. */
export function isSelfSigned(cert: X509Certificate): boolean {
  return mayHaveIssued(cert, cert) && signedBy(cert, cert);
}

/** The issuer of `child` among `candidates`, preferring one whose signature verifies. */
function findIssuer(
  child: X509Certificate,
  candidates: X509Certificate[],
): X509Certificate | undefined {
  const matches = candidates.filter(
    c => !sameCert(c, child) && mayHaveIssued(c, child),
  );
  return matches.find(c => signedBy(child, c)) ?? matches[0];
}

function pickLeaf(
  certs: X509Certificate[],
  options: OrderChainOptions,
): X509Certificate {
  if (options.leaf) return options.leaf;
  if (options.privateKey) {
    const leaf = certs.find(c => keyMatchesCertificate(options.privateKey!, c));
    if (!leaf) {
      throw new InputError(
        `the private key matches none of the ${certs.length} certificate(s) given; supply the certificate issued for this key`,
      );
    }
    return leaf;
  }
  // The leaf issued nothing else in the set.
  const candidates = certs.filter(
    c => !certs.some(other => !sameCert(other, c) && mayHaveIssued(c, other)),
  );
  const nonCa = candidates.filter(c => !c.ca);
  const pick = nonCa.length === 1 ? nonCa : candidates;
  if (pick.length !== 1) {
    throw new InputError(
      `cannot tell which of the ${certs.length} certificates is the leaf (${pick.length} candidates); give one leaf with its chain`,
    );
  }
  return pick[0];
}

/**
 * Orders certificates given in any order (root first, shuffled, with
 * duplicates) into the leaf and its issuers, by authority/subject key
 * identifiers (names when a certificate lacks them). Reports a missing link,
 * a path that does not end at a configured trust anchor, and signatures that
 * do not verify; when the path stops one step short of a trust anchor, the
 * anchor completes it (`anchorAdded`).
 */
export function orderChain(
  certs: X509Certificate[],
  options: OrderChainOptions = {},
): OrderedChain {
  if (certs.length === 0) throw new InputError('no certificate given');
  const unique = certs.filter(
    (c, i) => certs.findIndex(o => sameCert(o, c)) === i,
  );
  const leaf = pickLeaf(unique, options);
  const anchors = options.trustAnchors ?? [];
  const result: OrderedChain = {
    leaf,
    issuers: [],
    endsAtRoot: false,
    anchorAdded: false,
    unused: [],
    problems: [],
  };
  const isAnchor = (c: X509Certificate) => anchors.some(a => sameCert(a, c));
  let remaining = unique.filter(c => !sameCert(c, leaf));
  let current = leaf;
  for (let step = 0; step <= unique.length + anchors.length; step++) {
    if (isAnchor(current)) result.anchor = current;
    if (isSelfSigned(current)) {
      result.endsAtRoot = true;
      break;
    }
    let parent = findIssuer(current, remaining);
    if (!parent && !result.anchor) {
      parent = findIssuer(current, anchors);
      if (parent) result.anchorAdded = true;
    }
    if (!parent) {
      if (!result.anchor) {
        const aki = readKeyIdentifiers(current).authorityKeyId;
        result.problems.push(
          `missing link: no certificate for '${name(current.issuer)}'${
            aki ? ` (key id ${aki})` : ''
          }, the issuer of '${name(current.subject)}'; add it to the chain`,
        );
      }
      break;
    }
    if (!signedBy(current, parent)) {
      result.problems.push(
        `the signature of '${name(
          current.subject,
        )}' does not verify with the key of '${name(
          parent.subject,
        )}'; the chain mixes certificates of different CAs`,
      );
    }
    result.issuers.push(parent);
    remaining = remaining.filter(c => !sameCert(c, parent!));
    current = parent;
  }
  if (anchors.length > 0 && !result.anchor) {
    result.problems.push(
      `the chain of '${name(leaf.subject)}' ends at '${name(
        current.subject,
      )}', which is not a configured trust anchor; check the CA or the trust anchors in the configuration`,
    );
  }
  result.unused = remaining;
  return result;
}

/** Throws an InputError naming every problem of an ordered chain. */
export function assertChainComplete(
  chain: OrderedChain,
  field = 'certificate chain',
): void {
  if (chain.problems.length > 0) {
    throw new InputError(`${field}: ${chain.problems.join('; ')}`);
  }
}
