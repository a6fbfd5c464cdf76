/*
 * Test doubles for the backend's unit tests. The queue manager here is a
 * small in-memory model: DISPLAY/ALTER QMGR and REFRESH SECURITY TYPE(SSL)
 * with MQ's semantics (the listener only serves what a refresh loaded), and
 * AMQ9710 on demand. Key repositories are REAL PKCS#12 files built with the
 * node library, so the preflight opens and checks them for real.
 * (test/src/qm-simulator is the full simulator for integration tests.)
 */
import crypto, {
  generateKeyPairSync,
  KeyObject,
  X509Certificate,
} from 'node:crypto';
import { Entity } from '@backstage/catalog-model';
import {
  MQ_CERT_ANNOTATIONS,
  normalizeSerialNumber,
  QueueManagerSpec,
  ServedCertificate,
} from '@mqcert/plugin-mq-certificates-common';
import { NotFoundError } from '@backstage/errors';
import {
  AtJob,
  AtScheduler,
  CommandResult,
  createCertificate,
  DeployTarget,
  KeystoreFile,
  MqscCommandResponse,
  MqscError,
  MqscRunner,
  Pkcs12KeystoreFormat,
  summarizeCertificate,
  toPem,
} from '@mqcert/plugin-mq-certificates-node';
import type { MqCertificatesRuntime } from '../runtime/types';

/** A queue-manager entity as the catalog returns it. */
export function qmEntity(
  name: string,
  options: {
    owner?: string;
    namespace?: string;
    title?: string;
    annotations?: Record<string, string>;
  } = {},
): Entity {
  const owner = options.owner ?? 'group:default/team-a';
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: {
      name,
      namespace: options.namespace ?? 'default',
      title: options.title,
      annotations: {
        [MQ_CERT_ANNOTATIONS.queueManager]: name.toUpperCase(),
        [MQ_CERT_ANNOTATIONS.listener]: `${name}.mq.example.test:1414`,
        [MQ_CERT_ANNOTATIONS.mqAdmin]: `${name}-rest`,
        [MQ_CERT_ANNOTATIONS.deployTarget]: 'hosts',
        [MQ_CERT_ANNOTATIONS.keyRepository]: `${name}/ssl/key`,
        ...options.annotations,
      },
    },
    spec: { type: 'mq-queue-manager', owner },
    relations: [{ type: 'ownedBy', targetRef: owner }],
  };
}

// ------------------------------------------------------------ PKI

let caCache: { cert: X509Certificate; key: KeyObject } | undefined;

function testCa() {
  if (!caCache) {
    const key = generateKeyPairSync('ec', {
      namedCurve: 'prime256v1',
    }).privateKey;
    caCache = {
      key,
      cert: createCertificate({
        subject: 'CN=Backend Test Root CA,O=MQ Cert Tests',
        publicKey: key,
        signingKey: key,
        isCa: true,
      }),
    };
  }
  return caCache;
}

/** A leaf certificate issued by the test CA. */
export function issueLeaf(
  options: { commonName?: string; days?: number } = {},
) {
  const ca = testCa();
  // Each leaf its own key (EC keys are cheap): a repository may hold several.
  const leafKey = generateKeyPairSync('ec', {
    namedCurve: 'prime256v1',
  }).privateKey;
  const now = Date.now();
  const cert = createCertificate({
    subject: `CN=${
      options.commonName ?? 'qm1.mq.example.test'
    },O=MQ Cert Tests`,
    publicKey: leafKey,
    issuer: ca.cert,
    signingKey: ca.key,
    notBefore: new Date(now - 60_000),
    notAfter: new Date(now + (options.days ?? 47) * 86_400_000),
    dnsNames: [options.commonName ?? 'qm1.mq.example.test'],
  });
  const summary = summarizeCertificate(cert);
  return {
    cert,
    pem: toPem('CERTIFICATE', cert.raw),
    keyPem: leafKey.export({ type: 'pkcs8', format: 'pem' }) as string,
    caPem: toPem('CERTIFICATE', ca.cert.raw),
    summary,
    serialNumber: summary.serialNumber,
  };
}

export const KEYSTORE_PASSWORD = 'Str0ng-Test-Passw0rd!';

/** Builds a real .p12 holding one leaf per label (and the CA chain). */
export async function buildP12(
  labels: Record<string, ReturnType<typeof issueLeaf>>,
): Promise<KeystoreFile[]> {
  const built = await new Pkcs12KeystoreFormat().build(
    Object.entries(labels).map(([label, leaf]) => ({
      label,
      certificatePem: leaf.pem,
      privateKeyPem: leaf.keyPem,
      chainPem: [leaf.caPem],
    })),
    { password: KEYSTORE_PASSWORD },
  );
  return built.files;
}

// ------------------------------------------------------------ deploy target

