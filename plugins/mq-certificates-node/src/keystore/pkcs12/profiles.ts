import { InputError } from '@backstage/errors';
import type { Pkcs12ProfileName } from '@mqcert/plugin-mq-certificates-common';
import type { PbeScheme } from './pbe';

// The names live in the common library, so entity annotations are checked
// against the same list the builder has profiles for.
export type { Pkcs12ProfileName };

/** How a PKCS#12 file is protected, and who reads it. */
export interface Pkcs12Profile {
  name: Pkcs12ProfileName;
  /** Encryption of the private key bags. */
  keyEncryption: PbeScheme;
  /** Encryption of the certificate safe. */
  certificateEncryption: PbeScheme;
  /** Digest of the integrity MAC (HMAC over the PKCS#12 KDF key). */
  macDigest: 'sha1' | 'sha256';
  iterations: number;
  saltLength: number;
  /** Who reads files of this profile (documentation, shown in the UI). */
  readers: string;
  /** `openssl pkcs12 -export` options that write the same algorithms. */
  opensslExportOptions: string[];
}

/**
 * The profiles. `aes256` is the default: it is what OpenSSL 3 writes by
 * default and what mq-container (MQ 9.3.5+) builds with go-pkcs12's
 * Modern2023 before importing into GSKit. `compat-3des` is the
 * pre-OpenSSL-3 default minus RC2 for the certificates (3DES for both, so
 * no reader needs OpenSSL's legacy provider).
 */
export const PKCS12_PROFILES: Record<Pkcs12ProfileName, Pkcs12Profile> = {
  aes256: {
    name: 'aes256',
    keyEncryption: 'pbes2-pbkdf2-sha256-aes256',
    certificateEncryption: 'pbes2-pbkdf2-sha256-aes256',
    macDigest: 'sha256',
    iterations: 2048,
    saltLength: 16,
    readers:
      'IBM MQ 9.3.5+ queue managers and runmqakm (GSKit 8.0.55+), OpenSSL 1.1.1 and 3, Java 11.0.12+/17+ keytool and JSSE, Node.js, Windows 10 1709+/Server 2019+',
    opensslExportOptions: [
      '-keypbe',
      'AES-256-CBC',
      '-certpbe',
      'AES-256-CBC',
      '-macalg',
      'sha256',
      '-iter',
      '2048',
    ],
  },
  'compat-3des': {
    name: 'compat-3des',
    keyEncryption: 'pkcs12-sha1-3des',
    certificateEncryption: 'pkcs12-sha1-3des',
    macDigest: 'sha1',
    iterations: 2048,
    saltLength: 8,
    readers:
      'older GSKit (MQ 9.0–9.3, iKeyman/strmqikm on IBM Java 8), Java 8 keytool, Windows Server 2016 and older, OpenSSL 1.0.x+ (no legacy provider needed: no RC2)',
    opensslExportOptions: [
      '-keypbe',
      'PBE-SHA1-3DES',
      '-certpbe',
      'PBE-SHA1-3DES',
      '-macalg',
      'sha1',
      '-iter',
      '2048',
    ],
  },
};

/** The profile used when none is named. */
export const DEFAULT_PKCS12_PROFILE: Pkcs12ProfileName = 'aes256';

/** Looks a profile up by name, refusing unknown names with the valid ones. */
export function pkcs12Profile(
  name: string | undefined,
  field = 'profile',
): Pkcs12Profile {
  const profile =
    PKCS12_PROFILES[(name ?? DEFAULT_PKCS12_PROFILE) as Pkcs12ProfileName];
  if (!profile) {
    throw new InputError(
      `${field}: '${name}' is not a PKCS#12 profile; use one of ${Object.keys(
        PKCS12_PROFILES,
      ).join(', ')}`,
    );
  }
  return profile;
}
