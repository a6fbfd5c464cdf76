import { LoggerService } from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import {
  CmsKdbKeystoreFormat,
  createAtScheduler,
  createDeployTarget,
  createHostMqscRunner,
  createMqscRunner,
  createTlsProbe,
  createVaultClientFromConfig,
  KeystoreFormat,
  LocalCommandWorkspace,
  MqscRunner,
  NodeTlsProbe,
  NodeVaultPkiClient,
  Pkcs12KeystoreFormat,
  probeQueueManager,
  VaultKeystorePasswordStore,
} from '@mqcert/plugin-mq-certificates-node';
import type { MqCertificatesRuntime } from './types';

/** Where keystore passwords live when `vault.keystorePasswords` is not set (the node library's default). */
const DEFAULT_PASSWORD_FOLDER = { mount: 'secret', pathPrefix: 'mq/keystores' };

/**
 * The runtime built from configuration with the node library's factories,
 * with `overrides` (from `mqCertificatesRuntimeExtensionPoint`) taking
 * precedence part by part:
 *
 * - MQSC runners: `mqCertificates.mqAdmin.<name>` (rest or ssh), created once
 *   per connection name and reused (a failed creation is retried next time).
 * - Deploy targets: `mqCertificates.deployTargets.<name>` (local or ssh),
 *   opened per use; the caller closes them (an SSH connection is not kept
 *   open between jobs, so a restarted host never leaves a dead one cached).
 * - Host-mode tools of a deploy target: its `at` scheduler and runmqsc,
 *   from `mqCertificates.deployTargets.<name>.at` through the node library
 *   (the same factories the scaffolder module schedules with).
 * - Key repository formats: PKCS#12 in process; CMS KDB through `runmqakm`
 *   on the backend's machine (`mqCertificates.scaffolder.runmqakm`, the
 *   same setting the scaffolder actions use, default `runmqakm` on PATH).
 * - Vault: `mqCertificates.vault` (one client, created on first use), also
 *   for the keystore passwords in KV v2 (`vault.keystorePasswords`).
 * - The TLS probe: `mqCertificates.probe` (CA PEM or file, timeout).
 *
 * Nothing is connected or read until first used, so a backend without e.g.
 * Vault configured starts, and the error names the missing setting when a
 * job needs it.
 */
export function createConfiguredRuntime(options: {
  config: Config;
  logger: LoggerService;
  overrides?: Partial<MqCertificatesRuntime>;
}): MqCertificatesRuntime {
  const { config, logger, overrides = {} } = options;
  const runners = new Map<string, Promise<MqscRunner>>();
  const formats: Partial<Record<'p12' | 'kdb', KeystoreFormat>> = {};
  let vault: NodeVaultPkiClient | undefined;
  let probe: NodeTlsProbe | undefined;

  const vaultClient = (): NodeVaultPkiClient => {
    if (!config.has('mqCertificates.vault')) {
      throw new InputError(
        'mqCertificates.vault is not configured: the backend needs Vault (address and auth) to read keystore passwords and revoke superseded certificates',
      );
    }
    vault ??= createVaultClientFromConfig(config, { logger });
    return vault;
  };

  const defaults: MqCertificatesRuntime = {
    getMqscRunner(connection) {
      let runner = runners.get(connection);
      if (!runner) {
        runner = createMqscRunner(connection, config);
        runner.catch(() => runners.delete(connection));
        runners.set(connection, runner);
      }
      return runner;
    },
    async getKeystoreFormat(format) {
      formats[format] ??=
        format === 'kdb'
          ? new CmsKdbKeystoreFormat({
              workspace: new LocalCommandWorkspace(),
              runmqakm: config.getOptionalString(
                'mqCertificates.scaffolder.runmqakm',
              ),
            })
          : new Pkcs12KeystoreFormat();
      return formats[format]!;
    },
    getDeployTarget(name) {
      return createDeployTarget(name, config);
    },
    async getAtScheduler(target) {
      return createAtScheduler(target.name, config, target.commands);
    },
    async getHostMqscRunner(target) {
      return createHostMqscRunner(target.name, config, target.commands);
    },
    async getVaultClient() {
      return vaultClient();
    },
    async readKeystorePassword(ref) {
      const client = vaultClient();
      const store = new VaultKeystorePasswordStore(
        client,
        client.keystorePasswords ?? DEFAULT_PASSWORD_FOLDER,
      );
      return store.readPassword(ref);
    },
    async probeQueueManager(spec, probeOptions) {
      // The probe reads no secret; without mqCertificates.probe it trusts no
      // CA, so served chains are reported as untrusted but serials still read.
      probe ??= createTlsProbe(config);
      return probeQueueManager(spec, {
        probe,
        timeoutMs: probeOptions.timeoutMs,
        signal: probeOptions.signal,
      });
    },
  };
  return { ...defaults, ...overrides };
}
