import { InputError } from '@backstage/errors';

/**
 * Words that mean the same unquoted to every POSIX shell (and to zsh, csh and
 * fish): no `=` or `~` in front, where zsh and others expand them.
 */
const PLAIN_WORD = /^[A-Za-z0-9_./-][A-Za-z0-9_./=:,+@-]*$/;

/**
 * Quotes one argument for a POSIX shell: plain words stay as they are (so
 * logged command lines stay readable), everything else goes in single quotes
 * with each embedded `'` written as `'\''`. Inside single quotes no shell
 * expands anything, so `$(...)`, backticks, `;`, globs and newlines arrive as
 * data. A NUL byte cannot be part of any argument and is refused.
 *
 * @public
 */
export function quotePosixShellArg(value: string, field = 'argument'): string {
  if (typeof value !== 'string') {
    throw new InputError(`${field}: expected a string command argument`);
  }
  if (value.includes('\u0000')) {
    throw new InputError(
      `${field}: contains a NUL byte, which no command argument can hold`,
    );
  }
  if (PLAIN_WORD.test(value)) return value;
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Builds the command line an SSH server hands to the login shell: the program
 * and every argument quoted, environment variables passed through `env`
 * (a program, so it works whatever the login shell is, and sshd's AcceptEnv
 * is not needed), and an optional working directory entered first.
 *
 * @public
 */
export function buildPosixCommandLine(
  command: string,
  args: string[],
  options: { env?: Record<string, string>; cwd?: string } = {},
): string {
  if (!command) throw new InputError('command: a program name is required');
  const words: string[] = [];
  const env = Object.entries(options.env ?? {});
  if (env.length > 0) {
    words.push('env');
    for (const [name, value] of env) {
      if (!ENV_NAME.test(name)) {
        throw new InputError(
          `env: '${name}' is not a valid environment variable name (letters, digits and '_', not starting with a digit)`,
        );
      }
      words.push(quotePosixShellArg(`${name}=${value}`, `env ${name}`));
    }
  }
  words.push(quotePosixShellArg(command, 'command'));
  args.forEach((a, i) =>
    words.push(quotePosixShellArg(a, `argument ${i + 1}`)),
  );
  const line = words.join(' ');
  if (options.cwd === undefined) return line;
  return `cd ${quotePosixShellArg(options.cwd, 'cwd')} && ${line}`;
}
