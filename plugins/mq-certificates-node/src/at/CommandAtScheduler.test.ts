import type { CommandOptions, CommandResult, CommandRunner } from '../types';
import { CommandAtScheduler } from './CommandAtScheduler';

// Real at/atd over a real sshd are exercised in test/src/at. Here a scripted
// host answers like at 3.2.5 does, to reach every branch deterministically.

type Call = { command: string; args: string[]; options: CommandOptions };
type Answer = Partial<CommandResult> | ((call: Call) => Partial<CommandResult>);

const NOW = new Date('2026-12-03T20:00:10Z');
const SH_WARNING = 'warning: commands will be executed using /bin/sh\n';

function host(answers: Record<string, Answer>) {
  const calls: Call[] = [];
  const runner: CommandRunner = {
    async run(command, args, options = {}) {
      const call = { command, args, options };
      calls.push(call);
      const key = [command, ...args].join(' ');
      const found =
        answers[key] ??
        answers[command] ??
        ({
          exitCode: 127,
          stderr: `sh: 1: exec: ${command}: not found\n`,
        } as const);
      const a = typeof found === 'function' ? found(call) : found;
      return { exitCode: 0, stdout: '', stderr: '', ...a };
    },
  };
  return {
    runner,
    calls,
    keys: () => calls.map(c => [c.command, ...c.args].join(' ')),
  };
}

const healthy = (extra: Record<string, Answer> = {}) =>
  host({
    'pgrep -x atd': { exitCode: 0, stdout: '321\n' },
    'date -u +%s': { stdout: `${Math.floor(NOW.getTime() / 1000)}\n` },
    at: { stderr: `${SH_WARNING}job 12 at Thu Dec  3 20:15:00 2026\n` },
    atrm: {},
    ...extra,
  });

const scheduler = (runner: CommandRunner, extra = {}) =>
  new CommandAtScheduler(runner, {
    hostDescription: 'SSH host mqm@mq1:22',
    configPath: 'mqCertificates.deployTargets.mq1.at',
    now: () => NOW,
    ...extra,
  });

const LOG = '/var/mqm/qmgrs/QM1/ssl/cutover.log';

