import { spawn, spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Entity } from '@backstage/catalog-model';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { NodeTlsProbe } from '@mqcert/plugin-mq-certificates-node';
import {
  FIXTURE_PASSWORD,
  startSimulatorFixture,
  type SimulatorFixture,
} from '../qm-simulator/fixture';
import { readAtq } from '../support/atd';
import { describeWithTools } from '../support/describeWithTools';
import { startVaultDevServer, type VaultDevServer } from '../vault-dev-server';
import { call } from '../vault-dev-server/testSupport';
import { moduleActions } from './moduleActions';

/*
 * The rendered Vault Agent bundle run for real: the exec script gets what
 * Vault Agent's pkiCert template renders (certificate, issuing CA, key from
 * the Vault dev server), builds the PKCS#12 with the real openssl, stages it
 * beside the queue-manager simulator's live repository and hands the
 * cut-over to `at`. The cut-over job then runs against the simulator
 * (through its runmqsc stand-in), and the TLS probe sees the new certificate.
 */

jest.setTimeout(120_000);

const ENTITY: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Resource',
  metadata: {
    name: 'qm1',
    namespace: 'default',
    annotations: {
      'mqcert.io/queue-manager': 'QM1',
      'mqcert.io/listener': 'qm1.mq.example.test:1414',
      'mqcert.io/certificate-names': 'qm1.mq.example.test',
      'mqcert.io/certificate-label': 'qm1cert',
      'mqcert.io/vault-pki-role': 'pki_int/mq-queue-managers',
      'mqcert.io/deploy-target': 'qm1-local',
      'mqcert.io/key-repository': 'key',
      'mqcert.io/maintenance-window': 'Sun 02:00-04:00 UTC',
    },
  },
  spec: { type: 'ibm-mq-queue-manager', owner: 'group:default/mq-admins' },
};

/** Thursday 2026-12-03 12:00 UTC: the next window starts Sunday 02:00 UTC. */
const NOW = Date.UTC(2026, 11, 3, 12, 0, 0) / 1000;

/** A serial as hex without separators or leading zeros, upper case. */
const normalSerial = (serial: string) =>
  serial.replace(/:/g, '').toUpperCase().replace(/^0+/, '');

/**
 * Runs a program without blocking the event loop: the simulator and the
 * Vault dev server run in this process, and the runmqsc stand-in talks to
 * the simulator's control API, so a spawnSync of anything that reaches it
 * would wait for an answer this process cannot give until it returns.
 */
function run(
  command: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; input?: string } = {},
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: options.env ?? process.env });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', d => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', d => (stderr += d));
    child.on('error', reject);
    child.on('close', status => resolve({ status, stdout, stderr }));
    child.stdin.end(options.input ?? '');
  });
}