/** A deploy target backed by a Map, rooted at /var/mqm on the "host". */
export class FakeDeployTarget implements DeployTarget {
  readonly type = 'local' as const;
  readonly files = new Map<string, Buffer>();
  constructor(readonly name = 'hosts') {}
  async stage(): Promise<never> {
    throw new Error('not used by the backend');
  }
  async listRevisions() {
    return [];
  }
  async readFile(relativePath: string): Promise<Buffer> {
    const f = this.files.get(relativePath);
    if (!f) throw new Error(`ENOENT: ${relativePath} does not exist`);
    return f;
  }
  async pruneRevisions() {
    return [];
  }
  resolvePath(relativePath: string) {
    return `/var/mqm/${relativePath}`;
  }
  hostPath(relativePath: string) {
    return `/var/mqm/${relativePath}`;
  }
  /** The host's clock as `date -u +%s` reports it (undefined: date prints nothing). */
  hostClock?: Date;
  closed = 0;
  readonly commands = {
    run: async (command: string): Promise<CommandResult> =>
      command === 'date' && this.hostClock
        ? {
            exitCode: 0,
            stdout: `${Math.floor(this.hostClock.getTime() / 1000)}\n`,
            stderr: '',
          }
        : { exitCode: 0, stdout: '', stderr: '' },
  };
  async close() {
    this.closed += 1;
  }
}

/** The at queue of the fake host: what atq lists and atrm removes, with failures on demand. */
export class FakeAtScheduler implements AtScheduler {
  readonly jobs = new Map<string, AtJob>();
  readonly removed: string[] = [];
  listFailure?: Error;
  cancelFailure?: Error;
  async schedule(): Promise<never> {
    throw new Error('not used by the backend');
  }
  async list(): Promise<AtJob[]> {
    if (this.listFailure) throw this.listFailure;
    return [...this.jobs.values()];
  }
  async cancel(id: string): Promise<void> {
    if (this.cancelFailure) throw this.cancelFailure;
    if (!this.jobs.delete(id)) {
      throw new NotFoundError(`at job ${id} does not exist on the fake host`);
    }
    this.removed.push(id);
  }
}

// ------------------------------------------------------------ queue manager

/** What a key repository path holds: label → serial (set by tests when staging). */
export type RepositoryContents = Record<string, string>;

/**
 * An in-memory queue manager: SSLKEYR/CERTLABL attributes, what the
 * listener serves (only changes on REFRESH SECURITY TYPE(SSL)), scripted
 * refresh failures, and a log of MQSC commands.
 */
export class FakeQueueManager {
  sslKeyRepository: string;
  certificateLabel: string;
  /** label → serial that the running listener serves. */
  live: RepositoryContents;
  readonly repositories = new Map<string, RepositoryContents>();
  /** Next REFRESH commands fail with these (consumed in order). */
  refreshFailures: ('AMQ9710' | 'AMQ9999')[] = [];
  /** When true, REFRESH "succeeds" but the listener keeps serving the old certificate. */
  refreshHasNoEffect = false;
  readonly commands: string[] = [];
  reachable = true;

  constructor(
    readonly name: string,
    initial: {
      sslKeyRepository: string;
      certificateLabel: string;
      contents: RepositoryContents;
    },
  ) {
    this.sslKeyRepository = initial.sslKeyRepository;
    this.certificateLabel = initial.certificateLabel;
    this.repositories.set(initial.sslKeyRepository, initial.contents);
    this.live = { ...initial.contents };
  }

  readonly runner: MqscRunner = {
    run: async (queueManager: string, commands: string[]) => {
      const responses: MqscCommandResponse[] = [];
      for (const command of commands) {
        this.commands.push(command);
        responses.push(this.execute(queueManager, command));
      }
      return responses;
    },
  };

