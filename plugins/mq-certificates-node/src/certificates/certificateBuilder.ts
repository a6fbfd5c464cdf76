import {
  createHash,
  createPublicKey,
  KeyObject,
  randomBytes,
  sign,
  X509Certificate,
} from 'node:crypto';
import { isIP } from 'node:net';
import { InputError } from '@backstage/errors';
import { der, derChildren, readDer, TAG, tlv } from './der';
import { readKeyIdentifiers } from './extensions';
import { OID } from './oids';

/** What {@link createCertificate} puts into a certificate. */
export interface CertificateTemplate {
  /** RFC 4514-style, most specific first: `CN=qm1.example.com,O=Example`. Only CN, O, OU, C. */
  subject: string;
  /** The key pair's public half (or the private key, whose public half is used). */
  publicKey: KeyObject;
  /** The issuer; omitted means self-signed with `signingKey`. */
  issuer?: X509Certificate;
  /** The issuer's private key (or the certificate's own for a self-signed one). */
  signingKey: KeyObject;
  /** Hex in any form (`cc:3f…`, `CC3F…`); encoded as a positive INTEGER. Random 16 bytes by default. */
  serialNumber?: string;
  notBefore?: Date;
  notAfter?: Date;
  isCa?: boolean;
  dnsNames?: string[];
  ipAddresses?: string[];
  /** Write subject/authority key identifiers (default true). */
  keyIdentifiers?: boolean;
}

const NAME_OIDS: Record<string, string> = {
  CN: OID.commonName,
  O: OID.organizationName,
  OU: OID.organizationalUnitName,
  C: OID.countryName,
};

function encodeName(dn: string): Buffer {
  const rdns = dn
    .split(',')
    .map(part => part.trim())
    .filter(Boolean)
    .reverse()
    .map(part => {
      const [key, ...rest] = part.split('=');
      const oid = NAME_OIDS[key.trim().toUpperCase()];
      if (!oid || rest.length === 0) {
        throw new InputError(
          `subject: '${part}' is not one of CN=, O=, OU=, C=`,
        );
      }
      const value = rest.join('=').trim();
      return der.set(
        der.seq(
          der.oid(oid),
          oid === OID.countryName ? der.printable(value) : der.utf8(value),
        ),
      );
    });
  return der.seq(...rdns);
}

function subjectNameDer(cert: X509Certificate): Buffer {
  const tbs = derChildren(readDer(cert.raw))[0];
  const parts = derChildren(tbs);
  const offset = parts[0].tag === 0xa0 ? 1 : 0;
  return parts[offset + 4].raw;
}

function signatureAlgorithm(key: KeyObject): { oid: string; hash: string } {
  if (key.asymmetricKeyType === 'rsa')
    return { oid: OID.sha256WithRSAEncryption, hash: 'sha256' };
  if (key.asymmetricKeyType === 'ec') {
    return key.asymmetricKeyDetails?.namedCurve === 'secp384r1'
      ? { oid: OID.ecdsaWithSha384, hash: 'sha384' }
      : { oid: OID.ecdsaWithSha256, hash: 'sha256' };
  }
  throw new InputError(
    `signing key: ${key.asymmetricKeyType} keys are not supported; use RSA or EC`,
  );
}

function extension(oid: string, critical: boolean, value: Buffer): Buffer {
  return critical
    ? der.seq(der.oid(oid), der.bool(true), der.octets(value))
    : der.seq(der.oid(oid), der.octets(value));
}

function keyUsage(isCa: boolean, keyType: string | undefined): Buffer {
  // BIT STRING: first content byte is the count of unused bits.
  if (isCa) return tlv(TAG.BIT_STRING, Buffer.from([1, 0x06])); // keyCertSign, cRLSign
  return keyType === 'rsa'
    ? tlv(TAG.BIT_STRING, Buffer.from([5, 0xa0])) // digitalSignature, keyEncipherment
    : tlv(TAG.BIT_STRING, Buffer.from([7, 0x80])); // digitalSignature
}

