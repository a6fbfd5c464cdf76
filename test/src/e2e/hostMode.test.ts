/*
 * Issue 9, host mode end to end: QM1's deploy target is a real OpenSSH sshd
 * on loopback (SFTP staging, commands over SSH, pinned host key); the
 * template schedules the cut-over with `at` on that host about one minute
 * ahead (real atd); the job shows in atq, runs the simulator's runmqsc
 * stand-in, and the listener then serves the new certificate, which the
 * backend verifies. A second at job is cancelled before it runs, through
 * the product's API only: the backend removes it from the host's at queue.
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { ensureAtd, readAtq } from '../support/atd';
import { describeWithTools } from '../support/describeWithTools';
import { freePort } from '../support/net';
import { startSshd, type SshdHarness } from '../support/sshd';
import { eventually, QM1, startE2eStack, type E2eStack } from './e2eStack';

jest.setTimeout(240_000);

const HOST_TEMPLATE = 'template:default/e2e-rotate-mq-certificate-host-mode';
// Test code runs from source; the fixture sits beside this file.
// eslint-disable-next-line no-restricted-syntax
const TEMPLATE_FILE = path.join(
  __dirname,
  'fixtures',
  'rotate-mq-certificate-host-mode.yaml',
);

/** The next whole UTC minute at least `aheadMs` from now. */
function wholeMinuteAhead(aheadMs: number): Date {
  const t = Date.now() + aheadMs;
  return new Date(Math.ceil(t / 60_000) * 60_000);
}

