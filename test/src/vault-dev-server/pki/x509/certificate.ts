import crypto, { KeyObject, X509Certificate } from 'node:crypto';
import {
  Asn1,
  bits,
  bool,
  children,
  decode,
  directoryString,
  encode,
  explicit,
  implicit,
  nul,
  octets,
  oid,
  seq,
  set,
  smallInt,
  time,
  uint,
} from './der';
import { ipToBytes } from './ip';
import { keyInfo, spkiDer } from './keys';

/** OIDs of the subject attributes Vault roles can set, in Go's RDN order. */
const NAME_OIDS = {
  country: '2.5.4.6',
  province: '2.5.4.8',
  locality: '2.5.4.7',
  street_address: '2.5.4.9',
  postal_code: '2.5.4.17',
  organization: '2.5.4.10',
  ou: '2.5.4.11',
  common_name: '2.5.4.3',
  serial_number: '2.5.4.5',
} as const;

export type NameFields = Partial<Record<keyof typeof NAME_OIDS, string[]>>;

/** DER of an X.501 Name, attributes in the order Go's pkix.Name emits them. */
export function encodeName(fields: NameFields): Buffer {
  const rdns: Asn1[] = [];
  for (const [key, attrOid] of Object.entries(NAME_OIDS)) {
    for (const value of fields[key as keyof NameFields] ?? []) {
      if (!value) continue;
      rdns.push(set([seq([oid(attrOid), directoryString(value)])]));
    }
  }
  return encode(seq(rdns));
}

/** Key usage names as Vault spells them, mapped to their bit (x509.KeyUsage order). */
export const KEY_USAGE_BITS: Record<string, number> = {
  digitalsignature: 0,
  contentcommitment: 1,
  keyencipherment: 2,
  dataencipherment: 3,
  keyagreement: 4,
  certsign: 5,
  crlsign: 6,
  encipheronly: 7,
  decipheronly: 8,
};

export const EXT_KEY_USAGE_OIDS: Record<string, string> = {
  any: '2.5.29.37.0',
  serverauth: '1.3.6.1.5.5.7.3.1',
  clientauth: '1.3.6.1.5.5.7.3.2',
  codesigning: '1.3.6.1.5.5.7.3.3',
  emailprotection: '1.3.6.1.5.5.7.3.4',
  ipsecendsystem: '1.3.6.1.5.5.7.3.5',
  ipsectunnel: '1.3.6.1.5.5.7.3.6',
  ipsecuser: '1.3.6.1.5.5.7.3.7',
  timestamping: '1.3.6.1.5.5.7.3.8',
  ocspsigning: '1.3.6.1.5.5.7.3.9',
};

function keyUsageBits(usages: string[]): Asn1 {
  const positions = usages.map(u => {
    const bit = KEY_USAGE_BITS[u.toLowerCase()];
    if (bit === undefined) throw new Error(`unknown key usage ${u}`);
    return bit;
  });
  const last = Math.max(...positions);
  const bytes = Buffer.alloc(Math.floor(last / 8) + 1);
  for (const p of positions) bytes[p >> 3] |= 0x80 >> (p & 7);
  const unused = 7 - (last % 8);
  // A named bit list drops trailing zero bits; record how many are unused.
  return bits(bytes, unused);
}

function extension(extOid: string, critical: boolean, value: Asn1): Asn1 {
  return seq([
    oid(extOid),
    ...(critical ? [bool(true)] : []),
    octets(encode(value)),
  ]);
}

/** RFC 5280 method 1 key identifier: SHA-1 of the subjectPublicKey bits. */
export function subjectKeyId(publicKey: KeyObject): Buffer {
  const spki = decode(spkiDer(publicKey));
  const keyBits = Buffer.from(children(spki)[1].value as string, 'latin1');
  return crypto.createHash('sha1').update(keyBits.subarray(1)).digest();
}

interface SignatureAlgorithm {
  identifier: Asn1;
  hash: string | null;
}

