/*
 * The demo's Backstage backend (new backend system): catalog with the
 * example entities and templates, scaffolder with the MQ actions, the
 * mq-certificates plugin, guest sign-in, and the owner permission policy,
 * on SQLite. Used in process by startDemoStack and as its own process by
 * backendMain.ts (so tests can kill it).
 */
import { createBackend } from '@backstage/backend-defaults';
import {
  coreServices,
  createBackendModule,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import mqCertificatesPlugin, {
  mqCertificatesPermissionPolicyModule,
  mqCertificatesRuntimeExtensionPoint,
} from '@mqcert/plugin-mq-certificates-backend';
import type { QueueManagerSpec } from '@mqcert/plugin-mq-certificates-common';
import {
  createDeployTarget,
  createTlsProbe,
  createVaultClientFromConfig,
  probeQueueManager,
  VaultKeystorePasswordStore,
  type DeployTarget,
  type NodeVaultPkiClient,
  type TlsProbe,
} from '@mqcert/plugin-mq-certificates-node';
import scaffolderMqModule from '@mqcert/plugin-scaffolder-backend-module-mq-certificates';

/** The Backstage backend as createBackend() returns it. */
export type DemoBackstageBackend = ReturnType<typeof createBackend>;

/**
 * A TLS probe that resolves some host names itself, like an /etc/hosts
 * entry: the demo entities name `qm1.mq.example.test`, which no DNS
 * resolves, while the simulator listens on 127.0.0.1.
 */
export class HostMappingTlsProbe implements TlsProbe {
  constructor(
    private readonly inner: TlsProbe,
    private readonly hosts: Record<string, string>,
  ) {}

  probe(request: Parameters<TlsProbe['probe']>[0]) {
    const host = this.hosts[request.host.toLowerCase()] ?? request.host;
    return this.inner.probe({ ...request, host });
  }
}

/**
 * Supplies the parts of the mq-certificates runtime that the backend
 * plugin does not build from configuration itself (deploy targets, Vault,
 * keystore passwords, the probe), from the same `mqCertificates.*` keys the
 * scaffolder module reads, using the node library's factories.
 */
export function demoRuntimeModule(options: { hosts: Record<string, string> }) {
  return createBackendModule({
    pluginId: 'mq-certificates',
    moduleId: 'demo-runtime',
    register(env) {
      env.registerInit({
        deps: {
          runtime: mqCertificatesRuntimeExtensionPoint,
          config: coreServices.rootConfig,
          logger: coreServices.logger,
        },
        async init({ runtime, config, logger }) {
          let vault: NodeVaultPkiClient | undefined;
          const vaultClient = () =>
            (vault ??= createVaultClientFromConfig(config, { logger }));
          const targets = new Map<string, Promise<DeployTarget>>();
          const probe = new HostMappingTlsProbe(
            createTlsProbe(config),
            options.hosts,
          );
          runtime.setRuntime({
            getDeployTarget(name) {
              let target = targets.get(name);
              if (!target) {
                target = createDeployTarget(name, config);
                target.catch(() => targets.delete(name));
                targets.set(name, target);
              }
              return target;
            },
            async getVaultClient() {
              return vaultClient();
            },
            async readKeystorePassword(ref) {
              const client = vaultClient();
              return new VaultKeystorePasswordStore(
                client,
                client.keystorePasswords ?? {
                  mount: 'secret',
                  pathPrefix: 'mq/keystores',
                },
              ).readPassword(ref);
            },
            probeQueueManager(spec: QueueManagerSpec, o) {
              return probeQueueManager(spec, {
                probe,
                timeoutMs: o.timeoutMs,
                signal: o.signal,
              });
            },
          });
        },
      });
    },
  });
}

/** Creates (does not start) the demo backend on the given configuration. */
export function createDemoBackend(options: {
  config: Config;
  /** Host name → address the probe connects to instead. */
  hosts: Record<string, string>;
}): DemoBackstageBackend {
  const backend = createBackend();
  backend.add(
    createServiceFactory({
      service: coreServices.rootConfig,
      deps: {},
      factory: () => options.config,
    }),
  );
  backend.add(import('@backstage/plugin-auth-backend'));
  backend.add(import('@backstage/plugin-auth-backend-module-guest-provider'));
  backend.add(import('@backstage/plugin-catalog-backend'));
  backend.add(
    import('@backstage/plugin-catalog-backend-module-scaffolder-entity-model'),
  );
  backend.add(import('@backstage/plugin-permission-backend'));
  backend.add(mqCertificatesPermissionPolicyModule);
  backend.add(import('@backstage/plugin-scaffolder-backend'));
  backend.add(scaffolderMqModule);
  backend.add(mqCertificatesPlugin);
  backend.add(demoRuntimeModule({ hosts: options.hosts }));
  return backend;
}
