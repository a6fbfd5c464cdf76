/*
 * Certificates and PKCS#12 key repositories for the simulator's tests and
 * the demo, built with node-forge (independent of the product's keystore
 * builder, so the simulator never reads only what the product writes).
 * Keys come from node's native generator (fast); forge signs and packs.
 */
import {
  generateKeyPairSync,
  randomBytes,
  sign,
  X509Certificate,
} from 'node:crypto';
import forge from 'node-forge';

/** A certificate with its key, in PEM. */
export interface TestCertificate {
  certificatePem: string;
  privateKeyPem: string;
  /** Canonical serial (lower-case colon hex). */
  serialNumber: string;
  subject: string;
}

/** Options of {@link createTestCertificate}. */
export interface TestCertificateOptions {
  commonName: string;
  /** Signs the certificate; omitted means self-signed. */
  issuer?: TestCertificate;
  /** Whether it is a CA. Default: true when self-signed, else false. */
  isCa?: boolean;
  dnsNames?: string[];
  ipAddresses?: string[];
  /** Hex serial; default 16 random bytes. */
  serialHex?: string;
  /** Default: one hour ago. */
  notBefore?: Date;
  /** Default: 30 days after notBefore. */
  notAfter?: Date;
  /** Reuse a key (saves time in tests that need many certificates). */
  privateKeyPem?: string;
}

let spareKey: string | undefined;

/** A fresh RSA-2048 private key (PKCS#8 PEM). */
export function generateTestKey(): string {
  return generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  }).privateKey;
}

/** One key shared by certificates whose key does not matter (fast). */
export function sharedTestKey(): string {
  spareKey ??= generateTestKey();
  return spareKey;
}

function canonicalSerial(hex: string): string {
  let h = hex.toLowerCase();
  if (h.length % 2) h = `0${h}`;
  while (h.length > 2 && h.startsWith('00')) h = h.slice(2);
  return h.match(/../g)!.join(':');
}

/**
 * Signs with node's native RSA (forge's pure-JS signing costs ~100 ms a
 * certificate): forge encodes the TBSCertificate, node signs it.
 */
function signWithNodeCrypto(
  cert: forge.pki.Certificate,
  issuerKeyPem: string,
): void {
  const oid = forge.pki.oids.sha256WithRSAEncryption;
  cert.siginfo.algorithmOid = oid;
  cert.signatureOid = oid;
  // getTBSCertificate exists in forge but is missing from its type definitions.
  const { getTBSCertificate } = forge.pki as unknown as {
    getTBSCertificate(c: forge.pki.Certificate): forge.asn1.Asn1;
  };
  const tbs = forge.asn1.toDer(getTBSCertificate(cert)).getBytes();
  cert.signature = sign(
    'sha256',
    Buffer.from(tbs, 'binary'),
    issuerKeyPem,
  ).toString('binary');
}

/** Creates a CA or leaf certificate. */
export function createTestCertificate(
  options: TestCertificateOptions,
): TestCertificate {
  const privateKeyPem = options.privateKeyPem ?? generateTestKey();
  const key = forge.pki.privateKeyFromPem(
    privateKeyPem,
  ) as forge.pki.rsa.PrivateKey;
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.setRsaPublicKey(key.n, key.e);
  // A positive serial: clear the top bit of the first byte.
  let serialHex = options.serialHex ?? randomBytes(16).toString('hex');
  if (/^[89a-f]/i.test(serialHex)) serialHex = `00${serialHex}`;
  cert.serialNumber = serialHex;
  const notBefore = options.notBefore ?? new Date(Date.now() - 3600_000);
  cert.validity.notBefore = notBefore;
  cert.validity.notAfter =
    options.notAfter ?? new Date(notBefore.getTime() + 30 * 86400_000);
  // DER order is least specific first (O, then CN), as CAs issue them.
  const subject = [
    { name: 'organizationName', value: 'MQ simulator test' },
    { name: 'commonName', value: options.commonName },
  ];
  cert.setSubject(subject);
  const isCa = options.isCa ?? !options.issuer;
  if (options.issuer) {
    cert.setIssuer(
      forge.pki.certificateFromPem(options.issuer.certificatePem).subject
        .attributes,
    );
  } else {
    cert.setIssuer(subject);
  }
  const altNames = [
    ...(options.dnsNames ?? []).map(value => ({ type: 2, value })),
    ...(options.ipAddresses ?? []).map(ip => ({ type: 7, ip })),
  ];
  cert.setExtensions([
    { name: 'basicConstraints', cA: isCa, critical: true },
    isCa
      ? { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true }
      : {
          name: 'keyUsage',
          digitalSignature: true,
          keyEncipherment: true,
          critical: true,
        },
    ...(isCa
      ? []
      : [{ name: 'extKeyUsage', serverAuth: true, clientAuth: true }]),
    ...(altNames.length ? [{ name: 'subjectAltName', altNames }] : []),
    { name: 'subjectKeyIdentifier' },
  ]);
  signWithNodeCrypto(cert, options.issuer?.privateKeyPem ?? privateKeyPem);
  const certificatePem = forge.pki.certificateToPem(cert);
  const x509 = new X509Certificate(certificatePem);
  return {
    certificatePem,
    privateKeyPem,
    serialNumber: canonicalSerial(x509.serialNumber),
    subject: `CN=${options.commonName},O=MQ simulator test`,
  };
}

/** A root CA, an intermediate, and a function to issue leaves under it. */
export interface TestPki {
  root: TestCertificate;
  intermediate: TestCertificate;
  /** Issues a server certificate signed by the intermediate. */
  issue(
    commonName: string,
    options?: Partial<TestCertificateOptions>,
  ): TestCertificate;
  /** PEMs of the chain above a leaf: intermediate, then root. */
  chainPem: string[];
}

