/* eslint-disable no-console */
// The bench runs the backend plugin itself; that is its job, not a layering slip.
/* eslint-disable @backstage/no-mixed-plugin-imports */
/*
 * `npm run bench:fleet`: the fleet endpoint GET /api/mq-certificates/v1/
 * queue-managers over real HTTP with 10,000 queue-manager entities.
 *
 * A child process runs the backend: the real mq-certificates plugin on
 * Backstage's test backend (mock auth tokens), a file-backed SQLite database
 * (better-sqlite3, Backstage's database service), a fake catalog service
 * that streams the 10,000 entities as the catalog would, and an owner-style
 * permission policy (a platform admin is allowed everything, a developer
 * gets the catalog's IS_ENTITY_OWNER condition for their two teams, as the
 * ready-made policy answers). Before the backend starts, the database is
 * seeded through the plugin's store: one probe snapshot for 95 % of the
 * queue managers (spread over ok / renew-due / expiring / expired, some
 * failed probes), rotations for 10 %, pending jobs for 2 %.
 *
 * The parent sends BENCH_REQUESTS requests at concurrency BENCH_CONCURRENCY
 * over keep-alive connections, cycling through filter/sort/page variants and
 * the two users, after BENCH_WARMUP unmeasured requests (the first builds
 * the fleet index). It samples the child's RSS (/proc/<pid>/status) and
 * prints p50/p95/p99 per variant and overall, then the RSS growth from the
 * started, seeded, not yet queried backend to the peak under load, and last
 * `p95 <ms>` (goal: p95 ≤ 50 ms, RSS growth ≤ 100 MiB).
 *
 * Options: BENCH_ENTITIES (10000), BENCH_REQUESTS (4000),
 * BENCH_CONCURRENCY (16), BENCH_WARMUP (200).
 */
import { fork } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import {
  BackstageCredentials,
  coreServices,
  createBackendModule,
  createServiceFactory,
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import {
  DatabaseManager,
  databaseServiceFactory,
} from '@backstage/backend-defaults/database';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import mqCertificatesPlugin, {
  DatabaseMqCertificatesStore,
  mqCertificatesRuntimeExtensionPoint,
} from '@mqcert/plugin-mq-certificates-backend';
import {
  MQ_CERT_ANNOTATIONS,
  type FleetResponse,
} from '@mqcert/plugin-mq-certificates-common';

const ENTITIES = Number(process.env.BENCH_ENTITIES ?? 10_000);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 4000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 200);
const TEAMS = 20;
const DAY = 86_400_000;
const MiB = 1024 * 1024;

const ADMIN = 'user:default/platform-admin';
const DEVELOPER = 'user:default/dev';
const DEVELOPER_GROUPS = ['group:default/team-1', 'group:default/team-2'];

/** Filter/sort/page variants of the fleet query, as the fleet page sends them. */
const VARIANTS: { name: string; query: string }[] = [
  { name: 'default (state, worst first)', query: '' },
  { name: 'sort name, page 51', query: '?sort=name&offset=5000&limit=100' },
  {
    name: 'state filter, days left',
    query: '?state=expiring,expired&sort=daysLeft',
  },
  { name: 'text q', query: '?q=qm0042' },
  { name: 'owner + desc', query: '?owner=team-3&sort=daysLeft&order=desc' },
  { name: 'maxDaysLeft', query: '?maxDaysLeft=10&limit=200' },
];

// ------------------------------------------------------------ child: backend

function pad(n: number): string {
  return String(n).padStart(5, '0');
}

