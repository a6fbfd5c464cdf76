import { parseAtqOutput, parseAtSubmitOutput } from './atOutput';

const out = (stderr: string, exitCode = 0, stdout = '') => ({
  exitCode,
  stdout,
  stderr,
});

// Texts as at 3.2.5 (Debian 12) prints them.
describe('parseAtSubmitOutput', () => {
  it('reads the job id and time past the /bin/sh warning', () => {
    expect(
      parseAtSubmitOutput(
        out(
          'warning: commands will be executed using /bin/sh\njob 12 at Thu Dec  3 20:15:00 2026\n',
        ),
      ),
    ).toEqual({
      kind: 'queued',
      id: '12',
      runAt: new Date('2026-12-03T20:15:00Z'),
      atdNotSignalled: false,
    });
  });

  it('notices that atd was not there to be told', () => {
    const r = parseAtSubmitOutput(
      out(
        "warning: commands will be executed using /bin/sh\njob 1 at Wed Jan  1 00:00:00 2020\nCan't open /run/atd.pid to signal atd. No atd running?\n",
      ),
    );
    expect(r).toMatchObject({ kind: 'queued', id: '1', atdNotSignalled: true });
  });

  it.each([
    ['You do not have permission to use at.\n', 'denied'],
    ['syntax error. Last token seen: g\nGarbled time\n', 'garbled-time'],
    ['invalid date format: 20261303\n', 'garbled-time'],
    ['at: refusing to create job destined in the past\n', 'past'],
    [
      'Cannot open lockfile /var/spool/cron/atjobs/.SEQ: Permission denied\n',
      'failed',
    ],
  ])('classifies %j as %s', (stderr, kind) => {
    const r = parseAtSubmitOutput(out(stderr, 1));
    expect(r.kind).toBe(kind);
    expect((r as { message: string }).message).toBe(
      stderr.trim().split('\n').join('; '),
    );
  });

  it('does not take a non-zero exit with a job line as success', () => {
    expect(
      parseAtSubmitOutput(out('job 3 at Thu Dec  3 20:15:00 2026\n', 1)).kind,
    ).toBe('failed');
    expect(parseAtSubmitOutput(out('', 1))).toEqual({
      kind: 'failed',
      message: 'exit code 1 and no output',
    });
  });
});

describe('parseAtqOutput', () => {
  it('parses jobs, queues and users', () => {
    expect(
      parseAtqOutput(
        '12\tThu Dec  3 20:15:00 2026 a mqm\n7\tTue Jan 12 00:00:00 2027 = root\ngarbage\n',
      ),
    ).toEqual([
      { id: '12', runAt: '2026-12-03T20:15:00.000Z', queue: 'a', user: 'mqm' },
      { id: '7', runAt: '2027-01-12T00:00:00.000Z', queue: '=', user: 'root' },
    ]);
    expect(parseAtqOutput('')).toEqual([]);
  });
});
