import fs from 'node:fs';
import path from 'node:path';

/** Debian package that provides each system tool our tests use as a real peer. */
export const TOOL_PACKAGES: Record<string, string> = {
  openssl: 'openssl',
  keytool: 'default-jre-headless',
  sshd: 'openssh-server',
  'ssh-keygen': 'openssh-client',
  ssh: 'openssh-client',
  at: 'at',
  atd: 'at',
  atq: 'at',
  atrm: 'at',
  chromium: 'chromium',
  initdb: 'postgresql',
  pg_ctl: 'postgresql',
  postgres: 'postgresql',
};

const EXTRA_DIRS = ['/usr/sbin', '/sbin', '/usr/local/sbin'];

function postgresBinDirs(): string[] {
  const base = '/usr/lib/postgresql';
  try {
    return fs
      .readdirSync(base)
      .sort((a, b) => Number(b) - Number(a))
      .map(v => path.join(base, v, 'bin'));
  } catch {
    return [];
  }
}

/** Absolute path of an executable on PATH (plus sbin and PostgreSQL dirs), or undefined. */
export function findExecutable(name: string): string | undefined {
  const dirs = [
    ...(process.env.PATH ?? '').split(path.delimiter),
    ...EXTRA_DIRS,
    ...postgresBinDirs(),
  ].filter(Boolean);
  for (const dir of dirs) {
    const candidate = path.join(dir, name);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      if (fs.statSync(candidate).isFile()) return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** Missing tools among `tools`, each with the Debian package that provides it. */
export function missingTools(tools: string[]): string[] {
  return tools
    .filter(t => !findExecutable(t))
    .map(t => `${t} (Debian package ${TOOL_PACKAGES[t] ?? t})`);
}