describe('CommandAtScheduler.schedule', () => {
  it('checks atd and the clock, then runs TZ=UTC at -t with the script on stdin', async () => {
    const h = healthy();
    const job = await scheduler(h.runner).schedule(
      new Date('2026-12-03T20:15:00Z'),
      'echo "cut over"\n',
      { logFile: LOG },
    );
    expect(job).toEqual({
      id: '12',
      runAt: '2026-12-03T20:15:00.000Z',
      queue: 'a',
    });
    expect(h.keys()).toEqual([
      'pgrep -x atd',
      'date -u +%s',
      'at -q a -t 202612032015',
    ]);
    const atCall = h.calls[2];
    expect(atCall.options.env).toEqual({ TZ: 'UTC' });
    const stdin = String(atCall.options.stdin);
    expect(stdin).toContain(`exec >> ${LOG} 2>&1\n`);
    expect(stdin).toContain('(\necho "cut over"\n)\nrc=$?\n');
    expect(stdin).toMatch(/job finished .* with exit code \$rc/);
  });

  it('rounds a time inside a minute up, never down', async () => {
    const h = healthy();
    const job = await scheduler(h.runner).schedule(
      new Date('2026-12-03T20:14:30Z'),
      'true',
      { logFile: LOG },
    );
    expect(job.runAt).toBe('2026-12-03T20:15:00.000Z');
    expect(h.keys()[2]).toBe('at -q a -t 202612032015');
  });

  it('refuses a time already past on the backend or on the host, before at runs', async () => {
    const h = healthy();
    await expect(
      scheduler(h.runner).schedule(new Date('2026-12-03T20:00:00Z'), 'true', {
        logFile: LOG,
      }),
    ).rejects.toThrow(
      'runAt: 2026-12-03T20:00:00.000Z is not in the future (now 2026-12-03T20:00:10.000Z on the backend); at would run it at once',
    );
    const ahead = healthy({
      'date -u +%s': {
        stdout: `${Date.parse('2026-12-03T20:16:00Z') / 1000}\n`,
      },
    });
    await expect(
      scheduler(ahead.runner).schedule(
        new Date('2026-12-03T20:15:00Z'),
        'true',
        { logFile: LOG },
      ),
    ).rejects.toThrow('(now 2026-12-03T20:16:00.000Z on SSH host mqm@mq1:22)');
    expect(
      [...h.keys(), ...ahead.keys()].filter(k => k.startsWith('at ')),
    ).toEqual([]);
  });

  it('falls back from pgrep to systemctl, and says when atd is down', async () => {
    const viaSystemctl = healthy({
      'pgrep -x atd': { exitCode: 127 },
      'systemctl is-active --quiet atd': { exitCode: 0 },
    });
    await scheduler(viaSystemctl.runner).schedule(
      new Date('2026-12-03T20:15:00Z'),
      'true',
      {
        logFile: LOG,
      },
    );
    expect(viaSystemctl.keys().slice(0, 2)).toEqual([
      'pgrep -x atd',
      'systemctl is-active --quiet atd',
    ]);

    const down = healthy({ 'pgrep -x atd': { exitCode: 1 } });
    const err = await scheduler(down.runner)
      .schedule(new Date('2026-12-03T20:15:00Z'), 'true', { logFile: LOG })
      .catch(e => e);
    expect(err.name).toBe('ServiceUnavailableError');
    expect(err.message).toBe(
      "atd is not running on SSH host mqm@mq1:22 ('pgrep -x atd' exited 1); start it (e.g. systemctl enable --now atd) and schedule again",
    );
    expect(down.keys()).toEqual(['pgrep -x atd']);

    const unknowable = healthy({ 'pgrep -x atd': { exitCode: 127 } });
    await expect(
      scheduler(unknowable.runner).schedule(
        new Date('2026-12-03T20:15:00Z'),
        'true',
        {
          logFile: LOG,
        },
      ),
    ).rejects.toThrow(
      "could not tell whether atd runs on SSH host mqm@mq1:22: none of 'pgrep -x atd', 'systemctl is-active --quiet atd' exists there; set mqCertificates.deployTargets.mq1.at.atdCheck",
    );

    const unchecked = healthy({ 'pgrep -x atd': { exitCode: 1 } });
    await scheduler(unchecked.runner, { atdCheck: [] }).schedule(
      new Date('2026-12-03T20:15:00Z'),
      'true',
      { logFile: LOG },
    );
    expect(unchecked.keys()[0]).toBe('date -u +%s');
  });

  it.each([
    [
      'You do not have permission to use at.\n',
      'NotAllowedError',
      'add it to /etc/at.allow',
    ],
    [
      'syntax error. Last token seen: g\nGarbled time\n',
      'InputError',
      'did not accept the time 202612032015 (CCYYMMDDhhmm, UTC): syntax error. Last token seen: g; Garbled time',
    ],
    [
      'at: refusing to create job destined in the past\n',
      'InputError',
      "check the host's clock",
    ],
    [
      'Cannot open lockfile /var/spool/cron/atjobs/.SEQ: Permission denied\n',
      'Error',
      'failed to queue the job (exit 1)',
    ],
  ])('turns %j into %s', async (stderr, name, text) => {
    const h = healthy({ at: { exitCode: 1, stderr: SH_WARNING + stderr } });
    const err = await scheduler(h.runner)
      .schedule(new Date('2026-12-03T20:15:00Z'), 'true', { logFile: LOG })
      .catch(e => e);
    expect(err.name).toBe(name);
    expect(err.message).toContain(text);
    expect(err.message).not.toContain('warning: commands');
  });

  it('removes a job atd was not told about, and one queued for another time', async () => {
    const unsignalled = healthy({
      at: {
        stderr: `${SH_WARNING}job 13 at Thu Dec  3 20:15:00 2026\nCan't open /run/atd.pid to signal atd. No atd running?\n`,
      },
    });
    await expect(
      scheduler(unsignalled.runner).schedule(
        new Date('2026-12-03T20:15:00Z'),
        'true',
        {
          logFile: LOG,
        },
      ),
    ).rejects.toThrow(
      /^atd is not running on SSH host mqm@mq1:22 .* it was removed again/,
    );
    expect(unsignalled.keys().at(-1)).toBe('atrm 13');

    const moved = healthy({
      at: { stderr: `${SH_WARNING}job 14 at Fri Dec  4 20:15:00 2026\n` },
    });
    await expect(
      scheduler(moved.runner).schedule(
        new Date('2026-12-03T20:15:00Z'),
        'true',
        {
          logFile: LOG,
        },
      ),
    ).rejects.toThrow(
      'queued job 14 for 2026-12-04T20:15:00.000Z instead of 2026-12-03T20:15:00.000Z; the job was removed again',
    );
    expect(moved.keys().at(-1)).toBe('atrm 14');
  });

  it('validates the log file and script before touching the host', async () => {
    const h = healthy();
    const s = scheduler(h.runner);
    const at = new Date('2026-12-03T20:15:00Z');
    for (const logFile of [
      'relative.log',
      '/var/../etc/x',
      "/tmp/a'b",
      '/tmp/$(id)',
    ]) {
      await expect(s.schedule(at, 'true', { logFile })).rejects.toThrow(
        /^logFile: /,
      );
    }
    await expect(s.schedule(at, '  ', { logFile: LOG })).rejects.toThrow(
      /^script: /,
    );
    expect(h.calls).toEqual([]);
  });
});

describe('CommandAtScheduler list and cancel', () => {
  it('lists with TZ=UTC and cancels by id', async () => {
    const h = healthy({
      atq: { stdout: '12\tThu Dec  3 20:15:00 2026 a mqm\n' },
      'atrm 99': { exitCode: 1, stderr: 'Cannot find jobid 99\n' },
    });
    const s = scheduler(h.runner);
    expect(await s.list()).toEqual([
      { id: '12', runAt: '2026-12-03T20:15:00.000Z', queue: 'a', user: 'mqm' },
    ]);
    expect(h.calls[0].options.env).toEqual({ TZ: 'UTC' });
    await s.cancel('12');
    await expect(s.cancel('99')).rejects.toThrow(
      'at job 99 does not exist on SSH host mqm@mq1:22',
    );
    await expect(s.cancel('1; rm -rf /')).rejects.toThrow(
      "job id: '1; rm -rf /' is not an at job number",
    );
    expect(h.keys()).toEqual(['atq', 'atrm 12', 'atrm 99']);
  });

  it('refuses odd settings', () => {
    const { runner } = healthy();
    expect(
      () => new CommandAtScheduler(runner, { queue: 'ab', configPath: 'c' }),
    ).toThrow("c.queue: 'ab' must be one letter");
    expect(
      () =>
        new CommandAtScheduler(runner, { atPath: 'at;id', configPath: 'c' }),
    ).toThrow("c.atPath: 'at;id' is not a program path");
    expect(
      () => new CommandAtScheduler(runner, { atdCheck: [[]], configPath: 'c' }),
    ).toThrow('c.atdCheck: expected a list of commands');
  });
});
