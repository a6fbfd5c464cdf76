import { createHash, pbkdf2Sync, createHmac, randomBytes } from 'node:crypto';
import forge from 'node-forge';
import { der, derChildren, readDer } from '../../certificates/der';
import { OID } from '../../certificates/oids';
import { summarizeCertificate } from '../../certificates/summary';
import { createTestPki } from '../../certificates/testPki';
import { KeystoreReadError } from '../errors';
import { iterateDigest } from './iteratedHash';
import { bmpPassword, pkcs12Kdf } from './kdf';
import {
  buildPkcs12,
  inspectPkcs12,
  Pkcs12KeystoreFormat,
} from './Pkcs12KeystoreFormat';
import { encodeGskitStash } from '../stash';
import { readPkcs12 } from './reader';

const PASSWORD = 'Zx9-strong.Pass_word';

function readError(fn: () => unknown): KeystoreReadError {
  try {
    fn();
  } catch (e) {
    if (e instanceof KeystoreReadError) return e;
    throw e;
  }
  throw new Error('expected a KeystoreReadError');
}

describe('PKCS#12 primitives', () => {
  it('iterates SHA-1 and SHA-256 exactly like node:crypto', () => {
    // Several inputs and round counts: the unrolled compressions must agree
    // on the first round as well as after many (high bits set included).
    for (const alg of ['sha1', 'sha256']) {
      for (const times of [1, 2, 17, 2047]) {
        for (let n = 0; n < 3; n++) {
          const start = createHash(alg).update(randomBytes(40)).digest();
          let slow = start;
          for (let i = 0; i < times; i++)
            slow = createHash(alg).update(slow).digest();
          expect(iterateDigest(alg, start, times).toString('hex')).toBe(
            slow.toString('hex'),
          );
        }
      }
    }
  });

  it('derives the same PKCS#12 KDF bytes as node-forge', () => {
    const salt = randomBytes(8);
    for (const [id, n] of [
      [1, 24],
      [2, 8],
      [3, 20],
    ]) {
      const forgeKey = forge.pkcs12.generateKey(
        PASSWORD,
        forge.util.createBuffer(salt.toString('binary')),
        id,
        2048,
        n,
      );
      expect(
        pkcs12Kdf('sha1', bmpPassword(PASSWORD), salt, id, 2048, n).toString(
          'binary',
        ),
      ).toBe(forgeKey.getBytes());
    }
  });
});

