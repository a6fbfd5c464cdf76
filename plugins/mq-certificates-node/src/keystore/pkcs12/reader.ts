import { KeyObject, X509Certificate } from 'node:crypto';
import { privateKeyFromPkcs8 } from '../../certificates/privateKey';
import {
  decodeBmpString,
  decodeOid,
  decodeSmallInteger,
  DerError,
  derChildren,
  DerNode,
  expectTag,
  readDerExact,
  TAG,
} from '../../certificates/der';
import { describeOid, OID } from '../../certificates/oids';
import { KeystoreReadError } from '../errors';
import { verifyMacData } from './mac';
import { decrypt } from './pbe';

/** A bag's identity attributes. */
export interface BagAttributes {
  friendlyName?: string;
  localKeyId?: Buffer;
}

/** What a PKCS#12 file holds once opened. */
export interface Pkcs12Contents {
  /** Secret. */
  keys: (BagAttributes & { key: KeyObject })[];
  certificates: (BagAttributes & { cert: X509Certificate })[];
  protection: {
    macDigest?: string;
    macIterations?: number;
    keyEncryption: string[];
    certificateEncryption: string[];
  };
}

function algorithmName(algorithm: DerNode): string {
  const [oid, params] = derChildren(algorithm);
  const name = decodeOid(oid.content);
  if (name === OID.pbes2) {
    const [, scheme] = derChildren(params);
    const [kdf] = derChildren(params);
    const prf = derChildren(derChildren(kdf)[1]).find(
      n => n.tag === TAG.SEQUENCE,
    );
    const prfName = prf
      ? describeOid(decodeOid(derChildren(prf)[0].content))
      : 'hmacWithSha1';
    return `PBES2/PBKDF2(${prfName.split(' ')[0]})/${
      describeOid(decodeOid(derChildren(scheme)[0].content)).split(' ')[0]
    }`;
  }
  return describeOid(name).split(' ')[0];
}

function readAttributes(node: DerNode | undefined): BagAttributes {
  const out: BagAttributes = {};
  if (!node) return out;
  for (const attr of derChildren(node)) {
    const [oid, values] = derChildren(attr);
    const first = derChildren(values)[0];
    const name = decodeOid(oid.content);
    if (name === OID.friendlyName && first?.tag === TAG.BMP_STRING) {
      out.friendlyName = decodeBmpString(first.content);
    } else if (name === OID.localKeyId && first?.tag === TAG.OCTET_STRING) {
      out.localKeyId = Buffer.from(first.content);
    }
  }
  return out;
}

function readPkcs8(bytes: Buffer, what: string): KeyObject {
  try {
    return privateKeyFromPkcs8(bytes);
  } catch {
    // Unpadding can succeed by chance with a wrong key; the bytes then are not PKCS#8.
    throw new KeystoreReadError(
      `wrong password: the ${what} did not decrypt to a private key; use the keystore's password from Vault`,
      'wrong-password',
    );
  }
}

function readSafeContents(
  bytes: Buffer,
  password: string,
  contents: Pkcs12Contents,
): void {
  for (const bag of derChildren(readDerExact(bytes))) {
    const [idNode, valueWrapper, attrNode] = derChildren(bag);
    const id = decodeOid(idNode.content);
    const value = derChildren(valueWrapper)[0];
    const attributes = readAttributes(attrNode);
    if (id === OID.pkcs8ShroudedKeyBag) {
      const [algorithm, data] = derChildren(value);
      contents.protection.keyEncryption.push(algorithmName(algorithm));
      const pkcs8 = decrypt(algorithm, data.content, password, 'private key');
      contents.keys.push({
        ...attributes,
        key: readPkcs8(pkcs8, 'private key'),
      });
    } else if (id === OID.keyBag) {
      contents.protection.keyEncryption.push('none');
      contents.keys.push({
        ...attributes,
        key: readPkcs8(Buffer.from(value.raw), 'private key'),
      });
    } else if (id === OID.certBag) {
      const [certType, certValue] = derChildren(value);
      if (decodeOid(certType.content) !== OID.x509Certificate) continue; // SDSI certificates: not ours
      const certDer = derChildren(certValue)[0].content;
      contents.certificates.push({
        ...attributes,
        cert: new X509Certificate(certDer),
      });
    }
    // CRL, secret and nested safe bags carry nothing a queue manager uses.
  }
}

