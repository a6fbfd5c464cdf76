import fs from 'node:fs';
import path from 'node:path';
import { mockServices } from '@backstage/backend-test-utils';
import {
  buildPkcs12,
  CommandAtScheduler,
  createDeployTarget,
  cutOver,
  generateKeystorePassword,
  inspectPkcs12,
  NodeTlsProbe,
  newRevisionId,
  readQmgrTlsSettings,
  renderCutoverJobScript,
  RestMqscRunner,
  RunmqscMqscRunner,
  type DeployTarget,
  type StagedRevision,
} from '@mqcert/plugin-mq-certificates-node';
import {
  startSimulatorFixture,
  type SimulatorFixture,
} from '../qm-simulator/fixture';
import type { TestCertificate } from '../qm-simulator/testPki';
import { ensureAtd, readAtq, waitFor } from '../support/atd';
import { describeWithTools } from '../support/describeWithTools';
import { startSshd, type SshdHarness } from '../support/sshd';

/*
 * The node library end to end against real peers (issue 5): a PKCS#12 built
 * by the product is staged over SFTP (real sshd) into the simulated queue
 * manager's folder, then cut over through the MQ REST API, through runmqsc
 * over SSH, and by an `at` job (real atd) at the next whole minute. Each
 * time the TLS probe must report the new serial, and only after REFRESH.
 * The queue manager opens each revision with the stash staged beside it
 * (no KEYRPWD), as a real one with a blank KEYRPWD does.
 */

jest.setTimeout(60_000);

/** Our own at queue, so other tests' jobs on this machine do not confuse us. */
const QUEUE = 'n';
const LABEL = 'ibmwebspheremqqm1';

