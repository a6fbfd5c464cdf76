import { KeyObject, X509Certificate } from 'node:crypto';
import { uuid } from '../core/ids';
import { parseDuration } from '../core/durations';
import {
  buildCertificate,
  encodeName,
  isSelfSigned,
  subjectDerOf,
  subjectKeyId,
} from './x509/certificate';
import { pemBlocks, toPem } from './x509/der';
import {
  exportPrivateKey,
  generateKey,
  importPrivateKey,
  KeyType,
} from './x509/keys';
import { randomSerial } from './serial';

export type LeafNotAfterBehavior = 'err' | 'truncate' | 'permit';

/** How a CA was made, kept so the control endpoint can rotate it. */
export interface CaSpec {
  common_name: string;
  key_type?: KeyType;
  key_bits?: number;
  /** Lifetime (Go duration or seconds); root default 87600h, intermediate 43800h. */
  ttl?: string | number;
  /** Absolute expiry (RFC 3339); wins over ttl. */
  not_after?: string;
  organization?: string;
  ou?: string;
  country?: string;
  max_path_length?: number;
}

/** An issuer as stored (and written to the state folder). */
export interface IssuerRecord {
  issuer_id: string;
  issuer_name: string;
  key_id: string;
  certificate: string;
  /** PKCS#8 PEM; absent for imported CAs (e.g. the parent root in pki_int). */
  private_key?: string;
  leaf_not_after_behavior: LeafNotAfterBehavior;
  usage: string;
  manual_chain: string[] | null;
  spec?: CaSpec;
  /** For intermediates: where the signing parent lives (mount path, issuer id). */
  parent?: { mount: string; issuer_id: string };
}

/** An issuer with its certificate and key decoded. */
export class Issuer {
  readonly der: Buffer;
  readonly cert: X509Certificate;
  readonly key?: KeyObject;
  readonly subject: Buffer;
  readonly keyId: Buffer;

  constructor(readonly record: IssuerRecord) {
    this.der = pemBlocks(record.certificate, 'CERTIFICATE')[0];
    this.cert = new X509Certificate(this.der);
    this.key = record.private_key
      ? importPrivateKey(record.private_key)
      : undefined;
    this.subject = subjectDerOf(this.der);
    this.keyId = subjectKeyId(this.cert.publicKey);
  }

  get id() {
    return this.record.issuer_id;
  }

  get pem() {
    return this.record.certificate;
  }

  get notAfter(): Date {
    return new Date(this.cert.validTo);
  }

  get selfSigned(): boolean {
    return isSelfSigned(this.cert);
  }
}

export const DEFAULT_ISSUER_USAGE =
  'crl-signing,issuing-certificates,ocsp-signing,read-only';

function caName(spec: CaSpec): Buffer {
  return encodeName({
    common_name: [spec.common_name],
    organization: spec.organization ? [spec.organization] : [],
    ou: spec.ou ? [spec.ou] : [],
    country: spec.country ? [spec.country] : [],
  });
}

function notAfterOf(spec: CaSpec, defaultTtl: string, now: number): Date {
  if (spec.not_after) return new Date(spec.not_after);
  return new Date(now + (parseDuration(spec.ttl ?? defaultTtl) ?? 0));
}

export interface SignedCa {
  certificate: string;
  privateKey: string;
  /** Serial as the certificate holds it (for the signer's cert store). */
  der: Buffer;
}

/** A self-signed root, as `root/generate/internal` makes it. */
export async function createRootCa(spec: CaSpec): Promise<SignedCa> {
  const now = Date.now();
  const { privateKey, publicKey } = await generateKey(
    spec.key_type ?? 'rsa',
    spec.key_bits ?? 0,
  );
  const name = caName(spec);
  const der = buildCertificate({
    serial: randomSerial(),
    subject: name,
    issuer: name,
    notBefore: new Date(now - 30_000),
    notAfter: notAfterOf(spec, '87600h', now),
    publicKey,
    signingKey: privateKey,
    authorityKeyId: subjectKeyId(publicKey),
    ca: { maxPathLength: spec.max_path_length ?? -1 },
    keyUsage: ['CertSign', 'CRLSign'],
  });
  return {
    certificate: toPem(der, 'CERTIFICATE'),
    privateKey: exportPrivateKey(privateKey),
    der,
  };
}

/**
 * An intermediate signed by `parent`, as `intermediate/generate/internal` +
 * `root/sign-intermediate` + `intermediate/set-signed` make it. Its lifetime
 * is cut to the parent's so seeds never fail on it.
 */
export async function createIntermediateCa(
  spec: CaSpec,
  parent: Issuer,
): Promise<SignedCa> {
  if (!parent.key)
    throw new Error(
      `issuer ${parent.record.issuer_name} has no key to sign with`,
    );
  const now = Date.now();
  const { privateKey, publicKey } = await generateKey(
    spec.key_type ?? 'rsa',
    spec.key_bits ?? 0,
  );
  let notAfter = notAfterOf(spec, '43800h', now);
  if (notAfter > parent.notAfter) notAfter = parent.notAfter;
  const der = buildCertificate({
    serial: randomSerial(),
    subject: caName(spec),
    issuer: parent.subject,
    notBefore: new Date(now - 30_000),
    notAfter,
    publicKey,
    signingKey: parent.key,
    authorityKeyId: parent.keyId,
    ca: { maxPathLength: spec.max_path_length ?? -1 },
    keyUsage: ['CertSign', 'CRLSign'],
  });
  return {
    certificate: toPem(der, 'CERTIFICATE'),
    privateKey: exportPrivateKey(privateKey),
    der,
  };
}

export function newIssuerRecord(
  fields: Partial<IssuerRecord> & { certificate: string },
): IssuerRecord {
  const id = uuid();
  return {
    issuer_id: id,
    issuer_name: '',
    key_id: fields.private_key ? uuid() : '',
    leaf_not_after_behavior: 'err',
    usage: DEFAULT_ISSUER_USAGE,
    manual_chain: null,
    ...fields,
  };
}
