import crypto, { KeyObject } from 'node:crypto';
import {
  Asn1,
  bytesOf,
  children,
  decode,
  encode,
  isContext,
  oidOf,
  pemBlocks,
  stringOf,
} from './der';
import { bytesToIp } from './ip';

/** What Vault's sign endpoint takes from a CSR. */
export interface ParsedCsr {
  publicKey: KeyObject;
  commonName: string;
  dns: string[];
  emails: string[];
  ips: string[];
  uris: string[];
  /** The CSR asked for a Basic Constraints extension (Vault ignores it, with a warning). */
  hasBasicConstraints: boolean;
  signatureValid: boolean;
}

const SIGNATURE_HASHES: Record<string, string | null> = {
  '1.2.840.113549.1.1.5': 'sha1',
  '1.2.840.113549.1.1.11': 'sha256',
  '1.2.840.113549.1.1.12': 'sha384',
  '1.2.840.113549.1.1.13': 'sha512',
  '1.2.840.113549.1.1.14': 'sha224',
  '1.2.840.10045.4.1': 'sha1',
  '1.2.840.10045.4.3.1': 'sha224',
  '1.2.840.10045.4.3.2': 'sha256',
  '1.2.840.10045.4.3.3': 'sha384',
  '1.2.840.10045.4.3.4': 'sha512',
  '1.3.101.112': null,
};

/** Thrown with Vault's wording for CSRs it cannot use. */
export class CsrError extends Error {}

function readAltNames(extnValue: Buffer, out: ParsedCsr) {
  for (const gn of children(decode(extnValue))) {
    const raw = bytesOf(gn);
    if (isContext(gn, 1)) out.emails.push(raw.toString('latin1'));
    else if (isContext(gn, 2)) out.dns.push(raw.toString('latin1'));
    else if (isContext(gn, 6)) out.uris.push(raw.toString('latin1'));
    else if (isContext(gn, 7)) out.ips.push(bytesToIp(raw));
  }
}

function readExtensions(extensions: Asn1, out: ParsedCsr) {
  for (const ext of children(extensions)) {
    const parts = children(ext);
    const extOid = oidOf(parts[0]);
    const value = bytesOf(parts[parts.length - 1]);
    if (extOid === '2.5.29.17') readAltNames(value, out);
    if (extOid === '2.5.29.19') out.hasBasicConstraints = true;
  }
}

function verifySignature(
  info: Buffer,
  algorithm: Asn1,
  signature: Asn1,
  key: KeyObject,
): boolean {
  const algOid = oidOf(children(algorithm)[0]);
  const sig = bytesOf(signature).subarray(1);
  try {
    if (algOid === '1.2.840.113549.1.1.10') {
      // RSASSA-PSS: Go accepts it; SHA-256 with an auto-detected salt covers what tools emit.
      return crypto.verify(
        'sha256',
        info,
        {
          key,
          padding: crypto.constants.RSA_PKCS1_PSS_PADDING,
          saltLength: crypto.constants.RSA_PSS_SALTLEN_AUTO,
        },
        sig,
      );
    }
    if (!(algOid in SIGNATURE_HASHES)) return false;
    return crypto.verify(SIGNATURE_HASHES[algOid], info, key, sig);
  } catch {
    return false;
  }
}

/** Parses a PEM CSR the way Vault's signCert does, with its error texts. */
export function parseCsr(pem: string): ParsedCsr {
  if (!pem) throw new CsrError('"csr" is empty');
  const blocks = pemBlocks(pem);
  if (blocks.length === 0) throw new CsrError('csr contains no data');
  let root: Asn1;
  let parts: Asn1[];
  let infoParts: Asn1[];
  try {
    root = decode(blocks[0]);
    parts = children(root);
    infoParts = children(parts[0]);
  } catch (e) {
    throw new CsrError(
      `certificate request could not be parsed: asn1: structure error: ${
        (e as Error).message
      }`,
    );
  }
  let publicKey: KeyObject;
  try {
    publicKey = crypto.createPublicKey({
      key: encode(infoParts[2]),
      format: 'der',
      type: 'spki',
    });
  } catch {
    throw new CsrError(
      'Refusing to sign CSR with empty PublicKey. This usually means the SubjectPublicKeyInfo field has an OID not recognized by Go, such as 1.2.840.113549.1.1.10 for rsaPSS.',
    );
  }
  const out: ParsedCsr = {
    publicKey,
    commonName: '',
    dns: [],
    emails: [],
    ips: [],
    uris: [],
    hasBasicConstraints: false,
    signatureValid: verifySignature(
      encode(parts[0]),
      parts[1],
      parts[2],
      publicKey,
    ),
  };
  for (const rdn of children(infoParts[1])) {
    for (const atv of children(rdn)) {
      const [attrOid, value] = children(atv);
      if (oidOf(attrOid) === '2.5.4.3' && !out.commonName)
        out.commonName = stringOf(value);
    }
  }
  const attributes = infoParts[3];
  if (attributes && isContext(attributes, 0)) {
    for (const attr of children(attributes)) {
      const [attrOid, values] = children(attr);
      if (oidOf(attrOid) !== '1.2.840.113549.1.9.14') continue;
      for (const extensions of children(values))
        readExtensions(extensions, out);
    }
  }
  return out;
}
