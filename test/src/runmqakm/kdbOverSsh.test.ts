import { generateKeyPairSync } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  CmsKdbKeystoreFormat,
  createCertificate,
  generateKeystorePassword,
  KeystoreBuildError,
  SftpTargetFileSystem,
  SshConnection,
  summarizeCertificate,
  TargetCommandWorkspace,
  toPem,
} from '@mqcert/plugin-mq-certificates-node';
import { describeWithTools } from '../support/describeWithTools';
import { startSshd, type SshdHarness } from '../support/sshd';
import { readStash } from './kdbStore';

/*
 * A CMS KDB built where runmqakm lives: on an MQ host reached over SSH (a
 * real sshd here), scratch files over SFTP, runmqakm (our stand-in) run by
 * the connection's remote exec. Same contract as the local build: four
 * files, labels confirmed, nothing left behind on the host, a failed import
 * is an error that names the step without the password.
 */

jest.setTimeout(120_000);

function makePki() {
  const rsa = () =>
    generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  const rootKey = rsa();
  const intKey = rsa();
  const root = createCertificate({
    subject: 'CN=Remote KDB Root CA',
    publicKey: rootKey,
    signingKey: rootKey,
    isCa: true,
  });
  const int = createCertificate({
    subject: 'CN=Remote KDB Issuing CA',
    publicKey: intKey,
    issuer: root,
    signingKey: rootKey,
    isCa: true,
  });
  const key = generateKeyPairSync('ec', {
    namedCurve: 'prime256v1',
  }).privateKey;
  const leaf = createCertificate({
    subject: 'CN=qm1.example.com',
    publicKey: key,
    issuer: int,
    signingKey: intKey,
    dnsNames: ['qm1.example.com'],
  });
  return {
    leaf,
    entry: {
      label: 'ibmwebspheremqqm1',
      certificatePem: toPem('CERTIFICATE', leaf.raw),
      privateKeyPem: key.export({ type: 'sec1', format: 'pem' }) as string,
      // Root first: the build must still order it.
      chainPem: [toPem('CERTIFICATE', root.raw), toPem('CERTIFICATE', int.raw)],
    },
  };
}

