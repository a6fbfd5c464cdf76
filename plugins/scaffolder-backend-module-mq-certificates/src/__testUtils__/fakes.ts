/*
 * Unit-test stand-ins for the actions' environment: an in-memory Vault (real
 * certificates from a throw-away CA), an in-memory backend, an MQSC runner
 * that answers DISPLAY QMGR, an at scheduler that records jobs, and a real
 * local deploy target in a temp folder. Tests against the Vault dev server
 * and the queue-manager simulator live in the test/ package.
 */
import { execFileSync } from 'node:child_process';
import {
  createPublicKey,
  generateKeyPairSync,
  KeyObject,
  X509Certificate,
} from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type {
  BackstageCredentials,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { mockServices } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import type { JsonValue } from '@backstage/types';
import type {
  CreateRefreshJobRequest,
  QueueManagerDetail,
  RecordRotationRequest,
  RefreshJob,
  Rotation,
  UpdateRotationRequest,
} from '@mqcert/plugin-mq-certificates-common';
import {
  createCertificate,
  createDeployTarget,
  Pkcs12KeystoreFormat,
  summarizeCertificate,
  toPem,
  VaultKeystorePasswordStore,
  type AtJob,
  type AtScheduler,
  type IssuedCertificate,
  type IssueRequest,
  type MqscRunner,
  type SecretRef,
  type VaultPkiClient,
} from '@mqcert/plugin-mq-certificates-node';
import type { MqCertificatesBackendApi } from '../lib/backendClient';
import type { MqActionsEnvironment } from '../lib/environment';
import { PrivateKeyFolders } from '../lib/privateFolder';
import { readScaffolderSettings } from '../lib/settings';
import type { StepContext } from '../lib/stepContext';

/** A managed queue manager entity with every mqcert.io annotation. */
export function qmEntity(
  name = 'qm1',
  annotations: Record<string, string> = {},
): Entity {
  const qm = name.toUpperCase();
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: {
      name,
      namespace: 'default',
      annotations: {
        'mqcert.io/queue-manager': qm,
        'mqcert.io/listener': `${name}.mq.example.test:1414`,
        'mqcert.io/certificate-names': `${name}.mq.example.test`,
        'mqcert.io/vault-pki-role': 'pki_int/mq-queue-managers',
        'mqcert.io/deploy-target': 'local-mq',
        'mqcert.io/key-repository': `${name}/ssl/key`,
        'mqcert.io/mq-admin': `${name}-rest`,
        'mqcert.io/maintenance-window': 'Sun 02:00-04:00 Europe/London',
        ...annotations,
      },
    },
    spec: { type: 'mq-queue-manager', owner: 'group:default/mq-admins' },
  };
}

function ecKey(): KeyObject {
  return generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey;
}

/** An in-memory Vault: real certificates, KV v2 with versions, a request log. */
export class FakeVault implements VaultPkiClient {
  readonly requests: { method: string; path: string }[] = [];
  readonly issuedKeys: string[] = [];
  readonly kv = new Map<string, Record<string, string>[]>();
  /** Names the role allows (suffix match). */
  allowedDomain = 'mq.example.test';
  private readonly rootKey = ecKey();
  private readonly intKey = ecKey();
  readonly root: X509Certificate;
  readonly intermediate: X509Certificate;

  constructor() {
    this.root = createCertificate({
      subject: 'CN=Fake Root CA',
      publicKey: this.rootKey,
      signingKey: this.rootKey,
      isCa: true,
    });
    this.intermediate = createCertificate({
      subject: 'CN=Fake Issuing CA',
      publicKey: this.intKey,
      issuer: this.root,
      signingKey: this.rootKey,
      isCa: true,
    });
  }

