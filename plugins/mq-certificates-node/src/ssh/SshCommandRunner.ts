import type { CommandOptions, CommandResult, CommandRunner } from '../types';
import { redactSecrets } from '../commands/redact';
import { buildPosixCommandLine } from './shellQuote';
import type { SshConnection } from './SshConnection';

const DEFAULT_TIMEOUT_MS = 120_000;

/**
 * Runs programs on an SSH host. SSH carries one command string that the
 * remote login shell parses, so every argument is quoted by POSIX rules
 * (see buildPosixCommandLine) and input such as MQSC or `at` job scripts goes
 * on standard input, never into the command line.
 *
 * Exit codes follow OpenSSH: the program's status, 127 when the shell cannot
 * find it, and 128 + n when a signal ended it.
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
    const line = buildPosixCommandLine(command, args, {
      env: options.env,
      cwd: options.cwd,
    });
    const timeoutMs =
      options.timeoutMs ?? this.defaults.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const where = this.connection.describe();
    let channel;
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
    const ch = channel;
    return new Promise<CommandResult>((resolve, reject) => {
      const stdout: Buffer[] = [];
      const stderr: Buffer[] = [];
      let exitCode: number | undefined;
      let exitSignal: string | undefined;
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        try {
          ch.signal('KILL');
        } catch {
          // servers may refuse signals; closing the channel is what counts
        }
        ch.close();
      }, timeoutMs);
      ch.on('data', (d: Buffer) => stdout.push(d));
      ch.stderr.on('data', (d: Buffer) => stderr.push(d));
      ch.on('exit', (code: number | null, signal?: string) => {
        if (typeof code === 'number') exitCode = code;
        else exitSignal = signal ?? 'unknown';
      });
      ch.on('error', (err: Error) => {
        clearTimeout(timer);
        reject(
          new Error(
            `'${command}' on ${where} failed: ${redactSecrets(
              err.message,
              secrets,
            )}`,
          ),
        );
      });
      ch.on('close', () => {
        clearTimeout(timer);
        if (timedOut) {
          reject(
            new Error(
              `'${command}' on ${where} did not finish within ${timeoutMs} ms and was stopped`,
            ),
          );
          return;
        }
        resolve({
          exitCode:
            exitCode ?? (exitSignal ? 128 + signalNumber(exitSignal) : -1),
          stdout: Buffer.concat(stdout).toString('utf8'),
          stderr: Buffer.concat(stderr).toString('utf8'),
        });
      });
      ch.end(options.stdin ?? '');
    });
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