describeWithTools(
  ['sshd', 'ssh-keygen'],
  'CMS KDB built over SSH with the runmqakm stand-in (real sshd)',
  () => {
    const pki = makePki();
    let sshd: SshdHarness;
    let conn: SshConnection;
    let base: string;
    let scratch: string;
    let bin: string;

    /** runmqakm on the "host": the stand-in, with node on PATH and optional faults. */
    function hostRunmqakm(name: string, env: Record<string, string> = {}) {
      const file = path.join(bin, name);
      const exports = Object.entries({
        PATH: `${path.dirname(process.execPath)}:/usr/bin:/bin`,
        ...env,
      })
        .map(([k, v]) => `${k}='${v}'; export ${k}`)
        .join('\n');
      fs.writeFileSync(
        file,
        `#!/bin/sh\n${exports}\nexec '${path.join(
          __dirname,
          'runmqakm',
        )}' "$@"\n`,
        { mode: 0o755 },
      );
      return file;
    }

    const workspace = () =>
      new TargetCommandWorkspace({
        commands: conn.commands,
        files: new SftpTargetFileSystem(conn),
        tempRoot: scratch,
      });

    beforeAll(async () => {
      sshd = await startSshd();
      conn = await SshConnection.connect({
        host: sshd.host,
        port: sshd.port,
        username: sshd.username,
        privateKey: sshd.privateKey,
        hostKeySha256: sshd.hostKeySha256,
      });
      base = fs.mkdtempSync(path.join(os.tmpdir(), 'mqcert-kdb-ssh-'));
      scratch = path.join(base, 'scratch');
      bin = path.join(base, 'bin');
      fs.mkdirSync(scratch);
      fs.mkdirSync(bin);
    });
    afterAll(async () => {
      await conn?.close();
      await sshd?.stop();
      if (base) fs.rmSync(base, { recursive: true, force: true });
    });

    it('builds on the host, returns the four files, inspects them there, and leaves no scratch folder', async () => {
      const format = new CmsKdbKeystoreFormat({
        workspace: workspace(),
        runmqakm: hostRunmqakm('runmqakm'),
      });
      const password = generateKeystorePassword();
      const built = await format.build([pki.entry], { password });
      expect(built.files.map(f => f.suffix)).toEqual([
        '.kdb',
        '.rdb',
        '.crl',
        '.sth',
      ]);
      expect(built.labels).toEqual(['ibmwebspheremqqm1']);
      expect(built.certificates[0].serialNumber).toBe(
        summarizeCertificate(pki.leaf).serialNumber,
      );
      const sth = path.join(base, 'copy.sth');
      fs.writeFileSync(sth, built.files[3].content);
      expect(readStash(sth)).toBe(password);
      expect(fs.readdirSync(scratch)).toEqual([]);

      const inspection = await format.inspect(built.files, password);
      expect(
        inspection.entries.map(e => [e.label, e.personal, e.chain.length]),
      ).toEqual([
        ['ibmwebspheremqqm1', true, 2],
        ['Remote KDB Root CA', false, 0],
        ['Remote KDB Issuing CA', false, 0],
      ]);
      expect(fs.readdirSync(scratch)).toEqual([]);
    });

    it('stops at a failed import (exit code 26) with nothing left on the host and no password in the error', async () => {
      const format = new CmsKdbKeystoreFormat({
        workspace: workspace(),
        runmqakm: hostRunmqakm('runmqakm-failing', {
          MQCERT_RUNMQAKM_FAIL: '-cert -import',
        }),
      });
      const password = generateKeystorePassword();
      const error = await format.build([pki.entry], { password }).then(
        () => undefined,
        e => e,
      );
      expect(error).toBeInstanceOf(KeystoreBuildError);
      expect(error).toMatchObject({
        exitCode: 26,
        step: "-cert -import (label 'ibmwebspheremqqm1')",
      });
      expect(error.message).toMatch(/CTGSK3046W/);
      expect(error.message).not.toContain(password);
      expect(fs.readdirSync(scratch)).toEqual([]);
    });

    it('works only inside the folders it made', async () => {
      const ws = workspace();
      const dir = await ws.createTempDir('mqcert-kdb-');
      expect(path.dirname(dir)).toBe(scratch);
      expect(fs.statSync(dir).mode & 0o777).toBe(0o700);
      await ws.writeFile(`${dir}/a.pem`, Buffer.from('x'));
      expect(fs.statSync(`${dir}/a.pem`).mode & 0o777).toBe(0o600);
      expect((await ws.readFile(`${dir}/a.pem`)).toString()).toBe('x');
      await expect(
        ws.writeFile(`${dir}/../outside.pem`, Buffer.from('x')),
      ).rejects.toThrow(/outside this workspace's scratch folders/);
      await expect(ws.readFile('/etc/passwd')).rejects.toThrow(
        /outside this workspace's scratch folders/,
      );
      await expect(ws.removeDir(base)).rejects.toThrow(
        /was not made by this workspace/,
      );
      await expect(ws.createTempDir('../x')).rejects.toThrow(/^prefix: /);
      await ws.removeDir(dir);
      expect(fs.existsSync(dir)).toBe(false);
      expect(fs.existsSync(base)).toBe(true);

      const missing = new TargetCommandWorkspace({
        commands: conn.commands,
        files: new SftpTargetFileSystem(conn),
        tempRoot: path.join(base, 'no-such-folder'),
      });
      const err = await missing.createTempDir('mqcert-kdb-').catch(e => e);
      expect(err).toBeInstanceOf(KeystoreBuildError);
      expect(err.step).toBe('mktemp -d');
      expect(err.message).toMatch(
        /^could not create a scratch folder under .*no-such-folder on SSH host .*; check that the folder exists and is writable by the SSH user$/,
      );
    });
  },
);