  get issueCount(): number {
    return this.requests.filter(r => /\/(issue|sign)\//.test(r.path)).length;
  }

  get writeCount(): number {
    return this.requests.filter(r => r.method !== 'GET').length;
  }

  private make(request: IssueRequest, key: KeyObject): IssuedCertificate {
    for (const n of [request.commonName, ...(request.altNames ?? [])]) {
      if (!n.endsWith(`.${this.allowedDomain}`)) {
        const error = new Error(
          `Vault issue on role ${request.role.mount}/${request.role.role} failed: common name ${n} not allowed by this role (HTTP 400). The PKI role does not allow this name.`,
        );
        Object.assign(error, {
          name: 'VaultError',
          kind: 'not-allowed-by-role',
        });
        throw error;
      }
    }
    const cert = createCertificate({
      subject: `CN=${request.commonName}`,
      publicKey: key,
      issuer: this.intermediate,
      signingKey: this.intKey,
      dnsNames: [request.commonName, ...(request.altNames ?? [])],
      notAfter: new Date(Date.now() + 30 * 86400_000),
    });
    const summary = summarizeCertificate(cert);
    return {
      certificatePem: toPem('CERTIFICATE', cert.raw).trim(),
      chainPem: [
        toPem('CERTIFICATE', this.intermediate.raw).trim(),
        toPem('CERTIFICATE', this.root.raw).trim(),
      ],
      serialNumber: summary.serialNumber,
      notBefore: summary.notBefore,
      notAfter: summary.notAfter,
      fingerprintSha256: summary.fingerprintSha256,
      summary,
      warnings: request.ttl ? [`TTL "${request.ttl}" noted`] : [],
      chainComplete: true,
    };
  }

  async issue(request: IssueRequest): Promise<IssuedCertificate> {
    this.requests.push({
      method: 'POST',
      path: `${request.role.mount}/issue/${request.role.role}`,
    });
    const key = ecKey();
    const issued = this.make(request, key);
    const keyPem = key.export({ type: 'pkcs8', format: 'pem' }) as string;
    this.issuedKeys.push(keyPem);
    return { ...issued, privateKeyPem: keyPem, privateKeyType: 'ec' };
  }

  async sign(
    csrPem: string,
    request: IssueRequest,
  ): Promise<IssuedCertificate> {
    this.requests.push({
      method: 'POST',
      path: `${request.role.mount}/sign/${request.role.role}`,
    });
    // openssl is on the path wherever host key generation is tested.
    const publicKeyPem = execFileSync('openssl', ['req', '-pubkey', '-noout'], {
      input: csrPem,
      encoding: 'utf8',
    });
    return this.make(request, createPublicKey(publicKeyPem));
  }

  async readCertificate(): Promise<never> {
    throw new Error('not used');
  }
  async listCertificates(): Promise<string[]> {
    return [];
  }
  async revoke(): Promise<never> {
    throw new Error('not used');
  }
  async readCaChain(): Promise<string[]> {
    return [toPem('CERTIFICATE', this.intermediate.raw)];
  }
  async readRole(mount: string, role: string) {
    this.requests.push({ method: 'GET', path: `${mount}/roles/${role}` });
    return { allowed_domains: [this.allowedDomain], allow_subdomains: true };
  }
  async kvRead(mount: string, p: string, version?: number) {
    this.requests.push({ method: 'GET', path: `${mount}/data/${p}` });
    const versions = this.kv.get(`${mount}/${p}`) ?? [];
    const v = version ?? versions.length;
    if (!versions[v - 1]) throw new InputError(`no secret ${mount}/${p} v${v}`);
    return { data: versions[v - 1], version: v };
  }
  async kvWrite(
    mount: string,
    p: string,
    data: Record<string, string>,
  ): Promise<SecretRef> {
    this.requests.push({ method: 'POST', path: `${mount}/data/${p}` });
    const versions = this.kv.get(`${mount}/${p}`) ?? [];
    versions.push(data);
    this.kv.set(`${mount}/${p}`, versions);
    return { mount, path: p, version: versions.length };
  }

  /** Every password stored in KV (for leak audits). */
  get passwords(): string[] {
    return [...this.kv.values()].flat().map(d => d.password);
  }
}

/**
 * The mq-certificates backend in memory; records every write's body in
 * `calls` and every read in `reads`.
 */
export class FakeBackend implements MqCertificatesBackendApi {
  readonly calls: { method: string; body: unknown; subject: string }[] = [];
  readonly reads: { method: string; entityRef: string; subject: string }[] = [];
  readonly rotations: Rotation[] = [];
  readonly jobs: RefreshJob[] = [];

  async recordRotation(
    request: RecordRotationRequest,
    credentials: BackstageCredentials,
  ): Promise<Rotation> {
    this.calls.push({
      method: 'recordRotation',
      body: request,
      subject: (credentials.principal as any).userEntityRef,
    });
    const now = new Date().toISOString();
    const rotation: Rotation = {
      id: `00000000-0000-4000-8000-${String(this.rotations.length + 1).padStart(
        12,
        '0',
      )}`,
      queueManager: 'QM',
      certificates: request.certificates ?? [],
      state: request.state ?? 'issued',
      createdBy: 'user',
      createdAt: now,
      updatedAt: now,
      ...request,
    } as Rotation;
    this.rotations.push(rotation);
    return rotation;
  }

  async updateRotation(
    id: string,
    request: UpdateRotationRequest,
    credentials: BackstageCredentials,
  ): Promise<Rotation> {
    this.calls.push({
      method: 'updateRotation',
      body: { id, ...request },
      subject: (credentials.principal as any).userEntityRef,
    });
    const r = this.rotations.find(x => x.id === id)!;
    Object.assign(r, request);
    return r;
  }

