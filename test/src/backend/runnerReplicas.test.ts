// test/ exercises the backend plugin itself; that is its job, not a layering slip.
/* eslint-disable @backstage/no-mixed-plugin-imports */
/*
 * Two refresh-job runners as two backend replicas would run them: one
 * PostgreSQL (private to this file), each replica with its own connection
 * pool (its own Backstage DatabaseManager), the plugin's migrations and the
 * real DatabaseMqCertificatesStore. Both poll the same 500 due jobs at once;
 * the fake fleet behind them records every cut-over, so a job run twice
 * (two ALTER QMGR + REFRESH of one queue manager) shows. A second case
 * leaves a job claimed by a replica that died and checks that the lease
 * runs out, another replica takes it over, and it still runs once.
 */
import crypto, { generateKeyPairSync } from 'node:crypto';
import { DatabaseManager } from '@backstage/backend-defaults/database';
import { mockServices } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import {
  DatabaseMqCertificatesStore,
  Journal,
  readMqCertificatesBackendSettings,
  RefreshJobRunner,
  type MqCertificatesRuntime,
} from '@mqcert/plugin-mq-certificates-backend';
import {
  MQ_CERT_ANNOTATIONS,
  parseQueueManagerEntity,
  type QueueManagerSpec,
  type ServedCertificate,
} from '@mqcert/plugin-mq-certificates-common';
import {
  createCertificate,
  MqscError,
  Pkcs12KeystoreFormat,
  summarizeCertificate,
  toPem,
  type DeployTarget,
  type KeystoreFormat,
  type MqscCommandResponse,
  type MqscRunner,
} from '@mqcert/plugin-mq-certificates-node';
import type { Knex } from 'knex';
import { describeWithTools } from '../support/describeWithTools';
import {
  startPrivatePostgres,
  type PrivatePostgres,
} from '../support/postgres';

jest.setTimeout(120_000);

const JOBS = 500;
const LABEL = 'mqcert';
const PASSWORD = 'Replica-Test-Passw0rd!';
const OLD_REPO = (qm: string) => `/var/mqm/${qm}/ssl/key-old.p12`;
const STAGED = (qm: string) => `${qm}/ssl/key-new.p12`;
const CLAIM_TIMEOUT_MS = 30_000;

/** A self-signed CA and a leaf under LABEL, as one real PKCS#12. */
async function buildStagedRepository() {
  const caKey = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const ca = createCertificate({
    subject: 'CN=Replica Test CA',
    publicKey: caKey.privateKey,
    signingKey: caKey.privateKey,
    isCa: true,
  });
  const leafKey = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const now = Date.now();
  const leaf = createCertificate({
    subject: 'CN=qm.mq.example.test',
    publicKey: leafKey.privateKey,
    issuer: ca,
    signingKey: caKey.privateKey,
    notBefore: new Date(now - 60_000),
    notAfter: new Date(now + 47 * 86_400_000),
    dnsNames: ['qm.mq.example.test'],
  });
  const built = await new Pkcs12KeystoreFormat().build(
    [
      {
        label: LABEL,
        certificatePem: toPem('CERTIFICATE', leaf.raw),
        privateKeyPem: leafKey.privateKey.export({
          type: 'pkcs8',
          format: 'pem',
        }) as string,
        chainPem: [toPem('CERTIFICATE', ca.raw)],
      },
    ],
    { password: PASSWORD },
  );
  return { content: built.files[0].content, leaf: summarizeCertificate(leaf) };
}

/**
 * The queue managers behind both replicas: per QM its SSLKEYR/CERTLABL and
 * what the listener serves (changed only by REFRESH SECURITY TYPE(SSL), as
 * in MQ), and every cut-over (REFRESH after an ALTER to a new repository)
 * with the replica that ran it.
 */