function benchEntity(i: number): Entity {
  const name = `qm${pad(i)}`;
  const owner = `group:default/team-${i % TEAMS}`;
  const annotations: Record<string, string> = {
    [MQ_CERT_ANNOTATIONS.queueManager]: `QM${pad(i)}`,
    [MQ_CERT_ANNOTATIONS.listener]: `${name}.mq.example.test:1414`,
    [MQ_CERT_ANNOTATIONS.mqAdmin]: 'fleet-rest',
    [MQ_CERT_ANNOTATIONS.deployTarget]: 'hosts',
    [MQ_CERT_ANNOTATIONS.keyRepository]: `${name}/ssl/key`,
  };
  if (i % 7 === 0) {
    annotations[MQ_CERT_ANNOTATIONS.tlsChannels] = 'APP.SVRCONN, TO.QM2=chl2';
  }
  if (i % 5 === 0) {
    annotations[MQ_CERT_ANNOTATIONS.maintenanceWindow] =
      'Sun 02:00-04:00 Europe/London';
  }
  if (i % 100 === 99) {
    annotations[MQ_CERT_ANNOTATIONS.keyRepositoryFormat] = 'zip'; // config error
  }
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: {
      name,
      namespace: 'default',
      uid: `uid-${i}`,
      title: i % 3 === 0 ? `Payments QM ${i}` : undefined,
      description: `Queue manager ${i} of the bench fleet`,
      annotations: {
        'backstage.io/managed-by-location': 'url:https://example.test/qm.yaml',
        ...annotations,
      },
      tags: ['mq', `region-${i % 4}`],
    },
    spec: { type: 'mq-queue-manager', owner, system: `sys-${i % 50}` },
    relations: [{ type: 'ownedBy', targetRef: owner }],
  };
}

const silentLogger: LoggerService = {
  error() {},
  warn() {},
  info() {},
  debug() {},
  child() {
    return silentLogger;
  },
};

/** Seeds snapshots, rotations and jobs through the plugin's own store. */
async function seed(config: ConfigReader, entities: Entity[]): Promise<void> {
  const database = DatabaseManager.fromConfig(config).forPlugin(
    'mq-certificates',
    {
      logger: silentLogger,
      lifecycle: { addStartupHook() {}, addShutdownHook() {} } as any,
    },
  );
  const knex = await database.getClient();
  await DatabaseMqCertificatesStore.fromKnex(knex); // migrations
  // One transaction for the whole seed: SQLite commits (and syncs) once.
  await knex.transaction(async trx => {
    const store = await DatabaseMqCertificatesStore.fromKnex(trx, {
      migrate: false,
    });
    await seedRows(store, entities);
  });
  await knex.destroy();
}

async function seedRows(
  store: DatabaseMqCertificatesStore,
  entities: Entity[],
): Promise<void> {
  const now = Date.now();
  const fingerprint = Array(32).fill('ab').join(':');
  for (let i = 0; i < entities.length; i++) {
    if (i % 20 === 19) continue; // never probed: state unknown
    const ref = `resource:default/qm${pad(i)}`;
    const listener = `qm${pad(i)}.mq.example.test:1414`;
    const probedAt = new Date(now - (i % 60) * 60_000).toISOString();
    if (i % 50 === 7) {
      await store.addSnapshot(ref, {
        listener,
        probedAt,
        chain: [],
        channels: [],
        error: 'connect ECONNREFUSED',
      });
      continue;
    }
    // Lifetimes of 47 days, issued 0–52 days ago: every policy state occurs.
    const notBefore = now - ((i * 7919) % 52) * DAY - (i % 24) * 3_600_000;
    const serial = (i + 0x1000).toString(16).padStart(6, '0');
    await store.addSnapshot(ref, {
      listener,
      probedAt,
      serialNumber: serial.match(/../g)!.join(':'),
      fingerprintSha256: fingerprint,
      subject: `CN=qm${pad(i)}.mq.example.test`,
      issuer: 'CN=MQ Issuing CA',
      subjectAltNames: [`DNS:qm${pad(i)}.mq.example.test`],
      notBefore: new Date(notBefore).toISOString(),
      notAfter: new Date(notBefore + 47 * DAY).toISOString(),
      chain: [],
      channels: [],
    });
    if (i % 10 === 3) {
      const rotation = await store.createRotation({
        entityRef: ref,
        queueManager: `QM${pad(i)}`,
        serialNumber: `0f:${serial.match(/../g)!.join(':')}`,
        notAfter: new Date(now + 47 * DAY).toISOString(),
        fingerprintSha256: fingerprint,
        certificateLabel: `ibmwebspheremqqm${pad(i)}`,
        certificates: [],
        keyRepositoryFormat: 'p12',
        state: i % 50 === 3 ? 'scheduled' : 'verified',
        createdBy: 'user:default/dev',
      });
      if (i % 50 === 3) {
        await store.createJob({
          rotationId: rotation.id,
          entityRef: ref,
          mode: 'portal',
          // Far enough ahead that the runner never starts them mid-bench.
          runAt: new Date(now + 30 * DAY).toISOString(),
          approvalRequired: false,
          state: 'scheduled',
          createdBy: 'user:default/dev',
        });
      }
    }
  }
}

