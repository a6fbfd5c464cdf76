import type {
  KeyRepositoryFormat,
  KeystorePasswordRef,
  QueueManagerSpec,
  ServedCertificate,
} from '@mqcert/plugin-mq-certificates-common';
import type {
  AtScheduler,
  DeployTarget,
  KeystoreFormat,
  MqscRunner,
  VaultPkiClient,
} from '@mqcert/plugin-mq-certificates-node';

/**
 * The outside world the backend acts on: queue managers (MQSC), MQ hosts
 * (deploy targets), key repositories, Vault, and TLS listeners. Built from
 * configuration by the node library's factories; replaceable as a whole or
 * in part through `mqCertificatesRuntimeExtensionPoint` (tests, custom
 * transports).
 *
 * @public
 */
export interface MqCertificatesRuntime {
  /** The MQSC runner of a named connection (the entity's `mqcert.io/mq-admin`). */
  getMqscRunner(connection: string): Promise<MqscRunner>;
  /** A named deploy target (the entity's `mqcert.io/deploy-target`). */
  getDeployTarget(name: string): Promise<DeployTarget>;
  /**
   * The `at` scheduler on a deploy target's host, with the target's `at`
   * settings (`mqCertificates.deployTargets.<name>.at`, as the scaffolder
   * module schedules with them): lists and cancels host-mode jobs. Runs over
   * `target.commands`; the caller closes the target. Optional so that
   * runtimes written before host-mode cancel keep compiling; the configured
   * runtime always has it, and without it cancelling a host-mode job fails.
   */
  getAtScheduler?(target: DeployTarget): Promise<AtScheduler>;
  /**
   * runmqsc on a deploy target's host over `target.commands` (its
   * `at.runmqscPath`, the runmqsc the host-mode job ran): rolls back a
   * host-mode job of a queue manager that has no `mq-admin` connection.
   * Optional like getAtScheduler; without it such a rollback is left to a
   * person, with the MQSC to run.
   */
  getHostMqscRunner?(target: DeployTarget): Promise<MqscRunner>;
  /**
   * The key repository format that can open repositories on `target` (KDB
   * needs runmqakm where the files are, so it runs through the target).
   */
  getKeystoreFormat(
    format: KeyRepositoryFormat,
    target: DeployTarget,
  ): Promise<KeystoreFormat>;
  /** The Vault client (revocation of superseded serials). */
  getVaultClient(): Promise<VaultPkiClient>;
  /**
   * Reads a keystore password from Vault KV v2 by its reference (refusing
   * references outside the configured password folder). The result is a
   * secret: callers keep it in memory only.
   */
  readKeystorePassword(ref: KeystorePasswordRef): Promise<string>;
  /**
   * Probes a queue manager's listener, and each TLS channel by its SNI name.
   * Never throws for an unreachable listener: sets `error` instead.
   */
  probeQueueManager(
    spec: QueueManagerSpec,
    options: { timeoutMs: number; signal?: AbortSignal },
  ): Promise<ServedCertificate>;
}
