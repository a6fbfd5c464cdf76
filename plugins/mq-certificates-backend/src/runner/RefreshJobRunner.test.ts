import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import {
  MQ_CERT_ANNOTATIONS,
  parseQueueManagerEntity,
  QueueManagerSpec,
} from '@mqcert/plugin-mq-certificates-common';
import type { Knex } from 'knex';
import { RecordingAuditor } from '../__testUtils__/auditor';
import {
  buildP12,
  FakeQueueManager,
  FakeRuntime,
  issueLeaf,
  KEYSTORE_PASSWORD,
  qmEntity,
} from '../__testUtils__/fakes';
import { readMqCertificatesBackendSettings } from '../config';
import { DatabaseMqCertificatesStore } from '../database/DatabaseMqCertificatesStore';
import { Journal } from '../service/Journal';
import { RefreshJobRunner } from './RefreshJobRunner';

const OLD_REPO = '/var/mqm/qm1/ssl/key-old.p12';
const NEW_PATH = 'qm1/ssl/key-new.p12';
const NEW_REPO = `/var/mqm/${NEW_PATH}`;
const INTERIM_REPO = '/var/mqm/qm1/ssl/key-interim.p12';
const QM_LABEL = 'ibmwebspheremqqm1';
const CHANNEL_LABEL = 'qm2chl';
const ENTITY = 'resource:default/qm1';

jest.setTimeout(30_000);