/** A catalog that streams the entities in pages, as the catalog client does. */
function fakeCatalog(entities: Entity[]) {
  const byRef = new Map(
    entities.map(e => [
      `${e.kind}:${e.metadata.namespace}/${e.metadata.name}`.toLowerCase(),
      e,
    ]),
  );
  return {
    async *streamEntities() {
      for (let i = 0; i < entities.length; i += 500) {
        // Each page a fresh copy, as entities arrive over HTTP as JSON.
        yield JSON.parse(JSON.stringify(entities.slice(i, i + 500)));
      }
    },
    async getEntityByRef(ref: string) {
      return byRef.get(String(ref).toLowerCase());
    },
  };
}

function claimsOf(credentials: BackstageCredentials): string[] | undefined {
  const p = credentials.principal as { type: string; userEntityRef?: string };
  if (p.type !== 'user') return undefined;
  if (p.userEntityRef === ADMIN) return undefined;
  return [p.userEntityRef!, ...DEVELOPER_GROUPS];
}

type PolicyDecision = Awaited<
  ReturnType<PermissionsService['authorizeConditional']>
>[number];
// AuthorizeResult's values; @backstage/plugin-permission-common is not a
// dependency of test/ and these two strings are all the bench needs.
const ALLOW = 'ALLOW' as unknown as PolicyDecision['result'];
const CONDITIONAL = 'CONDITIONAL' as PolicyDecision['result'];

/** Admin and services: allow; the developer: IS_ENTITY_OWNER of their teams. */
const permissions: PermissionsService = {
  async authorize(requests) {
    return requests.map(() => ({ result: ALLOW } as any));
  },
  async authorizeConditional(requests, options) {
    return requests.map((): PolicyDecision => {
      const claims = claimsOf(options.credentials);
      if (!claims) return { result: ALLOW } as PolicyDecision;
      return {
        result: CONDITIONAL,
        pluginId: 'catalog',
        resourceType: 'catalog-entity',
        conditions: {
          rule: 'IS_ENTITY_OWNER',
          resourceType: 'catalog-entity',
          params: { claims },
        },
      } as PolicyDecision;
    });
  },
} as PermissionsService;

/** Configuration of the backend on the SQLite files in `dir`. */
function backendConfig(dir: string) {
  return {
    backend: {
      database: { client: 'better-sqlite3', connection: { directory: dir } },
    },
    mqCertificates: {
      sweep: { enabled: false },
      refreshJobs: {
        schedule: { frequency: { minutes: 30 }, timeout: { minutes: 5 } },
      },
    },
  };
}

const benchEntities = () =>
  Array.from({ length: ENTITIES }, (_, i) => benchEntity(i));

async function serveBackend(dir: string): Promise<void> {
  const data = backendConfig(dir);
  const entities = benchEntities();

  const runtimeModule = createBackendModule({
    pluginId: 'mq-certificates',
    moduleId: 'bench-runtime',
    register(env) {
      env.registerInit({
        deps: { runtime: mqCertificatesRuntimeExtensionPoint },
        async init({ runtime }) {
          runtime.setRuntime({
            probeQueueManager: async spec => ({
              listener: `${spec.listener?.host}:${spec.listener?.port}`,
              probedAt: new Date().toISOString(),
              chain: [],
              channels: [],
              error: 'not probed in the bench',
            }),
          });
        },
      });
    },
  });
  const backend = await startTestBackend({
    features: [
      mqCertificatesPlugin,
      runtimeModule,
      mockServices.rootConfig.factory({ data }),
      databaseServiceFactory,
      createServiceFactory({
        service: catalogServiceRef,
        deps: {},
        factory: () => fakeCatalog(entities) as any,
      }),
      createServiceFactory({
        service: coreServices.permissions,
        deps: {},
        factory: () => permissions,
      }),
    ],
  });
  const port = (backend.server.address() as { port: number }).port;
  process.send!({ port });
  process.once('message', async () => {
    await backend.stop();
    process.exit(0);
  });
}