describe('Pkcs12KeystoreFormat', () => {
  const rsa = createTestPki();
  const ec256 = createTestPki({
    leafKeyType: 'ec-p256',
    name: 'EC256',
    slot: 1,
  });
  const ec384 = createTestPki({
    leafKeyType: 'ec-p384',
    caKeyType: 'ec-p384',
    name: 'EC384',
    slot: 2,
  });
  const format = new Pkcs12KeystoreFormat();

  it.each([
    ['RSA', rsa, 'aes256'],
    ['RSA', rsa, 'compat-3des'],
    ['EC P-256', ec256, 'aes256'],
    ['EC P-256', ec256, 'compat-3des'],
    ['EC P-384', ec384, 'aes256'],
  ] as const)(
    'builds %s with %s: leaf first under its label, chain root-first in, leaf-first out',
    async (_n, pki, profile) => {
      const built = await format.build(
        [
          {
            label: 'ibmwebspheremqqm1',
            certificatePem: pki.leaf.pem,
            privateKeyPem: pki.leafKeyPem,
            chainPem: [pki.root.pem, pki.intermediate.pem],
          },
        ],
        { password: PASSWORD, profile },
      );
      expect(built.format).toBe('p12');
      expect(built.profile).toBe(profile);
      expect(built.labels).toEqual(['ibmwebspheremqqm1']);
      expect(built.warnings).toEqual([]);
      const leaf = summarizeCertificate(pki.leaf.cert);
      expect(built.certificates).toEqual([
        {
          label: 'ibmwebspheremqqm1',
          serialNumber: leaf.serialNumber,
          notAfter: leaf.notAfter,
          fingerprintSha256: leaf.fingerprintSha256,
        },
      ]);
      const file = built.files[0];
      expect(file.sha256).toBe(
        createHash('sha256').update(file.content).digest('hex'),
      );
      // The stash MQ opens the repository with when KEYRPWD is blank.
      expect(built.files.map(f => f.suffix)).toEqual(['.p12', '.sth']);
      expect(built.files[1].content).toEqual(encodeGskitStash(PASSWORD));

      const contents = readPkcs12(file.content, PASSWORD);
      expect(
        contents.certificates.map(c => [c.friendlyName, c.cert.subject]),
      ).toEqual([
        ['ibmwebspheremqqm1', pki.leaf.cert.subject],
        [expect.stringMatching(/Issuing CA$/), pki.intermediate.cert.subject],
        [expect.stringMatching(/Root CA$/), pki.root.cert.subject],
      ]);
      expect(contents.keys[0].friendlyName).toBe('ibmwebspheremqqm1');
      expect(contents.keys[0].localKeyId).toEqual(
        contents.certificates[0].localKeyId,
      );

      const inspection = await format.inspect(built.files, PASSWORD);
      expect(
        inspection.entries.map(e => [e.label, e.personal, e.chain.length]),
      ).toEqual([
        ['ibmwebspheremqqm1', true, 2],
        [
          `${
            _n.startsWith('RSA')
              ? 'Test'
              : _n.replace(/[ -]/g, '').replace('ECP', 'EC')
          } Issuing CA`,
          false,
          0,
        ],
        [
          `${
            _n.startsWith('RSA')
              ? 'Test'
              : _n.replace(/[ -]/g, '').replace('ECP', 'EC')
          } Root CA`,
          false,
          0,
        ],
      ]);
      expect(inspection.entries[0].certificate).toEqual(leaf);
      expect(inspection.protection?.macDigest).toBe(
        profile === 'aes256' ? 'sha256' : 'sha1',
      );
      expect(inspection.protection?.keyEncryption).toEqual([
        profile === 'aes256'
          ? 'PBES2/PBKDF2(hmacWithSha256)/aes256Cbc'
          : 'pbeWithShaAnd3KeyTripleDesCbc',
      ]);
    },
  );

  it('puts several personal entries in one file, each CA once', () => {
    const second = createTestPki({
      leafCommonName: 'qm1-chl.example.com',
      slot: 3,
    });
    // Same CAs as `rsa` only when built from the same keys and names; use rsa's CA to sign a second leaf.
    const built = buildPkcs12(
      [
        {
          label: 'ibmwebspheremqqm1',
          certificatePem: rsa.leaf.pem,
          privateKeyPem: rsa.leafKeyPem,
          chainPem: [rsa.intermediate.pem, rsa.root.pem],
        },
        {
          label: 'qm1 channel',
          certificatePem: second.leaf.pem + second.intermediate.pem,
          privateKeyPem: second.leafKeyPem,
          chainPem: [second.root.pem, rsa.root.pem],
        },
      ],
      { password: PASSWORD },
    );
    const inspection = inspectPkcs12(built.files[0].content, PASSWORD);
    const personal = inspection.entries.filter(e => e.personal);
    expect(personal.map(e => [e.label, e.certificate.subject])).toEqual([
      ['ibmwebspheremqqm1', 'CN=qm1.example.com,OU=MQ,O=MQ Cert Tests'],
      ['qm1 channel', 'CN=qm1-chl.example.com,OU=MQ,O=MQ Cert Tests'],
    ]);
    const cas = inspection.entries.filter(e => !e.personal);
    const labels = cas.map(e => e.label);
    expect(new Set(labels).size).toBe(labels.length);
    const fingerprints = cas.map(e => e.certificate.fingerprintSha256);
    expect(new Set(fingerprints).size).toBe(fingerprints.length);
  });

  it('can be read by node-forge, an independent PKCS#12 reader (RSA)', () => {
    const built = buildPkcs12(
      [
        {
          label: 'ibmwebspheremqqm1',
          certificatePem: rsa.leaf.pem,
          privateKeyPem: rsa.leafKeyPem,
          chainPem: [rsa.intermediate.pem, rsa.root.pem],
        },
      ],
      { password: PASSWORD, profile: 'compat-3des' },
    );
    const p12 = forge.pkcs12.pkcs12FromAsn1(
      forge.asn1.fromDer(built.files[0].content.toString('binary')),
      true,
      PASSWORD,
    );
    const certBags = p12.getBags({ bagType: forge.pki.oids.certBag })[
      forge.pki.oids.certBag
    ]!;
    expect(certBags.map(b => b.attributes.friendlyName?.[0])).toEqual([
      'ibmwebspheremqqm1',
      'Test Issuing CA',
      'Test Root CA',
    ]);
    const keyBags = p12.getBags({
      bagType: forge.pki.oids.pkcs8ShroudedKeyBag,
    })[forge.pki.oids.pkcs8ShroudedKeyBag]!;
    expect(keyBags[0].attributes.friendlyName).toEqual(['ibmwebspheremqqm1']);
    expect((keyBags[0].key as forge.pki.rsa.PrivateKey).n.toString(16)).toBe(
      (
        forge.pki.certificateFromPem(rsa.leaf.pem)
          .publicKey as forge.pki.rsa.PublicKey
      ).n.toString(16),
    );
  });

  it('says wrong password for a wrong password', () => {
    for (const profile of ['aes256', 'compat-3des']) {
      const built = buildPkcs12(
        [
          {
            label: 'l1',
            certificatePem: rsa.leaf.pem,
            privateKeyPem: rsa.leafKeyPem,
            chainPem: [],
          },
        ],
        { password: PASSWORD, profile },
      );
      const err = readError(() =>
        inspectPkcs12(built.files[0].content, 'Not-the-password1'),
      );
      expect(err.problem).toBe('wrong-password');
      expect(err.message).toMatch(/^wrong password/);
      expect(err.name).toBe('InputError');
    }
  });

  it('names PBMAC1 instead of saying wrong password', () => {
    const built = buildPkcs12(
      [
        {
          label: 'l1',
          certificatePem: ec256.leaf.pem,
          privateKeyPem: ec256.leafKeyPem,
          chainPem: [],
        },
      ],
      { password: PASSWORD },
    );
    // Swap the MacData for an RFC 9579 PBMAC1 one (what OpenSSL 3.4+ writes with -pbmac1_pbkdf2).
    const [version, authSafeInfo] = derChildren(
      readDer(built.files[0].content),
    );
    const authSafe = derChildren(derChildren(authSafeInfo)[1])[0].content;
    const salt = randomBytes(16);
    const key = pbkdf2Sync(PASSWORD, salt, 2048, 32, 'sha256');
    const pbmac1 = der.seq(
      der.seq(
        der.algorithm(
          OID.pbmac1,
          der.seq(
            der.algorithm(
              OID.pbkdf2,
              der.seq(
                der.octets(salt),
                der.uint(2048),
                der.uint(32),
                der.algorithm(OID.hmacWithSha256, der.null()),
              ),
            ),
            der.algorithm(OID.hmacWithSha256, der.null()),
          ),
        ),
        der.octets(createHmac('sha256', key).update(authSafe).digest()),
      ),
      der.octets(Buffer.from('NOT USED')),
      der.uint(1),
    );
    const file = der.seq(version.raw, authSafeInfo.raw, pbmac1);
    const err = readError(() => inspectPkcs12(file, PASSWORD));
    expect(err.problem).toBe('unsupported-algorithm');
    expect(err.algorithm).toBe('PBMAC1 (1.2.840.113549.1.5.14)');
    expect(err.message).toMatch(
      /uses PBMAC1 \(1\.2\.840\.113549\.1\.5\.14\), which this server cannot verify/,
    );
    expect(err.message).not.toMatch(/wrong password/);
  });

  it('refuses bad input clearly', async () => {
    expect(
      readError(() => inspectPkcs12(Buffer.from('not a p12'), PASSWORD))
        .problem,
    ).toBe('malformed');
    await expect(
      format.build(
        [
          {
            label: 'l1',
            certificatePem: rsa.leaf.pem,
            privateKeyPem: rsa.leafKeyPem,
            chainPem: [],
          },
        ],
        { password: '' },
      ),
    ).rejects.toThrow(/keystore password: empty/);
    await expect(
      format.build(
        [
          {
            label: 'l1',
            certificatePem: rsa.leaf.pem,
            privateKeyPem: rsa.leafKeyPem,
            chainPem: [],
          },
        ],
        { password: PASSWORD, profile: 'rc2' },
      ),
    ).rejects.toThrow(
      /'rc2' is not a PKCS#12 profile; use one of aes256, compat-3des/,
    );
    await expect(
      format.build(
        [
          {
            label: 'bad label!',
            certificatePem: rsa.leaf.pem,
            privateKeyPem: rsa.leafKeyPem,
            chainPem: [],
          },
        ],
        { password: PASSWORD },
      ),
    ).rejects.toThrow(/entries\[0\]\.label/);
    await expect(
      format.build(
        [
          {
            label: 'l1',
            certificatePem: rsa.leaf.pem,
            privateKeyPem: ec256.leafKeyPem,
            chainPem: [],
          },
        ],
        { password: PASSWORD },
      ),
    ).rejects.toThrow(/the private key matches none of the 1 certificate/);
  });

  it('completes a chain without its root from the trust anchors, and refuses one outside them', () => {
    const entry = {
      label: 'l1',
      certificatePem: rsa.leaf.pem,
      privateKeyPem: rsa.leafKeyPem,
      chainPem: [rsa.intermediate.pem],
    };
    const warned = buildPkcs12([entry], { password: PASSWORD });
    expect(warned.warnings).toEqual([
      expect.stringMatching(
        /^l1: missing link: no certificate for 'CN=Test Root CA/,
      ),
    ]);
    const anchored = buildPkcs12([entry], {
      password: PASSWORD,
      trustAnchorsPem: [rsa.root.pem],
    });
    expect(anchored.warnings).toEqual([]);
    expect(
      inspectPkcs12(anchored.files[0].content, PASSWORD).entries[0].chain,
    ).toHaveLength(2);
    expect(() =>
      buildPkcs12([entry], {
        password: PASSWORD,
        trustAnchorsPem: [ec256.root.pem],
      }),
    ).toThrow(/not a configured trust anchor/);
    expect(() =>
      buildPkcs12([entry], { password: PASSWORD, requireCompleteChain: true }),
    ).toThrow(/missing link/);
  });
});
