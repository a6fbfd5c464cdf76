import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../support/net';
import { call } from './testSupport';

jest.setTimeout(90_000);

const REPO_ROOT = path.resolve(__dirname, '../../..');
const CLI = 'test/src/vault-dev-server/cli.ts';
// What `npx tsx` (and `npm run vault:dev`) run; called directly because npm
// itself dies by the signal instead of passing on the server's exit code.
const TSX = path.join(REPO_ROOT, 'node_modules', '.bin', 'tsx');

interface Running {
  child: ChildProcess;
  lines: Record<string, string>;
  output: () => string;
  exit: Promise<number | null>;
}

/**
 * Spawns `tsx cli.ts ...` in its own process group (so a signal reaches
 * tsx and the server like Ctrl-C in a terminal does) and waits for the four
 * VAULT_* lines, or for the process to end.
 */
function startCli(args: string[]): Promise<Running> {
  const child = spawn(TSX, [CLI, ...args], {
    cwd: REPO_ROOT,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const exit = new Promise<number | null>(resolve =>
    child.on('close', code => resolve(code)),
  );
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      kill(child, 'SIGKILL');
      reject(new Error(`vault:dev printed no credentials in 60 s: ${out}`));
    }, 60_000);
    const lines = (): Record<string, string> =>
      Object.fromEntries(
        [...out.matchAll(/^(VAULT_[A-Z_]+)=(.*)$/gm)].map(m => [m[1], m[2]]),
      );
    const done = () => {
      clearTimeout(timer);
      resolve({ child, lines: lines(), output: () => out, exit });
    };
    const onData = (d: Buffer) => {
      out += d.toString();
      if (Object.keys(lines()).length === 4) done();
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', d => {
      out += d.toString();
    });
    void exit.then(done);
  });
}

function kill(child: ChildProcess, signal: NodeJS.Signals) {
  try {
    process.kill(-child.pid!, signal);
  } catch {
    // already gone
  }
}

async function stopCli(r: Running, signal: NodeJS.Signals = 'SIGINT') {
  kill(r.child, signal);
  const timer = setTimeout(() => kill(r.child, 'SIGKILL'), 15_000);
  const code = await r.exit;
  clearTimeout(timer);
  return code;
}

