/* eslint-disable jest/no-export */
// Helpers for tests; the jest lint rules assume any file that calls
// beforeAll() is a test file, which this one is not.
import { execFileSync, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TestDatabaseId, TestDatabases } from '@backstage/backend-test-utils';
import { findExecutable } from './tools';
import { freePort, waitForPort } from './net';

/** A PostgreSQL server private to one test file: loopback only, temp data dir. */
export interface PrivatePostgres {
  host: string;
  port: number;
  user: string;
  password: string;
  /** `postgresql://postgres:…@127.0.0.1:<port>/postgres` */
  connectionString: string;
  /** Major version of the server binaries, e.g. 15. */
  majorVersion: number;
  /** The id Backstage's TestDatabases uses for this version, e.g. `POSTGRES_15`. */
  testDatabaseId: string;
  stop(): Promise<void>;
}

const OS_USER = 'postgres';

function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

/**
 * initdb refuses to run as root, so as root every server command runs as the
 * `postgres` OS user (created by the Debian package) through runuser.
 */
function commandLine(exe: string, args: string[]): [string, string[]] {
  if (!isRoot()) return [exe, args];
  const runuser = findExecutable('runuser');
  if (!runuser) {
    throw new Error(
      'running as root, but runuser is missing; install util-linux or run the tests as a normal user',
    );
  }
  return [runuser, ['-u', OS_USER, '--', exe, ...args]];
}

function run(exe: string, args: string[], timeoutMs: number): string {
  const [cmd, argv] = commandLine(exe, args);
  try {
    return execFileSync(cmd, argv, {
      timeout: timeoutMs,
      stdio: ['ignore', 'pipe', 'pipe'],
      encoding: 'utf8',
    });
  } catch (e) {
    const err = e as { stderr?: string; stdout?: string; message: string };
    throw new Error(
      `${path.basename(exe)} failed: ${
        err.stderr || err.stdout || err.message
      }`,
    );
  }
}

function requireTool(name: string): string {
  const exe = findExecutable(name);
  if (!exe) {
    throw new Error(
      `${name} not found; install PostgreSQL (Debian package postgresql)`,
    );
  }
  return exe;
}

/**
 * Starts a private PostgreSQL: initdb into a fresh temp folder, listen on
 * 127.0.0.1 and a free port only (no Unix socket in a shared place), password
 * authentication for TCP, fsync off (throw-away data). `stop()` shuts it
 * down and deletes the folder.
 */
