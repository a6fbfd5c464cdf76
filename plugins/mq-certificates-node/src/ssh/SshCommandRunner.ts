import type { ClientChannel } from 'ssh2';
import type { CommandOptions, CommandResult, CommandRunner } from '../types';
import { redactSecrets } from '../commands/redact';
import { buildPosixCommandLine, quotePosixShellArg } from './shellQuote';
import type { SshConnection } from './SshConnection';

const DEFAULT_TIMEOUT_MS = 120_000;
/** Time a killed command gets to close its channel before we give up on it. */
const KILL_GRACE_MS = 5_000;
/** First stderr line of every command: the remote PID, so a timeout can kill it. */
const PID_MARKER = 'mqcert-ssh-pid ';

/**
 * Runs programs on an SSH host. SSH carries one command string that the
 * remote login shell (assumed POSIX: sh, bash, ksh, dash) parses, so every
 * argument is quoted by POSIX rules (see buildPosixCommandLine) and input such
 * as MQSC or `at` job scripts goes on standard input, never into the command
 * line.
 *
 * Timeouts: the SSH "signal" request is refused by many sshd builds
 * ("session signalling requires privilege separation"), so the command line
 * first reports the shell's PID on stderr and then `exec`s the program under
 * that PID; on timeout a second channel runs `kill -KILL` on it (and on its
 * process group: sshd makes it a session leader). The marker line is removed
 * from stderr before results are returned.
 *
 * Exit codes are the program's, 127 when the shell cannot find it, 128 + n
 * when signal n ended it.
 */
export class SshCommandRunner implements CommandRunner {
  constructor(
    private readonly connection: SshConnection,
    private readonly defaults: { timeoutMs?: number } = {},
  ) {}

  async run(
    command: string,
    args: string[],
    options: CommandOptions = {},
  ): Promise<CommandResult> {
    const secrets = options.secretValues;
    const program = buildPosixCommandLine(command, args, { env: options.env });
    const line = `${
      options.cwd === undefined
        ? ''
        : `cd ${quotePosixShellArg(options.cwd, 'cwd')} && `
    }printf '${PID_MARKER}%s\\n' "$$" >&2 && exec ${program}`;
    const timeoutMs =
      options.timeoutMs ?? this.defaults.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const where = this.connection.describe();
    let channel: ClientChannel;
    try {
      channel = await this.connection.exec(line);
    } catch (e) {
      throw new Error(
        `cannot run '${command}' on ${where}: ${redactSecrets(
          (e as Error).message,
          secrets,
        )}`,
      );
    }
    return new Promise<CommandResult>((resolve, reject) => {
      const stdout: Buffer[] = [];
      const stderr: Buffer[] = [];
      let head = Buffer.alloc(0);
      let headDone = false;
      let pid: number | undefined;
      let exitCode: number | undefined;
      let exitSignal: string | undefined;
      let settled = false;
      const timers: { deadline?: NodeJS.Timeout; grace?: NodeJS.Timeout } = {};
      const finish = (error?: Error) => {
        if (settled) return;
        settled = true;
        clearTimeout(timers.deadline);
        clearTimeout(timers.grace);
        if (error) {
          reject(error);
          return;
        }
        resolve({
          exitCode:
            exitCode ?? (exitSignal ? 128 + signalNumber(exitSignal) : -1),
          stdout: Buffer.concat(stdout).toString('utf8'),
          stderr: Buffer.concat(stderr).toString('utf8'),
        });
      };
      const timeoutError = () =>
        new Error(
          `'${command}' on ${where} did not finish within ${timeoutMs} ms and was stopped`,
        );
      let timedOut = false;
      timers.deadline = setTimeout(() => {
        timedOut = true;
        if (pid !== undefined) this.kill(pid);
        timers.grace = setTimeout(() => {
          channel.close();
          finish(timeoutError());
        }, KILL_GRACE_MS);
      }, timeoutMs);
      channel.on('data', (d: Buffer) => stdout.push(d));
      channel.stderr.on('data', (d: Buffer) => {
        if (headDone) {
          stderr.push(d);
          return;
        }
        head = Buffer.concat([head, d]);
        const nl = head.indexOf(0x0a);
        if (nl === -1 && head.length < 64) return;
        headDone = true;
        const first = head.subarray(0, nl === -1 ? head.length : nl).toString();
        if (first.startsWith(PID_MARKER) && nl !== -1) {
          pid = Number(first.slice(PID_MARKER.length)) || undefined;
          stderr.push(head.subarray(nl + 1));
        } else {
          stderr.push(head);
        }
      });
      channel.on('exit', (code: number | null, signal?: string) => {
        if (typeof code === 'number') exitCode = code;
        else exitSignal = signal ?? 'unknown';
      });
      channel.on('error', (err: Error) =>
        finish(
          new Error(
            `'${command}' on ${where} failed: ${redactSecrets(
              err.message,
              secrets,
            )}`,
          ),
        ),
      );
      channel.on('close', () => {
        if (!headDone) stderr.push(head);
        // Whatever closed the channel after the deadline, the answer is "timed out".
        finish(timedOut ? timeoutError() : undefined);
      });
      channel.end(options.stdin ?? '');
    });
  }

  /** Best effort: kill the process group led by pid, else the process. */
  private kill(pid: number): void {
    const script = `kill -KILL -- -${pid} 2>/dev/null || kill -KILL ${pid}`;
    this.connection
      .exec(script)
      .then(ch => {
        ch.on('data', () => undefined);
        ch.stderr.on('data', () => undefined);
        ch.end();
      })
      .catch(() => undefined);
  }
}

const SIGNALS: Record<string, number> = {
  HUP: 1,
  INT: 2,
  QUIT: 3,
  ABRT: 6,
  KILL: 9,
  SEGV: 11,
  PIPE: 13,
  ALRM: 14,
  TERM: 15,
};

function signalNumber(name: string): number {
  return SIGNALS[name.replace(/^SIG/, '')] ?? 0;
}