describeWithTools(
  ['sshd', 'ssh-keygen', 'at', 'atd', 'atq', 'atrm'],
  'stage over SFTP, cut over by REST, by runmqsc over SSH and by at',
  () => {
    let f: SimulatorFixture;
    let sshd: SshdHarness;
    let target: DeployTarget;
    let rest: RestMqscRunner;
    let probe: NodeTlsProbe;
    const password = generateKeystorePassword();
    const atJobs: string[] = [];

    const served = async () => {
      const result = await probe.probe({
        host: '127.0.0.1',
        port: f.sim.queueManagers[0].listener.port,
      });
      expect(result.trusted).toBe(true);
      return result.certificate.serialNumber;
    };

    /** Builds with the product's builder and stages over SFTP; checks the file arrived intact. */
    async function stageNew(
      certificate: TestCertificate,
    ): Promise<StagedRevision> {
      const built = buildPkcs12(
        [
          {
            label: LABEL,
            certificatePem: certificate.certificatePem,
            privateKeyPem: certificate.privateKeyPem,
            chainPem: [...f.pki.chainPem].reverse(),
          },
        ],
        { password },
      );
      const staged = await target.stage({
        stem: 'key',
        revisionId: newRevisionId(certificate.serialNumber),
        files: built.files,
      });
      expect(staged.created).toBe(true);
      expect(staged.sslKeyRepository).toBe(
        path.join(f.dir, path.basename(staged.relativePath)),
      );
      const onDisk = fs.readFileSync(staged.sslKeyRepository);
      expect(onDisk.equals(built.files[0].content)).toBe(true);
      expect(fs.statSync(staged.sslKeyRepository).mode & 0o777).toBe(0o600);
      return staged;
    }

    /** Preflight from the file as read back from the host, with the serial it must hold. */
    async function preflightFor(
      staged: StagedRevision,
      certificate: TestCertificate,
    ) {
      return {
        inspection: inspectPkcs12(
          await target.readFile(staged.relativePath),
          password,
        ),
        labels: [LABEL],
        expectedSerialNumbers: { [LABEL]: certificate.serialNumber },
      };
    }

    beforeAll(async () => {
      await ensureAtd();
      // No KEYRPWD: the simulated QM opens each repository with its .sth.
      f = await startSimulatorFixture({ keyRepositoryPassword: undefined });
      sshd = await startSshd();
      target = await createDeployTarget(
        'qm1host',
        mockServices.rootConfig({
          data: {
            mqCertificates: {
              deployTargets: {
                qm1host: {
                  type: 'ssh',
                  root: f.dir,
                  ssh: {
                    host: sshd.host,
                    port: sshd.port,
                    username: sshd.username,
                    privateKey: sshd.privateKey,
                    hostKeySha256: sshd.hostKeySha256,
                  },
                },
              },
            },
          },
        }),
      );
      const { baseUrl, caPem, username, password: restPassword } = f.sim.rest!;
      rest = new RestMqscRunner({
        baseUrl,
        caPem: [caPem],
        auth: { type: 'basic', username, password: restPassword },
        timeoutMs: 20_000,
      });
      probe = new NodeTlsProbe({ caPem: [f.pki.root.certificatePem] });
      // Start from a repository the QM can open (the fixture's has no stash).
      const first = await stageNew(f.qmCertificate);
      await cutOver(rest, 'QM1', {
        sslKeyRepository: first.sslKeyRepository,
        certificateLabel: LABEL,
      });
      const start = await served();
      if (start !== f.qmCertificate.serialNumber)
        throw new Error(`QM1 serves ${start} after the first cut-over`);
    });
    afterAll(async () => {
      // Never leave a job behind for atd to run later.
      const left = new Set(readAtq().map(j => j.id));
      const scheduler = target
        ? new CommandAtScheduler(target.commands, { queue: QUEUE })
        : undefined;
      for (const id of atJobs.filter(i => left.has(i)))
        await scheduler?.cancel(id).catch(() => undefined);
      rest?.close();
      await target?.close();
      await sshd?.stop();
      await f?.stop();
    });

    it('REST: a revision staged over SFTP is inert until the cut-over, then served', async () => {
      const next = f.pki.issue('qm1.mq.example.test');
      const before = await readQmgrTlsSettings(rest, 'QM1');
      const staged = await stageNew(next);
      // Staging changes nothing MQ serves.
      expect(await served()).toBe(f.qmCertificate.serialNumber);
      expect(await readQmgrTlsSettings(rest, 'QM1')).toEqual(before);

      const result = await cutOver(
        rest,
        'QM1',
        { sslKeyRepository: staged.sslKeyRepository, certificateLabel: LABEL },
        { preflight: await preflightFor(staged, next) },
      );
      expect(result.previous).toEqual(before);
      expect(await served()).toBe(next.serialNumber);
      expect(await readQmgrTlsSettings(rest, 'QM1')).toEqual({
        sslKeyRepository: staged.sslKeyRepository,
        certificateLabel: LABEL,
      });
    });

    it('runmqsc over SSH: the next revision is served after the cut-over', async () => {
      const runmqsc = new RunmqscMqscRunner({
        commands: target.commands,
        runmqscPath: f.sim.runmqscPath,
        hostLabel: 'the test sshd',
      });
      const next = f.pki.issue('qm1.mq.example.test');
      const staged = await stageNew(next);
      const result = await cutOver(
        runmqsc,
        'QM1',
        { sslKeyRepository: staged.sslKeyRepository, certificateLabel: LABEL },
        { preflight: await preflightFor(staged, next) },
      );
      expect(result.responses.map(r => r.messageIds)).toEqual([
        ['AMQ8005I'],
        ['AMQ8560I'],
      ]);
      expect(await served()).toBe(next.serialNumber);
      // Listed among the revisions (two staged within one second share the
      // time in their ids, so which of them lists first is not defined).
      const revisions = await target.listRevisions('key');
      expect(revisions.map(r => r.sslKeyRepository)).toContain(
        staged.sslKeyRepository,
      );
    });

    it('at: the cut-over scheduled for the next whole minute happens then, not before', async () => {
      const scheduler = new CommandAtScheduler(target.commands, {
        queue: QUEUE,
        hostDescription: 'the test sshd',
      });
      const previous = await served();
      const next = f.pki.issue('qm1.mq.example.test');
      const staged = await stageNew(next);
      const script = renderCutoverJobScript({
        queueManager: 'QM1',
        sslKeyRepository: staged.sslKeyRepository,
        certificateLabel: LABEL,
        runmqscPath: f.sim.runmqscPath,
      });
      // The next whole minute at least 20 s away: at counts in minutes.
      const runAt = new Date(
        Math.ceil((Date.now() + 20_000) / 60_000) * 60_000,
      );
      const logFile = path.join(f.dir, 'cutover-QM1.log');
      const job = await scheduler.schedule(runAt, script, { logFile });
      atJobs.push(job.id);
      expect(job.runAt).toBe(runAt.toISOString());
      expect(await scheduler.list()).toContainEqual(
        expect.objectContaining({ id: job.id, runAt: runAt.toISOString() }),
      );
      // Queued, not run: the old certificate is still served.
      expect(await served()).toBe(previous);

      // Poll the listener until the new serial shows; the job may run up to
      // a minute late on a loaded machine.
      const deadline = runAt.getTime() + 100_000;
      let servedAt: number | undefined;
      while (servedAt === undefined && Date.now() < deadline) {
        if ((await served()) === next.serialNumber) servedAt = Date.now();
        else await new Promise(resolve => setTimeout(resolve, 1000));
      }
      expect(servedAt).toBeGreaterThanOrEqual(runAt.getTime());
      await waitFor(
        'the job log',
        () =>
          /job finished \S+ with exit code 0/.test(
            fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8') : '',
          )
            ? true
            : undefined,
        30_000,
      );
      const log = fs.readFileSync(logFile, 'utf8');
      expect(log).toContain('AMQ8560I');
      expect(log).not.toContain(password);
      expect((await scheduler.list()).map(j => j.id)).not.toContain(job.id);
      expect(await readQmgrTlsSettings(rest, 'QM1')).toEqual({
        sslKeyRepository: staged.sslKeyRepository,
        certificateLabel: LABEL,
      });
    }, 200_000);
  },
);