  async createRefreshJob(
    request: CreateRefreshJobRequest,
    credentials: BackstageCredentials,
  ): Promise<RefreshJob> {
    this.calls.push({
      method: 'createRefreshJob',
      body: request,
      subject: (credentials.principal as any).userEntityRef,
    });
    const now = new Date().toISOString();
    const job: RefreshJob = {
      id: `10000000-0000-4000-8000-${String(this.jobs.length + 1).padStart(
        12,
        '0',
      )}`,
      rotationId: request.rotationId,
      entityRef:
        this.rotations.find(r => r.id === request.rotationId)?.entityRef ??
        'resource:default/qm1',
      mode: request.mode ?? 'portal',
      runAt: request.runAt ?? now,
      approvalRequired: Boolean(request.approvalRequired),
      attempts: 0,
      state: request.approvalRequired ? 'awaiting-approval' : 'scheduled',
      hostJobId: request.hostJobId,
      createdBy: 'user',
      createdAt: now,
      updatedAt: now,
    };
    this.jobs.push(job);
    return job;
  }

  async getQueueManager(
    entityRef: string,
    credentials: BackstageCredentials,
  ): Promise<QueueManagerDetail> {
    this.reads.push({
      method: 'getQueueManager',
      entityRef,
      subject: (credentials.principal as any).userEntityRef,
    });
    // Newest first, as the backend lists them.
    return {
      entityRef,
      queueManager: 'QM',
      certificateLabel: 'label',
      tlsChannels: [],
      refreshApproval: 'none',
      rotations: this.rotations
        .filter(r => r.entityRef === entityRef)
        .reverse(),
      jobs: this.jobs.filter(j => j.entityRef === entityRef).reverse(),
      events: [],
    };
  }
}

/** Answers DISPLAY QMGR SSLKEYR CERTLABL with fixed values. */
export function fakeMqscRunner(live: {
  sslKeyRepository: string;
  certificateLabel: string;
}): MqscRunner & { commands: string[] } {
  const commands: string[] = [];
  return {
    commands,
    async run(_qm, cmds) {
      commands.push(...cmds);
      return cmds.map(command => ({
        command,
        completionCode: 0,
        reasonCode: 0,
        text: [
          `AMQ8408I: Display Queue Manager details.   QMNAME(QM1)   CERTLABL(${live.certificateLabel})   SSLKEYR(${live.sslKeyRepository})`,
        ],
        messageIds: ['AMQ8408I'],
      }));
    },
  };
}

/** Records at jobs instead of running them. */
export class FakeAtScheduler implements AtScheduler {
  readonly jobs: (AtJob & { script: string; logFile: string })[] = [];
  async schedule(runAt: Date, script: string, options: { logFile: string }) {
    const job = {
      id: String(this.jobs.length + 1),
      runAt: runAt.toISOString(),
      script,
      logFile: options.logFile,
    };
    this.jobs.push(job);
    return { id: job.id, runAt: job.runAt };
  }
  async list() {
    return this.jobs;
  }
  async cancel() {}
}

/** A logger that keeps every line and its metadata. */
export function collectingLogger(): LoggerService & { lines: string[] } {
  const lines: string[] = [];
  const logger: any = {
    lines,
    child: () => logger,
  };
  for (const level of ['error', 'warn', 'info', 'debug']) {
    logger[level] = (message: string, meta?: unknown) =>
      lines.push(
        `${level}: ${message}${meta ? ` ${JSON.stringify(meta)}` : ''}`,
      );
  }
  return logger;
}

/** A checkpoint store that survives "restarts" (like tasks.state). */
export function persistentCheckpoints(store = new Map<string, JsonValue>()) {
  return {
    store,
    checkpoint: async <T extends JsonValue | void>(opts: {
      key: string;
      fn: () => Promise<T> | T;
    }): Promise<T> => {
      if (store.has(opts.key)) return store.get(opts.key) as T;
      const value = await opts.fn();
      store.set(opts.key, (value ?? null) as JsonValue);
      return value;
    },
  };
}

/** Everything a unit test needs. */
export interface TestSetup {
  env: MqActionsEnvironment;
  vault: FakeVault;
  backend: FakeBackend;
  mqsc: ReturnType<typeof fakeMqscRunner>;
  at: FakeAtScheduler;
  dir: string;
  targetRoot: string;
  privateDirectory: string;
  workspacePath: string;
  logger: ReturnType<typeof collectingLogger>;
  checkpoints: ReturnType<typeof persistentCheckpoints>;
  step(overrides?: Partial<StepContext>): StepContext;
  cleanup(): void;
}

/** Builds the environment with fakes for Vault, MQ and the backend. */
export function createTestSetup(
  options: {
    entities?: Entity[];
    permission?: AuthorizeResult.ALLOW | AuthorizeResult.DENY;
    now?: () => Date;
  } = {},
): TestSetup {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mqcert-scaffolder-'));
  const targetRoot = path.join(dir, 'target');
  const privateDirectory = path.join(dir, 'private');
  const workspacePath = path.join(dir, 'workspace');
  fs.mkdirSync(path.join(targetRoot, 'qm1', 'ssl'), { recursive: true });
  fs.mkdirSync(path.join(targetRoot, 'qm2', 'ssl'), { recursive: true });
  fs.mkdirSync(workspacePath);
  const config = new ConfigReader({
    mqCertificates: {
      deployTargets: {
        'local-mq': { type: 'local', root: targetRoot, keepRevisions: 2 },
      },
      scaffolder: { privateDirectory, progressIntervalSeconds: 1 },
    },
  });
  const vault = new FakeVault();
  const backend = new FakeBackend();
  const mqsc = fakeMqscRunner({
    sslKeyRepository: path.join(targetRoot, 'qm1/ssl/key.p12'),
    certificateLabel: 'ibmwebspheremqqm1',
  });
  const at = new FakeAtScheduler();
  const settings = readScaffolderSettings(config);
  const logger = collectingLogger();
  const checkpoints = persistentCheckpoints();
  const env: MqActionsEnvironment = {
    catalog: catalogServiceMock({
      entities: options.entities ?? [
        qmEntity('qm1'),
        qmEntity('qm2', {
          'mqcert.io/tls-channels': 'DEV.APP.SVRCONN, TO.QM2=qm2chl',
          'mqcert.io/key-repository-format': 'p12',
        }),
      ],
    }),
    permissions: mockServices.permissions({
      result: options.permission ?? AuthorizeResult.ALLOW,
    }),
    backend,
    settings,
    privateFolders: new PrivateKeyFolders(privateDirectory, {
      maxAgeMs: settings.privateFolderMaxAgeMs,
    }),
    vault: () => vault,
    defaultPkiRole: () => undefined,
    passwords: () =>
      new VaultKeystorePasswordStore(vault, {
        mount: 'secret',
        pathPrefix: 'mq/keystores',
      }),
    keystoreFormat: format => {
      if (format !== 'p12')
        throw new InputError('format: kdb not in unit tests');
      return new Pkcs12KeystoreFormat();
    },
    openDeployTarget: name => createDeployTarget(name, config),
    mqscRunner: () => mqsc,
    atScheduler: () => at,
    renderCutoverScript: r =>
      `#!/bin/sh\nprintf '%s\\n' "ALTER QMGR SSLKEYR('${r.sslKeyRepository}') CERTLABL('${r.certificateLabel}')" 'REFRESH SECURITY TYPE(SSL)' | runmqsc ${r.queueManager}\n`,
    now: options.now ?? (() => new Date()),
  };
  return {
    env,
    vault,
    backend,
    mqsc,
    at,
    dir,
    targetRoot,
    privateDirectory,
    workspacePath,
    logger,
    checkpoints,
    step: (overrides = {}) => ({
      logger,
      taskId: 'task-1',
      workspacePath,
      isDryRun: false,
      getInitiatorCredentials: async () =>
        ({
          $$type: '@backstage/BackstageCredentials',
          principal: { type: 'user', userEntityRef: 'user:development/guest' },
        } as BackstageCredentials),
      checkpoint: checkpoints.checkpoint,
      ...overrides,
    }),
    cleanup: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

/** Base64 runs of a PEM key long enough to identify it (for leak audits). */
export function keyFragments(keyPem: string): string[] {
  const body = keyPem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');
  const out: string[] = [];
  for (let i = 0; i + 24 <= body.length; i += 24)
    out.push(body.slice(i, i + 24));
  return out;
}

/** Throws when any text holds a private key block, a fragment of a key, or a password. */
export function assertNoSecrets(
  texts: string[],
  secrets: { keys: string[]; passwords: string[] },
): void {
  const fragments = secrets.keys.flatMap(keyFragments);
  for (const text of texts) {
    if (/PRIVATE KEY/.test(text)) {
      throw new Error(`a PRIVATE KEY block leaked: ${text.slice(0, 200)}`);
    }
    for (const f of fragments) {
      if (text.includes(f)) throw new Error(`a key fragment leaked: ${f}`);
    }
    for (const p of secrets.passwords) {
      if (p && text.includes(p)) throw new Error('a password leaked');
    }
  }
}
