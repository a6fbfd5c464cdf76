import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, KeyObject } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import {
  buildPkcs12,
  createCertificate,
  generateKeystorePassword,
  summarizeCertificate,
  toPem,
} from '@mqcert/plugin-mq-certificates-node';
import { describeWithTools } from '../support/describeWithTools';

/*
 * Our PKCS#12 files read by independent readers: OpenSSL 3, Java keytool and
 * Node's TLS stack, for RSA and EC leaves, in both profiles. The chain is
 * handed over root-first; the file must still hold the leaf first.
 */

// `rsa-pkcs8`: the same RSA key handed over as PKCS#8 `PRIVATE KEY` (the
// builder reads it through its PKCS#1 form) instead of `RSA PRIVATE KEY`.
type KeyKind = 'rsa' | 'rsa-pkcs8' | 'ec-p256' | 'ec-p384';

function newKey(kind: KeyKind): KeyObject {
  if (kind === 'rsa' || kind === 'rsa-pkcs8')
    return generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  return generateKeyPairSync('ec', {
    namedCurve: kind === 'ec-p256' ? 'prime256v1' : 'secp384r1',
  }).privateKey;
}

const rootKey = newKey('rsa');
const intKey = newKey('rsa');
const root = createCertificate({
  subject: 'CN=Readers Root CA,O=MQ Cert Tests',
  publicKey: rootKey,
  signingKey: rootKey,
  isCa: true,
});
const intermediate = createCertificate({
  subject: 'CN=Readers Issuing CA,O=MQ Cert Tests',
  publicKey: intKey,
  issuer: root,
  signingKey: rootKey,
  isCa: true,
});
const rootPem = toPem('CERTIFICATE', root.raw);
const intPem = toPem('CERTIFICATE', intermediate.raw);

function leafFor(kind: KeyKind) {
  const key = newKey(kind);
  const cert = createCertificate({
    subject: `CN=localhost,O=MQ Cert Tests,OU=${kind}`,
    publicKey: key,
    issuer: intermediate,
    signingKey: intKey,
    dnsNames: ['localhost'],
    ipAddresses: ['127.0.0.1'],
  });
  const keyPem = key.export(
    {
      rsa: { type: 'pkcs1', format: 'pem' } as const,
      'rsa-pkcs8': { type: 'pkcs8', format: 'pem' } as const,
      'ec-p256': { type: 'sec1', format: 'pem' } as const,
      'ec-p384': { type: 'sec1', format: 'pem' } as const,
    }[kind],
  ) as string;
  return { cert, certPem: toPem('CERTIFICATE', cert.raw), keyPem };
}

const CASES = [
  ['rsa', 'aes256'],
  ['rsa', 'compat-3des'],
  ['rsa-pkcs8', 'aes256'],
  ['rsa-pkcs8', 'compat-3des'],
  ['ec-p256', 'aes256'],
  ['ec-p256', 'compat-3des'],
  ['ec-p384', 'aes256'],
  ['ec-p384', 'compat-3des'],
] as const;

const built = CASES.map(([kind, profile]) => {
  const leaf = leafFor(kind);
  const password = generateKeystorePassword();
  const keystore = buildPkcs12(
    [
      {
        label: 'ibmwebspheremqqm1',
        certificatePem: leaf.certPem,
        privateKeyPem: leaf.keyPem,
        chainPem: [rootPem, intPem],
      },
    ],
    { password, profile },
  );
  return { kind, profile, leaf, password, p12: keystore.files[0].content };
});

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mqcert-p12-readers-'));
  fs.writeFileSync(path.join(dir, 'root.pem'), rootPem);
  fs.writeFileSync(path.join(dir, 'int.pem'), intPem);
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function writeP12(i: number): string {
  const file = path.join(dir, `case-${i}.p12`);
  fs.writeFileSync(file, built[i].p12);
  return file;
}

