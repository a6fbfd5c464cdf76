import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type {
  BackstageCredentials,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { mockServices } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import type { JsonValue } from '@backstage/types';
import type {
  CreateRefreshJobRequest,
  QueueManagerDetail,
  RecordRotationRequest,
  RefreshJob,
  Rotation,
  UpdateRotationRequest,
} from '@mqcert/plugin-mq-certificates-common';
import { Pkcs12KeystoreFormat } from '@mqcert/plugin-mq-certificates-node';
import type { MqCertificatesBackendApi } from '@mqcert/plugin-scaffolder-backend-module-mq-certificates';
import {
  startSimulatorFixture,
  type SimulatorFixture,
} from '../qm-simulator/fixture';
import { privateKeysFromPkcs12, readKvSecrets } from '../support/issuedSecrets';
import {
  describeFindings,
  SecretAuditor,
  type AuditSource,
} from '../support/secretAudit';
import { startVaultDevServer, type VaultDevServer } from '../vault-dev-server';
import { moduleActions } from './moduleActions';

/*
 * Each action of the module run as the scaffolder runs it (an action
 * context from createMockActionContext), built from configuration the way
 * the module builds it, against real peers: the Vault dev server (AppRole
 * login with the portal's policy, PKI issue, KV v2 passwords), a local
 * deploy target on the queue-manager simulator's key folder, and the
 * simulator's mqweb for DISPLAY QMGR. Only the mq-certificates backend is a
 * recorder here: the full template run through a real backend is the e2e
 * test (test/src/e2e/portalRotation.test.ts).
 */

jest.setTimeout(120_000);

const QM1 = 'resource:default/qm1';

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
      'mqcert.io/mq-admin': 'qm1-rest',
      'mqcert.io/maintenance-window': 'Sun 02:00-04:00 UTC',
    },
  },
  spec: { type: 'ibm-mq-queue-manager', owner: 'group:default/mq-admins' },
};

/**
 * A permission decision (AuthorizeResult's values, spelled out: this
 * package does not depend on permission-common).
 */
type Decision = 'ALLOW' | 'DENY';

/** The backend plugin's API as a recorder (what was sent, on whose behalf). */
class RecordingBackend implements MqCertificatesBackendApi {
  readonly calls: { method: string; body: unknown; user?: string }[] = [];
  readonly rotations: Rotation[] = [];
  readonly jobs: RefreshJob[] = [];

  private record(method: string, body: unknown, c: BackstageCredentials) {
    this.calls.push({
      method,
      body,
      user: (c.principal as { userEntityRef?: string }).userEntityRef,
    });
  }

  async recordRotation(r: RecordRotationRequest, c: BackstageCredentials) {
    this.record('recordRotation', r, c);
    const now = new Date().toISOString();
    const rotation = {
      id: `rotation-${this.rotations.length + 1}`,
      queueManager: 'QM1',
      certificates: [],
      state: 'staged',
      createdBy: 'user',
      createdAt: now,
      updatedAt: now,
      ...r,
    } as Rotation;
    this.rotations.push(rotation);
    return rotation;
  }

  async updateRotation(
    id: string,
    r: UpdateRotationRequest,
    c: BackstageCredentials,
  ) {
    this.record('updateRotation', { id, ...r }, c);
    const rotation = this.rotations.find(x => x.id === id)!;
    return Object.assign(rotation, r);
  }

  async createRefreshJob(r: CreateRefreshJobRequest, c: BackstageCredentials) {
    this.record('createRefreshJob', r, c);
    const now = new Date().toISOString();
    const job: RefreshJob = {
      id: `job-${this.jobs.length + 1}`,
      rotationId: r.rotationId,
      entityRef: QM1,
      mode: r.mode ?? 'portal',
      runAt: r.runAt ?? now,
      approvalRequired: Boolean(r.approvalRequired),
      attempts: 0,
      state: r.approvalRequired ? 'awaiting-approval' : 'scheduled',
      hostJobId: r.hostJobId,
      createdBy: 'user',
      createdAt: now,
      updatedAt: now,
    };
    this.jobs.push(job);
    return job;
  }