describeWithTools(
  ['bash', 'openssl', 'at', 'atq', 'atrm'],
  'mq:vault-agent:render bundle, run for real',
  () => {
    let vault: VaultDevServer;
    let f: SimulatorFixture;
    let tmp: string;
    let install: string;
    let script: string;
    let hcl: string;

    /** What pkiCert renders: {{ .Cert }}{{ .CA }}{{ .Key }} from pki_int/issue. */
    async function renderLikeAgent(commonName = 'qm1.mq.example.test') {
      const r = await call(vault, 'POST', 'pki_int/issue/mq-queue-managers', {
        token: vault.rootToken,
        body: { common_name: commonName, ttl: '24h' },
      });
      expect(r.status).toBe(200);
      const d = r.body.data;
      fs.mkdirSync(path.join(install, 'certs'), {
        recursive: true,
        mode: 0o700,
      });
      fs.writeFileSync(
        path.join(install, 'certs', 'qm1cert.pem'),
        `${d.certificate}\n${d.issuing_ca}\n${d.private_key}\n`,
        { mode: 0o600 },
      );
      return {
        serial: new X509Certificate(d.certificate).serialNumber,
        key: d.private_key as string,
      };
    }

    /** An `at` stand-in that keeps the job (at -t TIME, script on stdin). */
    function atStandIn() {
      const bin = path.join(tmp, 'bin');
      fs.mkdirSync(bin, { recursive: true });
      fs.writeFileSync(
        path.join(bin, 'at'),
        `#!/bin/sh\nn=$(ls ${tmp}/jobs 2>/dev/null | wc -l)\nn=$((n+1))\nmkdir -p ${tmp}/jobs\ncat >${tmp}/jobs/$n.sh\necho "$TZ $*" >${tmp}/jobs/$n.args\necho "warning: commands will be executed using /bin/sh" >&2\necho "job $n at Sun Dec  6 02:00:00 2026" >&2\n`,
        { mode: 0o755 },
      );
      fs.writeFileSync(
        path.join(bin, 'atrm'),
        `#!/bin/sh\necho "$@" >>${tmp}/jobs/removed\n`,
        { mode: 0o755 },
      );
      return bin;
    }

    function runRenew(env: Record<string, string> = {}) {
      return run('bash', [script], {
        env: {
          ...process.env,
          MQCERT_RUNMQSC: f.sim.runmqscPath,
          MQCERT_NOW: String(NOW),
          ...env,
        },
      });
    }

    /** The listener's serial, in one spelling (the probe's has colons). */
    const served = async () =>
      normalSerial(
        (
          await new NodeTlsProbe({ caPem: [vault.caChainPem] }).probe({
            host: '127.0.0.1',
            port: f.sim.queueManagers[0].listener.port,
          })
        ).certificate.serialNumber,
      );

    const revisions = () =>
      fs
        .readdirSync(f.dir)
        .filter(n => /^key-\d{8}T\d{6}Z-[0-9a-f]{8}\.p12$/.test(n))
        .sort();

    beforeAll(async () => {
      vault = await startVaultDevServer();
      f = await startSimulatorFixture();
      tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mqcert-agent-'));
      install = path.join(tmp, 'etc');
      fs.mkdirSync(install);
      const { byId } = moduleActions({
        entities: [ENTITY],
        config: {
          mqCertificates: {
            vault: {
              address: vault.address,
              auth: { method: 'token', token: vault.rootToken },
            },
          },
        },
      });
      const workspacePath = path.join(tmp, 'workspace');
      fs.mkdirSync(workspacePath);
      const ctx = createMockActionContext({
        input: {
          entityRef: 'resource:default/qm1',
          installDirectory: install,
          keyRepositoryDirectory: f.dir,
          caBundleFile: path.join(tmp, 'root.pem'),
          keepRevisions: 2,
          renewalThreshold: 0.7,
        },
        workspacePath,
      });
      await byId('mq:vault-agent:render').handler(ctx as any);
      const out = Object.fromEntries(
        (ctx.output as jest.Mock).mock.calls.map(([k, v]) => [k, v]),
      );
      script = path.join(workspacePath, out.renewScriptFile);
      hcl = fs.readFileSync(
        path.join(workspacePath, out.agentConfigFile),
        'utf8',
      );
      // The root that completes Vault's chain (issuing_ca is the intermediate).
      fs.writeFileSync(path.join(tmp, 'root.pem'), vault.caChainPem);
    });
    afterAll(async () => {
      await f?.stop();
      await vault?.stop();
      if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
    });

    it('renders a config for this Vault and a script bash accepts', () => {
      expect(hcl).toContain(`address = "${vault.address}"`);
      expect(hcl).toContain(
        '{{- with pkiCert "pki_int/issue/mq-queue-managers" "common_name=qm1.mq.example.test" -}}',
      );
      expect(hcl).toContain(`destination = "${install}/certs/qm1cert.pem"`);
      expect(hcl).toContain('lease_renewal_threshold = 0.7');
      const syntax = spawnSync('bash', ['-n', script], { encoding: 'utf8' });
      expect(syntax.stderr).toBe('');
      expect(syntax.status).toBe(0);
      expect(fs.readFileSync(script, 'utf8')).toContain('KEEP=2\n');
    });

    it('computes the next maintenance window in UTC', () => {
      const next = spawnSync('bash', [script, '--next-window'], {
        encoding: 'utf8',
        env: { ...process.env, MQCERT_NOW: String(NOW) },
      });
      expect(next.stdout.trim()).toBe('202612060200');
    });

    it('stages a revision with the real openssl, schedules the cut-over, and the job cuts over the simulator', async () => {
      const bin = atStandIn();
      fs.rmSync(path.join(tmp, 'jobs'), { recursive: true, force: true });
      const issued = await renderLikeAgent();
      const before = await served();
      const r = await runRenew({
        MQCERT_AT: path.join(bin, 'at'),
        MQCERT_ATRM: path.join(bin, 'atrm'),
      });
      expect(r.stderr).toContain(
        'cut-over scheduled with at (job 1) for 202612060200 UTC',
      );
      expect(r.status).toBe(0);
      // Staging is inert for MQ: still the old certificate.
      expect(await served()).toBe(before);
      const staged = revisions();
      expect(staged).toHaveLength(1);
      const revision = path.join(f.dir, staged[0]);
      expect(fs.statSync(revision).mode & 0o777).toBe(0o600);
      const pw = fs
        .readFileSync(revision.replace(/\.p12$/, '.pw'), 'utf8')
        .trim();
      expect(pw.length).toBeGreaterThan(20);
      // openssl reads what was staged, with the label as friendlyName.
      const info = spawnSync(
        'openssl',
        ['pkcs12', '-in', revision, '-nokeys', '-passin', 'stdin'],
        { input: `${pw}\n`, encoding: 'utf8' },
      );
      expect(info.stdout).toContain('friendlyName: qm1cert');
      expect(fs.readFileSync(`${tmp}/jobs/1.args`, 'utf8').trim()).toBe(
        'UTC -t 202612060200',
      );
      const job = fs.readFileSync(`${tmp}/jobs/1.sh`, 'utf8');
      expect(job).not.toContain(pw);

      // at runs the job with /bin/sh when the window comes.
      const cutover = await run('/bin/sh', [`${tmp}/jobs/1.sh`]);
      expect(cutover.status).toBe(0);
      expect(await served()).toBe(normalSerial(issued.serial));
      const log = fs.readFileSync(
        path.join(f.dir, 'mqcert-cutover.log'),
        'utf8',
      );
      expect(log).toContain('AMQ8005I');
      expect(log).toContain("KEYRPWD('********')");
      expect(log).not.toContain(pw);
      expect(log).not.toContain(FIXTURE_PASSWORD);
      for (const text of [r.stdout, r.stderr, log, job]) {
        expect(text).not.toMatch(/PRIVATE KEY/);
        expect(text).not.toContain(issued.key.split('\n')[3]);
      }
    });

    it('does nothing for a serial already staged, prunes to N and never the live repository', async () => {
      const bin = atStandIn();
      const env = {
        MQCERT_AT: path.join(bin, 'at'),
        MQCERT_ATRM: path.join(bin, 'atrm'),
      };
      const again = await runRenew(env);
      expect(again.stderr).toContain('is already staged; nothing to do');
      expect(again.status).toBe(0);
      for (let i = 0; i < 3; i++) {
        await renderLikeAgent();
        const r = await runRenew(env);
        expect(r.status).toBe(0);
      }
      // KEEP=2 newest revisions, the live one (now a revision) and key-1.p12
      // which is not a revision name; a cut-over scheduled earlier is replaced.
      const live = (
        await run(f.sim.runmqscPath, ['QM1'], {
          input: 'DISPLAY QMGR SSLKEYR\n',
        })
      ).stdout.match(/SSLKEYR\(([^)]*)\)/)![1];
      const left = revisions();
      expect(left).toHaveLength(3);
      expect(left).toContain(path.basename(live));
      expect(fs.existsSync(path.join(f.dir, 'key-1.p12'))).toBe(true);
      expect(fs.readFileSync(`${tmp}/jobs/removed`, 'utf8')).toMatch(/\d/);
    });

    it('stops before the cut-over when what the agent rendered is wrong', async () => {
      const bin = atStandIn();
      fs.rmSync(path.join(tmp, 'jobs'), { recursive: true, force: true });
      await renderLikeAgent();
      const source = path.join(install, 'certs', 'qm1cert.pem');
      const other = await call(
        vault,
        'POST',
        'pki_int/issue/mq-queue-managers',
        {
          token: vault.rootToken,
          body: { common_name: 'qm1.mq.example.test' },
        },
      );
      // The certificate with somebody else's key.
      const text = fs.readFileSync(source, 'utf8');
      fs.writeFileSync(
        source,
        text.replace(
          /-----BEGIN (RSA |EC )?PRIVATE KEY-----[\s\S]*$/,
          other.body.data.private_key,
        ),
      );
      const before = revisions();
      const r = await runRenew({
        MQCERT_AT: path.join(bin, 'at'),
        MQCERT_ATRM: path.join(bin, 'atrm'),
      });
      expect(r.status).toBe(1);
      expect(r.stderr).toContain(
        'does not belong to its certificate; the live key repository was not changed',
      );
      expect(revisions()).toEqual(before);
      expect(fs.existsSync(path.join(tmp, 'jobs'))).toBe(false);
    });

    it('puts no password on a command line: bash -x of the renewal, and the argv of openssl, at and runmqsc', async () => {
      const bin = atStandIn();
      fs.rmSync(path.join(tmp, 'jobs'), { recursive: true, force: true });
      fs.rmSync(path.join(f.dir, '.mqcert-pending-at-job'), { force: true });
      const argvLog = path.join(tmp, 'argv.log');
      fs.rmSync(argvLog, { force: true });
      /** Logs its command line, then runs the real program. */
      const recording = (name: string, real: string) => {
        const file = path.join(bin, `recording-${name}`);
        fs.writeFileSync(
          file,
          `#!/bin/sh\nprintf '%s\\n' "${name} $*" >>${argvLog}\nexec ${real} "$@"\n`,
          { mode: 0o755 },
        );
        return file;
      };
      const realOpenssl = spawnSync('sh', ['-c', 'command -v openssl'], {
        encoding: 'utf8',
      }).stdout.trim();
      await renderLikeAgent();
      // xtrace prints every command with its expanded arguments.
      const r = await run('bash', ['-x', script], {
        env: {
          ...process.env,
          MQCERT_NOW: String(NOW),
          MQCERT_AT: path.join(bin, 'at'),
          MQCERT_ATRM: path.join(bin, 'atrm'),
          MQCERT_OPENSSL: recording('openssl', realOpenssl),
          MQCERT_RUNMQSC: recording('runmqsc', f.sim.runmqscPath),
        },
      });
      expect(r.status).toBe(0);
      const staged = revisions().at(-1)!;
      const pw = fs
        .readFileSync(path.join(f.dir, staged.replace(/\.p12$/, '.pw')), 'utf8')
        .trim();
      expect(pw.length).toBeGreaterThan(20);
      // The job cuts over with the password on runmqsc's standard input.
      const job = await run('/bin/sh', [`${tmp}/jobs/1.sh`]);
      expect(job.status).toBe(0);
      const argv = fs.readFileSync(argvLog, 'utf8');
      expect(argv).toMatch(/^openssl pkcs12 -export /m);
      expect(argv).toMatch(/^runmqsc /m);
      expect(r.stderr).toMatch(/^\+ .*pkcs12 -export /m);
      for (const [what, text] of [
        ['bash -x trace of the renewal', r.stderr],
        ['argv of openssl and runmqsc', argv],
        ['argv of at', fs.readFileSync(`${tmp}/jobs/1.args`, 'utf8')],
      ]) {
        expect({ what, leaked: text.includes(pw) }).toEqual({
          what,
          leaked: false,
        });
      }
    });

    it('hands the cut-over to the real atd at the window start (UTC)', async () => {
      await renderLikeAgent();
      // The stand-in's job numbers mean nothing to the real atd.
      fs.rmSync(path.join(f.dir, '.mqcert-pending-at-job'), { force: true });
      const r = await runRenew({ MQCERT_NOW: '' });
      expect(r.status).toBe(0);
      const id = fs
        .readFileSync(path.join(f.dir, '.mqcert-pending-at-job'), 'utf8')
        .trim();
      try {
        const job = readAtq().find(j => j.id === id);
        expect(job).toBeDefined();
        const expected = spawnSync('bash', [script, '--next-window'], {
          encoding: 'utf8',
        }).stdout.trim();
        expect(job!.runAt.replace(/\D/g, '').slice(0, 12)).toBe(expected);
        const content = spawnSync('at', ['-c', id], {
          encoding: 'utf8',
        }).stdout;
        expect(content).toContain("KEYRPWD('$pw')");
        expect(content).not.toMatch(/PRIVATE KEY/);
      } finally {
        spawnSync('atrm', [id]);
      }
    });
  },
);
