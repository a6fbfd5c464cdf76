import { LoggerService } from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import { NotImplementedError } from '@backstage/errors';
import {
  createMqscRunner,
  MqscRunner,
  Pkcs12KeystoreFormat,
} from '@mqcert/plugin-mq-certificates-node';
import type { MqCertificatesRuntime } from './types';

function notAvailable(what: string, where: string): never {
  throw new NotImplementedError(
    `${what} is not available in this backend: ${where}`,
  );
}

/**
 * The runtime built from configuration with the node library's factories
 * (`mqCertificates.mqAdmin`, `.deployTargets`, `.vault`, `.probe`), with
 * `overrides` (from `mqCertificatesRuntimeExtensionPoint`) taking
 * precedence part by part. MQSC runners are created once per connection
 * name and reused.
 */
export function createConfiguredRuntime(options: {
  config: Config;
  logger: LoggerService;
  overrides?: Partial<MqCertificatesRuntime>;
}): MqCertificatesRuntime {
  const { config, overrides = {} } = options;
  const runners = new Map<string, Promise<MqscRunner>>();
  const pkcs12 = new Pkcs12KeystoreFormat();
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
      if (format === 'p12') return pkcs12;
      return notAvailable(
        'opening CMS KDB key repositories',
        'install a module that provides the KDB format through mqCertificatesRuntimeExtensionPoint',
      );
    },
    async getDeployTarget(name) {
      return notAvailable(
        `deploy target '${name}'`,
        'configure mqCertificates.deployTargets or provide deploy targets through mqCertificatesRuntimeExtensionPoint',
      );
    },
    async getVaultClient() {
      return notAvailable(
        'the Vault client',
        'configure mqCertificates.vault or provide a client through mqCertificatesRuntimeExtensionPoint',
      );
    },
    async readKeystorePassword() {
      return notAvailable(
        'reading keystore passwords from Vault',
        'configure mqCertificates.vault.keystorePasswords',
      );
    },
    async probeQueueManager() {
      return notAvailable(
        'the TLS probe',
        'configure mqCertificates.probe or provide a probe through mqCertificatesRuntimeExtensionPoint',
      );
    },
  };
  return { ...defaults, ...overrides };
}
