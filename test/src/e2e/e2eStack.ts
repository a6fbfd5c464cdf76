/*
 * The demo stack as the e2e tests drive it: free ports, a private data
 * folder, runner settings fast enough for tests, and helpers that read
 * state only through public interfaces (the backend's REST API, the
 * listener with openssl and the product's probe, the simulator's and the
 * dev Vault's control APIs).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Entity } from '@backstage/catalog-model';
import {
  parseQueueManagerEntity,
  type QueueManagerDetail,
  type RefreshJob,
  type Rotation,
  type ServedCertificate,
} from '@mqcert/plugin-mq-certificates-common';
import {
  NodeTlsProbe,
  probeQueueManager,
} from '@mqcert/plugin-mq-certificates-node';
import {
  startDemoPortal,
  startDemoStack,
  type DemoPortal,
  type DemoStack,
} from '../../demo';
import {
  BackstageApiClient,
  guestClient,
  signIn,
  type RecordedResponse,
} from '../support/backstageApi';
import { servedCertificateByOpenssl } from '../support/opensslServed';
import { ScaffolderTaskClient } from '../support/scaffolderTasks';
import {
  TEST_USER_HEADER,
  TEST_USER_OWNERSHIP_HEADER,
  TEST_USER_PROVIDER_ID,
} from '../support/testUserAuthProvider';

export const ROTATE_TEMPLATE = 'template:default/rotate-mq-certificate';
export const QM1 = 'resource:default/qm1';
export const QM2 = 'resource:default/qm2';
/** The group that owns the demo queue managers (examples/entities/org.yaml). */
export const OWNER_GROUP = 'group:default/mq-admins';

/** Refresh-job settings that keep the tests quick (runner polls every 2 s). */
export const FAST_RUNNER_CONFIG = {
  mqCertificates: {
    refreshJobs: {
      schedule: {
        frequency: { seconds: 2 },
        // Also the lease of the scheduler's global lock: after a crash in
        // the middle of a run, no replica runs refresh jobs until it has
        // expired and the scheduler's janitor (at start, then every minute)
        // has cleared it. Runs take seconds here.
        timeout: { minutes: 0, seconds: 10 },
        initialDelay: { seconds: 1 },
      },
      verify: { attempts: 3, interval: '1s' },
      retryBackoff: '2s',
      maxRetryBackoff: '5s',
    },
    // The sweep would probe concurrently with the tests' own probes.
    sweep: { enabled: false },
  },
};

type ConfigObject = { [key: string]: unknown };

/** Merges config objects the way Backstage layers them: objects deep, the rest replaced. */
export function mergeConfig(...layers: ConfigObject[]): ConfigObject {
  const out: ConfigObject = {};
  for (const layer of layers) {
    for (const [k, v] of Object.entries(layer)) {
      const prev = out[k];
      const isObj = (x: unknown): x is ConfigObject =>
        typeof x === 'object' && x !== null && !Array.isArray(x);
      out[k] = isObj(prev) && isObj(v) ? mergeConfig(prev, v) : v;
    }
  }
  return out;
}

function sleep(ms: number) {
  return new Promise(r => setTimeout(r, ms));
}

/** Polls `check` until it returns a value; the last problem is in the error. */
export async function eventually<T>(
  what: string,
  check: () => Promise<T | undefined>,
  timeoutMs: number,
  intervalMs = 500,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `${what}: not reached within ${timeoutMs} ms${
          last ? ` (last error: ${(last as Error).message})` : ''
        }`,
      );
    }
    await sleep(intervalMs);
  }
}

/** A running stack plus signed-in clients and readers. */
export interface E2eStack {
  stack: DemoStack;
  /** The portal frontend too, when started with `frontend: true` (browser tests). */
  portal?: DemoPortal;
  /** Every HTTP response the tests received (for the secret audit). */
  responses: RecordedResponse[];
  /** The guest user (owner of qm1 and qm2 through mq-admins). */
  guest: BackstageApiClient;
  tasks: ScaffolderTaskClient;
  /** Signs in through the test-only provider (when enabled). */
  signInAs(userRef: string, ownership: string[]): Promise<BackstageApiClient>;
  qm(entityRef: string): Promise<QueueManagerDetail>;
  /** The entity as the catalog serves it. */
  entity(entityRef: string): Promise<Entity>;
  /** The serial the QM's listener serves, read by openssl s_client. */
  opensslSerial(qmName: string, servername?: string): Promise<string>;
  /** What the product's probe sees on the QM's listener (all channels). */
  productProbe(entityRef: string): Promise<ServedCertificate>;
  /** Waits until the rotation reaches one of `states`. */
  waitForRotation(
    entityRef: string,
    rotationId: string,
    states: string[],
    timeoutMs?: number,
  ): Promise<{ rotation: Rotation; job?: RefreshJob }>;
  stop(): Promise<void>;
}

const entityPath = (ref: string) => {
  const m = /^([^:]+):([^/]+)\/(.+)$/.exec(ref);
  if (!m) throw new Error(`not an entity ref: ${ref}`);
  return `${m[1]}/${m[2]}/${m[3]}`;
};

