import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  CmsKdbKeystoreFormat,
  CommandOptions,
  CommandRunner,
  createCertificate,
  generateKeystorePassword,
  KeystoreBuildError,
  KeystoreReadError,
  LocalCommandRunner,
  LocalCommandWorkspace,
  summarizeCertificate,
  toPem,
} from '@mqcert/plugin-mq-certificates-node';
import { generateKeyPairSync } from 'node:crypto';
import { readStash } from './kdbStore';

const RUNMQAKM = path.join(__dirname, 'runmqakm');

/** Records every argument vector (passwords replaced) on top of the local runner. */
class RecordingRunner implements CommandRunner {
  calls: string[][] = [];
  constructor(private readonly env: Record<string, string> = {}) {}
  run(command: string, args: string[], options: CommandOptions = {}) {
    const secrets = options.secretValues ?? [];
    this.calls.push(args.map(a => (secrets.includes(a) ? '<secret>' : a)));
    return new LocalCommandRunner({ env: this.env }).run(
      command,
      args,
      options,
    );
  }
}

function makePki(name: string) {
  const key = (bits = 2048) =>
    generateKeyPairSync('rsa', { modulusLength: bits }).privateKey;
  const rootKey = key();
  const intKey = key();
  const root = createCertificate({
    subject: `CN=${name} Root CA`,
    publicKey: rootKey,
    signingKey: rootKey,
    isCa: true,
  });
  const int = createCertificate({
    subject: `CN=${name} Issuing CA`,
    publicKey: intKey,
    issuer: root,
    signingKey: rootKey,
    isCa: true,
  });
  const leaf = (cn: string) => {
    const k = generateKeyPairSync('ec', {
      namedCurve: 'prime256v1',
    }).privateKey;
    const cert = createCertificate({
      subject: `CN=${cn}`,
      publicKey: k,
      issuer: int,
      signingKey: intKey,
      dnsNames: [cn],
    });
    return {
      cert,
      certificatePem: toPem('CERTIFICATE', cert.raw),
      privateKeyPem: k.export({ type: 'sec1', format: 'pem' }) as string,
    };
  };
  return {
    rootPem: toPem('CERTIFICATE', root.raw),
    intPem: toPem('CERTIFICATE', int.raw),
    leaf,
  };
}

