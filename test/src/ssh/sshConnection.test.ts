import { generateKeyPairSync } from 'node:crypto';
import {
  SshConnection,
  SshConnectionError,
  type SshConnectionOptions,
} from '@mqcert/plugin-mq-certificates-node';
import { describeWithTools } from '../support/describeWithTools';
import { startSshd, type SshdHarness } from '../support/sshd';

jest.setTimeout(60_000);

describeWithTools(
  ['sshd', 'ssh-keygen'],
  'SSH connection against a real OpenSSH sshd',
  () => {
    let sshd: SshdHarness;
    let conn: SshConnection;
    const options = (extra: Partial<SshConnectionOptions> = {}) => ({
      host: sshd.host,
      port: sshd.port,
      username: sshd.username,
      privateKey: sshd.privateKey,
      hostKeySha256: sshd.hostKeySha256,
      configPath: 'mqCertificates.deployTargets.test.ssh',
      ...extra,
    });
    const refusal = async (extra: Partial<SshConnectionOptions>) => {
      const e = await SshConnection.connect(options(extra)).then(
        c => c.close().then(() => new Error('connected')),
        err => err,
      );
      expect(e).toBeInstanceOf(SshConnectionError);
      return e as SshConnectionError;
    };

    beforeAll(async () => {
      sshd = await startSshd();
      conn = await SshConnection.connect(options());
    });
    afterAll(async () => {
      await conn?.close();
      await sshd?.stop();
    });

    it('passes hostile arguments through the remote shell unchanged', async () => {
      const hostile = [
        '$(touch /tmp/mqcert-pwned)',
        '`id`',
        "'; echo injected #",
        'line1\nline2',
        '"$HOME" *',
        '',
        '-n',
      ];
      const r = await conn.commands.run(process.execPath, [
        '-e',
        'console.log(JSON.stringify(process.argv.slice(1)))',
        ...hostile,
      ]);
      expect(r.exitCode).toBe(0);
      expect(JSON.parse(r.stdout)).toEqual(hostile);
    });

    it('feeds stdin and returns exit code and stderr', async () => {
      const cat = await conn.commands.run('cat', [], {
        stdin: "DEFINE QLOCAL('A')\nEND\n",
      });
      expect(cat).toEqual({
        exitCode: 0,
        stdout: "DEFINE QLOCAL('A')\nEND\n",
        stderr: '',
      });
      const failing = await conn.commands.run('sh', [
        '-c',
        'echo to-stderr >&2; exit 7',
      ]);
      expect(failing.exitCode).toBe(7);
      expect(failing.stderr).toBe('to-stderr\n');
      const missing = await conn.commands.run('/nonexistent/runmqsc', []);
      expect(missing.exitCode).toBe(127);
    });

    it('sets environment variables and the working directory', async () => {
      const r = await conn.commands.run('sh', ['-c', 'echo "$TZ:$(pwd)"'], {
        env: { TZ: 'UTC' },
        cwd: sshd.dir,
      });
      expect(r.stdout.trim()).toBe(`UTC:${sshd.dir}`);
    });

    it('kills a command at its timeout', async () => {
      const started = Date.now();
      await expect(
        conn.commands.run('sleep', ['31.25'], { timeoutMs: 500 }),
      ).rejects.toThrow(/'sleep' on .* did not finish within 500 ms/);
      expect(Date.now() - started).toBeLessThan(15_000);
      // The remote process was killed, not left behind.
      const left = await conn.commands.run('pgrep', ['-f', 'sleep 31.25']);
      expect(left.exitCode).toBe(1);
      // The connection still works afterwards.
      expect((await conn.commands.run('true', [])).exitCode).toBe(0);
    });

    it('runs more commands at once than sshd allows sessions', async () => {
      const results = await Promise.all(
        Array.from({ length: 30 }, (_, i) =>
          conn.commands.run('sh', ['-c', `echo ${i}`]),
        ),
      );
      expect(results.map(r => r.stdout.trim())).toEqual(
        Array.from({ length: 30 }, (_, i) => String(i)),
      );
    });

    it('refuses an unknown host key and shows the one ssh-keygen computes', async () => {
      const e = await refusal({ hostKeySha256: undefined });
      expect(e.reason).toBe('host-key');
      expect(e.presentedHostKeySha256).toBe(sshd.hostKeySha256);
      expect(e.message).toContain(
        `it presented ssh-ed25519 host key ${sshd.hostKeySha256} and no host key is pinned`,
      );
      expect(e.message).toContain(
        `set mqCertificates.deployTargets.test.ssh.hostKeySha256: ${sshd.hostKeySha256}`,
      );
    });

    it('refuses a changed host key', async () => {
      const e = await refusal({ hostKeySha256: sshd.otherKeySha256 });
      expect(e.reason).toBe('host-key');
      expect(e.message).toContain(
        `which is not the pinned ${sshd.otherKeySha256} (mqCertificates.deployTargets.test.ssh.hostKeySha256)`,
      );
      expect(e.message).toContain('possible man-in-the-middle');
    });

    it('accepts the host key among several pins', async () => {
      const c = await SshConnection.connect(
        options({ hostKeySha256: [sshd.otherKeySha256, sshd.hostKeySha256] }),
      );
      expect((await c.commands.run('true', [])).exitCode).toBe(0);
      await c.close();
    });

    it('reports a key the host does not accept', async () => {
      // A valid key that is not in authorized_keys (ssh2 reads PKCS#1 PEM).
      const rsa = generateKeyPairSync('rsa', {
        modulusLength: 2048,
        privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
        publicKeyEncoding: { type: 'pkcs1', format: 'pem' },
      }).privateKey;
      const e = await refusal({ privateKey: rsa });
      expect(e.reason).toBe('authentication');
      expect(e.message).toContain(
        `did not accept the private key for user '${sshd.username}'`,
      );
    });
  },
);

describeWithTools(
  ['sshd', 'ssh-keygen'],
  'SSH connection with a passphrase-protected key',
  () => {
    let sshd: SshdHarness;
    beforeAll(async () => {
      sshd = await startSshd({ passphrase: 'correct horse battery' });
    });
    afterAll(() => sshd?.stop());

    it('logs in with the passphrase and explains its absence', async () => {
      const base = {
        host: sshd.host,
        port: sshd.port,
        username: sshd.username,
        privateKey: sshd.privateKey,
        hostKeySha256: sshd.hostKeySha256,
        configPath: 'p.ssh',
      };
      const c = await SshConnection.connect({
        ...base,
        passphrase: 'correct horse battery',
      });
      expect((await c.commands.run('echo', ['ok'])).stdout).toBe('ok\n');
      await c.close();
      await expect(SshConnection.connect(base)).rejects.toThrow(
        /is encrypted and no passphrase is set; set p\.ssh\.passphrase/,
      );
    });
  },
);