function ipBytes(ip: string): Buffer {
  if (isIP(ip) === 4) return Buffer.from(ip.split('.').map(Number));
  const halves = ip.split('::');
  const words = (s: string) =>
    s ? s.split(':').map(w => parseInt(w, 16)) : [];
  const head = words(halves[0]);
  const tail = halves.length > 1 ? words(halves[1]) : [];
  const all = [
    ...head,
    ...new Array(8 - head.length - tail.length).fill(0),
    ...tail,
  ];
  const out = Buffer.alloc(16);
  all.forEach((w, i) => out.writeUInt16BE(w, i * 2));
  return out;
}

/**
 * Creates and signs an X.509 v3 certificate with node:crypto: RSA or EC
 * (P-256/P-384) keys, any serial, SANs, key identifiers. For test PKIs and
 * local stand-ins (node-forge cannot write EC certificates).
 */
export function createCertificate(t: CertificateTemplate): X509Certificate {
  const publicKey =
    t.publicKey.type === 'private' ? createPublicKey(t.publicKey) : t.publicKey;
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  const alg = signatureAlgorithm(t.signingKey);
  const serial = t.serialNumber
    ? Buffer.from(t.serialNumber.replace(/[:\- ]/g, ''), 'hex')
    : randomBytes(16);
  const notBefore = t.notBefore ?? new Date(Date.now() - 60_000);
  const notAfter =
    t.notAfter ?? new Date(notBefore.getTime() + 30 * 86_400_000);
  const subject = encodeName(t.subject);
  const issuerName = t.issuer ? subjectNameDer(t.issuer) : subject;
  const isCa = t.isCa ?? false;

  const extensions: Buffer[] = [
    extension(
      OID.basicConstraints,
      true,
      isCa ? der.seq(der.bool(true)) : der.seq(),
    ),
    extension(OID.keyUsage, true, keyUsage(isCa, publicKey.asymmetricKeyType)),
  ];
  if (!isCa) {
    extensions.push(
      extension(
        OID.extKeyUsage,
        false,
        der.seq(der.oid(OID.serverAuth), der.oid(OID.clientAuth)),
      ),
    );
  }
  const sans = [
    ...(t.dnsNames ?? []).map(n =>
      der.implicitPrimitive(2, Buffer.from(n, 'ascii')),
    ),
    ...(t.ipAddresses ?? []).map(ip => der.implicitPrimitive(7, ipBytes(ip))),
  ];
  if (sans.length)
    extensions.push(extension(OID.subjectAltName, false, der.seq(...sans)));
  if (t.keyIdentifiers ?? true) {
    const ski = createHash('sha1').update(spki).digest();
    extensions.push(
      extension(OID.subjectKeyIdentifier, false, der.octets(ski)),
    );
    const issuerSki = t.issuer
      ? readKeyIdentifiers(t.issuer).subjectKeyId
      : ski.toString('hex');
    if (issuerSki) {
      extensions.push(
        extension(
          OID.authorityKeyIdentifier,
          false,
          der.seq(der.implicitPrimitive(0, Buffer.from(issuerSki, 'hex'))),
        ),
      );
    }
  }

  // RSA signature algorithms carry NULL parameters, ECDSA ones none (RFC 5758).
  const algorithm = der.algorithm(
    alg.oid,
    t.signingKey.asymmetricKeyType === 'rsa' ? der.null() : undefined,
  );
  const tbs = der.seq(
    der.explicit(0, der.uint(2)),
    der.uint(serial),
    algorithm,
    issuerName,
    der.seq(der.time(notBefore), der.time(notAfter)),
    subject,
    spki,
    der.explicit(3, der.seq(...extensions)),
  );
  const signature = sign(alg.hash, tbs, t.signingKey);
  return new X509Certificate(der.seq(tbs, algorithm, der.bits(signature)));
}