class FakeFleet {
  readonly qms = new Map<
    string,
    { sslKeyRepository: string; label: string; serving: string }
  >();
  /** qm → replicas that cut it over to the staged repository. */
  readonly cutovers = new Map<string, string[]>();
  inspections = 0;
  private inspected?: Awaited<ReturnType<KeystoreFormat['inspect']>>;

  constructor(
    private readonly staged: { content: Buffer; serialNumber: string },
    private readonly oldSerial: string,
  ) {}

  addQueueManager(qm: string) {
    this.qms.set(qm, {
      sslKeyRepository: OLD_REPO(qm),
      label: LABEL,
      serving: this.oldSerial,
    });
  }

  private repositorySerial(path: string): string | undefined {
    if (/\/ssl\/key-old\.p12$/.test(path)) return this.oldSerial;
    if (/\/ssl\/key-new\.p12$/.test(path)) return this.staged.serialNumber;
    return undefined;
  }

  private execute(
    replica: string,
    qmName: string,
    command: string,
  ): MqscCommandResponse {
    const qm = this.qms.get(qmName);
    if (!qm) throw new Error(`no queue manager ${qmName} in the fake fleet`);
    const ok = (text: string[]): MqscCommandResponse => ({
      command,
      completionCode: 0,
      reasonCode: 0,
      text,
      messageIds: text
        .map(t => /^(AMQ\d{4}[A-Z])/.exec(t)?.[1])
        .filter(Boolean) as string[],
    });
    if (command === 'DISPLAY QMGR SSLKEYR CERTLABL') {
      return ok([
        'AMQ8408I: Display Queue Manager details.',
        `QMNAME(${qmName})  CERTLABL(${qm.label})  SSLKEYR(${qm.sslKeyRepository})`,
      ]);
    }
    const alter =
      /^ALTER QMGR SSLKEYR\('((?:[^']|'')*)'\) CERTLABL\('((?:[^']|'')*)'\)$/.exec(
        command,
      );
    if (alter) {
      qm.sslKeyRepository = alter[1].replace(/''/g, "'");
      qm.label = alter[2].replace(/''/g, "'");
      return ok(['AMQ8005I: IBM MQ queue manager changed.']);
    }
    if (command === 'REFRESH SECURITY TYPE(SSL)') {
      const serial = this.repositorySerial(qm.sslKeyRepository);
      // Every REFRESH onto the staged repository is a cut-over, also a
      // repeated one (which would mean the job ran twice).
      if (serial === this.staged.serialNumber) {
        this.cutovers.set(qmName, [
          ...(this.cutovers.get(qmName) ?? []),
          replica,
        ]);
      }
      if (serial) qm.serving = serial;
      return ok(['AMQ8560I: IBM MQ security cache refreshed.']);
    }
    throw new MqscError('unknown command in the fake fleet', {
      queueManager: qmName,
      command,
    });
  }

  /** One replica's view: the same fleet, its cut-overs recorded under its name. */
  runtimeFor(replica: string): MqCertificatesRuntime {
    const runner: MqscRunner = {
      run: async (queueManager, commands) =>
        commands.map(c => this.execute(replica, queueManager, c)),
    };
    const target: DeployTarget = {
      name: 'hosts',
      type: 'local',
      stage: async () => {
        throw new Error('staging is not part of this test');
      },
      listRevisions: async () => [],
      readFile: async (relativePath: string) => {
        if (!/^qm\d+\/ssl\/key-new\.p12$/.test(relativePath)) {
          throw new Error(`ENOENT: ${relativePath}`);
        }
        return this.staged.content;
      },
      pruneRevisions: async () => [],
      resolvePath: (relativePath: string) => `/var/mqm/${relativePath}`,
      hostPath: (relativePath: string) => `/var/mqm/${relativePath}`,
      commands: { run: async () => ({ exitCode: 0, stdout: '', stderr: '' }) },
      close: async () => {},
    } as unknown as DeployTarget;
    const real = new Pkcs12KeystoreFormat();
    // Every job stages the same bytes: open the PKCS#12 once (really), then
    // answer from that, so 500 preflights cost nothing next to the claims.
    const format = {
      build: real.build.bind(real),
      inspect: async (files: Parameters<KeystoreFormat['inspect']>[0]) => {
        this.inspections += 1;
        this.inspected ??= await real.inspect(files, PASSWORD);
        return this.inspected;
      },
    } as unknown as KeystoreFormat;
    return {
      getMqscRunner: async () => runner,
      getDeployTarget: async () => target,
      getKeystoreFormat: async () => format,
      getVaultClient: async () => {
        throw new Error('retire is off in this test');
      },
      readKeystorePassword: async () => PASSWORD,
      probeQueueManager: async (
        spec: QueueManagerSpec,
      ): Promise<ServedCertificate> => {
        const qm = this.qms.get(spec.queueManager)!;
        const now = Date.now();
        return {
          listener: `${spec.listener?.host}:${spec.listener?.port}`,
          probedAt: new Date(now).toISOString(),
          serialNumber: qm.serving,
          notBefore: new Date(now - 86_400_000).toISOString(),
          notAfter: new Date(now + 40 * 86_400_000).toISOString(),
          chain: [],
          channels: [],
        };
      },
    };
  }
}

