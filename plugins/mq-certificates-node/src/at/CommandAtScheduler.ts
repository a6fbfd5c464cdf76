import {
  InputError,
  NotAllowedError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import type { AtJob, AtScheduler, CommandRunner } from '../types';
import { quotePosixShellArg } from '../ssh/shellQuote';
import { parseAtqOutput, parseAtSubmitOutput } from './atOutput';
import { formatAtTimestamp, roundUpToMinute, validateRunAt } from './atTime';

/** Settings of an `at` scheduler on one host. @public */
export interface AtSchedulerOptions {
  /**
   * Commands (argument lists) that tell whether atd runs; the first whose
   * program exists decides (exit 0: running). `[]` skips the check.
   * Default: `pgrep -x atd`, then `systemctl is-active --quiet atd`.
   */
  atdCheck?: string[][];
  atPath?: string;
  atqPath?: string;
  atrmPath?: string;
  /** at queue letter (a–z, A–Z). Default `a`. */
  queue?: string;
  /** For messages, e.g. `SSH host mqm@mq1:22`. */
  hostDescription?: string;
  /** Where the settings live, for messages (e.g. `mqCertificates.deployTargets.qm1.at`). */
  configPath?: string;
  /** Timeout of each at/atq/atrm run. Default 30 s. */
  timeoutMs?: number;
  /** The backend's clock (tests). */
  now?: () => Date;
}

export const DEFAULT_ATD_CHECK = [
  ['pgrep', '-x', 'atd'],
  ['systemctl', 'is-active', '--quiet', 'atd'],
];

const LOG_FILE = /^\/(?:[A-Za-z0-9._@+-]+\/)*[A-Za-z0-9._@+-]+$/;
const TOOL_PATH = /^(?:\/?[A-Za-z0-9._+-]+)+$/;

/** The job id at prints and atrm takes. */
function validateJobId(id: unknown): string {
  if (typeof id !== 'string' || !/^\d{1,10}$/.test(id)) {
    throw new InputError(`job id: '${String(id)}' is not an at job number`);
  }
  return id;
}

/**
 * The host's clock (`date -u +%s` over `runner`), or undefined when it
 * cannot be read. at runs a job when the *host's* clock reaches its time, so
 * whether a job can have run is a question for this clock, not the backend's.
 *
 * @public
 */
export async function readHostClock(
  runner: CommandRunner,
  timeoutMs = 30_000,
): Promise<Date | undefined> {
  const r = await runner
    .run('date', ['-u', '+%s'], { timeoutMs })
    .catch(() => undefined);
  const text = r?.stdout.trim() ?? '';
  return r?.exitCode === 0 && /^\d{9,12}$/.test(text)
    ? new Date(Number(text) * 1000)
    : undefined;
}

/**
 * Host-side deferred runs with `at`, over any CommandRunner (SSH in
 * production). The job script goes on at's standard input, never into its
 * command line; the time is `TZ=UTC at -t CCYYMMDDhhmm`.
 *
 * Before queueing: atd must run (atdCheck) and the time must be in the future
 * on both clocks, the backend's and the host's — at itself would run a past
 * `-t` time at once (and a past "HH:MM" tomorrow). After queueing, the time at
 * reports must be the one asked for, else the job is removed again.
 */
export class CommandAtScheduler implements AtScheduler {
  private readonly host: string;
  private readonly at: string;
  private readonly atq: string;
  private readonly atrm: string;
  private readonly queue: string;
  private readonly atdCheck: string[][];
  private readonly timeoutMs: number;

  constructor(
    private readonly runner: CommandRunner,
    private readonly options: AtSchedulerOptions = {},
  ) {
    const where = options.configPath ?? 'at settings';
    this.host = options.hostDescription ?? 'the target host';
    const tool = (value: string | undefined, fallback: string, key: string) => {
      const v = value ?? fallback;
      if (!TOOL_PATH.test(v)) {
        throw new InputError(`${where}.${key}: '${v}' is not a program path`);
      }
      return v;
    };
    this.at = tool(options.atPath, 'at', 'atPath');
    this.atq = tool(options.atqPath, 'atq', 'atqPath');
    this.atrm = tool(options.atrmPath, 'atrm', 'atrmPath');
    this.queue = options.queue ?? 'a';
    if (!/^[A-Za-z]$/.test(this.queue)) {
      throw new InputError(
        `${where}.queue: '${this.queue}' must be one letter`,
      );
    }
    this.atdCheck = options.atdCheck ?? DEFAULT_ATD_CHECK;
    if (
      !Array.isArray(this.atdCheck) ||
      this.atdCheck.some(
        c =>
          !Array.isArray(c) ||
          c.length === 0 ||
          c.some(w => typeof w !== 'string'),
      )
    ) {
      throw new InputError(
        `${where}.atdCheck: expected a list of commands, each a list of words such as [pgrep, -x, atd]`,
      );
    }
    this.timeoutMs = options.timeoutMs ?? 30_000;
  }

  async schedule(
    runAt: Date,
    script: string,
    options: { logFile: string },
  ): Promise<AtJob> {
    const asked = validateRunAt(runAt);
    if (
      typeof script !== 'string' ||
      !script.trim() ||
      script.includes('\u0000')
    ) {
      throw new InputError('script: expected a non-empty shell script');
    }
    const logFile = options?.logFile;
    if (
      typeof logFile !== 'string' ||
      !LOG_FILE.test(logFile) ||
      logFile.split('/').some(s => s === '.' || s === '..')
    ) {
      throw new InputError(
        `logFile: '${String(
          logFile,
        )}' must be an absolute path of letters, digits and . _ @ + - (beside the key repository)`,
      );
    }
    const minute = roundUpToMinute(asked);
    await this.checkAtd();
    await this.refusePast(minute);

    const stamp = formatAtTimestamp(minute);
    const result = await this.runner.run(
      this.at,
      ['-q', this.queue, '-t', stamp],
      {
        env: { TZ: 'UTC' },
        stdin: this.wrapScript(script, logFile, minute),
        timeoutMs: this.timeoutMs,
      },
    );
    const outcome = parseAtSubmitOutput(result);
    switch (outcome.kind) {
      case 'denied':
        throw new NotAllowedError(
          `the user that runs at on ${this.host} may not use it (${outcome.message}); ask the host's administrator to add it to /etc/at.allow or remove it from /etc/at.deny, or use portal mode`,
        );
      case 'garbled-time':
        throw new InputError(
          `at on ${this.host} did not accept the time ${stamp} (CCYYMMDDhhmm, UTC): ${outcome.message}; check that ${this.at} is a POSIX at that takes -t`,
        );
      case 'past':
        throw new InputError(
          `at on ${this.host} says ${minute.toISOString()} is in the past (${
            outcome.message
          }); check the host's clock and pick a later time`,
        );
      case 'failed':
        throw new Error(
          `at on ${this.host} failed to queue the job (exit ${result.exitCode}): ${outcome.message}`,
        );
      default:
        break;
    }
    if (outcome.atdNotSignalled) {
      await this.cancel(outcome.id).catch(() => undefined);
      throw new ServiceUnavailableError(
        `atd is not running on ${this.host} (at: ${
          result.stderr.trim().split('\n').pop() ?? ''
        }), so the job would not run on time; it was removed again. Start atd (systemctl enable --now atd) and schedule again`,
      );
    }
    if (outcome.runAt?.getTime() !== minute.getTime()) {
      await this.cancel(outcome.id).catch(() => undefined);
      throw new Error(
        `at on ${this.host} queued job ${outcome.id} for ${
          outcome.runAt?.toISOString() ?? 'a time it did not print'
        } instead of ${minute.toISOString()}; the job was removed again. Check the host's at and time zone settings`,
      );
    }
    return { id: outcome.id, runAt: minute.toISOString(), queue: this.queue };
  }

  async list(): Promise<AtJob[]> {
    const r = await this.runner.run(this.atq, [], {
      env: { TZ: 'UTC' },
      timeoutMs: this.timeoutMs,
    });
    if (r.exitCode !== 0) {
      throw new Error(
        `atq on ${this.host} failed (exit ${r.exitCode}): ${
          r.stderr.trim() || r.stdout.trim()
        }`,
      );
    }
    return parseAtqOutput(r.stdout);
  }

  async cancel(id: string): Promise<void> {
    const jobId = validateJobId(id);
    const r = await this.runner.run(this.atrm, [jobId], {
      timeoutMs: this.timeoutMs,
    });
    const said = `${r.stderr}${r.stdout}`.trim();
    if (r.exitCode === 0 && !/cannot find|not found/i.test(said)) return;
    if (/cannot find|not found/i.test(said)) {
      throw new NotFoundError(
        `at job ${jobId} does not exist on ${this.host} (it may have run already or been cancelled)`,
      );
    }
    if (/permission|not owner|belong/i.test(said)) {
      throw new NotAllowedError(
        `at job ${jobId} on ${this.host} belongs to another user (${said}); cancel it as that user`,
      );
    }
    throw new Error(
      `atrm ${jobId} on ${this.host} failed (exit ${r.exitCode}): ${said}`,
    );
  }

  /** Throws ServiceUnavailableError unless the first available check says atd runs. */
  async checkAtd(): Promise<void> {
    if (this.atdCheck.length === 0) return;
    for (const [command, ...args] of this.atdCheck) {
      let exitCode: number;
      try {
        exitCode = (
          await this.runner.run(command, args, { timeoutMs: this.timeoutMs })
        ).exitCode;
      } catch (e) {
        if (/not found/i.test((e as Error).message)) continue;
        throw e;
      }
      if (exitCode === 127) continue; // the shell did not find the program
      if (exitCode === 0) return;
      throw new ServiceUnavailableError(
        `atd is not running on ${this.host} ('${[command, ...args].join(
          ' ',
        )}' exited ${exitCode}); start it (e.g. systemctl enable --now atd) and schedule again`,
      );
    }
    throw new ServiceUnavailableError(
      `could not tell whether atd runs on ${this.host}: none of ${this.atdCheck
        .map(c => `'${c.join(' ')}'`)
        .join(', ')} exists there; set ${
        this.options.configPath ?? 'the at settings'
      }.atdCheck to a command that does (or [] to skip the check)`,
    );
  }

  /** Refuses a minute that is not in the future on the backend's or the host's clock. */
  private async refusePast(minute: Date): Promise<void> {
    const local = (this.options.now ?? (() => new Date()))().getTime();
    const host =
      (await readHostClock(this.runner, this.timeoutMs))?.getTime() ?? local;
    const now = Math.max(local, host);
    if (minute.getTime() <= now) {
      throw new InputError(
        `runAt: ${minute.toISOString()} is not in the future (now ${new Date(
          now,
        ).toISOString()} on ${
          host > local ? this.host : 'the backend'
        }); at would run it at once, so pick a later time or cut over now`,
      );
    }
  }

  /**
   * The job as at receives it: output appended to the log file, the caller's
   * script in a subshell (an `exit` in it still lets us log the end), start
   * and end lines with times and the exit code.
   */
  private wrapScript(script: string, logFile: string, minute: Date): string {
    const log = quotePosixShellArg(logFile, 'logFile');
    return [
      `# mqcert job for ${minute.toISOString()}`,
      `exec >> ${log} 2>&1`,
      `printf '%s\\n' "mqcert: job started $(date -u +%Y-%m-%dT%H:%M:%SZ)"`,
      '(',
      `${script.replace(/\n?$/, '\n')})`,
      'rc=$?',
      `printf '%s\\n' "mqcert: job finished $(date -u +%Y-%m-%dT%H:%M:%SZ) with exit code $rc"`,
      'exit $rc',
      '',
    ].join('\n');
  }
}