describe('RefreshJobRunner', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

  async function setup(
    options: {
      config?: object;
      approval?: boolean;
      mode?: 'portal' | 'host';
      /** Labels the staged .p12 holds (default both). */
      stagedLabels?: string[];
      /** Record the live SSLKEYR/CERTLABL as the deploy step does (host mode). */
      recordPrevious?: boolean;
      /** The entity has no mqcert.io/mq-admin connection. */
      noMqAdmin?: boolean;
      /** Record the absolute SSLKEYR of the staged revision, as the deploy step does. */
      recordStagedRepository?: boolean;
    } = {},
  ) {
    const knex: Knex = await databases.init('SQLITE_3');
    const store = await DatabaseMqCertificatesStore.fromKnex(knex);
    const runtime = new FakeRuntime();
    const parsed: QueueManagerSpec = parseQueueManagerEntity(
      qmEntity('qm1', {
        annotations: {
          [MQ_CERT_ANNOTATIONS.tlsChannels]: `APP.SVRCONN, TO.QM2=${CHANNEL_LABEL}`,
          [MQ_CERT_ANNOTATIONS.vaultPkiRole]: 'pki_int/mq-queue-managers',
        },
      }),
    );
    const spec: QueueManagerSpec = options.noMqAdmin
      ? { ...parsed, mqAdmin: undefined }
      : parsed;
    const oldLeaf = issueLeaf();
    const oldChannel = issueLeaf({ commonName: 'to-qm2.mq.example.test' });
    const newLeaf = issueLeaf();
    const newChannel = issueLeaf({ commonName: 'to-qm2.mq.example.test' });
    const qm = new FakeQueueManager('QM1', {
      sslKeyRepository: OLD_REPO,
      certificateLabel: QM_LABEL,
      contents: {
        [QM_LABEL]: oldLeaf.serialNumber,
        [CHANNEL_LABEL]: oldChannel.serialNumber,
      },
    });
    runtime.queueManagers.set('QM1', qm);
    const labels = options.stagedLabels ?? [QM_LABEL, CHANNEL_LABEL];
    const leaves = { [QM_LABEL]: newLeaf, [CHANNEL_LABEL]: newChannel };
    const files = await buildP12(
      Object.fromEntries(
        labels.map(l => [l, leaves[l as keyof typeof leaves]]),
      ),
    );
    runtime.target.files.set(NEW_PATH, files[0].content);
    qm.repositories.set(NEW_REPO, {
      [QM_LABEL]: newLeaf.serialNumber,
      [CHANNEL_LABEL]: newChannel.serialNumber,
    });

    const rotation = await store.createRotation({
      entityRef: ENTITY,
      queueManager: 'QM1',
      serialNumber: newLeaf.serialNumber,
      notAfter: newLeaf.summary.notAfter,
      fingerprintSha256: newLeaf.summary.fingerprintSha256,
      certificateLabel: QM_LABEL,
      certificates: [
        {
          label: QM_LABEL,
          serialNumber: newLeaf.serialNumber,
          notAfter: newLeaf.summary.notAfter,
          fingerprintSha256: newLeaf.summary.fingerprintSha256,
        },
        {
          label: CHANNEL_LABEL,
          serialNumber: newChannel.serialNumber,
          notAfter: newChannel.summary.notAfter,
          fingerprintSha256: newChannel.summary.fingerprintSha256,
        },
      ],
      keyRepositoryFormat: 'p12',
      keystorePasswordRef: {
        mount: 'secret',
        path: 'mq/keystores/qm1',
        version: 1,
      },
      deployTarget: 'hosts',
      stagedRevisionPath: NEW_PATH,
      ...(options.recordStagedRepository
        ? { stagedSslKeyRepository: NEW_REPO }
        : {}),
      ...(options.recordPrevious
        ? {
            previousSslKeyRepository: OLD_REPO,
            previousCertificateLabel: QM_LABEL,
          }
        : {}),
      state: options.approval ? 'awaiting-approval' : 'scheduled',
      createdBy: 'user:default/alice',
    });
    const job = await store.createJob({
      rotationId: rotation.id,
      entityRef: ENTITY,
      mode: options.mode ?? 'portal',
      runAt: new Date(Date.now() - 1000).toISOString(),
      approvalRequired: Boolean(options.approval),
      state: options.approval ? 'awaiting-approval' : 'scheduled',
      hostJobId: options.mode === 'host' ? '17' : undefined,
      createdBy: 'user:default/alice',
    });
    const settings = readMqCertificatesBackendSettings(
      new ConfigReader({
        mqCertificates: {
          refreshJobs: {
            verify: { attempts: 2, interval: '1s' },
            maxAttempts: 2,
          },
          retire: { enabled: true, gracePeriod: '1d' },
          ...options.config,
        },
      }),
    );
    const auditor = new RecordingAuditor();
    const journal = new Journal({
      store,
      auditor,
      logger: mockServices.logger.mock(),
    });
    let offsetMs = 0;
    const makeRunner = (runnerId: string) =>
      new RefreshJobRunner({
        store,
        runtime: () => runtime,
        settings,
        journal,
        logger: mockServices.logger.mock(),
        resolveSpec: async () => spec,
        runnerId,
        now: () => new Date(Date.now() + offsetMs),
        sleep: async () => {},
      });
    return {
      knex,
      store,
      runtime,
      qm,
      spec,
      rotation,
      job,
      oldLeaf,
      oldChannel,
      newLeaf,
      newChannel,
      settings,
      auditor,
      runner: makeRunner('runner-a'),
      makeRunner,
      advance: (ms: number) => {
        offsetMs += ms;
      },
    };
  }

  /** Every stored row and audit event as text, to prove no secret got in. */
  async function everything(
    t: Awaited<ReturnType<typeof setup>>,
  ): Promise<string> {
    const tables = [
      'rotations',
      'refresh_jobs',
      'probe_snapshots',
      'queue_manager_events',
      'queue_manager_status',
    ];
    const rows = await Promise.all(tables.map(table => t.knex(table).select()));
    return JSON.stringify({ rows, audit: t.auditor.events });
  }

  it('cuts over, verifies listener and channels, and records everything but the password', async () => {
    const t = await setup();
    const result = await t.runner.poll();
    expect(result).toMatchObject({ claimed: 1, outcomes: { verified: 1 } });

    expect(t.qm.commands).toEqual([
      'DISPLAY QMGR SSLKEYR CERTLABL',
      `ALTER QMGR SSLKEYR('${NEW_REPO}') CERTLABL('${QM_LABEL}')`,
      'REFRESH SECURITY TYPE(SSL)',
    ]);
    expect(t.qm.live).toEqual({
      [QM_LABEL]: t.newLeaf.serialNumber,
      [CHANNEL_LABEL]: t.newChannel.serialNumber,
    });
    const job = await t.store.getJob(t.job.id);
    expect(job).toMatchObject({ state: 'verified', attempts: 1 });
    expect(job?.finishedAt).toBeDefined();
    const rotation = await t.store.getRotation(t.rotation.id);
    expect(rotation).toMatchObject({
      state: 'verified',
      previousSslKeyRepository: OLD_REPO,
      previousCertificateLabel: QM_LABEL,
      supersededSerialNumber: t.oldLeaf.serialNumber,
      supersededPkiMount: 'pki_int',
    });
    expect(rotation?.retireAt).toBeDefined();
    expect((await t.store.latestSnapshot(ENTITY))?.serialNumber).toBe(
      t.newLeaf.serialNumber,
    );

    const events = await t.store.listEvents(ENTITY);
    expect(events.map(e => e.type)).toEqual(
      expect.arrayContaining([
        'refresh-started',
        'cutover-started',
        'refresh-verified',
      ]),
    );
    expect(
      t.auditor.events.filter(e => e.eventId === 'refresh-verified'),
    ).toEqual([expect.objectContaining({ status: 'succeeded' })]);
    expect(t.runtime.passwordReads).toBe(1);
    expect(await everything(t)).not.toContain(KEYSTORE_PASSWORD);
  });

  it('rolls back to the recorded SSLKEYR/CERTLABL when the listener keeps serving the old certificate', async () => {
    const t = await setup();
    t.qm.refreshHasNoEffect = true;
    const result = await t.runner.poll();
    expect(result.outcomes).toEqual({ 'rolled-back': 1 });
    expect(t.qm.sslKeyRepository).toBe(OLD_REPO);
    expect(t.qm.commands.slice(-2)).toEqual([
      `ALTER QMGR SSLKEYR('${OLD_REPO}') CERTLABL('${QM_LABEL}')`,
      'REFRESH SECURITY TYPE(SSL)',
    ]);
    const rotation = await t.store.getRotation(t.rotation.id);
    expect(rotation?.state).toBe('rolled-back');
    expect(rotation?.stateReason).toContain(
      `served serial ${t.oldLeaf.serialNumber}, not the new ${t.newLeaf.serialNumber}`,
    );
    expect(rotation?.stateReason).toContain(
      `Rolled back to SSLKEYR '${OLD_REPO}'`,
    );
    const job = await t.store.getJob(t.job.id);
    expect(job).toMatchObject({ state: 'rolled-back' });
    expect(job?.lastError).toContain('verification failed');
    expect(
      t.auditor.events.find(e => e.eventId === 'refresh-rolled-back'),
    ).toMatchObject({
      status: 'failed',
      severityLevel: 'high',
    });
  });

  /**
   * Another rotation went live between staging (when the deploy step recorded
   * OLD_REPO as "previous") and this job's cut-over.
   */
  function anotherRotationWentLive(t: Awaited<ReturnType<typeof setup>>) {
    const interim = issueLeaf();
    const contents = {
      [QM_LABEL]: interim.serialNumber,
      [CHANNEL_LABEL]: t.oldChannel.serialNumber,
    };
    t.qm.repositories.set(INTERIM_REPO, contents);
    t.qm.sslKeyRepository = INTERIM_REPO;
    t.qm.live = { ...contents };
    return interim;
  }

  it('rolls back to what was live at the cut-over, not to what the deploy step recorded at staging time', async () => {
    const t = await setup({ recordPrevious: true });
    const interim = anotherRotationWentLive(t);
    t.qm.refreshHasNoEffect = true;
    // Crash safety: the values a rollback restores are stored before the ALTER.
    const run = t.qm.runner.run;
    let storedAtAlter: string | undefined;
    t.qm.runner.run = async (queueManager, commands) => {
      if (commands[0].startsWith('ALTER') && storedAtAlter === undefined) {
        storedAtAlter = (await t.store.getRotation(t.rotation.id))
          ?.previousSslKeyRepository;
      }
      return run(queueManager, commands);
    };

    expect((await t.runner.poll()).outcomes).toEqual({ 'rolled-back': 1 });
    expect(storedAtAlter).toBe(INTERIM_REPO);
    expect(t.qm.sslKeyRepository).toBe(INTERIM_REPO);
    expect(t.qm.commands.slice(-2)).toEqual([
      `ALTER QMGR SSLKEYR('${INTERIM_REPO}') CERTLABL('${QM_LABEL}')`,
      'REFRESH SECURITY TYPE(SSL)',
    ]);
    expect(t.qm.commands).not.toContain(
      `ALTER QMGR SSLKEYR('${OLD_REPO}') CERTLABL('${QM_LABEL}')`,
    );
    const rotation = await t.store.getRotation(t.rotation.id);
    expect(rotation).toMatchObject({
      state: 'rolled-back',
      previousSslKeyRepository: INTERIM_REPO,
      previousCertificateLabel: QM_LABEL,
      supersededSerialNumber: interim.serialNumber,
    });
    expect(rotation?.stateReason).toContain(
      `Rolled back to SSLKEYR '${INTERIM_REPO}'`,
    );
    const cutover = (await t.store.listEvents(ENTITY)).find(
      e => e.type === 'cutover-started',
    );
    expect(cutover?.message).toContain(
      `(was SSLKEYR '${INTERIM_REPO}' CERTLABL '${QM_LABEL}'; the deploy step had recorded SSLKEYR '${OLD_REPO}' CERTLABL '${QM_LABEL}', which has been replaced since)`,
    );
  });

  it('rolls back when a channel with its own CERTLABL serves the wrong certificate', async () => {
    const t = await setup();
    // The repository MQ loads holds a different certificate for the channel label.
    t.qm.repositories.set(NEW_REPO, {
      [QM_LABEL]: t.newLeaf.serialNumber,
      [CHANNEL_LABEL]: t.oldChannel.serialNumber,
    });
    const result = await t.runner.poll();
    expect(result.outcomes).toEqual({ 'rolled-back': 1 });
    const rotation = await t.store.getRotation(t.rotation.id);
    expect(rotation?.stateReason).toContain(
      `channel TO.QM2 (SNI to2e-qm2.chl.mq.ibm.com) served serial ${t.oldChannel.serialNumber}, not ${t.newChannel.serialNumber} (label '${CHANNEL_LABEL}')`,
    );
    expect(t.qm.sslKeyRepository).toBe(OLD_REPO);
  });

  it('retries AMQ9710 with backoff and then verifies', async () => {
    const t = await setup();
    t.qm.refreshFailures = ['AMQ9710'];
    const first = await t.runner.poll();
    expect(first.outcomes).toEqual({ retry: 1 });
    const waiting = await t.store.getJob(t.job.id);
    expect(waiting).toMatchObject({ state: 'scheduled', attempts: 1 });
    expect(waiting?.lastError).toContain('AMQ9710');
    expect(Date.parse(waiting!.runAt)).toBeGreaterThan(Date.now() + 50_000);
    // Not before the backoff is over…
    expect((await t.runner.poll()).claimed).toBe(0);
    // …then it runs again and succeeds.
    t.advance(t.settings.refreshJobs.retryBackoffMs + 1000);
    const second = await t.runner.poll();
    expect(second.outcomes).toEqual({ verified: 1 });
    expect(await t.store.getJob(t.job.id)).toMatchObject({
      state: 'verified',
      attempts: 2,
    });
    // The second attempt restored nothing: previous values come from the first.
    expect(
      (await t.store.getRotation(t.rotation.id))?.previousSslKeyRepository,
    ).toBe(OLD_REPO);
    // The second attempt found SSLKEYR on the new repository already and
    // kept what the first stored before its ALTER as the rollback target.
    const cutovers = (await t.store.listEvents(ENTITY)).filter(
      e => e.type === 'cutover-started',
    );
    expect(cutovers.map(e => e.message)).toEqual(
      expect.arrayContaining([
        expect.stringContaining(
          `a rollback restores the values recorded before it, SSLKEYR '${OLD_REPO}'`,
        ),
      ]),
    );
  });

  it('gives up after maxAttempts AMQ9710 timeouts, restores the previous repository and fails', async () => {
    const t = await setup();
    t.qm.refreshFailures = ['AMQ9710', 'AMQ9710'];
    await t.runner.poll();
    t.advance(t.settings.refreshJobs.retryBackoffMs + 1000);
    const result = await t.runner.poll();
    expect(result.outcomes).toEqual({ failed: 1 });
    expect(t.qm.sslKeyRepository).toBe(OLD_REPO);
    const job = await t.store.getJob(t.job.id);
    expect(job?.state).toBe('failed');
    expect(job?.lastError).toContain('timed out (AMQ9710) 2 times');
  });

  it('never runs a job that awaits approval', async () => {
    const t = await setup({ approval: true });
    const result = await t.runner.poll();
    expect(result.claimed).toBe(0);
    expect(t.qm.commands).toEqual([]);
    expect((await t.store.getJob(t.job.id))?.state).toBe('awaiting-approval');
    // Once approved, it runs.
    await t.store.updateJob(t.job.id, {
      state: 'scheduled',
      approvedBy: 'user:default/bob',
    });
    expect((await t.runner.poll()).outcomes).toEqual({ verified: 1 });
  });

  it('fails the preflight without touching the queue manager when a label is missing', async () => {
    const t = await setup({ stagedLabels: [QM_LABEL] });
    const result = await t.runner.poll();
    expect(result.outcomes).toEqual({ failed: 1 });
    expect(t.qm.commands).toEqual([]);
    const rotation = await t.store.getRotation(t.rotation.id);
    expect(rotation?.stateReason).toContain(
      'preflight failed, nothing was changed',
    );
    expect(rotation?.stateReason).toContain(
      `label '${CHANNEL_LABEL}' is missing`,
    );
  });

  it('takes over a job whose runner died, and fences the dead runner out', async () => {
    const t = await setup();
    const dead = await t.store.claimJob(
      t.job.id,
      'runner-dead',
      new Date(),
      60_000,
    );
    expect(dead).toBeDefined();
    const other = t.makeRunner('runner-b');
    expect((await other.poll()).claimed).toBe(0); // lease still valid
    t.advance(t.settings.refreshJobs.claimTimeoutMs + 1000);
    expect((await other.poll()).outcomes).toEqual({ verified: 1 });
    expect(await t.store.getJob(t.job.id)).toMatchObject({
      state: 'verified',
      attempts: 2,
    });
    expect(
      await t.store.updateJob(
        t.job.id,
        { state: 'failed' },
        { claimedBy: 'runner-dead' },
      ),
    ).toBeUndefined();
  });

  it('verifies a host-mode (at) job after the delay, without running MQSC itself', async () => {
    const t = await setup({ mode: 'host' });
    expect((await t.runner.poll()).outcomes).toEqual({ retry: 1 });
    expect(await t.store.getJob(t.job.id)).toMatchObject({
      state: 'scheduled',
    });
    // The at job runs on the host.
    await t.qm.runner.run('QM1', [
      `ALTER QMGR SSLKEYR('${NEW_REPO}') CERTLABL('${QM_LABEL}')`,
      'REFRESH SECURITY TYPE(SSL)',
    ]);
    const ranByHost = t.qm.commands.length;
    t.advance(t.settings.refreshJobs.hostModeVerifyDelayMs + 1000);
    expect((await t.runner.poll()).outcomes).toEqual({ verified: 1 });
    expect(t.qm.commands.length).toBe(ranByHost);
    expect((await t.store.getRotation(t.rotation.id))?.state).toBe('verified');
  });

  describe('a host-mode (at) job that does not verify within its window', () => {
    const AT_CUTOVER = [
      `ALTER QMGR SSLKEYR('${NEW_REPO}') CERTLABL('${QM_LABEL}')`,
      'REFRESH SECURITY TYPE(SSL)',
    ];
    const ROLLBACK = [
      `ALTER QMGR SSLKEYR('${OLD_REPO}') CERTLABL('${QM_LABEL}')`,
      'REFRESH SECURITY TYPE(SSL)',
    ];

    /** Polls once to start the job, then again after the verification window. */
    async function pastTheWindow(t: Awaited<ReturnType<typeof setup>>) {
      expect((await t.runner.poll()).outcomes).toEqual({ retry: 1 });
      const { hostModeVerifyDelayMs, hostModeVerifyWindowMs } =
        t.settings.refreshJobs;
      t.advance(hostModeVerifyDelayMs + hostModeVerifyWindowMs + 5_000);
      return t.runner.poll();
    }

    it('rolls back to the recorded SSLKEYR/CERTLABL through the mq-admin connection and reports what is served', async () => {
      const t = await setup({ mode: 'host', recordPrevious: true });
      // The at job ran, but the listener never picked up the new repository.
      t.qm.refreshHasNoEffect = true;
      await t.qm.runner.run('QM1', AT_CUTOVER);
      t.qm.refreshHasNoEffect = false;
      t.qm.live = { [QM_LABEL]: 'de:ad', [CHANNEL_LABEL]: 'de:ad' };

      expect((await pastTheWindow(t)).outcomes).toEqual({ 'rolled-back': 1 });
      expect(t.qm.sslKeyRepository).toBe(OLD_REPO);
      expect(t.qm.commands.slice(-3)).toEqual([
        'DISPLAY QMGR SSLKEYR CERTLABL',
        ...ROLLBACK,
      ]);
      expect(t.qm.live[QM_LABEL]).toBe(t.oldLeaf.serialNumber);
      expect(t.runtime.hostMqscTargets).toEqual([]);
      const rotation = await t.store.getRotation(t.rotation.id);
      expect(rotation?.state).toBe('rolled-back');
      expect(rotation?.stateReason).toContain(
        'the at job 17 on the host did not take effect',
      );
      expect(rotation?.stateReason).toContain(
        `Rolled back to SSLKEYR '${OLD_REPO}' CERTLABL '${QM_LABEL}' and refreshed; the listener serves serial ${t.oldLeaf.serialNumber} again`,
      );
      expect(await t.store.getJob(t.job.id)).toMatchObject({
        state: 'rolled-back',
      });
      const types = (await t.store.listEvents(ENTITY)).map(e => e.type);
      expect(types).toEqual(
        expect.arrayContaining(['rollback-started', 'refresh-rolled-back']),
      );
      expect(
        t.auditor.events.find(e => e.eventId === 'rollback-started'),
      ).toMatchObject({ severityLevel: 'high' });
      expect(
        t.auditor.events.find(e => e.eventId === 'refresh-rolled-back'),
      ).toMatchObject({ status: 'failed', severityLevel: 'high' });
      expect((await t.store.latestSnapshot(ENTITY))?.serialNumber).toBe(
        t.oldLeaf.serialNumber,
      );
      expect(await everything(t)).not.toContain(KEYSTORE_PASSWORD);
    });

    it('without an mq-admin connection, rolls back with runmqsc over the deploy target', async () => {
      const t = await setup({
        mode: 'host',
        recordPrevious: true,
        noMqAdmin: true,
      });
      t.qm.refreshHasNoEffect = true;
      await t.qm.runner.run('QM1', AT_CUTOVER);
      t.qm.refreshHasNoEffect = false;

      expect((await pastTheWindow(t)).outcomes).toEqual({ 'rolled-back': 1 });
      expect(t.runtime.hostMqscTargets).toEqual(['hosts']);
      expect(t.runtime.target.closed).toBeGreaterThanOrEqual(1);
      expect(t.qm.commands.slice(-2)).toEqual(ROLLBACK);
      const events = await t.store.listEvents(ENTITY);
      expect(
        events.find(e => e.type === 'rollback-started')?.message,
      ).toContain('through runmqsc on deploy target hosts');
    });

    it('does not refresh when the at job left SSLKEYR/CERTLABL as they were (it did not run)', async () => {
      const t = await setup({ mode: 'host', recordPrevious: true });
      expect((await pastTheWindow(t)).outcomes).toEqual({ failed: 1 });
      expect(t.qm.commands).toEqual(['DISPLAY QMGR SSLKEYR CERTLABL']);
      const rotation = await t.store.getRotation(t.rotation.id);
      expect(rotation?.state).toBe('failed');
      expect(rotation?.stateReason).toContain(
        `QM1 still has SSLKEYR '${OLD_REPO}' CERTLABL '${QM_LABEL}' (read through mq-admin connection qm1-rest), so the at job did not change it and nothing was rolled back`,
      );
    });

    it('leaves SSLKEYR alone when it is neither the staged repository nor the staging-time values (another change went live)', async () => {
      const t = await setup({
        mode: 'host',
        recordPrevious: true,
        recordStagedRepository: true,
      });
      anotherRotationWentLive(t);
      t.qm.live = { [QM_LABEL]: 'de:ad', [CHANNEL_LABEL]: 'de:ad' };

      expect((await pastTheWindow(t)).outcomes).toEqual({ failed: 1 });
      expect(t.qm.commands).toEqual(['DISPLAY QMGR SSLKEYR CERTLABL']);
      expect(t.qm.sslKeyRepository).toBe(INTERIM_REPO);
      const rotation = await t.store.getRotation(t.rotation.id);
      expect(rotation?.stateReason).toContain(
        `QM1 now has SSLKEYR '${INTERIM_REPO}' CERTLABL '${QM_LABEL}'`,
      );
      expect(rotation?.stateReason).toContain(
        'changed by something else since and nothing was rolled back',
      );
    });

    it('says the rollback target was recorded at staging time', async () => {
      const t = await setup({
        mode: 'host',
        recordPrevious: true,
        recordStagedRepository: true,
      });
      t.qm.refreshHasNoEffect = true;
      await t.qm.runner.run('QM1', AT_CUTOVER);
      t.qm.refreshHasNoEffect = false;

      expect((await pastTheWindow(t)).outcomes).toEqual({ 'rolled-back': 1 });
      expect(t.qm.sslKeyRepository).toBe(OLD_REPO);
      const events = await t.store.listEvents(ENTITY);
      expect(
        events.find(e => e.type === 'rollback-started')?.message,
      ).toContain('recorded by the deploy step at staging time');
    });

    it('fails without touching the queue manager when the previous values were never recorded', async () => {
      const t = await setup({ mode: 'host' });
      expect((await pastTheWindow(t)).outcomes).toEqual({ failed: 1 });
      expect(t.qm.commands).toEqual([]);
      expect((await t.store.getRotation(t.rotation.id))?.stateReason).toContain(
        'were not recorded, so nothing was rolled back',
      );
    });

    it('gives the exact MQSC to run by hand when the portal has no way to run MQSC', async () => {
      const t = await setup({
        mode: 'host',
        recordPrevious: true,
        noMqAdmin: true,
      });
      (t.runtime as { getHostMqscRunner?: unknown }).getHostMqscRunner =
        undefined;
      await t.qm.runner.run('QM1', AT_CUTOVER);
      t.qm.live = { [QM_LABEL]: 'de:ad', [CHANNEL_LABEL]: 'de:ad' };
      const ran = t.qm.commands.length;

      expect((await pastTheWindow(t)).outcomes).toEqual({ failed: 1 });
      expect(t.qm.commands.length).toBe(ran);
      const rotation = await t.store.getRotation(t.rotation.id);
      expect(rotation?.stateReason).toContain(
        `the portal cannot roll back; if DISPLAY QMGR SSLKEYR CERTLABL no longer shows SSLKEYR '${OLD_REPO}' CERTLABL '${QM_LABEL}', run on the MQ host: runmqsc QM1 with ${ROLLBACK.join(
          ' then ',
        )}`,
      );
    });
  });

  it('revokes the superseded serial in Vault once the grace period is over', async () => {
    const t = await setup();
    await t.runner.poll();
    expect(t.runtime.revoked).toEqual([]);
    t.advance(2 * 86_400_000);
    const result = await t.runner.poll();
    expect(result.retired).toBe(1);
    expect(t.runtime.revoked).toEqual([
      { mount: 'pki_int', serial: t.oldLeaf.serialNumber },
    ]);
    expect((await t.store.getRotation(t.rotation.id))?.retiredAt).toBeDefined();
    expect((await t.runner.poll()).retired).toBe(0);
  });
});
