import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  CommandAtScheduler,
  LocalCommandRunner,
  renderCutoverJobScript,
  SshConnection,
  type CommandRunner,
} from '@mqcert/plugin-mq-certificates-node';
import { ensureAtd, readAtq, waitFor } from '../support/atd';
import { describeWithTools } from '../support/describeWithTools';
import { startSshd, type SshdHarness } from '../support/sshd';
import { findExecutable } from '../support/tools';

jest.setTimeout(60_000);

const isRoot = process.getuid?.() === 0;
/**
 * Our own at queue, so checks like "nothing was queued" ignore jobs that
 * other tests on this machine queue meanwhile (they use the default `a`).
 */
const QUEUE = 'm';

/** A stand-in program in `dir` that prints to stderr and exits as told. */
function fakeProgram(
  dir: string,
  name: string,
  stderr: string,
  exitCode: number,
) {
  const file = path.join(dir, name);
  fs.writeFileSync(
    file,
    `#!/bin/sh\ncat >/dev/null\nprintf '%s' '${stderr.replace(
      /'/g,
      "'\\''",
    )}' >&2\nexit ${exitCode}\n`,
    { mode: 0o755 },
  );
  return file;
}

/**
 * Real `at` denial needs a user listed in /etc/at.deny (Debian lists
 * `nobody`) and no /etc/at.allow, and root to become that user.
 */
function realDenialPossible(): boolean {
  if (!isRoot || !findExecutable('setpriv') || fs.existsSync('/etc/at.allow')) {
    return false;
  }
  try {
    return fs
      .readFileSync('/etc/at.deny', 'utf8')
      .split('\n')
      .includes('nobody');
  } catch {
    return false;
  }
}