describe('CmsKdbKeystoreFormat with the runmqakm stand-in', () => {
  const pki = makePki('KDB');
  const qm = pki.leaf('qm1.example.com');
  const channel = pki.leaf('qm1-chl.example.com');
  let base: string;
  beforeEach(() => {
    base = fs.mkdtempSync(path.join(os.tmpdir(), 'mqcert-kdb-test-'));
  });
  afterEach(() => fs.rmSync(base, { recursive: true, force: true }));

  it('creates with a stash, adds each CA root-first, imports each label, lists, and returns the four files', async () => {
    const runner = new RecordingRunner();
    const format = new CmsKdbKeystoreFormat({
      workspace: new LocalCommandWorkspace(runner, base),
      runmqakm: RUNMQAKM,
    });
    const password = generateKeystorePassword();
    const built = await format.build(
      [
        {
          label: 'ibmwebspheremqqm1',
          certificatePem: qm.certificatePem,
          privateKeyPem: qm.privateKeyPem,
          chainPem: [pki.rootPem, pki.intPem],
        },
        {
          label: 'qm1chl',
          certificatePem: channel.certificatePem + pki.intPem,
          privateKeyPem: channel.privateKeyPem,
          chainPem: [pki.rootPem],
        },
      ],
      { password },
    );
    const dir = runner.calls[0][3].replace(/\/key\.kdb$/, '');
    const rel = (call: string[]) => call.map(a => a.replace(dir, '<dir>'));
    expect(runner.calls.map(rel)).toEqual([
      [
        '-keydb',
        '-create',
        '-db',
        '<dir>/key.kdb',
        '-pw',
        '<secret>',
        '-type',
        'cms',
        '-stash',
      ],
      [
        '-cert',
        '-add',
        '-db',
        '<dir>/key.kdb',
        '-stashed',
        '-label',
        'KDB Root CA',
        '-file',
        '<dir>/ca-1.pem',
        '-format',
        'ascii',
        '-trust',
        'enable',
      ],
      [
        '-cert',
        '-add',
        '-db',
        '<dir>/key.kdb',
        '-stashed',
        '-label',
        'KDB Issuing CA',
        '-file',
        '<dir>/ca-2.pem',
        '-format',
        'ascii',
        '-trust',
        'enable',
      ],
      [
        '-cert',
        '-import',
        '-file',
        '<dir>/entry-1.p12',
        '-pw',
        '<secret>',
        '-type',
        'pkcs12',
        '-target',
        '<dir>/key.kdb',
        '-target_pw',
        '<secret>',
        '-target_type',
        'cms',
      ],
      [
        '-cert',
        '-import',
        '-file',
        '<dir>/entry-2.p12',
        '-pw',
        '<secret>',
        '-type',
        'pkcs12',
        '-target',
        '<dir>/key.kdb',
        '-target_pw',
        '<secret>',
        '-target_type',
        'cms',
      ],
      ['-cert', '-list', '-db', '<dir>/key.kdb', '-stashed'],
    ]);
    expect(built.files.map(f => f.suffix)).toEqual([
      '.kdb',
      '.rdb',
      '.crl',
      '.sth',
    ]);
    expect(built.labels).toEqual(['ibmwebspheremqqm1', 'qm1chl']);
    expect(built.certificates[0].serialNumber).toBe(
      summarizeCertificate(qm.cert).serialNumber,
    );
    // The stash decodes to the password (classic 0xF5 XOR format).
    const sth = path.join(base, 'copy.sth');
    fs.writeFileSync(sth, built.files[3].content);
    expect(readStash(sth)).toBe(password);
    // Scratch folders are gone.
    expect(
      fs.readdirSync(base).filter(n => n.startsWith('mqcert-kdb-')),
    ).toEqual([]);

    const inspection = await format.inspect(built.files, password);
    expect(
      inspection.entries.map(e => [e.label, e.personal, e.chain.length]),
    ).toEqual([
      ['ibmwebspheremqqm1', true, 2],
      ['qm1chl', true, 2],
      ['KDB Root CA', false, 0],
      ['KDB Issuing CA', false, 0],
    ]);
    await expect(
      format.inspect(built.files, 'Wrong-password-123'),
    ).rejects.toThrow(KeystoreReadError);
  }, 120_000);

  it('stops when the import fails (exit code 26, CTGSK3046W), returns nothing and leaves nothing', async () => {
    const runner = new RecordingRunner({
      MQCERT_RUNMQAKM_FAIL: '-cert -import',
    });
    const format = new CmsKdbKeystoreFormat({
      workspace: new LocalCommandWorkspace(runner, base),
      runmqakm: RUNMQAKM,
    });
    const password = generateKeystorePassword();
    const error = await format
      .build(
        [
          {
            label: 'ibmwebspheremqqm1',
            certificatePem: qm.certificatePem,
            privateKeyPem: qm.privateKeyPem,
            chainPem: [pki.intPem, pki.rootPem],
          },
        ],
        { password },
      )
      .then(
        () => undefined,
        e => e,
      );
    expect(error).toBeInstanceOf(KeystoreBuildError);
    expect(error.exitCode).toBe(26);
    expect(error.step).toBe("-cert -import (label 'ibmwebspheremqqm1')");
    expect(error.message).toMatch(
      /failed with exit code 26: CTGSK3046W The key file ".*entry-1\.p12" could not be imported\.; nothing was staged/,
    );
    expect(error.message).not.toContain(password);
    expect(runner.calls.at(-1)?.[1]).toBe('-import');
    expect(fs.readdirSync(base)).toEqual([]);
  }, 120_000);

  it('refuses a chain without its root before running anything', async () => {
    const runner = new RecordingRunner();
    const format = new CmsKdbKeystoreFormat({
      workspace: new LocalCommandWorkspace(runner, base),
      runmqakm: RUNMQAKM,
    });
    await expect(
      format.build(
        [
          {
            label: 'l1',
            certificatePem: qm.certificatePem,
            privateKeyPem: qm.privateKeyPem,
            chainPem: [pki.intPem],
          },
        ],
        { password: generateKeystorePassword() },
      ),
    ).rejects.toThrow(/missing link: no certificate for 'CN=KDB Root CA'/);
    expect(runner.calls).toEqual([]);
  });

  it('stand-in: refuses a duplicate label and a wrong password like runmqakm (exit code 26)', async () => {
    const runner = new LocalCommandRunner();
    const db = path.join(base, 'key.kdb');
    const password = generateKeystorePassword();
    const ca = path.join(base, 'ca.pem');
    fs.writeFileSync(ca, pki.rootPem);
    expect(
      (
        await runner.run(RUNMQAKM, [
          '-keydb',
          '-create',
          '-db',
          db,
          '-pw',
          password,
          '-type',
          'cms',
          '-stash',
        ])
      ).exitCode,
    ).toBe(0);
    expect(fs.readdirSync(base).sort()).toEqual([
      'ca.pem',
      'key.crl',
      'key.kdb',
      'key.rdb',
      'key.sth',
    ]);
    const add = [
      '-cert',
      '-add',
      '-db',
      db,
      '-stashed',
      '-label',
      'root',
      '-file',
      ca,
      '-format',
      'ascii',
      '-trust',
      'enable',
    ];
    expect((await runner.run(RUNMQAKM, add)).exitCode).toBe(0);
    const dup = await runner.run(RUNMQAKM, add);
    expect(dup.exitCode).toBe(26);
    expect(dup.stderr).toMatch(/label "root" already exists/);
    const wrong = await runner.run(RUNMQAKM, [
      '-cert',
      '-list',
      '-db',
      db,
      '-pw',
      'Not-the-password-1',
    ]);
    expect(wrong.exitCode).toBe(26);
    expect(wrong.stderr).toMatch(/password is not correct/);
    const list = await runner.run(RUNMQAKM, [
      '-cert',
      '-list',
      '-db',
      db,
      '-stashed',
    ]);
    expect(list.stdout).toBe(
      'Certificates found\n* default, - personal, ! trusted, # secret key\n!\troot\n',
    );
    const bad = await runner.run(RUNMQAKM, [
      '-cert',
      '-list',
      '-db',
      db,
      '-password',
      'x',
    ]);
    expect(bad.exitCode).toBe(1);
    expect(bad.stderr).toMatch(/unexpected argument '-password'/);
  }, 60_000);
});