/**
 * Opens a PKCS#12 file: checks the integrity MAC with the password (a
 * mismatch is a wrong password), decrypts every safe and key bag, and
 * returns keys and certificates with their friendlyName/localKeyId. An
 * algorithm we cannot read (PBMAC1, RC2 without OpenSSL's legacy provider,
 * public-key integrity or privacy mode) is named in the error.
 */
export function readPkcs12(file: Buffer, password: string): Pkcs12Contents {
  try {
    return readPkcs12Unchecked(file, password);
  } catch (e) {
    if (
      e instanceof DerError ||
      e instanceof TypeError ||
      e instanceof RangeError
    ) {
      throw new KeystoreReadError(
        'the file is not a readable PKCS#12 key repository (damaged, or another format); rebuild or re-download it',
        'malformed',
      );
    }
    throw e;
  }
}

function readPkcs12Unchecked(file: Buffer, password: string): Pkcs12Contents {
  const [version, authSafeInfo, macData] = derChildren(readDerExact(file));
  if (
    decodeSmallInteger(expectTag(version, TAG.INTEGER, 'version').content) !== 3
  ) {
    throw new DerError('not PKCS#12 version 3');
  }
  const [typeNode, wrapped] = derChildren(authSafeInfo);
  const type = decodeOid(typeNode.content);
  if (type !== OID.data) {
    throw new KeystoreReadError(
      `the PKCS#12 file uses public-key integrity mode (${describeOid(
        type,
      )}), which this server cannot read; rebuild it with a password`,
      'unsupported-algorithm',
      describeOid(type),
    );
  }
  const authSafe = expectTag(
    derChildren(wrapped)[0],
    TAG.OCTET_STRING,
    'authSafe',
  ).content;
  const contents: Pkcs12Contents = {
    keys: [],
    certificates: [],
    protection: { keyEncryption: [], certificateEncryption: [] },
  };
  if (macData) {
    const mac = verifyMacData(macData, password, authSafe);
    contents.protection.macDigest = mac.digest;
    contents.protection.macIterations = mac.iterations;
  }
  for (const info of derChildren(readDerExact(authSafe))) {
    const [ctNode, explicit] = derChildren(info);
    const contentType = decodeOid(ctNode.content);
    const inner = derChildren(explicit)[0];
    if (contentType === OID.data) {
      contents.protection.certificateEncryption.push('none');
      readSafeContents(
        expectTag(inner, TAG.OCTET_STRING, 'safe').content,
        password,
        contents,
      );
    } else if (contentType === OID.encryptedData) {
      const [, encryptedContentInfo] = derChildren(inner);
      const [, algorithm, encrypted] = derChildren(encryptedContentInfo);
      contents.protection.certificateEncryption.push(algorithmName(algorithm));
      const plain = decrypt(
        algorithm,
        encrypted.content,
        password,
        'certificate safe',
      );
      try {
        readSafeContents(plain, password, contents);
      } catch (e) {
        if (e instanceof DerError && !macData) {
          throw new KeystoreReadError(
            'wrong password: the certificate safe did not decrypt to certificates; use the keystore password stored in Vault',
            'wrong-password',
          );
        }
        throw e;
      }
    } else {
      throw new KeystoreReadError(
        `the PKCS#12 file uses ${describeOid(
          contentType,
        )} for a safe, which this server cannot read; rebuild it with profile aes256 or compat-3des`,
        'unsupported-algorithm',
        describeOid(contentType),
      );
    }
  }
  return contents;
}
