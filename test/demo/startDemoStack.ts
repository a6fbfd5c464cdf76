/*
 * startDemoStack: the whole demo portal on loopback — the Vault dev server,
 * two simulated queue managers with certificates near their renew point,
 * and the Backstage backend (a child process) — for `npm start` and the
 * end-to-end tests. See test/demo/README.md.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { JsonObject } from '@backstage/types';
import { freePort } from '../src/support/net';
import {
  startQueueManagerSimulator,
  type QueueManagerSimulator,
} from '../src/qm-simulator';
import {
  startVaultDevServer,
  type VaultDevServer,
} from '../src/vault-dev-server';
import {
  DEFAULT_INITIAL_AGE,
  InitialCertificateAge,
  writeInitialRepository,
  writeInitialRole,
} from './demoCertificates';
import { generatedDemoConfig } from './demoConfig';
import { queueManagerEntitiesFile } from './demoEntities';
import { DEMO_QUEUE_MANAGERS, effectiveLabel } from './demoQueueManagers';
import { DemoBackendProcess } from './DemoBackendProcess';

/** Ports of the stack; 0 picks a free port. */
export interface DemoPorts {
  /** Default 7007. */
  backend?: number;
  /** The portal's address (app.baseUrl, CORS). Default 3000. */
  frontend?: number;
  /** Default 18200. */
  vault?: number;
  /** QM1's listener. Default 14141. */
  qm1?: number;
  /** QM2's listener. Default 14142. */
  qm2?: number;
  /** The simulated mqweb (MQ REST API). Default 19443. */
  mqweb?: number;
  /** The simulator's control API. Default 0. */
  simulatorControl?: number;
}

/** Options of {@link startDemoStack}. */
export interface DemoStackOptions {
  ports?: DemoPorts;
  /**
   * Folder for everything the stack writes (SQLite files, the queue
   * managers' key repositories, logs). Default: a new temp folder, removed by
   * stop(). A given folder is kept; the stack's own subfolders in it are
   * emptied at start.
   */
  dataDir?: string;
  /** Backstage configuration layered over app-config.yaml and the generated config. */
  config?: JsonObject;
  /** Age of the initial certificates. Default 36 of 47 days used. */
  initialCertificate?: InitialCertificateAge;
  /** Copy the backend's output to stdout (npm start). Default false. */
  echoBackendOutput?: boolean;
}

/** One running demo queue manager. */
export interface DemoQueueManagerInfo {
  /** `QM1`, `QM2`. */
  name: string;
  /** `resource:default/qm1`. */
  entityRef: string;
  /** Host name in the entity (resolved to 127.0.0.1 by the demo's probe). */
  hostName: string;
  listener: { host: '127.0.0.1'; port: number };
  /** The deploy target's root folder, where the simulator reads the repository. */
  targetRoot: string;
  /** The live repository at start (the queue manager's SSLKEYR). */
  sslKeyRepository: string;
  certificateLabel: string;
  /** label → serial of the initial certificates (Vault's colon hex). */
  initialSerials: Record<string, string>;
}

/** A running demo stack. */
export interface DemoStack {
  dataDir: string;
  urls: {
    /** http://localhost:7007 */
    backend: string;
    /** http://localhost:3000 (served only when a frontend is started). */
    frontend: string;
    vault: string;
    mqweb: string;
    simulatorControl: string;
    /** Entity page of each queue manager in the portal, by entity name. */
    entityPages: Record<string, string>;
  };
  vault: VaultDevServer;
  simulator: QueueManagerSimulator;
  queueManagers: DemoQueueManagerInfo[];
  backend: DemoBackendProcess;
  /** A Backstage token of the guest user (user:development/guest). */
  guestToken(): Promise<string>;
  /** Stops everything started here and removes the temp data folder. */
  stop(): Promise<void>;
}

