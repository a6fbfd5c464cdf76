import {
  createCipheriv,
  createDecipheriv,
  getCiphers,
  pbkdf2Sync,
  randomBytes,
} from 'node:crypto';
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

/** How a PKCS#12 builder encrypts key bags and certificate safes. */
export type PbeScheme = 'pkcs12-sha1-3des' | 'pbes2-pbkdf2-sha256-aes256';

/** Encrypted bytes with the AlgorithmIdentifier that says how. */
export interface Encrypted {
  algorithm: Buffer;
  ciphertext: Buffer;
}

/** Encrypts with one of the schemes our profiles use. */
export function encrypt(
  scheme: PbeScheme,
  plaintext: Buffer,
  password: string,
  iterations: number,
  saltLength: number,
): Encrypted {
  const salt = randomBytes(saltLength);
  if (scheme === 'pkcs12-sha1-3des') {
    const bmp = bmpPassword(password);
    const key = pkcs12Kdf('sha1', bmp, salt, KDF_ID.key, iterations, 24);
    const iv = pkcs12Kdf('sha1', bmp, salt, KDF_ID.iv, iterations, 8);
    const cipher = createCipheriv('des-ede3-cbc', key, iv);
    return {
      algorithm: der.algorithm(
        OID.pbeWithShaAnd3KeyTripleDesCbc,
        der.seq(der.octets(salt), der.uint(iterations)),
      ),
      ciphertext: Buffer.concat([cipher.update(plaintext), cipher.final()]),
    };
  }
  // PBES2 takes the password as bytes (RFC 8018); our passwords are ASCII.
  const key = pbkdf2Sync(
    Buffer.from(password, 'utf8'),
    salt,
    iterations,
    32,
    'sha256',
  );
  const iv = randomBytes(16);
  const cipher = createCipheriv('aes-256-cbc', key, iv);
  return {
    algorithm: der.algorithm(
      OID.pbes2,
      der.seq(
        der.algorithm(
          OID.pbkdf2,
          der.seq(
            der.octets(salt),
            der.uint(iterations),
            der.algorithm(OID.hmacWithSha256, der.null()),
          ),
        ),
        der.algorithm(OID.aes256Cbc, der.octets(iv)),
      ),
    ),
    ciphertext: Buffer.concat([cipher.update(plaintext), cipher.final()]),
  };
}

// ---------------------------------------------------------------- decryption

const PKCS12_PBE: Record<
  string,
  { cipher: string; keyLength: number; ivLength: number }
> = {
  [OID.pbeWithShaAnd3KeyTripleDesCbc]: {
    cipher: 'des-ede3-cbc',
    keyLength: 24,
    ivLength: 8,
  },
  [OID.pbeWithShaAnd2KeyTripleDesCbc]: {
    cipher: 'des-ede-cbc',
    keyLength: 16,
    ivLength: 8,
  },
  [OID.pbeWithShaAnd128BitRc2Cbc]: {
    cipher: 'rc2-cbc',
    keyLength: 16,
    ivLength: 8,
  },
  [OID.pbeWithShaAnd40BitRc2Cbc]: {
    cipher: 'rc2-40-cbc',
    keyLength: 5,
    ivLength: 8,
  },
  [OID.pbeWithShaAnd128BitRc4]: { cipher: 'rc4', keyLength: 16, ivLength: 0 },
  [OID.pbeWithShaAnd40BitRc4]: { cipher: 'rc4-40', keyLength: 5, ivLength: 0 },
};

const PRF_HASH: Record<string, string> = {
  [OID.hmacWithSha1]: 'sha1',
  [OID.hmacWithSha224]: 'sha224',
  [OID.hmacWithSha256]: 'sha256',
  [OID.hmacWithSha384]: 'sha384',
  [OID.hmacWithSha512]: 'sha512',
};

const PBES2_CIPHERS: Record<string, { cipher: string; keyLength: number }> = {
  [OID.aes128Cbc]: { cipher: 'aes-128-cbc', keyLength: 16 },
  [OID.aes192Cbc]: { cipher: 'aes-192-cbc', keyLength: 24 },
  [OID.aes256Cbc]: { cipher: 'aes-256-cbc', keyLength: 32 },
  [OID.desEde3Cbc]: { cipher: 'des-ede3-cbc', keyLength: 24 },
};

/** Iteration counts above this are refused: a crafted file must not stall the backend. */
const MAX_ITERATIONS = 10_000_000;

