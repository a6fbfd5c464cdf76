/* eslint-disable no-console */
/*
 * `npm run bench:keystore`: builds a PKCS#12 (RSA-2048 leaf + 2-certificate
 * chain) in-process many times per profile, and runs `openssl pkcs12 -export`
 * on the same inputs with the same algorithms, iterations and MAC. Prints
 * medians, and per profile a final line `ratio <in-process / openssl>`
 * (goal: ≤ 0.5). Also times node-forge's own PKCS#12 writer (3DES, RSA
 * only) as the reference our builder replaced.
 *
 * Options: BENCH_RUNS (in-process builds, default 200), BENCH_OPENSSL_RUNS
 * (default 40).
 */
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import forge from 'node-forge';
import {
  buildPkcs12,
  createCertificate,
  generateKeystorePassword,
  PKCS12_PROFILES,
  Pkcs12ProfileName,
  toPem,
} from '@mqcert/plugin-mq-certificates-node';

const RUNS = Number(process.env.BENCH_RUNS ?? 200);
const OPENSSL_RUNS = Number(process.env.BENCH_OPENSSL_RUNS ?? 40);

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function timeMs(fn: () => void): number {
  const start = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

const rsa = () =>
  generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
const rootKey = rsa();
const intKey = rsa();
const leafKey = rsa();
const root = createCertificate({
  subject: 'CN=Bench Root CA',
  publicKey: rootKey,
  signingKey: rootKey,
  isCa: true,
});
const int = createCertificate({
  subject: 'CN=Bench Issuing CA',
  publicKey: intKey,
  issuer: root,
  signingKey: rootKey,
  isCa: true,
});
const leaf = createCertificate({
  subject: 'CN=qm1.example.com',
  publicKey: leafKey,
  issuer: int,
  signingKey: intKey,
  dnsNames: ['qm1.example.com'],
});
const leafPem = toPem('CERTIFICATE', leaf.raw);
const chainPem = [
  toPem('CERTIFICATE', int.raw),
  toPem('CERTIFICATE', root.raw),
];
const keyPem = leafKey.export({ type: 'pkcs8', format: 'pem' }) as string;
const password = generateKeystorePassword();

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mqcert-bench-'));
const files = {
  leaf: path.join(dir, 'leaf.pem'),
  key: path.join(dir, 'key.pem'),
  chain: path.join(dir, 'chain.pem'),
  out: path.join(dir, 'out.p12'),
};
fs.writeFileSync(files.leaf, leafPem);
fs.writeFileSync(files.key, keyPem, { mode: 0o600 });
fs.writeFileSync(files.chain, chainPem.join(''));

console.log(
  `openssl: ${execFileSync('openssl', ['version'], {
    encoding: 'utf8',
  }).trim()}; node ${process.version}; ${os.cpus().length} CPUs, load ${os
    .loadavg()[0]
    .toFixed(2)}`,
);
console.log(`in-process runs: ${RUNS}, openssl runs: ${OPENSSL_RUNS}`);

const ratios: string[] = [];
try {
  for (const name of Object.keys(PKCS12_PROFILES) as Pkcs12ProfileName[]) {
    const profile = PKCS12_PROFILES[name];
    const entry = {
      label: 'ibmwebspheremqqm1',
      certificatePem: leafPem,
      privateKeyPem: keyPem,
      chainPem,
    };
    const build = () => buildPkcs12([entry], { password, profile: name });
    for (let i = 0; i < 20; i++) build(); // warm the JIT
    const inProcess = Array.from({ length: RUNS }, () => timeMs(build));

    const args = [
      'pkcs12',
      '-export',
      '-in',
      files.leaf,
      '-inkey',
      files.key,
      '-certfile',
      files.chain,
      '-name',
      'ibmwebspheremqqm1',
      '-out',
      files.out,
      '-passout',
      'env:BENCH_P12_PASS',
      ...profile.opensslExportOptions,
    ];
    const env = { ...process.env, BENCH_P12_PASS: password };
    execFileSync('openssl', args, { env, stdio: 'ignore' });
    const openssl = Array.from({ length: OPENSSL_RUNS }, () =>
      timeMs(() => execFileSync('openssl', args, { env, stdio: 'ignore' })),
    );
    const a = median(inProcess);
    const b = median(openssl);
    console.log(
      `${name}: in-process median ${a.toFixed(2)} ms (min ${Math.min(
        ...inProcess,
      ).toFixed(2)}), openssl pkcs12 -export median ${b.toFixed(
        2,
      )} ms (min ${Math.min(...openssl).toFixed(
        2,
      )}), options: ${profile.opensslExportOptions.join(' ')}`,
    );
    ratios.push(`${name}: ratio ${(a / b).toFixed(3)}`);
  }

  // Reference: node-forge's writer (what the design first named), 3DES, same chain.
  const forgeKey = forge.pki.privateKeyFromPem(keyPem);
  const forgeCerts = [leafPem, ...chainPem].map(p =>
    forge.pki.certificateFromPem(p),
  );
  const forgeBuild = () =>
    forge.asn1
      .toDer(
        forge.pkcs12.toPkcs12Asn1(forgeKey, forgeCerts, password, {
          algorithm: '3des',
          friendlyName: 'ibmwebspheremqqm1',
        }),
      )
      .getBytes();
  for (let i = 0; i < 3; i++) forgeBuild();
  const forgeTimes = Array.from(
    { length: Math.max(5, Math.floor(RUNS / 20)) },
    () => timeMs(forgeBuild),
  );
  console.log(
    `reference node-forge toPkcs12Asn1 (3des, sha1 MAC): median ${median(
      forgeTimes,
    ).toFixed(2)} ms`,
  );
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
for (const line of ratios) console.log(line);