const DEFAULT_PORTS: Required<DemoPorts> = {
  backend: 7007,
  frontend: 3000,
  vault: 18200,
  qm1: 14141,
  qm2: 14142,
  mqweb: 19443,
  simulatorControl: 0,
};

/** Our subfolders of the data folder (emptied at start). */
const OWN_SUBFOLDERS = ['db', 'mq', 'mqsim', 'private', 'logs', 'catalog'];

async function resolvePort(
  value: number | undefined,
  fallback: number,
): Promise<number> {
  const port = value ?? fallback;
  return port === 0 ? freePort() : port;
}

/** Fetches a guest token the way the frontend's sign-in page does. */
export async function fetchGuestToken(backendUrl: string): Promise<string> {
  const res = await fetch(`${backendUrl}/api/auth/guest/refresh`, {
    headers: { 'X-Requested-With': 'XMLHttpRequest' },
  });
  if (!res.ok) {
    throw new Error(
      `guest sign-in answered ${res.status}: ${await res.text()}`,
    );
  }
  const body = (await res.json()) as {
    backstageIdentity: { token: string };
  };
  return body.backstageIdentity.token;
}

function portInUse(e: unknown, what: string, option: string): Error {
  if ((e as NodeJS.ErrnoException)?.code === 'EADDRINUSE') {
    return new Error(
      `${what}: the port is in use; stop what uses it or choose another with ${option}`,
    );
  }
  return e as Error;
}