  // A read: not in `calls`, which the dry-run tests expect to stay empty.
  async getQueueManager(
    entityRef: string,
    _c: BackstageCredentials,
  ): Promise<QueueManagerDetail> {
    return {
      entityRef,
      queueManager: 'QM1',
      certificateLabel: 'ibmwebspheremqqm1',
      tlsChannels: [],
      refreshApproval: 'none',
      rotations: this.rotations.filter(r => r.entityRef === entityRef),
      jobs: this.jobs.filter(j => j.entityRef === entityRef),
      events: [],
    };
  }
}

function collectingLogger(): LoggerService & { lines: string[] } {
  const lines: string[] = [];
  const logger: any = { lines, child: () => logger };
  for (const level of ['error', 'warn', 'info', 'debug']) {
    logger[level] = (message: string, meta?: unknown) =>
      lines.push(`${message}${meta ? ` ${JSON.stringify(meta)}` : ''}`);
  }
  return logger;
}

/** Files under a folder with their sizes (what changed on the target). */
function snapshot(dir: string): Record<string, number> {
  if (!fs.existsSync(dir)) return {};
  const out: Record<string, number> = {};
  for (const e of fs.readdirSync(dir, {
    recursive: true,
    withFileTypes: true,
  })) {
    if (!e.isFile()) continue;
    const file = path.join(e.parentPath, e.name);
    // The simulator keeps its own state beside the repositories.
    if (path.relative(dir, file).startsWith('state')) continue;
    out[path.relative(dir, file)] = fs.statSync(file).size;
  }
  return out;
}