// ------------------------------------------------------------ parent: load

function rssOf(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)\s+kB/.exec(status)?.[1]);
  return kb * 1024;
}

/** CPU time (user + system) the process has used, in ms (/proc/<pid>/stat). */
function cpuMsOf(pid: number): number {
  const fields = fs
    .readFileSync(`/proc/${pid}/stat`, 'utf8')
    .replace(/^.*\) /, '')
    .split(' ');
  // After the command: state is field 3, utime 14 and stime 15 (1-based).
  const ticks = Number(fields[11]) + Number(fields[12]);
  return (ticks * 1000) / 100; // USER_HZ is 100 on Linux
}

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  const i = Math.min(
    sorted.length - 1,
    Math.ceil((p / 100) * sorted.length) - 1,
  );
  return sorted[Math.max(0, i)];
}

function fetchOnce(
  agent: http.Agent,
  port: number,
  url: string,
  authorization: string,
): Promise<{ status: number; body: string; ms: number }> {
  const start = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const req = http.get(
      { host: '127.0.0.1', port, path: url, agent, headers: { authorization } },
      res => {
        const chunks: Buffer[] = [];
        res.on('data', c => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            body: Buffer.concat(chunks).toString('utf8'),
            ms: Number(process.hrtime.bigint() - start) / 1e6,
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
  });
}

async function main(): Promise<void> {
  // Seeded here, not in the backend process, so its RSS starts clean.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mqcert-bench-fleet-'));
  const seeded = Date.now();
  await seed(new ConfigReader(backendConfig(dir)), benchEntities());
  const seedMs = Date.now() - seeded;
  const child = fork(__filename, ['--serve', dir], {
    // BENCH_CPU_PROF=<dir> writes a V8 CPU profile of the backend there.
    execArgv: process.env.BENCH_CPU_PROF
      ? [
          ...process.execArgv,
          '--cpu-prof',
          `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`,
        ]
      : process.execArgv,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<void>(resolve =>
    child.once('exit', () => resolve()),
  );
  try {
    const started = Date.now();
    const { port } = await new Promise<{ port: number }>((resolve, reject) => {
      child.once('message', m => resolve(m as { port: number }));
      child.once('error', reject);
      child.once('exit', code =>
        reject(new Error(`backend process exited (${code})`)),
      );
    });
    const pid = child.pid!;
    const rssStart = rssOf(pid);
    console.log(
      `bench:fleet: ${ENTITIES} queue-manager entities, backend pid ${pid} on 127.0.0.1:${port} (SQLite file via better-sqlite3, seeded in ${seedMs} ms, up in ${
        Date.now() - started
      } ms), ${REQUESTS} requests at concurrency ${CONCURRENCY} after ${WARMUP} warm-up`,
    );

    const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
    const users = [
      { name: 'admin', header: mockCredentials.user.header(ADMIN) },
      { name: 'developer', header: mockCredentials.user.header(DEVELOPER) },
    ];
    const url = (v: number) =>
      `/api/mq-certificates/v1/queue-managers${VARIANTS[v].query}`;

    // First request: builds the catalog cache and the fleet index.
    const first = await fetchOnce(agent, port, url(0), users[0].header);
    if (first.status !== 200) {
      throw new Error(`fleet endpoint answered ${first.status}: ${first.body}`);
    }
    const firstBody = JSON.parse(first.body) as FleetResponse;
    if (firstBody.totalCount !== ENTITIES) {
      throw new Error(
        `expected ${ENTITIES} queue managers for the admin, got ${firstBody.totalCount}`,
      );
    }
    console.log(
      `  first request (cold: catalog read + index build) ${first.ms.toFixed(
        0,
      )} ms; counts ${JSON.stringify(firstBody.counts)}`,
    );
    // Each variant answers sensibly for both users.
    for (let v = 0; v < VARIANTS.length; v++) {
      const totals = [];
      for (const u of users) {
        const r = await fetchOnce(agent, port, url(v), u.header);
        if (r.status !== 200)
          throw new Error(
            `${VARIANTS[v].name} answered ${r.status}: ${r.body}`,
          );
        totals.push(
          `${u.name} ${(JSON.parse(r.body) as FleetResponse).totalCount}`,
        );
      }
      console.log(`  ${VARIANTS[v].name}: totalCount ${totals.join(', ')}`);
    }

    let peakRss = rssStart;
    const sampler = setInterval(() => {
      try {
        peakRss = Math.max(peakRss, rssOf(pid));
      } catch {
        // the child may be gone at the very end
      }
    }, 50);

    const run = async (count: number, record: boolean) => {
      const perVariant = VARIANTS.map(() => [] as number[]);
      const all: number[] = [];
      let next = 0;
      let failures = 0;
      const t0 = process.hrtime.bigint();
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          while (next < count) {
            const n = next++;
            const v = n % VARIANTS.length;
            const u = users[Math.floor(n / VARIANTS.length) % users.length];
            const r = await fetchOnce(agent, port, url(v), u.header);
            if (r.status !== 200) failures++;
            if (record) {
              perVariant[v].push(r.ms);
              all.push(r.ms);
            }
          }
        }),
      );
      const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
      if (failures) throw new Error(`${failures} requests failed`);
      return { perVariant, all, wallMs };
    };

    await run(WARMUP, false);
    const cpuBefore = cpuMsOf(pid);
    const result = await run(REQUESTS, true);
    const backendCpuMs = cpuMsOf(pid) - cpuBefore;
    clearInterval(sampler);
    peakRss = Math.max(peakRss, rssOf(pid));
    const rssEnd = rssOf(pid);

    for (let v = 0; v < VARIANTS.length; v++) {
      const s = [...result.perVariant[v]].sort((a, b) => a - b);
      console.log(
        `  ${VARIANTS[v].name.padEnd(30)} p50 ${percentile(s, 50).toFixed(
          1,
        )} ms, p95 ${percentile(s, 95).toFixed(1)} ms (${s.length} requests)`,
      );
    }
    const sorted = [...result.all].sort((a, b) => a - b);
    const p50 = percentile(sorted, 50);
    const p95 = percentile(sorted, 95);
    const p99 = percentile(sorted, 99);
    const growth = (peakRss - rssStart) / MiB;
    console.log(
      `overall: ${sorted.length} requests in ${result.wallMs.toFixed(0)} ms (${(
        (sorted.length / result.wallMs) *
        1000
      ).toFixed(0)} req/s), p50 ${p50.toFixed(1)} ms, p99 ${p99.toFixed(
        1,
      )} ms; backend CPU ${(backendCpuMs / sorted.length).toFixed(
        2,
      )} ms a request; load average ${os.loadavg()[0].toFixed(1)} on ${
        os.cpus().length
      } CPUs`,
    );
    console.log(
      `backend RSS: ${(rssStart / MiB).toFixed(
        0,
      )} MiB started (database seeded beforehand, nothing queried yet), peak ${(
        peakRss / MiB
      ).toFixed(0)} MiB, end ${(rssEnd / MiB).toFixed(
        0,
      )} MiB; growth ${growth.toFixed(1)} MiB (goal ≤ 100: ${
        growth <= 100 ? 'met' : 'missed'
      })`,
    );
    console.log(
      `p95 ${p95.toFixed(1)} ms (goal ≤ 50 ms: ${
        p95 <= 50 ? 'met' : 'missed'
      })`,
    );
    agent.destroy();
  } finally {
    if (child.connected) child.send('stop');
    await Promise.race([exited, new Promise(r => setTimeout(r, 10_000))]);
    if (child.exitCode === null) child.kill();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const serveAt = process.argv.indexOf('--serve');
if (serveAt >= 0) {
  serveBackend(process.argv[serveAt + 1]).catch(e => {
    console.error(`bench:fleet backend failed: ${(e as Error).stack}`);
    process.exit(1);
  });
} else {
  main().catch(e => {
    console.error(`bench:fleet failed: ${(e as Error).message}`);
    process.exitCode = 1;
  });
}