describeWithTools(
  ['sshd', 'ssh-keygen', 'at', 'atd', 'atq', 'atrm'],
  '`at` scheduling over SSH against a real sshd and atd',
  () => {
    let sshd: SshdHarness;
    let conn: SshConnection;
    let dir: string;
    let scheduler: CommandAtScheduler;
    const created: string[] = [];
    const ids = () =>
      readAtq()
        .filter(j => j.queue === QUEUE)
        .map(j => j.id)
        .sort();

    beforeAll(async () => {
      await ensureAtd();
      sshd = await startSshd();
      conn = await SshConnection.connect({
        host: sshd.host,
        port: sshd.port,
        username: sshd.username,
        privateKey: sshd.privateKey,
        hostKeySha256: sshd.hostKeySha256,
      });
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mqcertat'));
      scheduler = new CommandAtScheduler(conn.commands, {
        queue: QUEUE,
        hostDescription: `SSH host ${conn.describe()}`,
      });
    });
    afterAll(async () => {
      // Never leave our jobs behind for atd to run later.
      const left = new Set(readAtq().map(j => j.id));
      for (const id of created.filter(i => left.has(i))) {
        await scheduler.cancel(id).catch(() => undefined);
      }
      await conn?.close();
      await sshd?.stop();
      if (dir) fs.rmSync(dir, { recursive: true, force: true });
    });

    it('runs a scheduled cut-over job about a minute later and logs its output', async () => {
      const recorder = path.join(dir, 'runmqsc');
      fs.writeFileSync(
        recorder,
        [
          '#!/bin/sh',
          `printf '%s\\n' "$@" > '${dir}/runmqsc.args'`,
          `cat > '${dir}/runmqsc.stdin'`,
          'echo "AMQ8005I: IBM MQ queue manager changed."',
          'echo "AMQ8560I: IBM MQ security cache refreshed."',
          'exit 0',
          '',
        ].join('\n'),
        { mode: 0o755 },
      );
      const sslKeyRepository =
        '/var/mqm/qmgrs/QM1/ssl/key-20261203T195200Z-cc3f3ee2.p12';
      const script = renderCutoverJobScript({
        queueManager: 'QM1',
        sslKeyRepository,
        certificateLabel: 'ibmwebspheremqqm1',
        runmqscPath: recorder,
      });
      // The next whole minute at least 20 s away: at most ~80 s of waiting.
      const runAt = new Date(
        Math.ceil((Date.now() + 20_000) / 60_000) * 60_000,
      );
      const logFile = path.join(dir, 'cutover.log');
      const job = await scheduler.schedule(runAt, script, { logFile });
      created.push(job.id);
      expect(job.runAt).toBe(runAt.toISOString());
      expect(readAtq()).toContainEqual(
        expect.objectContaining({ id: job.id, runAt: runAt.toISOString() }),
      );
      expect(fs.existsSync(`${dir}/runmqsc.args`)).toBe(false);

      await waitFor(
        'the at job',
        () =>
          fs.existsSync(logFile) &&
          /job finished/.test(fs.readFileSync(logFile, 'utf8'))
            ? true
            : undefined,
        runAt.getTime() - Date.now() + 100_000,
      );
      const ranAt = fs.statSync(`${dir}/runmqsc.args`).mtimeMs;
      expect(ranAt).toBeGreaterThanOrEqual(runAt.getTime());
      expect(fs.readFileSync(`${dir}/runmqsc.args`, 'utf8')).toBe('QM1\n');
      expect(fs.readFileSync(`${dir}/runmqsc.stdin`, 'utf8')).toBe(
        `ALTER QMGR SSLKEYR('${sslKeyRepository}') CERTLABL('ibmwebspheremqqm1')\nREFRESH SECURITY TYPE(SSL)\n`,
      );
      const log = fs.readFileSync(logFile, 'utf8');
      expect(log).toMatch(
        /^mqcert: job started \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\n/,
      );
      expect(log).toContain(
        `mqcert: cut-over of QM1 to SSLKEYR(${sslKeyRepository}) CERTLABL(ibmwebspheremqqm1)\n`,
      );
      expect(log).toContain('AMQ8560I: IBM MQ security cache refreshed.\n');
      expect(log).toContain('mqcert: runmqsc exit code 0\n');
      expect(log).toMatch(/mqcert: job finished \S+ with exit code 0\n$/);
      expect(ids()).not.toContain(job.id);
    }, 200_000);

    it('lists and cancels a job before it runs', async () => {
      const runAt = new Date(
        Math.ceil((Date.now() + 3 * 3600_000) / 60_000) * 60_000,
      );
      const job = await scheduler.schedule(runAt, 'touch /nonexistent/never', {
        logFile: path.join(dir, 'never.log'),
      });
      created.push(job.id);
      expect(await scheduler.list()).toContainEqual({
        id: job.id,
        runAt: runAt.toISOString(),
        queue: QUEUE,
        user: sshd.username,
      });
      expect(ids()).toContain(job.id);
      await scheduler.cancel(job.id);
      expect((await scheduler.list()).map(j => j.id)).not.toContain(job.id);
      expect(ids()).not.toContain(job.id);
      await expect(scheduler.cancel(job.id)).rejects.toThrow(
        `at job ${job.id} does not exist on SSH host`,
      );
    });

    it('refuses a time already past and queues nothing', async () => {
      const before = ids();
      await expect(
        scheduler.schedule(new Date(Date.now() - 60_000), 'true', {
          logFile: path.join(dir, 'past.log'),
        }),
      ).rejects.toThrow(/^runAt: .* is not in the future/);
      expect(ids()).toEqual(before);
    });

    it('refuses when atd is not running (simulated by the configurable check)', async () => {
      const before = ids();
      const s = new CommandAtScheduler(conn.commands, {
        queue: QUEUE,
        atdCheck: [['pgrep', '-x', 'atd-mqcert-absent']],
      });
      const err = await s
        .schedule(new Date(Date.now() + 3600_000), 'true', {
          logFile: path.join(dir, 'x.log'),
        })
        .catch(e => e);
      expect(err.name).toBe('ServiceUnavailableError');
      expect(err.message).toContain(
        "atd is not running on the target host ('pgrep -x atd-mqcert-absent' exited 1)",
      );
      expect(ids()).toEqual(before);
    });

    it('reports "Garbled time" from at (a stand-in at: ours never sends a garbled time)', async () => {
      const fakeAt = fakeProgram(
        dir,
        'at-garbled',
        'warning: commands will be executed using /bin/sh\nsyntax error. Last token seen: g\nGarbled time\n',
        1,
      );
      const s = new CommandAtScheduler(conn.commands, {
        queue: QUEUE,
        atPath: fakeAt,
      });
      const err = await s
        .schedule(new Date(Date.now() + 3600_000), 'true', {
          logFile: path.join(dir, 'x.log'),
        })
        .catch(e => e);
      expect(err.name).toBe('InputError');
      expect(err.message).toMatch(
        /did not accept the time \d{12} \(CCYYMMDDhhmm, UTC\): syntax error\. Last token seen: g; Garbled time/,
      );
    });

    const denialKind = realDenialPossible()
      ? 'real at as nobody, listed in /etc/at.deny'
      : 'a stand-in at';
    it(`reports a user denied by at.allow/at.deny (${denialKind})`, async () => {
      let runner: CommandRunner;
      let atPath: string | undefined;
      if (realDenialPossible()) {
        const local = new LocalCommandRunner();
        runner = {
          run: (command, args, options) =>
            local.run(
              'setpriv',
              [
                '--reuid=nobody',
                '--regid=nogroup',
                '--clear-groups',
                command,
                ...args,
              ],
              options,
            ),
        };
      } else {
        runner = conn.commands;
        atPath = fakeProgram(
          dir,
          'at-denied',
          'You do not have permission to use at.\n',
          1,
        );
      }
      const before = ids();
      const err = await new CommandAtScheduler(runner, { queue: QUEUE, atPath })
        .schedule(new Date(Date.now() + 3600_000), 'true', {
          logFile: path.join(dir, 'x.log'),
        })
        .catch(e => e);
      expect(err.name).toBe('NotAllowedError');
      expect(err.message).toContain(
        "(You do not have permission to use at.); ask the host's administrator to add it to /etc/at.allow",
      );
      expect(ids()).toEqual(before);
    });
  },
);