/**
 * Starts the demo stack on free ports for one test file and waits until
 * the catalog has the queue managers, the guest user and the template
 * (sign-in before that would give a token without group ownership).
 */
export async function startE2eStack(
  options: {
    config?: Record<string, unknown>;
    /** Enable the test-only sign-in provider (second owner, outsider). */
    testUsers?: boolean;
    dataDir?: string;
    /** Also serve the portal frontend at stack.urls.frontend (browser tests). */
    frontend?: boolean;
  } = {},
): Promise<E2eStack> {
  const dataDir =
    options.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'mqcert-e2e-'));
  const config = mergeConfig(
    FAST_RUNNER_CONFIG,
    options.testUsers
      ? { auth: { providers: { [TEST_USER_PROVIDER_ID]: {} } } }
      : {},
    options.config ?? {},
  );
  if (options.testUsers) process.env.MQCERT_DEMO_TEST_USER_SIGN_IN = '1';
  // The backend runs as `npm start` runs it, without jest's NODE_ENV=test:
  // under 'test' Backstage's scheduler starts no janitor, so the lock of a
  // global task whose runner was killed would never be released.
  const nodeEnv = process.env.NODE_ENV;
  delete process.env.NODE_ENV;
  const restoreEnv = () => {
    if (nodeEnv !== undefined) process.env.NODE_ENV = nodeEnv;
  };
  const stackOptions = {
    ports: {
      backend: 0,
      frontend: 0,
      vault: 0,
      qm1: 0,
      qm2: 0,
      mqweb: 0,
      simulatorControl: 0,
    },
    dataDir,
    config: config as any,
  };
  let portal: DemoPortal | undefined;
  const stack = await (options.frontend
    ? startDemoPortal(stackOptions).then(p => {
        portal = p;
        return p.stack;
      })
    : startDemoStack(stackOptions)
  ).catch(e => {
    restoreEnv();
    throw e;
  });
  const stopStack = () => (portal ?? stack).stop();
  const responses: RecordedResponse[] = [];
  const baseUrl = stack.urls.backend;
  try {
    const anonymous = new BackstageApiClient(baseUrl, await stack.guestToken());
    await eventually(
      'catalog has the demo entities and the template',
      async () => {
        for (const p of [
          'resource/default/qm1',
          'resource/default/qm2',
          'user/development/guest',
          'template/default/rotate-mq-certificate',
        ]) {
          const r = await anonymous.request(
            'GET',
            `/api/catalog/entities/by-name/${p}`,
          );
          if (r.status !== 200) return undefined;
        }
        return true;
      },
      120_000,
    );
    const { api: guest } = await guestClient(baseUrl, responses);
    const probe = new NodeTlsProbe({
      caPem: [stack.vault.caChainPem],
      timeoutMs: 5000,
    });
    const info = (name: string) => {
      const qm = stack.queueManagers.find(
        q => q.name === name || q.entityRef === name,
      );
      if (!qm) throw new Error(`no demo queue manager ${name}`);
      return qm;
    };
    const e2e: E2eStack = {
      stack,
      portal,
      responses,
      guest,
      tasks: new ScaffolderTaskClient(guest),
      async signInAs(userRef, ownership) {
        const user = await signIn(
          baseUrl,
          TEST_USER_PROVIDER_ID,
          {
            [TEST_USER_HEADER]: userRef,
            [TEST_USER_OWNERSHIP_HEADER]: ownership.join(','),
          },
          responses,
        );
        return new BackstageApiClient(baseUrl, user.token, responses);
      },
      qm: ref =>
        guest.json<QueueManagerDetail>(
          'GET',
          `/api/mq-certificates/v1/queue-managers/${entityPath(ref)}`,
        ),
      entity: ref =>
        guest.json<Entity>(
          'GET',
          `/api/catalog/entities/by-name/${entityPath(ref)}`,
        ),
      async opensslSerial(name, servername) {
        const qm = info(name);
        return (
          await servedCertificateByOpenssl(qm.listener.host, qm.listener.port, {
            servername,
          })
        ).serialNumber;
      },
      async productProbe(ref) {
        const spec = parseQueueManagerEntity(await e2e.entity(ref));
        return probeQueueManager(spec, {
          probe,
          listener: info(ref).listener,
          timeoutMs: 5000,
        });
      },
      async waitForRotation(ref, rotationId, states, timeoutMs = 60_000) {
        return eventually(
          `rotation ${rotationId} of ${ref} in ${states.join('|')}`,
          async () => {
            const detail = await e2e.qm(ref);
            const rotation = detail.rotations.find(r => r.id === rotationId);
            if (!rotation) throw new Error('rotation not listed');
            if (!states.includes(rotation.state)) {
              throw new Error(`rotation is ${rotation.state}`);
            }
            return {
              rotation,
              job: detail.jobs.find(j => j.rotationId === rotationId),
            };
          },
          timeoutMs,
          1000,
        );
      },
      async stop() {
        await stopStack();
        restoreEnv();
        if (!options.dataDir) {
          fs.rmSync(dataDir, { recursive: true, force: true });
        }
      },
    };
    return e2e;
  } catch (e) {
    await stopStack();
    restoreEnv();
    throw e;
  }
}
