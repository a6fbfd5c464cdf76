/*
 * startQueueManagerSimulator: simulated queue managers (TLS listeners), one
 * simulated mqweb serving all of them, the control API, and a `runmqsc`
 * wrapper script that reaches them (for SSH and `at` tests).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Server } from 'node:net';
import type { QueueManagerSimulatorConfig, SimulatorFaults } from './config';
import { startControlServer } from './controlServer';
import type { MqscResult } from './mqscResult';
import { SimulatedQueueManager, type QueueManagerState } from './QueueManager';
import { startRestServer } from './restServer';
import { createTestCertificate } from './testPki';

/** One running simulated queue manager. */
export interface SimulatedQueueManagerInfo {
  name: string;
  listener: { host: string; port: number };
  /** mqweb's base URL (the runner's `baseUrl`), when REST is enabled. */
  restUrl?: string;
  /** The full mqsc resource URL (v2), when REST is enabled. */
  mqscUrl?: string;
}

/** Control of the running simulator, in process. */
export interface SimulatorControl {
  /** The control API's base URL (MQSIM_CONTROL_URL of the runmqsc stand-in). */
  url: string;
  setFaults(queueManager: string, faults: SimulatorFaults): SimulatorFaults;
  clearFaults(queueManager: string): void;
  state(queueManager: string): QueueManagerState;
  /** Runs one MQSC command directly (no HTTP). */
  execute(queueManager: string, command: string): MqscResult;
}

/** What startQueueManagerSimulator returns. */
export interface QueueManagerSimulator {
  queueManagers: SimulatedQueueManagerInfo[];
  rest?: {
    baseUrl: string;
    /** PEM CA that signed mqweb's certificate (give it to the runner as `caPem`). */
    caPem: string;
    username: string;
    password: string;
  };
  control: SimulatorControl;
  /** A runmqsc wrapper that reaches this simulator (absolute path). */
  runmqscPath: string;
  stateDir: string;
  stop(): Promise<void>;
}

// Test code runs from source (never from a build), so the file beside this one is the stand-in.
// eslint-disable-next-line no-restricted-syntax
const STAND_IN = path.join(__dirname, 'bin', 'runmqsc.js');

function closeServer(server: Server): Promise<void> {
  return new Promise(resolve => {
    server.close(() => resolve());
    (
      server as Server & { closeAllConnections?: () => void }
    ).closeAllConnections?.();
  });
}

/** Starts the simulator described by `config`. */
export async function startQueueManagerSimulator(
  config: QueueManagerSimulatorConfig,
): Promise<QueueManagerSimulator> {
  const queueManagers = new Map<string, SimulatedQueueManager>();
  for (const qmConfig of config.queueManagers) {
    if (queueManagers.has(qmConfig.name))
      throw new Error(`queue manager ${qmConfig.name} is configured twice`);
    queueManagers.set(qmConfig.name, new SimulatedQueueManager(qmConfig));
  }
  const servers: Server[] = [];
  const stopAll = async () => {
    await Promise.all([...queueManagers.values()].map(q => q.stop()));
    await Promise.all(servers.map(closeServer));
  };
  try {
    for (const qm of queueManagers.values()) await qm.start();

    let rest: QueueManagerSimulator['rest'];
    if (config.rest?.enabled !== false) {
      const restConfig = config.rest ?? {};
      let certificatePem = restConfig.certificatePem;
      let privateKeyPem = restConfig.privateKeyPem;
      let caPem = certificatePem ?? '';
      if (!certificatePem || !privateKeyPem) {
        const ca = createTestCertificate({
          commonName: 'MQ simulator mqweb CA',
        });
        const leaf = createTestCertificate({
          commonName: 'localhost',
          issuer: ca,
          dnsNames: ['localhost'],
          ipAddresses: ['127.0.0.1'],
        });
        certificatePem = leaf.certificatePem;
        privateKeyPem = leaf.privateKeyPem;
        caPem = ca.certificatePem;
      }
      const started = await startRestServer({
        config: restConfig,
        certificatePem,
        privateKeyPem,
        queueManagers,
      });
      servers.push(started.server);
      const user = restConfig.users?.[0] ?? {
        username: 'admin',
        password: 'passw0rd',
      };
      rest = {
        baseUrl: `https://${started.host}:${started.port}`,
        caPem,
        ...user,
      };
    }

    const control = await startControlServer({
      ...config.control,
      queueManagers,
    });
    servers.push(control.server);

    const stateDir =
      config.stateDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'mqsim-'));
    fs.mkdirSync(path.join(stateDir, 'bin'), { recursive: true });
    const runmqscPath = path.join(stateDir, 'bin', 'runmqsc');
    fs.writeFileSync(
      runmqscPath,
      `#!/bin/sh\n# runmqsc stand-in of the MQ simulator whose control API is ${control.url}\nMQSIM_CONTROL_URL='${control.url}' exec '${process.execPath}' '${STAND_IN}' "$@"\n`,
      { mode: 0o755 },
    );

    const get = (name: string) => {
      const qm = queueManagers.get(name);
      if (!qm) throw new Error(`the simulator has no queue manager ${name}`);
      return qm;
    };
    const info = [...queueManagers.values()].map(q => ({
      name: q.name,
      listener: q.listener,
      restUrl: rest?.baseUrl,
      mqscUrl: rest
        ? `${rest.baseUrl}/ibmmq/rest/v2/admin/action/qmgr/${encodeURIComponent(
            q.name,
          )}/mqsc`
        : undefined,
    }));
    fs.writeFileSync(
      path.join(stateDir, 'control.json'),
      JSON.stringify(
        {
          controlUrl: control.url,
          runmqscPath,
          queueManagers: info,
          rest: rest && { ...rest, password: undefined },
        },
        null,
        2,
      ),
    );
    return {
      queueManagers: info,
      rest,
      control: {
        url: control.url,
        setFaults: (name, faults) => get(name).setFaults(faults),
        clearFaults: name => get(name).clearFaults(),
        state: name => get(name).state(),
        execute: (name, command) => get(name).execute(command),
      },
      runmqscPath,
      stateDir,
      stop: stopAll,
    };
  } catch (e) {
    await stopAll();
    throw e;
  }
}