describe('npm run vault:dev (cli.ts)', () => {
  it('prints its usage with --help and exits 0', async () => {
    const r = await startCli(['--help']);
    expect(await r.exit).toBe(0);
    expect(r.output()).toMatch(/^Usage: npm run vault:dev -- \[--port N\]/);
    expect(r.output()).toContain('--state DIR');
    expect(r.output()).toContain('/_dev');
  });

  it('refuses a bad --port with a message naming the option (exit 2)', async () => {
    const r = await startCli(['--port', 'eighty']);
    expect(await r.exit).toBe(2);
    expect(r.output()).toContain(
      '--port: "eighty" is not a TCP port; give a whole number 0-65535',
    );
    const u = await startCli(['--colour']);
    expect(await u.exit).toBe(2);
    expect(u.output()).toContain('unknown option --colour');
  });

  it('is what `npm run vault:dev` runs', () => {
    // The tests spawn tsx directly (see TSX above); this keeps them honest
    // about the command npm runs.
    const pkg = JSON.parse(
      fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'),
    );
    expect(pkg.scripts['vault:dev']).toBe(`tsx ${CLI}`);
  });

  it('listens on 127.0.0.1:8200 without --port', async () => {
    // Binding 8200 for real would clash with a demo someone runs on this
    // machine, so hold the port (or find it held) and check that the CLI
    // tries exactly that address and says what to do.
    const holder = net.createServer();
    await new Promise<void>(resolve => {
      holder.once('error', () => resolve()); // someone else holds it: same outcome
      holder.listen(8200, '127.0.0.1', () => resolve());
    });
    try {
      const r = await startCli([]);
      expect(await r.exit).toBe(1);
      expect(r.output()).toContain('EADDRINUSE');
      expect(r.output()).toContain('127.0.0.1:8200');
      expect(r.output()).toContain('pick one with --port N');
      expect(r.lines).toEqual({});
    } finally {
      await new Promise<void>(resolve => holder.close(() => resolve()));
    }
  });

  it('prints the four lines once listening; the token and AppRole credentials work; SIGINT stops it cleanly', async () => {
    const port = await freePort();
    const r = await startCli(['--port', String(port)]);
    try {
      expect(Object.keys(r.lines).sort()).toEqual([
        'VAULT_ADDR',
        'VAULT_ROLE_ID',
        'VAULT_SECRET_ID',
        'VAULT_TOKEN',
      ]);
      expect(r.lines.VAULT_ADDR).toBe(`http://127.0.0.1:${port}`);
      const server = { address: r.lines.VAULT_ADDR };
      const self = await call(server, 'GET', 'auth/token/lookup-self', {
        token: r.lines.VAULT_TOKEN,
      });
      expect(self.status).toBe(200);
      expect(self.body.data.policies).toEqual(['root']);

      const login = await call(server, 'POST', 'auth/approle/login', {
        body: {
          role_id: r.lines.VAULT_ROLE_ID,
          secret_id: r.lines.VAULT_SECRET_ID,
        },
      });
      expect(login.status).toBe(200);
      expect(login.body.auth.token_policies).toEqual(['default', 'mq-portal']);
      const issued = await call(
        server,
        'POST',
        'pki_int/issue/mq-queue-managers',
        {
          token: login.body.auth.client_token,
          body: { common_name: 'qm1.mq.example.test', ttl: '1h' },
        },
      );
      expect(issued.status).toBe(200);
      expect(issued.body.data.certificate).toMatch(/^-----BEGIN CERTIFICATE/);
    } finally {
      expect(await stopCli(r)).toBe(0);
    }
    await expect(
      fetch(`http://127.0.0.1:${port}/v1/sys/health`),
    ).rejects.toThrow();
  });

  it('uses --seed and keeps its CA and tokens in --state across restarts (SIGTERM)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vault-dev-cli-'));
    try {
      const seed = path.join(dir, 'seed.yaml');
      fs.writeFileSync(
        seed,
        [
          'root_token: dev-root-token',
          'secrets:',
          '  pki:',
          '    type: pki',
          '    issuers:',
          '      - type: root',
          '        common_name: CLI Seed Root',
          '        key_type: ec',
          '        ttl: 8760h',
          '    roles:',
          '      web:',
          '        allow_any_name: true',
          '        key_type: ec',
          '',
        ].join('\n'),
      );
      const state = path.join(dir, 'state');
      const port = await freePort();
      const args = ['--port', String(port), '--seed', seed, '--state', state];

      const first = await startCli(args);
      let caPem: string;
      try {
        expect(first.lines.VAULT_TOKEN).toBe('dev-root-token');
        const ca = await fetch(`${first.lines.VAULT_ADDR}/v1/pki/ca/pem`);
        caPem = await ca.text();
        expect(caPem).toMatch(/^-----BEGIN CERTIFICATE-----/);
      } finally {
        expect(await stopCli(first, 'SIGTERM')).toBe(0);
      }
      const stateFile = path.join(state, 'state.json');
      expect(fs.statSync(stateFile).mode & 0o777).toBe(0o600);
      expect(fs.statSync(state).mode & 0o777).toBe(0o700);

      const second = await startCli(args);
      try {
        const ca = await fetch(`${second.lines.VAULT_ADDR}/v1/pki/ca/pem`);
        expect(await ca.text()).toBe(caPem);
        const issued = await call(
          { address: second.lines.VAULT_ADDR },
          'POST',
          'pki/issue/web',
          { token: 'dev-root-token', body: { common_name: 'a.example.test' } },
        );
        expect(issued.status).toBe(200);
        expect(issued.body.data.issuing_ca).toBe(caPem.trim());
      } finally {
        expect(await stopCli(second, 'SIGTERM')).toBe(0);
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