export async function startPrivatePostgres(
  options: { maxConnections?: number; timeoutMs?: number } = {},
): Promise<PrivatePostgres> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const initdb = requireTool('initdb');
  const pgCtl = requireTool('pg_ctl');
  const majorVersion = Number(
    /(\d+)/.exec(execFileSync(pgCtl, ['--version'], { encoding: 'utf8' }))?.[1],
  );

  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'mqcert-pg-'));
  const dataDir = path.join(base, 'data');
  const socketDir = path.join(base, 'sock');
  const logFile = path.join(base, 'server.log');
  const pwFile = path.join(base, 'pw');
  const password = crypto.randomBytes(18).toString('base64url');
  fs.mkdirSync(socketDir);
  fs.writeFileSync(pwFile, `${password}\n`, { mode: 0o600 });
  if (isRoot()) {
    const uid = Number(
      execFileSync('id', ['-u', OS_USER], { encoding: 'utf8' }),
    );
    const gid = Number(
      execFileSync('id', ['-g', OS_USER], { encoding: 'utf8' }),
    );
    for (const p of [base, socketDir, pwFile]) fs.chownSync(p, uid, gid);
  }

  const stopSync = () => {
    if (fs.existsSync(path.join(dataDir, 'postmaster.pid'))) {
      const [cmd, argv] = commandLine(pgCtl, [
        '-D',
        dataDir,
        '-m',
        'immediate',
        '-w',
        'stop',
      ]);
      spawnSync(cmd, argv, { stdio: 'ignore', timeout: 20_000 });
    }
    fs.rmSync(base, { recursive: true, force: true });
  };
  // A test run that dies still leaves no server behind.
  process.once('exit', stopSync);

  try {
    run(
      initdb,
      [
        '-D',
        dataDir,
        '-U',
        'postgres',
        '--pwfile',
        pwFile,
        '--auth-host=scram-sha-256',
        '--auth-local=trust',
        '-E',
        'UTF8',
        '--locale=C',
        '--no-sync',
      ],
      timeoutMs,
    );
    const port = await freePort();
    // pg_ctl passes -o through a shell; every value here is ours (a port
    // number and a mkdtemp path without spaces).
    run(
      pgCtl,
      [
        '-D',
        dataDir,
        '-l',
        logFile,
        '-w',
        '-t',
        String(Math.ceil(timeoutMs / 1000)),
        '-o',
        [
          '-c listen_addresses=127.0.0.1',
          `-c port=${port}`,
          `-c unix_socket_directories=${socketDir}`,
          `-c max_connections=${options.maxConnections ?? 200}`,
          '-c fsync=off',
          '-c synchronous_commit=off',
          '-c full_page_writes=off',
        ].join(' '),
        'start',
      ],
      timeoutMs,
    );
    await waitForPort(port, '127.0.0.1', timeoutMs);
    const host = '127.0.0.1';
    return {
      host,
      port,
      user: 'postgres',
      password,
      connectionString: `postgresql://postgres:${encodeURIComponent(
        password,
      )}@${host}:${port}/postgres`,
      majorVersion,
      testDatabaseId: `POSTGRES_${majorVersion}`,
      async stop() {
        process.removeListener('exit', stopSync);
        stopSync();
      },
    };
  } catch (e) {
    let log = '';
    try {
      log = fs.readFileSync(logFile, 'utf8').slice(-2000);
    } catch {
      // no log yet
    }
    process.removeListener('exit', stopSync);
    stopSync();
    throw new Error(
      `could not start a private PostgreSQL: ${(e as Error).message}${
        log ? `\nserver log:\n${log}` : ''
      }`,
    );
  }
}

/** Major version of the newest installed PostgreSQL server, if any. */
export function installedPostgresMajor(): number | undefined {
  const pgCtl = findExecutable('pg_ctl');
  if (!pgCtl) return undefined;
  const out = spawnSync(pgCtl, ['--version'], { encoding: 'utf8' }).stdout;
  const m = /(\d+)/.exec(out ?? '');
  return m ? Number(m[1]) : undefined;
}

/**
 * Backstage's `TestDatabases` on SQLite and a private PostgreSQL (there is no
 * Docker here). TestDatabases decides which ids it supports from whether the
 * connection-string variable is set when it is created, but reads the value
 * only when a test calls `init`; so a placeholder is set now and the real
 * value once the server is up (beforeAll). Hooks are registered so that
 * TestDatabases drops its databases before the server stops. Call it at the
 * top of a describe block.
 */
export function createTestDatabasesWithPrivatePostgres(): {
  databases: TestDatabases;
  postgresId: TestDatabaseId;
  server: () => PrivatePostgres;
} {
  const major = installedPostgresMajor() ?? 15;
  const postgresId = `POSTGRES_${major}` as TestDatabaseId;
  const variable = `BACKSTAGE_TEST_DATABASE_POSTGRES${major}_CONNECTION_STRING`;
  const previous = process.env[variable];
  process.env[variable] = 'postgresql://pending@127.0.0.1:1/postgres';
  let server: PrivatePostgres | undefined;
  beforeAll(async () => {
    server = await startPrivatePostgres();
    process.env[variable] = server.connectionString;
  }, 90_000);
  // Registered first, so it runs first: drops databases while the server is up.
  const databases = TestDatabases.create({
    ids: [postgresId, 'SQLITE_3'],
    disableDocker: true,
  });
  afterAll(async () => {
    await server?.stop();
    if (previous === undefined) delete process.env[variable];
    else process.env[variable] = previous;
  }, 60_000);
  return {
    databases,
    postgresId,
    server: () => {
      if (!server) throw new Error('the private PostgreSQL is not started yet');
      return server;
    },
  };
}
