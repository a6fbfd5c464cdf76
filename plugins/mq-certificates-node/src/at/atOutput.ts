import type { AtJob } from '../types';
import { parseAtDate } from './atTime';

/** The line `at` prints on stderr for every job; information, not an error. */
const SH_WARNING = /^warning: commands will be executed using \/bin\/sh\s*$/;

/** What `at` said when asked to queue a job. */
export type AtSubmitOutcome =
  | { kind: 'queued'; id: string; runAt?: Date; atdNotSignalled: boolean }
  | { kind: 'denied'; message: string }
  | { kind: 'garbled-time'; message: string }
  | { kind: 'past'; message: string }
  | { kind: 'failed'; message: string };

/**
 * Classifies the output of `at -t …`. at (3.1, 3.2) prints everything on
 * stderr: the /bin/sh warning, then `job 12 at Thu Dec  3 20:15:00 2026`.
 * With atd down it still queues the job but adds "Can't open /run/atd.pid to
 * signal atd. No atd running?", and atd would not see it until it next
 * wakes — so that counts against the submission.
 */
export function parseAtSubmitOutput(result: {
  exitCode: number;
  stdout: string;
  stderr: string;
}): AtSubmitOutcome {
  const lines = `${result.stderr}\n${result.stdout}`
    .split('\n')
    .map(l => l.trim())
    .filter(l => l && !SH_WARNING.test(l));
  const text = lines.join('; ');
  if (lines.some(l => /You do not have permission to use at/i.test(l))) {
    return { kind: 'denied', message: text };
  }
  if (
    lines.some(l => /Garbled time|invalid date format|syntax error/i.test(l))
  ) {
    return { kind: 'garbled-time', message: text };
  }
  if (lines.some(l => /in the past/i.test(l))) {
    return { kind: 'past', message: text };
  }
  const job = lines.map(l => /^job\s+(\d+)\s+at\s+(.+)$/.exec(l)).find(Boolean);
  if (result.exitCode === 0 && job) {
    return {
      kind: 'queued',
      id: job[1],
      runAt: parseAtDate(job[2]),
      atdNotSignalled: lines.some(l =>
        /No atd running|signal atd|Can't open .*atd/i.test(l),
      ),
    };
  }
  return {
    kind: 'failed',
    message: text || `exit code ${result.exitCode} and no output`,
  };
}

/**
 * Parses `atq` (TZ=UTC): `12\tThu Dec  3 20:15:00 2026 a mqm`, one job a
 * line; queue `=` marks a running job. Lines that do not parse are skipped.
 */
export function parseAtqOutput(stdout: string): AtJob[] {
  const jobs: AtJob[] = [];
  for (const line of stdout.split('\n')) {
    const m = /^(\d+)\s+(.+?)\s+(\S)\s+(\S+)\s*$/.exec(line);
    const runAt = m && parseAtDate(m[2]);
    if (m && runAt) {
      jobs.push({
        id: m[1],
        runAt: runAt.toISOString(),
        queue: m[3],
        user: m[4],
      });
    }
  }
  return jobs;
}
