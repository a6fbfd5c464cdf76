// test/ exercises the backend plugin itself; that is its job, not a layering slip.
/* eslint-disable @backstage/no-mixed-plugin-imports */
/*
 * The refresh-job runner against real peers, wired only through
 * configuration (createConfiguredRuntime, as the demo backend runs it):
 * the queue-manager simulator over its mqweb REST stand-in (MQSC) and its
 * TLS listener (probe), a local deploy target in a temp folder, and the
 * Vault dev server for certificates, keystore passwords (KV v2) and
 * revocation. The database is SQLite through Backstage's TestDatabases.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import type { Entity } from '@backstage/catalog-model';
import {
  DatabaseMqCertificatesStore,
  createConfiguredRuntime,
  Journal,
  readMqCertificatesBackendSettings,
  RefreshJobRunner,
  type MqCertificatesRuntime,
} from '@mqcert/plugin-mq-certificates-backend';
import {
  MQ_CERT_ANNOTATIONS,
  parseQueueManagerEntity,
  type QueueManagerSpec,
  type Rotation,
} from '@mqcert/plugin-mq-certificates-common';
import {
  buildPkcs12,
  createDeployTarget,
  createVaultClientFromConfig,
  NodeTlsProbe,
  newRevisionId,
  NodeVaultPkiClient,
  renderCutoverJobScript,
  VaultKeystorePasswordStore,
  type IssuedCertificate,
} from '@mqcert/plugin-mq-certificates-node';
import type { Knex } from 'knex';
import {
  startQueueManagerSimulator,
  type QueueManagerSimulator,
} from '../qm-simulator';
import { startVaultDevServer, type VaultDevServer } from '../vault-dev-server';

jest.setTimeout(60_000);

const KEYSTORE_PASSWORD = 'Sim-Keystore-Passw0rd';
const QM_LABEL = 'qm1cert';
const CHANNEL_LABEL = 'qm1chl';
const ENTITY_REF = 'resource:default/qm1';
const STEM = 'qm1/ssl/key';
const ROLE = { mount: 'pki_int', role: 'mq-queue-managers' };

describe('RefreshJobRunner against the queue-manager simulator, Vault dev server and a local deploy target', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
  let vault: VaultDevServer;
  let sim: QueueManagerSimulator;
  let dir: string;
  let config: ConfigReader;
  let vaultClient: NodeVaultPkiClient;
  let passwordRef: { mount: string; path: string; version: number };
  let spec: QueueManagerSpec;
  let runtime: MqCertificatesRuntime;
  let probe: NodeTlsProbe;

  const served = async (servername?: string) =>
    (
      await probe.probe({
        host: '127.0.0.1',
        port: sim.queueManagers[0].listener.port,
        servername,
      })
    ).certificate.serialNumber;

  /** Issues the QM's and the channel's certificates in Vault and stages a .p12 with them. */
  async function stageRepository(): Promise<{
    qm: IssuedCertificate;
    channel: IssuedCertificate;
    relativePath: string;
    sslKeyRepository: string;
  }> {
    const qm = await vaultClient.issue({
      role: ROLE,
      commonName: 'qm1.mq.example.test',
    });
    const channel = await vaultClient.issue({
      role: ROLE,
      commonName: 'qm1-to-qm2.mq.example.test',
    });
    const built = buildPkcs12(
      [
        { label: QM_LABEL, issued: qm },
        { label: CHANNEL_LABEL, issued: channel },
      ].map(e => ({
        label: e.label,
        certificatePem: e.issued.certificatePem,
        privateKeyPem: e.issued.privateKeyPem!,
        chainPem: e.issued.chainPem,
      })),
      { password: KEYSTORE_PASSWORD },
    );
    const target = await createDeployTarget('hosts', config);
    try {
      const staged = await target.stage({
        stem: STEM,
        revisionId: newRevisionId(qm.serialNumber),
        files: built.files,
      });
      return {
        qm,
        channel,
        relativePath: staged.relativePath,
        sslKeyRepository: staged.sslKeyRepository,
      };
    } finally {
      await target.close();
    }
  }

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mqcert-runner-sim-'));
    const root = path.join(dir, 'hosts');
    fs.mkdirSync(path.join(root, 'qm1', 'ssl'), { recursive: true });
    vault = await startVaultDevServer();
    const vaultConfig = {
      address: vault.address,
      auth: {
        method: 'approle',
        roleId: vault.roleId,
        secretId: vault.secretId,
      },
      keystorePasswords: { mount: 'secret', pathPrefix: 'mq/keystores' },
    };
    // Config without the simulator (not started yet) to issue the first repository.
    config = new ConfigReader({
      mqCertificates: {
        vault: vaultConfig,
        deployTargets: { hosts: { type: 'local', root } },
      },
    });
    vaultClient = createVaultClientFromConfig(config, {
      logger: mockServices.logger.mock(),
    });
    passwordRef = await new VaultKeystorePasswordStore(vaultClient, {
      mount: 'secret',
      pathPrefix: 'mq/keystores',
    }).storePassword('resource-default-qm1', KEYSTORE_PASSWORD);
    const initial = await stageRepository();

    sim = await startQueueManagerSimulator({
      queueManagers: [
        {
          name: 'QM1',
          sslKeyRepository: initial.sslKeyRepository,
          certificateLabel: QM_LABEL,
          keyRepositoryPassword: KEYSTORE_PASSWORD,
          channels: [
            { name: 'DEV.APP.SVRCONN' },
            { name: 'TO.QM2', type: 'RCVR', certificateLabel: CHANNEL_LABEL },
          ],
        },
      ],
      stateDir: path.join(dir, 'sim'),
    });
    const rest = sim.rest!;
    config = new ConfigReader({
      mqCertificates: {
        vault: vaultConfig,
        // at.runmqscPath: the runmqsc a host-mode job (and its rollback) runs.
        deployTargets: {
          hosts: {
            type: 'local',
            root,
            at: { runmqscPath: sim.runmqscPath },
          },
        },
        mqAdmin: {
          'qm1-rest': {
            type: 'rest',
            baseUrl: rest.baseUrl,
            username: rest.username,
            password: rest.password,
            ca: rest.caPem,
          },
        },
        probe: { ca: vault.caChainPem, timeoutMs: 5000 },
        refreshJobs: {
          verify: { attempts: 2, interval: '1s' },
          maxAttempts: 3,
          retryBackoff: '30s',
        },
        retire: { enabled: true, gracePeriod: '1d' },
      },
    });
    runtime = createConfiguredRuntime({
      config,
      logger: mockServices.logger.mock(),
    });
    probe = new NodeTlsProbe({ caPem: [vault.caChainPem] });
    const entity: Entity = {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Resource',
      metadata: {
        name: 'qm1',
        namespace: 'default',
        annotations: {
          [MQ_CERT_ANNOTATIONS.queueManager]: 'QM1',
          [MQ_CERT_ANNOTATIONS.listener]: `127.0.0.1:${sim.queueManagers[0].listener.port}`,
          [MQ_CERT_ANNOTATIONS.certificateNames]: 'qm1.mq.example.test',
          [MQ_CERT_ANNOTATIONS.certificateLabel]: QM_LABEL,
          [MQ_CERT_ANNOTATIONS.tlsChannels]: `DEV.APP.SVRCONN, TO.QM2=${CHANNEL_LABEL}`,
          [MQ_CERT_ANNOTATIONS.vaultPkiRole]: `${ROLE.mount}/${ROLE.role}`,
          [MQ_CERT_ANNOTATIONS.deployTarget]: 'hosts',
          [MQ_CERT_ANNOTATIONS.keyRepository]: STEM,
          [MQ_CERT_ANNOTATIONS.mqAdmin]: 'qm1-rest',
        },
      },
      spec: { type: 'mq-queue-manager', owner: 'group:default/team-a' },
    };
    spec = parseQueueManagerEntity(entity);
    const servedAtStart = await served();
    if (servedAtStart !== initial.qm.serialNumber) {
      throw new Error(
        `the simulator serves ${servedAtStart} at start, not the initial ${initial.qm.serialNumber}`,
      );
    }
  });

  afterAll(async () => {
    await sim?.stop();
    await vault?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  afterEach(() => sim?.control.clearFaults('QM1'));

  /** A fresh database with one staged rotation and its refresh job. */
  async function setup(
    options: {
      approval?: boolean;
      runtime?: MqCertificatesRuntime;
      /** A host-mode (at) job, with the live settings recorded as the deploy step does. */
      host?: boolean;
      spec?: QueueManagerSpec;
    } = {},
  ) {
    const knex: Knex = await databases.init('SQLITE_3');
    const store = await DatabaseMqCertificatesStore.fromKnex(knex);
    const staged = await stageRepository();
    const rotation = await store.createRotation({
      entityRef: ENTITY_REF,
      queueManager: 'QM1',
      serialNumber: staged.qm.serialNumber,
      notAfter: staged.qm.notAfter,
      fingerprintSha256: staged.qm.fingerprintSha256,
      certificateLabel: QM_LABEL,
      certificates: [
        { label: QM_LABEL, issued: staged.qm },
        { label: CHANNEL_LABEL, issued: staged.channel },
      ].map(c => ({
        label: c.label,
        serialNumber: c.issued.serialNumber,
        notAfter: c.issued.notAfter,
        fingerprintSha256: c.issued.fingerprintSha256,
      })),
      keyRepositoryFormat: 'p12',
      keystorePasswordRef: passwordRef,
      deployTarget: 'hosts',
      stagedRevisionPath: staged.relativePath,
      stagedSslKeyRepository: staged.sslKeyRepository,
      ...(options.host
        ? {
            previousSslKeyRepository:
              sim.control.state('QM1').attributes.SSLKEYR,
            previousCertificateLabel:
              sim.control.state('QM1').attributes.CERTLABL,
          }
        : {}),
      state: options.approval ? 'awaiting-approval' : 'scheduled',
      createdBy: 'user:default/alice',
    });
    const job = await store.createJob({
      rotationId: rotation.id,
      entityRef: ENTITY_REF,
      mode: options.host ? 'host' : 'portal',
      runAt: new Date(Date.now() - 1000).toISOString(),
      hostJobId: options.host ? '42' : undefined,
      approvalRequired: Boolean(options.approval),
      state: options.approval ? 'awaiting-approval' : 'scheduled',
      createdBy: 'user:default/alice',
    });
    const settings = readMqCertificatesBackendSettings(config);
    const logger = mockServices.logger.mock();
    let offsetMs = 0;
    const runner = new RefreshJobRunner({
      store,
      runtime: () => options.runtime ?? runtime,
      settings,
      journal: new Journal({
        store,
        auditor: mockServices.auditor.mock(),
        logger,
      }),
      logger,
      resolveSpec: async () => options.spec ?? spec,
      runnerId: 'runner-sim',
      now: () => new Date(Date.now() + offsetMs),
    });
    const before = {
      sslKeyRepository: sim.control.state('QM1').attributes.SSLKEYR,
      serial: await served(),
      channelSerial: await served('to2e-qm2.chl.mq.ibm.com'),
    };
    return {
      store,
      staged,
      rotation,
      job,
      runner,
      settings,
      before,
      advance: (ms: number) => {
        offsetMs += ms;
      },
    };
  }

  async function rotationOf(
    t: Awaited<ReturnType<typeof setup>>,
  ): Promise<Rotation> {
    return (await t.store.getRotation(t.rotation.id))!;
  }

  it('cuts over through mqweb and verifies the served serial on the listener and each channel', async () => {
    const t = await setup();
    const result = await t.runner.poll();
    expect(result).toMatchObject({ claimed: 1, outcomes: { verified: 1 } });

    expect(await served()).toBe(t.staged.qm.serialNumber);
    expect(await served('to2e-qm2.chl.mq.ibm.com')).toBe(
      t.staged.channel.serialNumber,
    );
    // A channel without its own label serves the queue manager's certificate.
    expect(await served('dev2e-app2e-svrconn.chl.mq.ibm.com')).toBe(
      t.staged.qm.serialNumber,
    );
    const state = sim.control.state('QM1');
    expect(state.attributes).toMatchObject({
      SSLKEYR: t.staged.sslKeyRepository,
      CERTLABL: QM_LABEL,
    });
    const rotation = await rotationOf(t);
    expect(rotation).toMatchObject({
      state: 'verified',
      previousSslKeyRepository: t.before.sslKeyRepository,
      previousCertificateLabel: QM_LABEL,
      supersededSerialNumber: t.before.serial,
      supersededPkiMount: 'pki_int',
    });
    const job = await t.store.getJob(t.job.id);
    expect(job).toMatchObject({ state: 'verified', attempts: 1 });
    const snapshot = await t.store.latestSnapshot(ENTITY_REF);
    expect(snapshot?.serialNumber).toBe(t.staged.qm.serialNumber);
    expect(snapshot?.trusted).toBe(true);
    // Nothing stored holds the keystore password.
    const rows = JSON.stringify(
      await Promise.all([
        t.store.listEvents(ENTITY_REF),
        t.store.getRotation(t.rotation.id),
        t.store.getJob(t.job.id),
      ]),
    );
    expect(rows).not.toContain(KEYSTORE_PASSWORD);
  });

  it('rolls back when the label is not found after the refresh, and the old certificate is served again', async () => {
    const t = await setup();
    sim.control.setFaults('QM1', { labelMissingAfterRefresh: true });
    const result = await t.runner.poll();
    expect(result.outcomes).toEqual({ 'rolled-back': 1 });

    expect(sim.control.state('QM1').attributes.SSLKEYR).toBe(
      t.before.sslKeyRepository,
    );
    expect(await served()).toBe(t.before.serial);
    expect(await served('to2e-qm2.chl.mq.ibm.com')).toBe(
      t.before.channelSerial,
    );
    const rotation = await rotationOf(t);
    expect(rotation.state).toBe('rolled-back');
    expect(rotation.stateReason).toContain('verification failed');
    expect(rotation.stateReason).toContain(
      `Rolled back to SSLKEYR '${t.before.sslKeyRepository}' CERTLABL '${QM_LABEL}'`,
    );
    expect(rotation.stateReason).toContain(
      `the listener serves serial ${t.before.serial} again`,
    );
    expect(await t.store.getJob(t.job.id)).toMatchObject({
      state: 'rolled-back',
    });
    // The simulator logged why the handshakes failed.
    expect(
      sim.control
        .state('QM1')
        .events.some(e => JSON.stringify(e).includes('AMQ9645E')),
    ).toBe(true);
  });

  it('retries after AMQ9710 with backoff, then verifies', async () => {
    const t = await setup();
    sim.control.setFaults('QM1', { refreshTimeouts: 1 });
    const refreshesBefore = sim.control.state('QM1').refreshes;
    const first = await t.runner.poll();
    expect(first.outcomes).toEqual({ retry: 1 });
    const waiting = await t.store.getJob(t.job.id);
    expect(waiting).toMatchObject({ state: 'scheduled', attempts: 1 });
    expect(waiting?.lastError).toContain('AMQ9710');
    const backoff = Date.parse(waiting!.runAt) - Date.now();
    expect(backoff).toBeGreaterThan(25_000);
    expect(backoff).toBeLessThanOrEqual(30_000);
    // Nothing was reloaded: the old certificate is still served.
    expect(await served()).toBe(t.before.serial);
    expect((await rotationOf(t)).stateReason).toContain('AMQ9710');

    // Not before the backoff is over…
    expect((await t.runner.poll()).claimed).toBe(0);
    // …then the next attempt refreshes again and verifies.
    t.advance(31_000);
    const second = await t.runner.poll();
    expect(second.outcomes).toEqual({ verified: 1 });
    expect(await served()).toBe(t.staged.qm.serialNumber);
    expect(await t.store.getJob(t.job.id)).toMatchObject({
      state: 'verified',
      attempts: 2,
    });
    // Only the second refresh reloaded the repository.
    expect(sim.control.state('QM1').refreshes - refreshesBefore).toBe(1);
    // The previous settings are those from before the first ALTER.
    expect((await rotationOf(t)).previousSslKeyRepository).toBe(
      t.before.sslKeyRepository,
    );
  });

  it('never runs a job awaiting approval, however late, and runs it once approved', async () => {
    const t = await setup({ approval: true });
    const refreshesBefore = sim.control.state('QM1').refreshes;
    expect((await t.runner.poll()).claimed).toBe(0);
    t.advance(7 * 86_400_000);
    expect((await t.runner.poll()).claimed).toBe(0);
    expect(sim.control.state('QM1').refreshes).toBe(refreshesBefore);
    expect(sim.control.state('QM1').attributes.SSLKEYR).toBe(
      t.before.sslKeyRepository,
    );
    expect(await served()).toBe(t.before.serial);
    expect(await t.store.getJob(t.job.id)).toMatchObject({
      state: 'awaiting-approval',
      attempts: 0,
    });

    await t.store.updateJob(t.job.id, {
      state: 'scheduled',
      approvedBy: 'user:default/bob',
      approvedAt: new Date().toISOString(),
    });
    expect((await t.runner.poll()).outcomes).toEqual({ verified: 1 });
    expect(await served()).toBe(t.staged.qm.serialNumber);
  });

  describe('host mode: the at job cut over, the listener serves nothing valid, the window ends', () => {
    /**
     * Runs the cut-over script as the at job would, with the simulator's
     * runmqsc (asynchronously: the stand-in talks to the simulator in this
     * process).
     */
    async function runAtJob(t: Awaited<ReturnType<typeof setup>>) {
      await new Promise<void>((resolve, reject) => {
        const child = execFile('/bin/sh', [], (error, stdout, stderr) =>
          error
            ? reject(new Error(`the at job script failed: ${stdout}${stderr}`))
            : resolve(),
        );
        child.stdin!.end(
          renderCutoverJobScript({
            queueManager: 'QM1',
            sslKeyRepository: t.staged.sslKeyRepository,
            certificateLabel: QM_LABEL,
            runmqscPath: sim.runmqscPath,
          }),
        );
      });
    }

    async function pastTheWindow(t: Awaited<ReturnType<typeof setup>>) {
      expect((await t.runner.poll()).outcomes).toEqual({ retry: 1 });
      const { hostModeVerifyDelayMs, hostModeVerifyWindowMs } =
        t.settings.refreshJobs;
      t.advance(hostModeVerifyDelayMs + hostModeVerifyWindowMs + 5_000);
      return t.runner.poll();
    }

    async function expectRolledBack(t: Awaited<ReturnType<typeof setup>>) {
      expect(sim.control.state('QM1').attributes.SSLKEYR).toBe(
        t.before.sslKeyRepository,
      );
      expect(await served()).toBe(t.before.serial);
      const rotation = await rotationOf(t);
      expect(rotation.state).toBe('rolled-back');
      expect(rotation.stateReason).toContain(
        'the at job 42 on the host did not take effect',
      );
      expect(rotation.stateReason).toContain(
        `the listener serves serial ${t.before.serial} again`,
      );
      expect(await t.store.getJob(t.job.id)).toMatchObject({
        state: 'rolled-back',
      });
    }

    it('rolls back through mqweb (the entity has an mq-admin connection)', async () => {
      const t = await setup({ host: true });
      sim.control.setFaults('QM1', { labelMissingAfterRefresh: true });
      await runAtJob(t);
      expect(sim.control.state('QM1').attributes.SSLKEYR).toBe(
        t.staged.sslKeyRepository,
      );
      expect((await pastTheWindow(t)).outcomes).toEqual({ 'rolled-back': 1 });
      await expectRolledBack(t);
    });

    it('rolls back with runmqsc through the deploy target when the entity has no mq-admin connection', async () => {
      const t = await setup({
        host: true,
        spec: { ...spec, mqAdmin: undefined },
      });
      sim.control.setFaults('QM1', { labelMissingAfterRefresh: true });
      await runAtJob(t);
      expect((await pastTheWindow(t)).outcomes).toEqual({ 'rolled-back': 1 });
      await expectRolledBack(t);
      const events = await t.store.listEvents(ENTITY_REF);
      expect(
        events.find(e => e.type === 'rollback-started')?.message,
      ).toContain('through runmqsc on deploy target hosts');
    });
  });

  it('revokes the superseded serial in Vault after the grace period, or says which policy is missing', async () => {
    // The seeded mq-portal policy may issue but not revoke: the error says what to add.
    const denied = await setup();
    expect((await denied.runner.poll()).outcomes).toEqual({ verified: 1 });
    denied.advance(2 * 86_400_000);
    expect((await denied.runner.poll()).retired).toBe(0);
    expect((await rotationOf(denied)).retireError).toMatch(
      /permission denied \(HTTP 403\).*path "pki_int\/revoke".*revoke it by hand \(vault write pki_int\/revoke serial_number=/,
    );

    // With a token allowed to revoke, the superseded serial is revoked once the grace period is over.
    const t = await setup({
      runtime: createConfiguredRuntime({
        config: new ConfigReader({
          mqCertificates: {
            ...config.get<any>('mqCertificates'),
            vault: {
              address: vault.address,
              auth: { method: 'token', token: vault.rootToken },
            },
          },
        }),
        logger: mockServices.logger.mock(),
      }),
    });
    expect((await t.runner.poll()).outcomes).toEqual({ verified: 1 });
    const superseded = (await rotationOf(t)).supersededSerialNumber!;
    expect(superseded).toBe(t.before.serial);
    expect((await t.runner.poll()).retired).toBe(0);
    expect(
      (await vaultClient.readCertificate('pki_int', superseded)).revoked,
    ).toBe(false);
    t.advance(2 * 86_400_000);
    expect((await t.runner.poll()).retired).toBe(1);
    expect(
      (await vaultClient.readCertificate('pki_int', superseded)).revoked,
    ).toBe(true);
    expect((await rotationOf(t)).retiredAt).toBeDefined();
  });
});