export function signatureAlgorithmFor(
  signingKey: KeyObject,
): SignatureAlgorithm {
  const { type, bits: keyBits } = keyInfo(signingKey);
  if (type === 'rsa') {
    return {
      identifier: seq([oid('1.2.840.113549.1.1.11'), nul()]),
      hash: 'sha256',
    };
  }
  if (type === 'ec') {
    if (keyBits === 384)
      return { identifier: seq([oid('1.2.840.10045.4.3.3')]), hash: 'sha384' };
    if (keyBits === 521)
      return { identifier: seq([oid('1.2.840.10045.4.3.4')]), hash: 'sha512' };
    return { identifier: seq([oid('1.2.840.10045.4.3.2')]), hash: 'sha256' };
  }
  return { identifier: seq([oid('1.3.101.112')]), hash: null };
}

export interface SubjectAltNames {
  dns?: string[];
  emails?: string[];
  ips?: string[];
  uris?: string[];
}

export interface CertificateTemplate {
  /** Serial magnitude, big-endian (no sign byte). */
  serial: Buffer;
  subject: Buffer;
  issuer: Buffer;
  notBefore: Date;
  notAfter: Date;
  publicKey: KeyObject;
  signingKey: KeyObject;
  /** Key id of the signer; sets authorityKeyIdentifier. */
  authorityKeyId?: Buffer;
  /** A CA certificate; maxPathLength < 0 leaves the path length open. */
  ca?: { maxPathLength: number };
  keyUsage: string[];
  extKeyUsageOids?: string[];
  altNames?: SubjectAltNames;
}

function generalNames(san: SubjectAltNames): Asn1 {
  return seq([
    ...(san.emails ?? []).map(e => implicit(1, e)),
    ...(san.dns ?? []).map(d => implicit(2, d)),
    ...(san.uris ?? []).map(u => implicit(6, u)),
    ...(san.ips ?? []).map(ip => implicit(7, ipToBytes(ip))),
  ]);
}

/** Builds and signs an X.509 v3 certificate; returns its DER. */
export function buildCertificate(t: CertificateTemplate): Buffer {
  const ski = subjectKeyId(t.publicKey);
  const exts: Asn1[] = [];
  if (t.keyUsage.length > 0)
    exts.push(extension('2.5.29.15', true, keyUsageBits(t.keyUsage)));
  if (t.extKeyUsageOids && t.extKeyUsageOids.length > 0) {
    exts.push(
      extension('2.5.29.37', false, seq(t.extKeyUsageOids.map(o => oid(o)))),
    );
  }
  if (t.ca) {
    const bc: Asn1[] = [bool(true)];
    if (t.ca.maxPathLength >= 0) bc.push(smallInt(t.ca.maxPathLength));
    exts.push(extension('2.5.29.19', true, seq(bc)));
  }
  exts.push(extension('2.5.29.14', false, octets(ski)));
  if (t.authorityKeyId) {
    exts.push(
      extension('2.5.29.35', false, seq([implicit(0, t.authorityKeyId)])),
    );
  }
  const san = t.altNames ?? {};
  const sanCount =
    (san.dns?.length ?? 0) +
    (san.emails?.length ?? 0) +
    (san.ips?.length ?? 0) +
    (san.uris?.length ?? 0);
  if (sanCount > 0) exts.push(extension('2.5.29.17', false, generalNames(san)));

  const sigAlg = signatureAlgorithmFor(t.signingKey);
  const tbs = seq([
    explicit(0, smallInt(2)),
    uint(t.serial),
    sigAlg.identifier,
    decode(t.issuer),
    seq([time(t.notBefore), time(t.notAfter)]),
    decode(t.subject),
    decode(spkiDer(t.publicKey)),
    explicit(3, seq(exts)),
  ]);
  const tbsDer = encode(tbs);
  const signature = crypto.sign(sigAlg.hash, tbsDer, t.signingKey);
  return encode(seq([tbs, sigAlg.identifier, bits(signature)]));
}

/** The DER of a certificate's subject Name, exactly as encoded in it. */
export function subjectDerOf(certDer: Buffer): Buffer {
  const tbs = children(children(decode(certDer))[0]);
  const offset = tbs[0].tagClass === 0x80 ? 1 : 0;
  return encode(tbs[offset + 4]);
}

/** True when the certificate is self-issued and verifies with its own key. */
export function isSelfSigned(cert: X509Certificate): boolean {
  return cert.subject === cert.issuer && cert.verify(cert.publicKey);
}
