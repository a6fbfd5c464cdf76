import type { PermissionsService } from '@backstage/backend-plugin-api';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import type { KeyRepositoryFormat } from '@mqcert/plugin-mq-certificates-common';
import type {
  AtScheduler,
  DeployTarget,
  KeystoreFormat,
  MqscRunner,
  VaultKeystorePasswordStore,
  VaultPkiClient,
} from '@mqcert/plugin-mq-certificates-node';
import type { MqCertificatesBackendApi } from './backendClient';
import type { PrivateKeyFolders } from './privateFolder';
import type { MqScaffolderSettings } from './settings';

/** What the host-mode cut-over script needs. @public */
export interface CutoverScriptRequest {
  queueManager: string;
  /** The new SSLKEYR value (absolute on the MQ host). */
  sslKeyRepository: string;
  certificateLabel: string;
  /** The deploy target it runs on (its `at.runmqscPath` applies). */
  deployTarget?: string;
}

/** Keystore passwords in Vault KV v2 (only references leave it). @public */
export type KeystorePasswords = Pick<
  VaultKeystorePasswordStore,
  'createPassword' | 'readPassword' | 'pathFor'
>;

/**
 * Everything the actions use, injected so tests can pass stand-ins and the
 * module can build the real ones from configuration. Factories are called
 * when an action needs them, so a missing Vault or target configuration
 * fails the task that needs it (with the key to set), not the backend's
 * start.
 *
 * @public
 */
export interface MqActionsEnvironment {
  catalog: CatalogService;
  permissions: PermissionsService;
  backend: MqCertificatesBackendApi;
  settings: MqScaffolderSettings;
  privateFolders: PrivateKeyFolders;
  vault(): VaultPkiClient;
  /** Role used when an entity names none (mqCertificates.vault.defaultPkiRole). */
  defaultPkiRole(): { mount: string; role: string } | undefined;
  passwords(): KeystorePasswords;
  keystoreFormat(format: KeyRepositoryFormat): KeystoreFormat;
  /** Opens a deploy target; the caller closes it. */
  openDeployTarget(name: string): Promise<DeployTarget>;
  mqscRunner(name: string): MqscRunner | Promise<MqscRunner>;
  atScheduler(target: DeployTarget): AtScheduler;
  /** The shell script `at` runs on the MQ host for a host-mode cut-over. */
  renderCutoverScript(request: CutoverScriptRequest): string;
  /** Root and MQ root of a deploy target, from configuration (no connection). */
  deployTargetSettings?(
    name: string,
  ): { root?: string; mqRoot?: string } | undefined;
  /** Vault's address (mqCertificates.vault.address), for rendered agent bundles. */
  vaultAddress?(): string | undefined;
  now(): Date;
}