/** Creates a two-level test PKI (root → intermediate). */
export function createTestPki(name = 'MQ simulator'): TestPki {
  const root = createTestCertificate({ commonName: `${name} Root CA` });
  const intermediate = createTestCertificate({
    commonName: `${name} Issuing CA`,
    issuer: root,
    isCa: true,
  });
  return {
    root,
    intermediate,
    chainPem: [intermediate.certificatePem, root.certificatePem],
    issue: (commonName, options = {}) =>
      createTestCertificate({
        commonName,
        issuer: intermediate,
        dnsNames: [commonName, 'localhost'],
        ipAddresses: ['127.0.0.1'],
        privateKeyPem: sharedTestKey(),
        ...options,
      }),
  };
}

/** One personal certificate of a PKCS#12 file. */
export interface TestPkcs12Entry {
  /** Becomes the friendlyName, which MQ uses as the certificate label. */
  label: string;
  certificatePem: string;
  privateKeyPem: string;
}

const { asn1 } = forge;
const A = asn1.Class.UNIVERSAL;
const T = asn1.Type;

/** The SafeContents ContentInfos of a forge-built PFX (its AuthenticatedSafe). */
function contentInfos(pfx: forge.asn1.Asn1): forge.asn1.Asn1[] {
  const authSafe = (pfx.value as forge.asn1.Asn1[])[1];
  const octets = (
    (authSafe.value as forge.asn1.Asn1[])[1].value as forge.asn1.Asn1[]
  )[0];
  const safe = asn1.fromDer(octets.value as string);
  return safe.value as forge.asn1.Asn1[];
}

/**
 * Builds a PKCS#12 file holding several labelled personal certificates and
 * the CA certificates once (forge packs only one key per file, so each entry
 * is packed alone and the SafeContents are joined under one SHA-1 MAC, as
 * forge itself does).
 */
export function buildTestPkcs12(options: {
  entries: TestPkcs12Entry[];
  caCertificatesPem?: string[];
  password: string;
  /** forge's key encryption: `3des` (what older GSKit/Java read) or `aes256`. Default aes256. */
  algorithm?: '3des' | 'aes256';
  /** PBKDF2 and MAC iterations. Default 2048; tests use fewer because forge derives keys in JavaScript. */
  iterations?: number;
}): Buffer {
  const iterations = options.iterations ?? 2048;
  const contents: forge.asn1.Asn1[] = [];
  for (const entry of options.entries) {
    const pfx = forge.pkcs12.toPkcs12Asn1(
      forge.pki.privateKeyFromPem(
        entry.privateKeyPem,
      ) as forge.pki.rsa.PrivateKey,
      [forge.pki.certificateFromPem(entry.certificatePem)],
      options.password,
      {
        friendlyName: entry.label,
        useMac: false,
        algorithm: options.algorithm ?? 'aes256',
        count: iterations,
      },
    );
    contents.push(...contentInfos(pfx));
  }
  if (options.caCertificatesPem?.length) {
    const pfx = forge.pkcs12.toPkcs12Asn1(
      null,
      options.caCertificatesPem.map(p => forge.pki.certificateFromPem(p)),
      options.password,
      { useMac: false, generateLocalKeyId: false, count: iterations },
    );
    contents.push(...contentInfos(pfx));
  }
  const safe = asn1.create(A, T.SEQUENCE, true, contents);
  const safeDer = asn1.toDer(safe).getBytes();
  const salt = forge.random.getBytesSync(8);
  const macKey = forge.pkcs12.generateKey(
    options.password,
    forge.util.createBuffer(salt),
    3,
    iterations,
    20,
  );
  const hmac = forge.hmac.create();
  hmac.start(forge.md.sha1.create(), macKey);
  hmac.update(safeDer);
  const pfx = asn1.create(A, T.SEQUENCE, true, [
    asn1.create(A, T.INTEGER, false, asn1.integerToDer(3).getBytes()),
    asn1.create(A, T.SEQUENCE, true, [
      asn1.create(
        A,
        T.OID,
        false,
        asn1.oidToDer(forge.pki.oids.data).getBytes(),
      ),
      asn1.create(asn1.Class.CONTEXT_SPECIFIC, 0, true, [
        asn1.create(A, T.OCTETSTRING, false, safeDer),
      ]),
    ]),
    asn1.create(A, T.SEQUENCE, true, [
      asn1.create(A, T.SEQUENCE, true, [
        asn1.create(A, T.SEQUENCE, true, [
          asn1.create(
            A,
            T.OID,
            false,
            asn1.oidToDer(forge.pki.oids.sha1).getBytes(),
          ),
          asn1.create(A, T.NULL, false, ''),
        ]),
        asn1.create(A, T.OCTETSTRING, false, hmac.digest().getBytes()),
      ]),
      asn1.create(A, T.OCTETSTRING, false, salt),
      asn1.create(
        A,
        T.INTEGER,
        false,
        asn1.integerToDer(iterations).getBytes(),
      ),
    ]),
  ]);
  return Buffer.from(asn1.toDer(pfx).getBytes(), 'binary');
}

/**
 * A GSKit-style stash file: each password byte XORed with 0xF5, then a
 * terminator that decodes to 0, padded to 1024 bytes
 * (shared/reference/ibm-mq.md §2, "Stash (.sth) format").
 */
export function encodeStash(password: string): Buffer {
  const out = Buffer.alloc(1024, 0xf5);
  const bytes = Buffer.from(password, 'utf8');
  for (let i = 0; i < bytes.length && i < 1023; i++) out[i] = bytes[i] ^ 0xf5;
  return out;
}