function entity(n: number): Entity {
  const name = `qm${n}`;
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: {
      name,
      namespace: 'default',
      annotations: {
        [MQ_CERT_ANNOTATIONS.queueManager]: name.toUpperCase(),
        [MQ_CERT_ANNOTATIONS.listener]: `${name}.mq.example.test:1414`,
        [MQ_CERT_ANNOTATIONS.mqAdmin]: 'fleet-rest',
        [MQ_CERT_ANNOTATIONS.deployTarget]: 'hosts',
        [MQ_CERT_ANNOTATIONS.keyRepository]: `${name}/ssl/key`,
        [MQ_CERT_ANNOTATIONS.certificateLabel]: LABEL,
      },
    },
    spec: { type: 'mq-queue-manager', owner: 'group:default/team-a' },
  };
}

describeWithTools(
  ['initdb', 'pg_ctl', 'postgres'],
  'refresh-job runners on two replicas sharing one PostgreSQL',
  () => {
    let pg: PrivatePostgres;
    const clients: Knex[] = [];
    let stores: DatabaseMqCertificatesStore[];
    let fleet: FakeFleet;
    let leafSerial: string;
    let leafNotAfter: string;
    let leafFingerprint: string;
    const specs = new Map<string, QueueManagerSpec>();
    const settings = readMqCertificatesBackendSettings(
      new ConfigReader({
        mqCertificates: {
          refreshJobs: {
            claimTimeout: `${CLAIM_TIMEOUT_MS / 1000}s`,
            batchSize: 10,
            verify: { attempts: 1, interval: '1s' },
          },
          retire: { enabled: false },
        },
      }),
    );

    /** A replica's database: its own DatabaseManager, so its own pool. */
    async function replicaDatabase() {
      const manager = DatabaseManager.fromConfig(
        new ConfigReader({
          backend: {
            database: {
              client: 'pg',
              connection: pg.connectionString,
              knexConfig: { pool: { min: 0, max: 4 } },
            },
          },
        }),
      );
      return manager.forPlugin('mq-certificates', {
        logger: mockServices.logger.mock(),
        lifecycle: mockServices.lifecycle.mock(),
      });
    }

    beforeAll(async () => {
      pg = await startPrivatePostgres();
      // Replica A starts first and migrates; B finds the schema current.
      const dbA = await replicaDatabase();
      const dbB = await replicaDatabase();
      const storeA = await DatabaseMqCertificatesStore.create({
        database: dbA,
      });
      const storeB = await DatabaseMqCertificatesStore.create({
        database: dbB,
      });
      clients.push(await dbA.getClient(), await dbB.getClient());
      stores = [storeA, storeB];

      const staged = await buildStagedRepository();
      leafSerial = staged.leaf.serialNumber;
      leafNotAfter = staged.leaf.notAfter;
      leafFingerprint = staged.leaf.fingerprintSha256;
      fleet = new FakeFleet(
        { content: staged.content, serialNumber: leafSerial },
        '01:02:03',
      );
    }, 120_000);

    afterAll(async () => {
      await Promise.all(clients.map(c => c.destroy()));
      await pg?.stop();
    }, 60_000);

    /** Adds queue managers `from..to-1` with a staged rotation and a due job each. */
    async function dueJobs(from: number, to: number): Promise<string[]> {
      const store = stores[0];
      const ids: string[] = [];
      const runAt = new Date(Date.now() - 1000).toISOString();
      const create = async (n: number) => {
        const e = entity(n);
        const spec = parseQueueManagerEntity(e);
        const ref = `resource:default/qm${n}`;
        specs.set(ref, spec);
        fleet.addQueueManager(spec.queueManager);
        const rotation = await store.createRotation({
          entityRef: ref,
          queueManager: spec.queueManager,
          serialNumber: leafSerial,
          notAfter: leafNotAfter,
          fingerprintSha256: leafFingerprint,
          certificateLabel: LABEL,
          certificates: [
            {
              label: LABEL,
              serialNumber: leafSerial,
              notAfter: leafNotAfter,
              fingerprintSha256: leafFingerprint,
            },
          ],
          keyRepositoryFormat: 'p12',
          keystorePasswordRef: {
            mount: 'secret',
            path: `mq/keystores/qm${n}`,
            version: 1,
          },
          deployTarget: 'hosts',
          stagedRevisionPath: STAGED(`qm${n}`),
          state: 'scheduled',
          createdBy: 'user:default/alice',
        });
        const job = await store.createJob({
          rotationId: rotation.id,
          entityRef: ref,
          mode: 'portal',
          runAt,
          approvalRequired: false,
          state: 'scheduled',
          createdBy: 'user:default/alice',
        });
        ids.push(job.id);
      };
      // A few at a time: the pool has four connections.
      for (let n = from; n < to; n += 4) {
        await Promise.all(
          [n, n + 1, n + 2, n + 3].filter(i => i < to).map(create),
        );
      }
      return ids;
    }

    function replica(index: number, offsetMs = () => 0) {
      const name = `replica-${'ab'[index]}`;
      const store = stores[index];
      return new RefreshJobRunner({
        store,
        runtime: () => fleet.runtimeFor(name),
        settings,
        journal: new Journal({
          store,
          auditor: mockServices.auditor.mock(),
          logger: mockServices.logger.mock(),
        }),
        logger: mockServices.logger.mock(),
        resolveSpec: async ref => {
          const spec = specs.get(ref);
          if (!spec) throw new Error(`no spec for ${ref}`);
          return spec;
        },
        runnerId: `${name}:${crypto.randomBytes(3).toString('hex')}`,
        concurrency: 4,
        now: () => new Date(Date.now() + offsetMs()),
        sleep: async () => {},
      });
    }

    it(`runs each of ${JOBS} due jobs exactly once with two replicas polling at once`, async () => {
      // Two pools, as two processes would have.
      expect(clients[0]).not.toBe(clients[1]);
      const ids = await dueJobs(0, JOBS);
      expect(new Set(ids).size).toBe(JOBS);
      const [a, b] = [replica(0), replica(1)];

      const started = Date.now();
      // Each replica polls repeatedly, as its scheduled task would, until
      // nothing is claimable; both run at the same time.
      const pollUntilDone = async (runner: RefreshJobRunner) => {
        let claimed = 0;
        for (let i = 0; i < 20; i++) {
          const r = await runner.poll();
          claimed += r.claimed;
          if (r.claimed === 0) break;
        }
        return claimed;
      };
      const [claimedA, claimedB] = await Promise.all([
        pollUntilDone(a),
        pollUntilDone(b),
      ]);
      const elapsed = Date.now() - started;

      // Every queue manager cut over exactly once, 500 distinct ones.
      const perQm = [...fleet.cutovers.entries()];
      expect(perQm).toHaveLength(JOBS);
      expect(perQm.filter(([, by]) => by.length !== 1)).toEqual([]);
      const byReplica = { 'replica-a': 0, 'replica-b': 0 };
      for (const [, [by]] of perQm)
        byReplica[by as keyof typeof byReplica] += 1;
      expect(byReplica['replica-a']).toBeGreaterThan(0);
      expect(byReplica['replica-b']).toBeGreaterThan(0);
      expect(claimedA + claimedB).toBe(JOBS);
      expect(byReplica).toEqual({
        'replica-a': claimedA,
        'replica-b': claimedB,
      });

      // Every job reached its final state after one attempt, so did its rotation.
      const rows: {
        id: string;
        state: string;
        attempts: number;
        claimed_by: string | null;
      }[] = await clients[0]('refresh_jobs')
        .whereIn('id', ids)
        .select('id', 'state', 'attempts', 'claimed_by');
      expect(rows).toHaveLength(JOBS);
      expect(rows.filter(r => r.state !== 'verified')).toEqual([]);
      expect(rows.filter(r => Number(r.attempts) !== 1)).toEqual([]);
      expect(rows.filter(r => r.claimed_by !== null)).toEqual([]);
      const rotations: { state: string; n: string | number }[] =
        await clients[1]('rotations')
          .select('state')
          .count({ n: '*' })
          .groupBy('state');
      expect(rotations.map(r => [r.state, Number(r.n)])).toEqual([
        ['verified', JOBS],
      ]);
      // One refresh-verified history line per job, none twice.
      const verifiedEvents = await clients[0]('queue_manager_events')
        .where({ type: 'refresh-verified' })
        .count({ n: '*' });
      expect(Number(verifiedEvents[0].n)).toBe(JOBS);
      // eslint-disable-next-line no-console
      console.log(
        `${JOBS} jobs in ${elapsed} ms: replica-a ${claimedA}, replica-b ${claimedB}; ${fleet.inspections} preflights`,
      );
    });

    it('takes over a job claimed by a replica that died, after the claim timeout, and runs it once', async () => {
      const [id] = await dueJobs(JOBS, JOBS + 1);
      const qm = `QM${JOBS}`;
      // The dead replica claimed it (and then vanished without a heartbeat).
      const dead = await stores[1].claimJob(
        id,
        'replica-dead',
        new Date(),
        CLAIM_TIMEOUT_MS,
      );
      expect(dead).toMatchObject({ state: 'running', attempts: 1 });

      // Within the lease, neither live replica touches it.
      let offset = 0;
      const [a, b] = [replica(0, () => offset), replica(1, () => offset)];
      const early = await Promise.all([a.poll(), b.poll()]);
      expect(early.map(r => r.claimed)).toEqual([0, 0]);
      expect(fleet.cutovers.get(qm)).toBeUndefined();

      // After it, exactly one of them takes it over and runs it once.
      offset = CLAIM_TIMEOUT_MS + 1_000;
      const late = await Promise.all([a.poll(), b.poll()]);
      expect(late[0].claimed + late[1].claimed).toBe(1);
      expect(fleet.cutovers.get(qm)).toHaveLength(1);
      const job = await stores[0].getJob(id);
      expect(job).toMatchObject({ state: 'verified', attempts: 2 });

      // The dead replica, were it to come back, is fenced out.
      expect(
        await stores[1].updateJob(
          id,
          { state: 'failed', releaseClaim: true },
          { claimedBy: 'replica-dead' },
        ),
      ).toBeFalsy();
      expect((await stores[0].getJob(id))?.state).toBe('verified');
      // And nothing is left to run.
      const again = await Promise.all([a.poll(), b.poll()]);
      expect(again.map(r => r.claimed)).toEqual([0, 0]);
      expect(fleet.cutovers.get(qm)).toHaveLength(1);
    });
  },
);