  private execute(queueManager: string, command: string): MqscCommandResponse {
    const ok = (text: string[]): MqscCommandResponse => ({
      command,
      completionCode: 0,
      reasonCode: 0,
      text,
      messageIds: text
        .map(t => /^(AMQ\d{4}[A-Z])/.exec(t)?.[1])
        .filter(Boolean) as string[],
    });
    if (/^DISPLAY QMGR SSLKEYR CERTLABL$/.test(command)) {
      return ok([
        'AMQ8408I: Display Queue Manager details.',
        `QMNAME(${queueManager})  CERTLABL(${this.certificateLabel})  SSLKEYR(${this.sslKeyRepository})`,
      ]);
    }
    const alter =
      /^ALTER QMGR SSLKEYR\('((?:[^']|'')*)'\) CERTLABL\('((?:[^']|'')*)'\)$/.exec(
        command,
      );
    if (alter) {
      this.sslKeyRepository = alter[1].replace(/''/g, "'").trim();
      this.certificateLabel = alter[2].replace(/''/g, "'").trim();
      return ok(['AMQ8005I: IBM MQ queue manager changed.']);
    }
    if (command === 'REFRESH SECURITY TYPE(SSL)') {
      const failure = this.refreshFailures.shift();
      if (failure) {
        throw new MqscError('REFRESH SECURITY failed', {
          queueManager,
          command,
          messageId: `${failure}E`,
          mqMessage:
            failure === 'AMQ9710'
              ? 'AMQ9710E: The operation timed out.'
              : 'AMQ9999E: Channel program ended abnormally.',
          completionCode: 2,
          reasonCode: 3008,
        });
      }
      if (!this.refreshHasNoEffect) {
        this.live = { ...(this.repositories.get(this.sslKeyRepository) ?? {}) };
      }
      return ok(['AMQ8560I: IBM MQ security cache refreshed.']);
    }
    throw new MqscError('unknown command in the fake', {
      queueManager,
      command,
    });
  }

  /** What probeQueueManager would report for this queue manager. */
  probe(spec: QueueManagerSpec): ServedCertificate {
    const listener = `${spec.listener?.host}:${spec.listener?.port}`;
    const probedAt = new Date().toISOString();
    if (!this.reachable) {
      return {
        listener,
        probedAt,
        chain: [],
        channels: [],
        error: 'connection refused',
      };
    }
    const serial = this.live[this.certificateLabelServed()];
    const now = Date.now();
    return {
      listener,
      probedAt,
      serialNumber: serial,
      notBefore: new Date(now - 86_400_000).toISOString(),
      notAfter: new Date(now + 40 * 86_400_000).toISOString(),
      chain: [],
      channels: spec.tlsChannels.map(c => ({
        channel: c.name,
        sniHostname: c.sniHostname,
        certificateLabel: c.certificateLabel ?? spec.certificateLabel,
        serialNumber:
          this.live[c.certificateLabel ?? this.certificateLabelServed()],
      })),
    };
  }

  private certificateLabelServed() {
    return this.certificateLabel;
  }
}

/** A runtime over fakes, recording what was asked of it. */
export class FakeRuntime implements MqCertificatesRuntime {
  readonly queueManagers = new Map<string, FakeQueueManager>();
  readonly target = new FakeDeployTarget();
  readonly revoked: { mount: string; serial: string }[] = [];
  passwordReads = 0;
  probeCalls = 0;

  async getMqscRunner(connection: string): Promise<MqscRunner> {
    const qm = [...this.queueManagers.values()].find(
      q => `${q.name.toLowerCase()}-rest` === connection,
    );
    if (!qm)
      throw new Error(`no fake queue manager for connection ${connection}`);
    return qm.runner;
  }
  readonly at = new FakeAtScheduler();
  /** When set, opening the deploy target fails with it (host unreachable). */
  targetFailure?: Error;
  /** Queue managers reached with runmqsc over the deploy target (no mq-admin). */
  readonly hostMqscTargets: string[] = [];
  async getDeployTarget(name: string): Promise<DeployTarget> {
    if (this.targetFailure) throw this.targetFailure;
    if (name !== this.target.name) throw new Error(`no deploy target ${name}`);
    return this.target;
  }
  async getAtScheduler(target: DeployTarget): Promise<AtScheduler> {
    if (target !== this.target) throw new Error('not the fake target');
    return this.at;
  }
  async getHostMqscRunner(target: DeployTarget): Promise<MqscRunner> {
    // The fake host runs every fake queue manager (one per test in practice).
    const [qm] = [...this.queueManagers.values()];
    if (!qm) throw new Error('no fake queue manager on the host');
    this.hostMqscTargets.push(target.name);
    return qm.runner;
  }
  /** The runtime's functions bound to this fake, for the extension point (which copies own properties). */
  parts(): MqCertificatesRuntime {
    return {
      getMqscRunner: c => this.getMqscRunner(c),
      getDeployTarget: n => this.getDeployTarget(n),
      getAtScheduler: t => this.getAtScheduler(t),
      getHostMqscRunner: t => this.getHostMqscRunner(t),
      getKeystoreFormat: () => this.getKeystoreFormat(),
      getVaultClient: () => this.getVaultClient(),
      readKeystorePassword: () => this.readKeystorePassword(),
      probeQueueManager: spec => this.probeQueueManager(spec),
    };
  }
  async getKeystoreFormat() {
    return new Pkcs12KeystoreFormat();
  }
  async getVaultClient(): Promise<any> {
    return {
      revoke: async (mount: string, serial: string) => {
        this.revoked.push({ mount, serial });
        return { revokedAt: new Date().toISOString(), warnings: [] };
      },
    };
  }
  async readKeystorePassword(): Promise<string> {
    this.passwordReads += 1;
    return KEYSTORE_PASSWORD;
  }
  async probeQueueManager(spec: QueueManagerSpec): Promise<ServedCertificate> {
    this.probeCalls += 1;
    const qm = this.queueManagers.get(spec.queueManager);
    if (!qm) {
      return {
        listener: `${spec.listener?.host}:${spec.listener?.port}`,
        probedAt: new Date().toISOString(),
        chain: [],
        channels: [],
        error: 'connection refused',
      };
    }
    return qm.probe(spec);
  }
}

/** Lower-case colon hex of random bytes: a serial for rows that need one. */
export function randomSerial(): string {
  return normalizeSerialNumber(crypto.randomBytes(8).toString('hex'));
}
