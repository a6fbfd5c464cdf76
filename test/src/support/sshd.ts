import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { findExecutable } from './tools';
import { freePort, waitForPort } from './net';

/** A running OpenSSH sshd for one test file. */
export interface SshdHarness {
  host: string;
  port: number;
  /** The user the tests log in as: the user running the tests (root included). */
  username: string;
  /** OpenSSH private key whose public key is authorised. */
  privateKey: string;
  /** Passphrase of privateKey, when one was asked for. */
  passphrase?: string;
  /** The host key's fingerprint as `ssh-keygen -lf` prints it (`SHA256:…`). */
  hostKeySha256: string;
  /** A fingerprint of another real key, for "changed host key" tests. */
  otherKeySha256: string;
  /** The harness's own temp folder (config, keys, log). */
  dir: string;
  /** What sshd logged so far (for diagnostics). */
  log(): string;
  stop(): Promise<void>;
}

function run(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.status !== 0) {
    throw new Error(
      `${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr || r.stdout}`,
    );
  }
  return r.stdout;
}

function keygen(file: string, passphrase = ''): string {
  run(findExecutable('ssh-keygen')!, [
    '-q',
    '-t',
    'ed25519',
    '-N',
    passphrase,
    '-C',
    'mqcert-test',
    '-f',
    file,
  ]);
  // "256 SHA256:xxxx comment (ED25519)": take ssh-keygen's own fingerprint,
  // so tests compare our computation against OpenSSH's.
  return run(findExecutable('ssh-keygen')!, ['-lf', `${file}.pub`]).split(
    ' ',
  )[1];
}

/**
 * Starts a real OpenSSH sshd on 127.0.0.1 and a free port with its own host
 * key and config: public-key login only, the authorised key in the harness's
 * temp folder (StrictModes off, so the folder's owner does not matter), no
 * PAM, SFTP through internal-sftp. It works as root (PermitRootLogin
 * prohibit-password) and as an ordinary user (sshd then only lets that user
 * in, which is who the tests log in as).
 */
export async function startSshd(
  options: { passphrase?: string } = {},
): Promise<SshdHarness> {
  const sshd = findExecutable('sshd');
  if (!sshd) throw new Error('sshd not found (Debian package openssh-server)');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mqcert-sshd-'));
  const hostKey = path.join(dir, 'host_ed25519_key');
  const clientKey = path.join(dir, 'client_ed25519_key');
  const hostKeySha256 = keygen(hostKey);
  keygen(clientKey, options.passphrase);
  const otherKeySha256 = keygen(path.join(dir, 'other_ed25519_key'));
  fs.copyFileSync(`${clientKey}.pub`, path.join(dir, 'authorized_keys'));
  const username = os.userInfo().username;
  const isRoot = process.getuid?.() === 0;
  if (isRoot) {
    // sshd insists on its privilege separation folder, which only the
    // service unit normally creates.
    fs.mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  }
  const port = await freePort();
  const config = [
    `ListenAddress 127.0.0.1:${port}`,
    `HostKey ${hostKey}`,
    `PidFile ${path.join(dir, 'sshd.pid')}`,
    `AuthorizedKeysFile ${path.join(dir, 'authorized_keys')}`,
    'StrictModes no',
    'PubkeyAuthentication yes',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'UsePAM no',
    `PermitRootLogin ${isRoot ? 'prohibit-password' : 'no'}`,
    `AllowUsers ${username}`,
    'Subsystem sftp internal-sftp',
    'MaxSessions 20',
    'MaxStartups 50',
    'LogLevel VERBOSE',
  ].join('\n');
  const configFile = path.join(dir, 'sshd_config');
  fs.writeFileSync(configFile, `${config}\n`);
  run(sshd, ['-t', '-f', configFile]);
  let log = '';
  const child: ChildProcess = spawn(sshd, ['-D', '-e', '-f', configFile], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  child.stderr!.on('data', d => {
    log += d.toString();
  });
  const exited = new Promise<void>(resolve =>
    child.once('exit', () => resolve()),
  );
  try {
    await Promise.race([
      waitForPort(port, '127.0.0.1', 15_000),
      exited.then(() => {
        throw new Error(`sshd exited at start: ${log}`);
      }),
    ]);
  } catch (e) {
    child.kill('SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  return {
    host: '127.0.0.1',
    port,
    username,
    privateKey: fs.readFileSync(clientKey, 'utf8'),
    passphrase: options.passphrase,
    hostKeySha256,
    otherKeySha256,
    dir,
    log: () => log,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise(r => setTimeout(r, 5000))]);
        if (child.exitCode === null && child.signalCode === null) {
          child.kill('SIGKILL');
        }
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