function unsupported(oid: string, what: string): KeystoreReadError {
  const name = describeOid(oid);
  return new KeystoreReadError(
    `the PKCS#12 file uses ${name} for ${what}, which this server cannot read; rebuild it with profile aes256 or compat-3des`,
    'unsupported-algorithm',
    name,
  );
}

function cipherAvailable(name: string): boolean {
  return getCiphers().includes(name);
}

function runDecipher(
  cipher: string,
  key: Buffer,
  iv: Buffer | null,
  ciphertext: Buffer,
  what: string,
): Buffer {
  try {
    const decipher = createDecipheriv(cipher, key, iv);
    return Buffer.concat([decipher.update(ciphertext), decipher.final()]);
  } catch {
    // Bad padding: the key derived from the password is not the one used.
    throw new KeystoreReadError(
      `wrong password: the ${what} could not be decrypted with the password given; use the keystore's password from Vault`,
      'wrong-password',
    );
  }
}

function iterationCount(node: DerNode | undefined): number {
  const n = decodeSmallInteger(
    expectTag(node, TAG.INTEGER, 'iteration count').content,
  );
  if (n < 1 || n > MAX_ITERATIONS) {
    throw new KeystoreReadError(
      `the PKCS#12 file asks for ${n} iterations, which is out of range`,
      'malformed',
    );
  }
  return n;
}

/** Decrypts data protected by a PKCS#12 PBE or PBES2 AlgorithmIdentifier. */
export function decrypt(
  algorithm: DerNode,
  ciphertext: Buffer,
  password: string,
  what: string,
): Buffer {
  const [oidNode, params] = derChildren(algorithm);
  const oid = decodeOid(expectTag(oidNode, TAG.OID, 'algorithm').content);
  const pkcs12 = PKCS12_PBE[oid];
  if (pkcs12) {
    if (!cipherAvailable(pkcs12.cipher)) throw unsupported(oid, what);
    const [salt, iter] = derChildren(
      expectTag(params, TAG.SEQUENCE, 'PBE parameters'),
    );
    const saltBytes = expectTag(salt, TAG.OCTET_STRING, 'salt').content;
    const iterations = iterationCount(iter);
    const bmp = bmpPassword(password);
    const key = pkcs12Kdf(
      'sha1',
      bmp,
      saltBytes,
      KDF_ID.key,
      iterations,
      pkcs12.keyLength,
    );
    const iv = pkcs12.ivLength
      ? pkcs12Kdf(
          'sha1',
          bmp,
          saltBytes,
          KDF_ID.iv,
          iterations,
          pkcs12.ivLength,
        )
      : null;
    return runDecipher(pkcs12.cipher, key, iv, ciphertext, what);
  }
  if (oid !== OID.pbes2) throw unsupported(oid, what);
  const [kdf, scheme] = derChildren(
    expectTag(params, TAG.SEQUENCE, 'PBES2 parameters'),
  );
  const [kdfOid, kdfParams] = derChildren(kdf);
  const kdfName = decodeOid(kdfOid.content);
  if (kdfName !== OID.pbkdf2)
    throw unsupported(kdfName, `${what} key derivation`);
  const kdfParts = derChildren(kdfParams);
  const salt = expectTag(kdfParts[0], TAG.OCTET_STRING, 'PBKDF2 salt').content;
  const iterations = iterationCount(kdfParts[1]);
  let prf = 'sha1'; // the default PRF of PBKDF2
  const prfNode = kdfParts.slice(2).find(n => n.tag === TAG.SEQUENCE);
  if (prfNode) {
    const prfOid = decodeOid(derChildren(prfNode)[0].content);
    const hash = PRF_HASH[prfOid];
    if (!hash) throw unsupported(prfOid, `${what} key derivation`);
    prf = hash;
  }
  const [cipherOid, ivNode] = derChildren(scheme);
  const cipherName = decodeOid(cipherOid.content);
  const cipher = PBES2_CIPHERS[cipherName];
  if (!cipher) throw unsupported(cipherName, what);
  const key = pbkdf2Sync(
    Buffer.from(password, 'utf8'),
    salt,
    iterations,
    cipher.keyLength,
    prf,
  );
  const iv = expectTag(ivNode, TAG.OCTET_STRING, 'IV').content;
  return runDecipher(cipher.cipher, key, iv, ciphertext, what);
}