describeWithTools(
  ['openssl', 'sshd', 'ssh-keygen', 'at', 'atq', 'atrm', 'atd'],
  'host mode: cut-over by at over SSH',
  () => {
    let sshd: SshdHarness;
    let e2e: E2eStack;
    let dataDir: string;
    let targetConfig: Record<string, any>;
    let templateServer: http.Server;
    const checks: { targetRoot?: string; runmqscPath?: string } = {};

    beforeAll(async () => {
      await ensureAtd();
      sshd = await startSshd();
      dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mqcert-e2e-host-'));
      // The demo stack keeps QM1's repository in <data>/mq/qm1 and writes
      // the simulator's runmqsc stand-in to <data>/mqsim/bin (checked below);
      // sshd runs on this machine, so the SSH target sees the same folder.
      targetConfig = {
        type: 'ssh',
        root: path.join(dataDir, 'mq', 'qm1'),
        ssh: {
          host: sshd.host,
          port: sshd.port,
          username: sshd.username,
          privateKey: sshd.privateKey,
          hostKeySha256: sshd.hostKeySha256,
        },
        at: { runmqscPath: path.join(dataDir, 'mqsim', 'bin', 'runmqsc') },
      };
      // The catalog registers only url locations at run time, so the
      // test template is served over HTTP on loopback.
      const templatePort = await freePort();
      templateServer = http.createServer((_req, res) => {
        res.writeHead(200, { 'Content-Type': 'text/yaml' });
        res.end(fs.readFileSync(TEMPLATE_FILE));
      });
      await new Promise<void>(r =>
        templateServer.listen(templatePort, '127.0.0.1', () => r()),
      );
      e2e = await startE2eStack({
        dataDir,
        config: {
          backend: {
            reading: { allow: [{ host: `127.0.0.1:${templatePort}` }] },
          },
          mqCertificates: {
            deployTargets: { 'qm1-local': targetConfig },
            refreshJobs: {
              hostModeVerifyDelay: '3s',
              hostModeVerifyWindow: '5m',
            },
          },
        },
      });
      checks.targetRoot = e2e.stack.queueManagers.find(
        q => q.name === 'QM1',
      )!.targetRoot;
      checks.runmqscPath = e2e.stack.simulator.runmqscPath;
      await e2e.guest.json('POST', '/api/catalog/locations', {
        type: 'url',
        target: `http://127.0.0.1:${templatePort}/rotate-mq-certificate-host-mode.yaml`,
      });
      await eventually(
        'the host-mode template is in the catalog',
        async () =>
          (
            await e2e.guest.request(
              'GET',
              '/api/catalog/entities/by-name/template/default/e2e-rotate-mq-certificate-host-mode',
            )
          ).status === 200
            ? true
            : undefined,
        60_000,
      );
    }, 240_000);

    afterAll(async () => {
      await e2e?.stop();
      await sshd?.stop();
      await new Promise(r => (templateServer ? templateServer.close(r) : r(0)));
      if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
    }, 60_000);

    async function schedule(runAt: Date) {
      const run = await e2e.tasks.run(
        HOST_TEMPLATE,
        { queueManager: QM1, at: runAt.toISOString() },
        120_000,
      );
      if (run.task.status !== 'completed') {
        throw new Error(await e2e.tasks.logText(run.taskId));
      }
      const detail = await e2e.qm(QM1);
      const rotation = detail.rotations.find(r => r.taskId === run.taskId)!;
      const job = detail.jobs.find(j => j.rotationId === rotation.id)!;
      return { ...run, rotation, job };
    }

    it('runs QM1 through the SSH target on the folder and runmqsc the simulator uses', () => {
      expect(checks).toEqual({
        targetRoot: targetConfig.root,
        runmqscPath: targetConfig.at.runmqscPath,
      });
    });

    it('schedules the cut-over with at about a minute ahead; atq shows it; it runs; the new serial is served and verified', async () => {
      const before = await e2e.opensslSerial('QM1');
      const runAt = wholeMinuteAhead(40_000);
      const { rotation, job } = await schedule(runAt);
      expect(job).toMatchObject({
        mode: 'host',
        runAt: runAt.toISOString(),
      });
      expect(job.hostJobId).toMatch(/^\d+$/);
      // Visible on the host: atq (the same machine's atd) lists it for the minute.
      const queued = readAtq().find(j => j.id === job.hostJobId);
      expect(queued?.runAt).toBe(runAt.toISOString());
      // Staged over SFTP, nothing changed yet.
      expect(await e2e.opensslSerial('QM1')).toBe(before);

      await eventually(
        'the at job cut over QM1',
        async () =>
          (await e2e.opensslSerial('QM1')) === rotation.serialNumber
            ? true
            : undefined,
        runAt.getTime() - Date.now() + 90_000,
        2000,
      );
      expect(readAtq().some(j => j.id === job.hostJobId)).toBe(false);
      const log = fs.readFileSync(
        path.join(dataDir, 'mq', 'qm1', 'ssl', 'mqcert-cutover.log'),
        'utf8',
      );
      expect(log).toContain('cut-over of QM1');
      const probed = await e2e.productProbe(QM1);
      expect(probed.serialNumber).toBe(rotation.serialNumber);
      const done = await e2e.waitForRotation(
        QM1,
        rotation.id,
        ['verified', 'rolled-back', 'failed'],
        90_000,
      );
      expect(done.rotation.state).toBe('verified');
    });

    it('a second at job is cancelled before it runs: gone from atq, the refresh job cancelled, nothing cut over', async () => {
      const served = await e2e.opensslSerial('QM1');
      const refreshes = e2e.stack.simulator.control.state('QM1').refreshes;
      const runAt = wholeMinuteAhead(3_600_000);
      const { job } = await schedule(runAt);
      expect(readAtq().find(j => j.id === job.hostJobId)?.runAt).toBe(
        runAt.toISOString(),
      );

      const cancelled = await e2e.guest.json<{ state: string }>(
        'POST',
        `/api/mq-certificates/v1/refresh-jobs/${job.id}/cancel`,
        { reason: 'e2e: not this time' },
      );
      expect(cancelled.state).toBe('cancelled');
      // The product's cancel removed the at job on the host (atrm over the
      // SSH target); the host's own atq no longer lists it.
      expect(readAtq().some(j => j.id === job.hostJobId)).toBe(false);
      const detail = await e2e.qm(QM1);
      expect(detail.rotations.find(r => r.id === job.rotationId)?.state).toBe(
        'cancelled',
      );
      expect(
        detail.events.find(
          e => e.type === 'refresh-job-cancelled' && e.jobId === job.id,
        )?.message,
      ).toContain(
        `at job ${job.hostJobId} removed from deploy target qm1-local`,
      );
      expect(e2e.stack.simulator.control.state('QM1').refreshes).toBe(
        refreshes,
      );
      expect(await e2e.opensslSerial('QM1')).toBe(served);
    });
  },
);