describeWithTools(['openssl'], 'PKCS#12 read by OpenSSL', () => {
  it.each(CASES.map((c, i) => [...c, i] as const))(
    '%s / %s: algorithms, friendlyName, leaf first, verifiable chain',
    (kind, profile, i) => {
      const file = writeP12(i);
      const { password, leaf } = built[i];
      const env = { ...process.env, P12_PASS: password };
      const info = execFileSync(
        'openssl',
        ['pkcs12', '-info', '-in', file, '-passin', 'env:P12_PASS', '-nokeys'],
        { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
      );
      const stderrInfo = execFileSync(
        'sh',
        [
          '-c',
          'openssl pkcs12 -info -in "$1" -passin env:P12_PASS -noout 2>&1',
          'sh',
          file,
        ],
        { env, encoding: 'utf8' },
      );
      const expected = {
        aes256: [
          /MAC: sha256, Iteration 2048/,
          /PKCS7 Encrypted data: PBES2, PBKDF2, AES-256-CBC, Iteration 2048, PRF hmacWithSHA256/,
          /Shrouded Keybag: PBES2, PBKDF2, AES-256-CBC, Iteration 2048, PRF hmacWithSHA256/,
        ],
        'compat-3des': [
          /MAC: sha1, Iteration 2048/,
          /PKCS7 Encrypted data: pbeWithSHA1And3-KeyTripleDES-CBC, Iteration 2048/,
          /Shrouded Keybag: pbeWithSHA1And3-KeyTripleDES-CBC, Iteration 2048/,
        ],
      }[profile];
      for (const pattern of expected) expect(stderrInfo).toMatch(pattern);
      const names = [...info.matchAll(/friendlyName: (.+)/g)].map(m => m[1]);
      expect(names).toEqual([
        'ibmwebspheremqqm1',
        'Readers Issuing CA',
        'Readers Root CA',
      ]);
      const subjects = [...info.matchAll(/^subject=(.+)$/gm)].map(m => m[1]);
      expect(subjects[0]).toContain(`OU = ${kind}`);
      expect(subjects[0]).toContain('CN = localhost');

      const leafOut = path.join(dir, `leaf-${i}.pem`);
      execFileSync(
        'openssl',
        [
          'pkcs12',
          '-in',
          file,
          '-passin',
          'env:P12_PASS',
          '-clcerts',
          '-nokeys',
          '-out',
          leafOut,
        ],
        { env, stdio: 'ignore' },
      );
      expect(
        execFileSync(
          'openssl',
          [
            'verify',
            '-CAfile',
            path.join(dir, 'root.pem'),
            '-untrusted',
            path.join(dir, 'int.pem'),
            leafOut,
          ],
          { encoding: 'utf8' },
        ),
      ).toMatch(/: OK/);
      const keyOut = execFileSync(
        'openssl',
        [
          'pkcs12',
          '-in',
          file,
          '-passin',
          'env:P12_PASS',
          '-nocerts',
          '-nodes',
        ],
        { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
      );
      const pubFromKey = execFileSync('openssl', ['pkey', '-pubout'], {
        input: keyOut,
        encoding: 'utf8',
      });
      expect(pubFromKey).toBe(
        leaf.cert.publicKey.export({ type: 'spki', format: 'pem' }),
      );
      expect(() =>
        execFileSync(
          'openssl',
          [
            'pkcs12',
            '-info',
            '-in',
            file,
            '-passin',
            'pass:wrong-password',
            '-noout',
          ],
          { stdio: 'pipe' },
        ),
      ).toThrow();
    },
  );
});

describeWithTools(['keytool'], 'PKCS#12 read by Java keytool', () => {
  it.each(CASES.map((c, i) => [...c, i] as const))(
    '%s / %s: one PrivateKeyEntry under the label with the full chain',
    (_kind, _profile, i) => {
      const file = writeP12(i);
      const out = execFileSync(
        'keytool',
        [
          '-list',
          '-v',
          '-storetype',
          'PKCS12',
          '-keystore',
          file,
          '-storepass:env',
          'P12_PASS',
        ],
        {
          env: { ...process.env, P12_PASS: built[i].password },
          encoding: 'utf8',
        },
      );
      expect(out).toMatch(/Alias name: ibmwebspheremqqm1/);
      expect(out).toMatch(/Entry type: PrivateKeyEntry/);
      expect(out).toMatch(/Certificate chain length: 3/);
      const owners = [...out.matchAll(/^Owner: (.+)$/gm)].map(m => m[1]);
      expect(owners[0]).toMatch(/^CN=localhost/);
      expect(owners.slice(1, 3)).toEqual([
        'CN=Readers Issuing CA, O=MQ Cert Tests',
        'CN=Readers Root CA, O=MQ Cert Tests',
      ]);
      const serial = summarizeCertificate(built[i].leaf.cert)
        .serialNumber.replace(/:/g, '')
        .replace(/^0+/, '');
      expect(out.toLowerCase()).toContain(`serial number: ${serial}`);
    },
    60_000,
  );
});

describe('PKCS#12 served by Node TLS', () => {
  it.each(CASES.map((c, i) => [...c, i] as const))(
    '%s / %s: a real handshake serves the leaf and its chain',
    async (_kind, _profile, i) => {
      const { p12, password, leaf } = built[i];
      const server = tls.createServer(
        { pfx: p12, passphrase: password },
        socket => socket.end('ok'),
      );
      await new Promise<void>(resolve =>
        server.listen(0, '127.0.0.1', resolve),
      );
      const port = (server.address() as { port: number }).port;
      try {
        const peer = await new Promise<tls.DetailedPeerCertificate>(
          (resolve, reject) => {
            const socket = tls.connect(
              {
                host: '127.0.0.1',
                port,
                ca: [rootPem],
                servername: 'localhost',
              },
              () => {
                const cert = socket.getPeerCertificate(true);
                socket.destroy();
                if (!socket.authorized)
                  reject(new Error(String(socket.authorizationError)));
                else resolve(cert);
              },
            );
            socket.on('error', reject);
            socket.setTimeout(10_000, () =>
              reject(new Error('handshake timed out')),
            );
          },
        );
        expect(peer.fingerprint256).toBe(leaf.cert.fingerprint256);
        expect(peer.issuerCertificate.fingerprint256).toBe(
          intermediate.fingerprint256,
        );
      } finally {
        await new Promise(resolve => server.close(resolve));
      }
    },
  );
});
