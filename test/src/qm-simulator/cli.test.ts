import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildTestPkcs12 } from './testPki';
import { sharedTestPki } from './fixture';

jest.setTimeout(60_000);

const CLI = path.join(__dirname, 'cli.ts');

function runCli(
  args: string[],
  until?: RegExp,
): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`cli did not finish: ${out}`));
    }, 50_000);
    const onData = (d: Buffer) => {
      out += d.toString();
      if (until?.test(out)) child.kill('SIGTERM');
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('close', code => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
}

describe('qm:sim command line', () => {
  it('prints help', async () => {
    const r = await runCli(['--help']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^Usage: npm run qm:sim -- --config FILE/);
  });

  it('starts the queue managers of a config file and says where they listen', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mqsim-cli-'));
    try {
      const pki = sharedTestPki();
      const leaf = pki.issue('qm1.mq.example.test');
      fs.writeFileSync(
        path.join(dir, 'key.p12'),
        buildTestPkcs12({
          entries: [{ label: 'qm1cert', ...leaf }],
          caCertificatesPem: pki.chainPem,
          password: 'pw',
          iterations: 64,
        }),
      );
      fs.writeFileSync(
        path.join(dir, 'sim.yaml'),
        'queueManagers:\n  - name: QM1\n    sslKeyRepository: ./key.p12\n    certificateLabel: qm1cert\n    keyRepositoryPassword: pw\nstateDir: ./state\n',
      );
      const r = await runCli(
        ['--config', path.join(dir, 'sim.yaml')],
        /runmqsc stand-in: .*\n/,
      );
      expect(r.out).toMatch(
        /queue manager QM1: TLS listener 127\.0\.0\.1:\d+, mqsc https:\/\/127\.0\.0\.1:\d+\/ibmmq\/rest\/v2\/admin\/action\/qmgr\/QM1\/mqsc/,
      );
      expect(r.out).toContain(
        `runmqsc stand-in: ${path.join(dir, 'state', 'bin', 'runmqsc')}`,
      );
      expect(
        fs.readFileSync(path.join(dir, 'state', 'mqweb-ca.pem'), 'utf8'),
      ).toMatch(/BEGIN CERTIFICATE/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('explains a missing --config', async () => {
    const r = await runCli([]);
    expect(r.code).toBe(2);
    expect(r.out).toMatch(/--config FILE is required/);
  });
});