/** Starts the demo stack. Everything listens on 127.0.0.1. */
export async function startDemoStack(
  options: DemoStackOptions = {},
): Promise<DemoStack> {
  const p = { ...DEFAULT_PORTS, ...options.ports };
  const ownsDataDir = !options.dataDir;
  const dataDir = path.resolve(
    options.dataDir ??
      fs.mkdtempSync(path.join(os.tmpdir(), 'mq-certificates-demo-')),
  );
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  for (const sub of OWN_SUBFOLDERS) {
    fs.rmSync(path.join(dataDir, sub), { recursive: true, force: true });
    fs.mkdirSync(path.join(dataDir, sub), { mode: 0o700 });
  }

  const stops: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) {
      await stop().catch(e =>
        // eslint-disable-next-line no-console
        console.error(`demo: stopping failed: ${e?.message ?? e}`),
      );
    }
    stops.length = 0;
    if (ownsDataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  };

  try {
    const backendPort = await resolvePort(p.backend, 7007);
    const frontendPort = await resolvePort(p.frontend, 3000);
    const qmPorts: Record<string, number> = {
      QM1: await resolvePort(p.qm1, 14141),
      QM2: await resolvePort(p.qm2, 14142),
    };

    const vault = await startVaultDevServer({ port: p.vault }).catch(e => {
      throw portInUse(e, `Vault dev server on port ${p.vault}`, 'ports.vault');
    });
    stops.push(() => vault.stop());

    // The initial repositories: issued by the dev Vault, backdated.
    await writeInitialRole(
      vault,
      options.initialCertificate ?? DEFAULT_INITIAL_AGE,
    );
    // One password per start, only in memory and in the stash (.sth) beside
    // each initial repository. KEYRPWD stays blank, as the product expects:
    // MQ then opens whatever SSLKEYR names with the stash beside it, and
    // every revision the product stages carries its own stash.
    const keyRepositoryPassword = crypto.randomBytes(18).toString('base64url');
    const repositories = new Map<
      string,
      Awaited<ReturnType<typeof writeInitialRepository>> & { root: string }
    >();
    for (const qm of DEMO_QUEUE_MANAGERS) {
      const root = path.join(dataDir, 'mq', qm.name.toLowerCase());
      fs.mkdirSync(root, { recursive: true, mode: 0o700 });
      const repo = await writeInitialRepository({
        vault,
        qm,
        root,
        password: keyRepositoryPassword,
      });
      repositories.set(qm.name, { ...repo, root });
    }

    const simulator = await startQueueManagerSimulator({
      queueManagers: DEMO_QUEUE_MANAGERS.map(qm => ({
        name: qm.name,
        listener: { host: '127.0.0.1', port: qmPorts[qm.name] },
        sslKeyRepository: repositories.get(qm.name)!.sslKeyRepository,
        certificateLabel: qm.certificateLabel,
        channels: qm.channels.map(c => ({
          name: c.name,
          type: c.type,
          certificateLabel: c.own?.label,
        })),
      })),
      rest: { host: '127.0.0.1', port: p.mqweb },
      control: { host: '127.0.0.1', port: p.simulatorControl },
      stateDir: path.join(dataDir, 'mqsim'),
    }).catch(e => {
      throw portInUse(
        e,
        `queue-manager simulator (listeners ${Object.values(qmPorts).join(
          ', ',
        )}, mqweb ${p.mqweb})`,
        'ports.qm1, ports.qm2 or ports.mqweb',
      );
    });
    stops.push(() => simulator.stop());

    const entitiesFile = queueManagerEntitiesFile({
      queueManagers: DEMO_QUEUE_MANAGERS,
      ports: qmPorts,
      dataDir,
    });
    const frontendUrl = `http://localhost:${frontendPort}`;
    const backendUrl = `http://localhost:${backendPort}`;
    const generated = generatedDemoConfig({
      dataDir,
      backendPort,
      frontendBaseUrl: frontendUrl,
      vault,
      sim: simulator,
      queueManagers: DEMO_QUEUE_MANAGERS,
      targetRoots: Object.fromEntries(
        [...repositories].map(([name, r]) => [name, r.root]),
      ),
      queueManagerEntitiesFile: entitiesFile,
      // The probe trusts the dev Vault's root CA only, as a real
      // deployment would trust its PKI root.
      probeCaPem: vault.caChainPem.split(/(?<=-----END CERTIFICATE-----)/)[0],
    });
    const hosts = Object.fromEntries(
      DEMO_QUEUE_MANAGERS.map(qm => [qm.hostName, '127.0.0.1']),
    );
    // Holds the AppRole secret and mqweb password: owner-only.
    const configFile = path.join(dataDir, 'backend-config.json');
    fs.writeFileSync(
      configFile,
      JSON.stringify({
        config: [generated, options.config ?? {}],
        hosts,
      }),
      { mode: 0o600 },
    );
    const backend = new DemoBackendProcess({
      configFile,
      logFile: path.join(dataDir, 'logs', 'backend.log'),
      baseUrl: backendUrl,
      echo: options.echoBackendOutput,
    });
    stops.push(() => backend.stop());
    await backend.start().catch(e => {
      throw portInUse(e, `backend on port ${backendPort}`, 'ports.backend');
    });

    const queueManagers: DemoQueueManagerInfo[] = DEMO_QUEUE_MANAGERS.map(
      qm => {
        const repo = repositories.get(qm.name)!;
        return {
          name: qm.name,
          entityRef: `resource:default/${qm.entityName}`,
          hostName: qm.hostName,
          listener: { host: '127.0.0.1', port: qmPorts[qm.name] },
          targetRoot: repo.root,
          sslKeyRepository: repo.sslKeyRepository,
          certificateLabel: effectiveLabel(qm),
          initialSerials: repo.serials,
        };
      },
    );
    return {
      dataDir,
      urls: {
        backend: backendUrl,
        frontend: frontendUrl,
        vault: vault.address,
        mqweb: simulator.rest!.baseUrl,
        simulatorControl: simulator.control.url,
        entityPages: Object.fromEntries(
          DEMO_QUEUE_MANAGERS.map(qm => [
            qm.entityName,
            `${frontendUrl}/catalog/default/resource/${qm.entityName}`,
          ]),
        ),
      },
      vault,
      simulator,
      queueManagers,
      backend,
      guestToken: () => fetchGuestToken(backendUrl),
      stop: stopAll,
    };
  } catch (e) {
    await stopAll();
    throw e;
  }
}
