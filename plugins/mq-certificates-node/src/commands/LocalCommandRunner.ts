import { spawn } from 'node:child_process';
import type { CommandOptions, CommandResult, CommandRunner } from '../types';
import { redactSecrets } from './redact';

const DEFAULT_TIMEOUT_MS = 120_000;

/**
 * Runs programs on the backend's own machine with an argument vector and no
 * shell, so arguments are never interpreted. A timeout kills the process.
 */
export class LocalCommandRunner implements CommandRunner {
  constructor(
    private readonly defaults: { env?: Record<string, string> } = {},
  ) {}

  run(
    command: string,
    args: string[],
    options: CommandOptions = {},
  ): Promise<CommandResult> {
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    return new Promise((resolve, reject) => {
      const child = spawn(command, args, {
        cwd: options.cwd,
        env: { ...process.env, ...this.defaults.env, ...options.env },
        shell: false,
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      const stdout: Buffer[] = [];
      const stderr: Buffer[] = [];
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        child.kill('SIGKILL');
      }, timeoutMs);
      child.stdout.on('data', d => stdout.push(d));
      child.stderr.on('data', d => stderr.push(d));
      child.on('error', err => {
        clearTimeout(timer);
        const code = (err as NodeJS.ErrnoException).code;
        reject(
          new Error(
            code === 'ENOENT'
              ? `cannot run '${command}': not found; install it or set its path in the configuration`
              : `cannot run '${command}': ${redactSecrets(
                  err.message,
                  options.secretValues,
                )}`,
          ),
        );
      });
      child.on('close', code => {
        clearTimeout(timer);
        if (timedOut) {
          reject(
            new Error(
              `'${command}' did not finish within ${timeoutMs} ms and was stopped`,
            ),
          );
          return;
        }
        resolve({
          exitCode: code ?? -1,
          stdout: Buffer.concat(stdout).toString('utf8'),
          stderr: Buffer.concat(stderr).toString('utf8'),
        });
      });
      // The child may exit without reading stdin (EPIPE); that is its answer, not ours to throw.
      child.stdin.on('error', () => undefined);
      child.stdin.end(options.stdin ?? '');
    });
  }
}
