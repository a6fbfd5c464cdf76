import { createHmac, timingSafeEqual, randomBytes } from 'node:crypto';
import {
  decodeOid,
  decodeSmallInteger,
  der,
  derChildren,
  DerNode,
  expectTag,
  TAG,
} from '../../certificates/der';
import { describeOid, OID } from '../../certificates/oids';
import { KeystoreReadError } from '../errors';
import { bmpPassword, KDF_ID, pkcs12Kdf } from './kdf';

const DIGESTS: Record<string, { oid: string; length: number }> = {
  sha1: { oid: OID.sha1, length: 20 },
  sha224: { oid: OID.sha224, length: 28 },
  sha256: { oid: OID.sha256, length: 32 },
  sha384: { oid: OID.sha384, length: 48 },
  sha512: { oid: OID.sha512, length: 64 },
};
const DIGEST_BY_OID = Object.fromEntries(
  Object.entries(DIGESTS).map(([n, d]) => [d.oid, n]),
);

function macOf(
  digest: string,
  password: string,
  salt: Buffer,
  iterations: number,
  data: Buffer,
) {
  const key = pkcs12Kdf(
    digest,
    bmpPassword(password),
    salt,
    KDF_ID.mac,
    iterations,
    DIGESTS[digest].length,
  );
  return createHmac(digest, key).update(data).digest();
}

/** MacData over the AuthenticatedSafe bytes (RFC 7292 §4). */
export function createMacData(
  digest: 'sha1' | 'sha256',
  password: string,
  authSafe: Buffer,
  iterations: number,
  saltLength: number,
): Buffer {
  const salt = randomBytes(saltLength);
  return der.seq(
    der.seq(
      der.algorithm(DIGESTS[digest].oid, der.null()),
      der.octets(macOf(digest, password, salt, iterations, authSafe)),
    ),
    der.octets(salt),
    der.uint(iterations),
  );
}

/**
 * Checks MacData; a mismatch means a wrong password (or a damaged file,
 * which the size and structure checks before this make unlikely). Returns
 * the MAC's description for the inspection report.
 */
export function verifyMacData(
  macData: DerNode,
  password: string,
  authSafe: Buffer,
): { digest: string; iterations: number } {
  const [digestInfo, saltNode, iterNode] = derChildren(macData);
  const [algorithm, value] = derChildren(
    expectTag(digestInfo, TAG.SEQUENCE, 'MAC'),
  );
  const oid = decodeOid(derChildren(algorithm)[0].content);
  const digest = DIGEST_BY_OID[oid];
  if (!digest) {
    const name = describeOid(oid);
    throw new KeystoreReadError(
      `the PKCS#12 file's integrity MAC uses ${name}, which this server cannot verify; rebuild it with profile aes256 or compat-3des (OpenSSL 3.4+: export without -pbmac1_pbkdf2)`,
      'unsupported-algorithm',
      name,
    );
  }
  const salt = expectTag(saltNode, TAG.OCTET_STRING, 'MAC salt').content;
  const iterations = iterNode ? decodeSmallInteger(iterNode.content) : 1;
  if (iterations < 1 || iterations > 10_000_000) {
    throw new KeystoreReadError(
      `the PKCS#12 MAC asks for ${iterations} iterations, which is out of range`,
      'malformed',
    );
  }
  const expected = expectTag(value, TAG.OCTET_STRING, 'MAC value').content;
  const actual = macOf(digest, password, salt, iterations, authSafe);
  if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) {
    throw new KeystoreReadError(
      'wrong password: the PKCS#12 integrity check failed with the password given; use the keystore password stored in Vault',
      'wrong-password',
    );
  }
  return { digest, iterations };
}
