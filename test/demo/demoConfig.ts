/*
 * The demo backend's configuration: the root app-config.yaml, then what the
 * stack generated (ports, folders, the dev Vault's credentials, the
 * simulator's mqweb), then the caller's overrides, highest last.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ConfigReader } from '@backstage/config';
import type { JsonObject } from '@backstage/types';
import YAML from 'yaml';
import type { QueueManagerSimulator } from '../src/qm-simulator';
import type { VaultDevServer } from '../src/vault-dev-server';
import type { DemoQueueManager } from './demoQueueManagers';

/** The repository root (this file lives in test/demo). */
export const REPO_ROOT = path.resolve(__dirname, '..', '..');

/** Reads the root app-config.yaml (the demo's documented defaults). */
export function readAppConfig(
  file = path.join(REPO_ROOT, 'app-config.yaml'),
): JsonObject {
  return (YAML.parse(fs.readFileSync(file, 'utf8')) ?? {}) as JsonObject;
}

/** Layers config objects, later ones taking precedence (Backstage's own merge). */
export function layerConfig(
  layers: { context: string; data: JsonObject }[],
): ConfigReader {
  return ConfigReader.fromConfigs(layers);
}

/** What the generated configuration is made of. */
export interface DemoConfigInputs {
  dataDir: string;
  backendPort: number;
  frontendBaseUrl: string;
  vault: VaultDevServer;
  sim: QueueManagerSimulator;
  queueManagers: readonly DemoQueueManager[];
  /** Deploy target root per queue manager name. */
  targetRoots: Record<string, string>;
  /** The catalog file that holds the queue-manager entities to load. */
  queueManagerEntitiesFile: string;
  /** Vault's root CA (PEM): what the probe trusts. */
  probeCaPem: string;
}

/** The configuration the running stack needs on top of app-config.yaml. */
export function generatedDemoConfig(inputs: DemoConfigInputs): JsonObject {
  const { sim, vault } = inputs;
  const rest = sim.rest;
  if (!rest) throw new Error('demo: the simulator runs without mqweb');
  const backendBaseUrl = `http://localhost:${inputs.backendPort}`;
  const examples = path.join(REPO_ROOT, 'examples');
  const deployTargets: JsonObject = {};
  const mqAdmin: JsonObject = {};
  for (const qm of inputs.queueManagers) {
    deployTargets[qm.deployTarget] = {
      type: 'local',
      root: inputs.targetRoots[qm.name],
      keepRevisions: 3,
    };
    mqAdmin[qm.mqAdmin] = {
      type: 'rest',
      baseUrl: rest.baseUrl,
      apiVersion: 'v2',
      username: rest.username,
      password: rest.password,
      ca: rest.caPem,
      csrfToken: 'mq-certificates-demo',
      timeoutMs: 60_000,
    };
  }
  return {
    app: { baseUrl: inputs.frontendBaseUrl },
    backend: {
      baseUrl: backendBaseUrl,
      listen: { port: inputs.backendPort, host: '127.0.0.1' },
      cors: { origin: inputs.frontendBaseUrl, credentials: true },
      database: {
        client: 'better-sqlite3',
        // One SQLite file per plugin in the data folder, so a restarted
        // backend finds its state (crash tests) and nothing is shared.
        connection: { directory: path.join(inputs.dataDir, 'db') },
      },
    },
    catalog: {
      locations: [
        {
          type: 'file',
          target: path.join(examples, 'entities', 'org.yaml'),
          rules: [{ allow: ['Group', 'User'] }],
        },
        {
          type: 'file',
          target: inputs.queueManagerEntitiesFile,
          rules: [{ allow: ['Resource'] }],
        },
        {
          type: 'file',
          // A glob: every template the examples folder holds.
          target: path.join(examples, 'templates', '*.yaml'),
          rules: [{ allow: ['Template'] }],
        },
      ],
    },
    mqCertificates: {
      vault: {
        address: vault.address,
        auth: {
          method: 'approle',
          roleId: vault.roleId,
          secretId: vault.secretId,
        },
        defaultPkiRole: 'pki_int/mq-queue-managers',
        keystorePasswords: { mount: 'secret', pathPrefix: 'mq/keystores' },
      },
      deployTargets,
      mqAdmin,
      probe: { ca: inputs.probeCaPem, timeoutMs: 5000 },
      scaffolder: {
        privateDirectory: path.join(inputs.dataDir, 'private'),
      },
    },
  };
}
