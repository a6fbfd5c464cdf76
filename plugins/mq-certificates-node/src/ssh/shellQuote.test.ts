import { spawnSync } from 'node:child_process';
import { buildPosixCommandLine, quotePosixShellArg } from './shellQuote';

/** What /bin/sh makes of a command line (the program prints what it received as JSON). */
function shellWords(line: string): string[] {
  const r = spawnSync('/bin/sh', ['-c', line], { encoding: 'utf8' });
  return JSON.parse(r.stdout);
}

describe('quotePosixShellArg', () => {
  it('leaves plain words alone and single-quotes the rest', () => {
    expect(quotePosixShellArg('202612032015')).toBe('202612032015');
    expect(quotePosixShellArg('/var/mqm/qmgrs/QM1/ssl/key.p12')).toBe(
      '/var/mqm/qmgrs/QM1/ssl/key.p12',
    );
    expect(quotePosixShellArg('')).toBe("''");
    expect(quotePosixShellArg("it's")).toBe("'it'\\''s'");
    expect(quotePosixShellArg('a b')).toBe("'a b'");
    expect(quotePosixShellArg('~root')).toBe("'~root'");
    expect(quotePosixShellArg('=ls')).toBe("'=ls'");
  });

  it('refuses NUL bytes and names the field', () => {
    expect(() => quotePosixShellArg('a\u0000b', 'label')).toThrow(
      'label: contains a NUL byte',
    );
  });

  it('survives a real shell unchanged, however hostile the value', () => {
    const hostile = [
      '$(touch /tmp/pwned)',
      '`id`',
      "'; rm -rf / #",
      'a\nb',
      '"$HOME"',
      '*',
      '\\',
      "''''",
      '-n',
      ' spaced ',
      'tab\there',
      '!event',
      '',
    ];
    const line = buildPosixCommandLine(process.execPath, [
      '-e',
      'console.log(JSON.stringify(process.argv.slice(1)))',
      ...hostile,
    ]);
    expect(shellWords(line)).toEqual(hostile);
  });
});

describe('buildPosixCommandLine', () => {
  it('passes env through the env program and enters cwd first', () => {
    expect(
      buildPosixCommandLine('at', ['-t', '202612032015'], {
        env: { TZ: 'UTC' },
        cwd: '/tmp/my dir',
      }),
    ).toBe("cd '/tmp/my dir' && env TZ=UTC at -t 202612032015");
  });

  it('refuses environment names a shell would misread', () => {
    expect(() =>
      buildPosixCommandLine('at', [], { env: { 'A;B': 'x' } }),
    ).toThrow("env: 'A;B' is not a valid environment variable name");
  });

  it('runs env and cwd for real in /bin/sh', () => {
    const line = buildPosixCommandLine(
      process.execPath,
      ['-e', 'console.log(JSON.stringify([process.cwd(), process.env.MQ_X]))'],
      { env: { MQ_X: "v'$x" }, cwd: '/tmp' },
    );
    expect(shellWords(line)).toEqual(['/tmp', "v'$x"]);
  });
});