describe('the actions against the Vault dev server, a local deploy target and the queue-manager simulator', () => {
  let vault: VaultDevServer;
  let f: SimulatorFixture;
  let tmp: string;
  let privateDirectory: string;
  let config: object;
  let backend: RecordingBackend;
  const checkpoints = new Map<string, JsonValue>();
  const auditSources: AuditSource[] = [];
  const keys: string[] = [];

  function vaultConfig(auth: object) {
    return {
      address: vault.address,
      auth,
      defaultPkiRole: 'pki_int/mq-queue-managers',
      keystorePasswords: { mount: 'secret', pathPrefix: 'mq/keystores' },
    };
  }

  function actions(
    options: {
      permission?: Decision;
      vaultAuth?: object;
      entity?: Entity;
    } = {},
  ) {
    const permissions = mockServices.permissions.mock();
    permissions.authorize.mockImplementation(
      async requests =>
        requests.map(() => ({ result: options.permission ?? 'ALLOW' })) as any,
    );
    return moduleActions({
      entities: [options.entity ?? ENTITY],
      permissions,
      config: options.vaultAuth
        ? {
            mqCertificates: {
              ...(config as any).mqCertificates,
              vault: vaultConfig(options.vaultAuth),
            },
          }
        : config,
      overrides: { backend },
    });
  }

  /** Runs one action as the scaffolder would; returns its outputs and log. */
  async function run(
    id: string,
    input: Record<string, unknown>,
    options: {
      taskId?: string;
      dryRun?: boolean;
      permission?: Decision;
      vaultAuth?: object;
      workspace?: string;
      entity?: Entity;
    } = {},
  ) {
    const logger = collectingLogger();
    const taskId = options.taskId ?? 'task-1';
    const workspacePath =
      options.workspace ?? path.join(tmp, 'workspaces', taskId);
    fs.mkdirSync(workspacePath, { recursive: true });
    const ctx = {
      ...createMockActionContext({
        input: input as any,
        workspacePath,
        logger: logger as any,
        task: { id: taskId },
      }),
      isDryRun: Boolean(options.dryRun),
      // Like the task's state: survives a "resumed" task.
      checkpoint: async (opts: { key: string; fn: () => any }) => {
        if (checkpoints.has(opts.key)) return checkpoints.get(opts.key);
        const value = await opts.fn();
        checkpoints.set(opts.key, value ?? null);
        return value;
      },
    };
    const action = actions(options).byId(id);
    let error: Error | undefined;
    try {
      await action.handler(ctx as any);
    } catch (e) {
      error = e as Error;
    }
    const outputs = Object.fromEntries(
      (ctx.output as jest.Mock).mock.calls.map(([k, v]) => [k, v]),
    );
    auditSources.push(
      { name: `${id} log`, content: logger.lines.join('\n') },
      { name: `${id} outputs`, content: JSON.stringify(outputs) },
    );
    if (error) {
      auditSources.push({ name: `${id} error`, content: String(error.stack) });
    }
    return { outputs, logger, error, workspacePath };
  }

  const vaultRequests = () => vault.control.requests();

  beforeAll(async () => {
    vault = await startVaultDevServer();
    f = await startSimulatorFixture();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mqcert-actions-'));
    privateDirectory = path.join(tmp, 'private');
    const rest = f.sim.rest!;
    config = {
      mqCertificates: {
        vault: vaultConfig({
          method: 'approle',
          roleId: vault.roleId,
          secretId: vault.secretId,
        }),
        deployTargets: {
          'qm1-local': { type: 'local', root: f.dir, keepRevisions: 2 },
        },
        mqAdmin: {
          'qm1-rest': {
            type: 'rest',
            baseUrl: rest.baseUrl,
            apiVersion: 'v2',
            username: rest.username,
            password: rest.password,
            ca: rest.caPem,
          },
        },
        scaffolder: {
          privateDirectory,
          progressIntervalSeconds: 5,
          // The GSKit stand-in (test/src/runmqakm) for CMS key repositories.
          runmqakm: path.resolve(__dirname, '../runmqakm/runmqakm'),
        },
      },
    };
  });
  beforeEach(async () => {
    backend = new RecordingBackend();
    await vault.control.clearRequests();
  });
  afterAll(async () => {
    await f?.stop();
    await vault?.stop();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  const ALL_ACTIONS: [string, Record<string, unknown>][] = [
    ['mq:certificate:issue', { entityRef: QM1 }],
    ['mq:keystore:build', { entityRef: QM1 }],
    ['mq:keystore:deploy', { entityRef: QM1 }],
    ['mq:refresh:schedule', { entityRef: QM1, when: 'window' }],
    ['mq:certificate:rotate', { entityRef: QM1, when: 'now' }],
    [
      'mq:vault-agent:render',
      { entityRef: QM1, keyRepositoryDirectory: '/var/mqm/qmgrs/QM1/ssl' },
    ],
  ];

  it('dry run, every action: reports a plan and writes nothing to Vault, the target, the workspace or the backend', async () => {
    const before = snapshot(f.dir);
    for (const [id, input] of ALL_ACTIONS) {
      const { outputs, error, workspacePath } = await run(id, input, {
        dryRun: true,
        taskId: 'dry-run',
      });
      expect({ id, error }).toEqual({ id, error: undefined });
      expect(outputs.plan?.length).toBeGreaterThan(0);
      expect(snapshot(workspacePath)).toEqual({});
    }
    // Not even a login: a dry run needs no Vault token.
    expect(await vaultRequests()).toEqual([]);
    expect(backend.calls).toEqual([]);
    expect(snapshot(f.dir)).toEqual(before);
    expect(fs.existsSync(privateDirectory)).toBe(false);
    expect([...checkpoints.keys()].filter(k => k.includes('dry-run'))).toEqual(
      [],
    );
  });

  it('a denied user is refused by every action before any Vault call, and nothing is written', async () => {
    const before = snapshot(f.dir);
    for (const [id, input] of ALL_ACTIONS) {
      for (const dryRun of [false, true]) {
        const { error, workspacePath } = await run(id, input, {
          permission: 'DENY',
          taskId: 'denied',
          dryRun,
        });
        expect({ id, name: error?.name }).toEqual({
          id,
          name: 'NotAllowedError',
        });
        expect(error?.message).toMatch(
          /^You may not rotate the certificate of resource:default\/qm1: the permission mq-certificates\.certificate\.rotate was denied/,
        );
        expect(snapshot(workspacePath)).toEqual({});
      }
    }
    expect(await vaultRequests()).toEqual([]);
    expect(backend.calls).toEqual([]);
    expect(snapshot(f.dir)).toEqual(before);
  });

  it('a name the role does not allow: names, the role and its allowed domains; nothing issued', async () => {
    const names = ['qm1.mq.example.test', 'qm1.elsewhere.test'];
    // A token that may read the role (here: root) gets its allowed domains.
    const root = await run(
      'mq:certificate:issue',
      { entityRef: QM1, names },
      {
        taskId: 'names-root',
        vaultAuth: { method: 'token', token: vault.rootToken },
      },
    );
    expect(root.error?.name).toBe('InputError');
    expect(root.error?.message).toMatch(
      /^names: Vault role pki_int\/mq-queue-managers does not allow qm1\.elsewhere\.test; its allowed domains are mq\.example\.test \(their subdomains\)\. Use names under those domains/,
    );
    // The portal's AppRole policy may not read roles: Vault's words and
    // which read to grant, still by field and role.
    const portal = await run(
      'mq:certificate:issue',
      { entityRef: QM1, names },
      { taskId: 'names-portal' },
    );
    expect(portal.error?.name).toBe('InputError');
    expect(portal.error?.message).toMatch(
      /^names: Vault role pki_int\/mq-queue-managers does not allow .*qm1\.elsewhere\.test.*grant read on pki_int\/roles\/mq-queue-managers/s,
    );
    const issued = (await vaultRequests()).filter(
      r => r.path.includes('/issue/') && r.status === 200,
    );
    expect(issued).toEqual([]);
    expect(snapshot(privateDirectory)).toEqual({});
  });

  it('issue → build → deploy → schedule as four actions: one certificate, a revision beside the live one, a staged rotation and a job; a resumed task repeats none of it', async () => {
    const live = snapshot(f.dir);
    const issue = await run('mq:certificate:issue', { entityRef: QM1 });
    expect(issue.error).toBeUndefined();
    expect(issue.outputs).toMatchObject({
      entityRef: QM1,
      subject: 'CN=qm1.mq.example.test',
      pkiRole: 'pki_int/mq-queue-managers',
      keyGeneration: 'vault',
    });
    // The key is only in the private folder (0700/0600): keep it for the audit.
    const folder = fs
      .readdirSync(privateDirectory, { recursive: true, withFileTypes: true })
      .filter(e => e.isFile() && e.name.endsWith('.key.pem'))
      .map(e => path.join(e.parentPath, e.name));
    expect(folder).toHaveLength(1);
    expect(fs.statSync(folder[0]).mode & 0o777).toBe(0o600);
    expect(fs.statSync(path.dirname(folder[0])).mode & 0o777).toBe(0o700);
    keys.push(fs.readFileSync(folder[0], 'utf8'));

    const build = await run('mq:keystore:build', { entityRef: QM1 });
    expect(build.error).toBeUndefined();
    expect(build.outputs).toMatchObject({
      format: 'p12',
      certificateLabel: 'qm1cert',
      labels: ['qm1cert'],
      passwordRef: { mount: 'secret', version: 1 },
    });
    // The build consumed and removed the keys; only the PKCS#12's stash
    // (password-equivalent, never in the workspace) waits for the deploy.
    expect(Object.keys(snapshot(privateDirectory))).toEqual([
      expect.stringMatching(/\.files\/keystore\.sth$/),
    ]);

    const deploy = await run('mq:keystore:deploy', { entityRef: QM1 });
    expect(deploy.error).toBeUndefined();
    expect(deploy.outputs).toMatchObject({
      deployTarget: 'qm1-local',
      revisionPath: expect.stringMatching(
        /^key-\d{8}T\d{6}Z-[0-9a-f]{8}\.p12$/,
      ),
      liveSslKeyRepository: path.join(f.dir, 'key-1.p12'),
      liveCertificateLabel: 'qm1cert',
      serialNumber: issue.outputs.serialNumber,
    });
    // The live repository is untouched; the revision opens with the KV
    // password and holds the issued certificate under the label.
    for (const [file, size] of Object.entries(live)) {
      expect(fs.statSync(path.join(f.dir, file)).size).toBe(size);
    }
    const passwords = (
      await readKvSecrets({ address: vault.address, token: vault.rootToken })
    ).map(s => s.value);
    expect(passwords).toHaveLength(1);
    const revision = path.join(f.dir, deploy.outputs.revisionPath);
    const content = fs.readFileSync(revision);
    const inspected = await new Pkcs12KeystoreFormat().inspect(
      [{ suffix: '.p12', content, sha256: build.outputs.sha256 }],
      passwords[0],
    );
    expect(
      inspected.entries
        .filter(e => e.personal)
        .map(e => [e.label, e.certificate.serialNumber]),
    ).toEqual([['qm1cert', issue.outputs.serialNumber]]);
    expect(backend.rotations).toHaveLength(1);
    expect(backend.rotations[0]).toMatchObject({
      entityRef: QM1,
      state: 'staged',
      stagedRevisionPath: deploy.outputs.revisionPath,
      previousSslKeyRepository: path.join(f.dir, 'key-1.p12'),
      keystorePasswordRef: build.outputs.passwordRef,
    });
    // Staged: nothing of the task is left in the private folder.
    expect(snapshot(privateDirectory)).toEqual({});

    const schedule = await run('mq:refresh:schedule', {
      entityRef: QM1,
      when: 'window',
    });
    expect(schedule.error).toBeUndefined();
    expect(schedule.outputs).toMatchObject({
      rotationId: backend.rotations[0].id,
      jobId: 'job-1',
      mode: 'portal',
      state: 'scheduled',
      runAt: expect.stringMatching(/T02:00:00\.000Z$/),
    });
    expect(new Date(schedule.outputs.runAt).getUTCDay()).toBe(0);
    // Every backend call on behalf of the user who ran the template.
    expect(new Set(backend.calls.map(c => c.user))).toEqual(
      new Set(['user:default/mock']),
    );

    // The task resumes from the start: every step finds its checkpoint.
    for (const [id, input] of ALL_ACTIONS.slice(0, 4)) {
      const again = await run(id, input);
      expect({ id, error: again.error }).toEqual({ id, error: undefined });
    }
    const issuedCalls = (await vaultRequests()).filter(
      r => r.method !== 'GET' && r.path.includes('/issue/'),
    );
    expect(issuedCalls).toHaveLength(1);
    expect(
      Object.keys(snapshot(f.dir)).filter(n => /^key-\d{8}T.*\.p12$/.test(n)),
    ).toHaveLength(1);
    expect(backend.rotations).toHaveLength(1);
    expect(backend.jobs).toHaveLength(1);

    auditSources.push(
      { name: 'checkpoints', content: JSON.stringify([...checkpoints]) },
      { name: 'backend calls', content: JSON.stringify(backend.calls) },
      ...Object.keys(snapshot(issue.workspacePath))
        .filter(n => n.endsWith('.json'))
        .map(n => ({
          name: `workspace ${n}`,
          content: fs.readFileSync(path.join(issue.workspacePath, n), 'utf8'),
        })),
    );
    const auditor = new SecretAuditor({
      privateKeysPem: keys,
      passwords,
    });
    expect(auditor.keyCount).toBe(1);
    expect(describeFindings(auditor.scanAll(auditSources))).toBe(
      describeFindings([]),
    );
  });

  it('mq:certificate:rotate in one action: the same outputs, the private folder removed, nothing leaked; a failure still removes it', async () => {
    const rotate = await run(
      'mq:certificate:rotate',
      { entityRef: QM1, when: 'now', approval: true },
      { taskId: 'task-rotate' },
    );
    expect(rotate.error).toBeUndefined();
    expect(rotate.outputs).toMatchObject({
      entityRef: QM1,
      format: 'p12',
      certificateLabel: 'qm1cert',
      state: 'awaiting-approval',
      approvalRequired: true,
      mode: 'portal',
    });
    for (const key of [
      'serialNumber',
      'notAfter',
      'fingerprintSha256',
      'subject',
      'subjectAltNames',
      'warnings',
      'keystoreFile',
      'sha256',
      'passwordRef',
      'revisionPath',
      'liveSslKeyRepository',
      'rotationId',
      'jobId',
      'runAt',
    ]) {
      expect({ key, defined: rotate.outputs[key] !== undefined }).toEqual({
        key,
        defined: true,
      });
    }
    expect(snapshot(privateDirectory)).toEqual({});
    const kv = (
      await readKvSecrets({ address: vault.address, token: vault.rootToken })
    ).map(s => s.value);
    // This run's key, read back from the revision it staged.
    const staged = privateKeysFromPkcs12(
      path.join(f.dir, rotate.outputs.revisionPath),
      kv,
    );
    expect(staged).toHaveLength(1);
    keys.push(...staged!.map(k => k.pem));

    // The backend refuses the job: the rotation fails, keys are still gone.
    // The earlier jobs are finished first: a job still pending is refused
    // at the issue step already; this is one that appears between the
    // issue and the schedule step (another task's, say).
    for (const job of backend.jobs) job.state = 'verified';
    const refusing = {
      ...backend,
      createRefreshJob: async () => {
        throw new Error('conflict: a refresh job is pending for QM1');
      },
    };
    backend.createRefreshJob = refusing.createRefreshJob;
    const failed = await run(
      'mq:certificate:rotate',
      { entityRef: QM1, when: 'now' },
      { taskId: 'task-rotate-failing' },
    );
    expect(failed.error?.message).toMatch(/a refresh job is pending/);
    expect(snapshot(privateDirectory)).toEqual({});
    expect(backend.rotations.at(-1)).toMatchObject({ state: 'failed' });

    const passwords = (
      await readKvSecrets({ address: vault.address, token: vault.rootToken })
    ).map(s => s.value);
    const auditor = new SecretAuditor({ privateKeysPem: keys, passwords });
    expect(
      describeFindings(
        auditor.scanAll([
          ...auditSources,
          { name: 'checkpoints', content: JSON.stringify([...checkpoints]) },
          { name: 'backend calls', content: JSON.stringify(backend.calls) },
        ]),
      ),
    ).toBe(describeFindings([]));
  });

  it('keys made on the MQ host (mqcert.io/key-generation: host): Vault signs the CSR, the key never enters the private folder, the host key folder is removed', async () => {
    const hostEntity: Entity = {
      ...ENTITY,
      metadata: {
        ...ENTITY.metadata,
        annotations: {
          ...ENTITY.metadata.annotations,
          'mqcert.io/key-generation': 'host',
        },
      },
    };
    const options = { taskId: 'task-host', entity: hostEntity };
    const before = await vaultRequests();
    const issue = await run(
      'mq:certificate:issue',
      { entityRef: QM1 },
      options,
    );
    expect(issue.error).toBeUndefined();
    expect(issue.outputs.keyGeneration).toBe('host');
    const requests = (await vaultRequests()).slice(before.length);
    expect(requests.filter(r => r.method !== 'GET').map(r => r.path)).toContain(
      '/v1/pki_int/sign/mq-queue-managers',
    );
    expect(requests.some(r => r.path.includes('/issue/'))).toBe(false);
    // Only certificates and the manifest in the private folder: no key.
    const privateFiles = Object.keys(snapshot(privateDirectory));
    expect(privateFiles.length).toBeGreaterThan(0);
    expect(privateFiles.filter(n => /key/.test(path.basename(n)))).toEqual([]);
    for (const n of privateFiles) {
      expect(
        fs.readFileSync(path.join(privateDirectory, n), 'utf8'),
      ).not.toMatch(/PRIVATE KEY/);
    }
    // The key is on the host, beside the key repository, in a 0700 folder.
    const keyDirs = path.join(f.dir, '.mqcert-keys');
    const [taskDir] = fs.readdirSync(keyDirs);
    expect(fs.statSync(path.join(keyDirs, taskDir)).mode & 0o777).toBe(0o700);

    const build = await run('mq:keystore:build', { entityRef: QM1 }, options);
    expect(build.error).toBeUndefined();
    expect(build.outputs).toMatchObject({ format: 'p12', labels: ['qm1cert'] });
    expect(fs.readdirSync(keyDirs)).toEqual([]);
    const deploy = await run('mq:keystore:deploy', { entityRef: QM1 }, options);
    expect(deploy.error).toBeUndefined();
    expect(snapshot(privateDirectory)).toEqual({});

    const kv = await readKvSecrets({
      address: vault.address,
      token: vault.rootToken,
    });
    // The password the build stored is the one that opens the revision.
    const password = kv.find(
      x =>
        x.path === build.outputs.passwordRef.path &&
        x.version === build.outputs.passwordRef.version,
    );
    expect(password).toBeDefined();
    const keysInRevision = privateKeysFromPkcs12(
      path.join(f.dir, deploy.outputs.revisionPath),
      [password!.value],
    );
    expect(keysInRevision).toHaveLength(1);
    expect(keysInRevision![0].label).toBe('qm1cert');
    const auditor = new SecretAuditor({
      privateKeysPem: keysInRevision!.map(k => k.pem),
      passwords: kv.map(x => x.value),
    });
    expect(
      describeFindings(
        auditor.scanAll([
          ...auditSources,
          { name: 'checkpoints', content: JSON.stringify([...checkpoints]) },
          { name: 'backend calls', content: JSON.stringify(backend.calls) },
        ]),
      ),
    ).toBe(describeFindings([]));
  });

  it('a CMS (kdb) queue manager: the rotate action builds the .kdb in the workspace, keeps the stash out of it, and stages .kdb + .sth', async () => {
    const kdbEntity: Entity = {
      ...ENTITY,
      metadata: {
        ...ENTITY.metadata,
        annotations: {
          ...ENTITY.metadata.annotations,
          'mqcert.io/key-repository-format': 'kdb',
        },
      },
    };
    const rotate = await run(
      'mq:certificate:rotate',
      { entityRef: QM1, when: 'window' },
      { taskId: 'task-kdb', entity: kdbEntity },
    );
    expect(rotate.error).toBeUndefined();
    expect(rotate.outputs).toMatchObject({
      format: 'kdb',
      certificateLabel: 'qm1cert',
      keystoreFile: expect.stringMatching(/\/key\.kdb$/),
      revisionPath: expect.stringMatching(
        /^key-\d{8}T\d{6}Z-[0-9a-f]{8}\.kdb$/,
      ),
    });
    const workspaceFiles = Object.keys(snapshot(rotate.workspacePath));
    expect(workspaceFiles.some(n => n.endsWith('.kdb'))).toBe(true);
    expect(workspaceFiles.filter(n => n.endsWith('.sth'))).toEqual([]);
    const stem = rotate.outputs.revisionPath.replace(/\.kdb$/, '');
    expect(fs.existsSync(path.join(f.dir, `${stem}.sth`))).toBe(true);
    expect(snapshot(privateDirectory)).toEqual({});
    expect(backend.rotations.at(-1)).toMatchObject({
      keyRepositoryFormat: 'kdb',
      stagedRevisionPath: rotate.outputs.revisionPath,
    });
  });
});
