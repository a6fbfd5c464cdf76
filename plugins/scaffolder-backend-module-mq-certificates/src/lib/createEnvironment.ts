import type {
  AuthService,
  DiscoveryService,
  LoggerService,
  PermissionsService,
  RootConfigService,
} from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import {
  CmsKdbKeystoreFormat,
  createDeployTarget,
  createMqscRunner,
  createVaultClientFromConfig,
  LocalCommandWorkspace,
  NodeVaultPkiClient,
  Pkcs12KeystoreFormat,
  VaultKeystorePasswordStore,
  type AtScheduler,
  type DeployTarget,
  type KeystoreFormat,
} from '@mqcert/plugin-mq-certificates-node';
import { HttpMqCertificatesBackendClient } from './backendClient';
import type { CutoverScriptRequest, MqActionsEnvironment } from './environment';
import { PrivateKeyFolders } from './privateFolder';
import { readScaffolderSettings } from './settings';

/** Replaceable parts of the environment (tests, other implementations). @public */
export type MqActionsEnvironmentOverrides = Partial<
  Omit<MqActionsEnvironment, 'catalog' | 'permissions'>
>;

/** Host-mode pieces that live in the node library's `at` module. */
export interface HostModeFactories {
  atScheduler(target: DeployTarget): AtScheduler;
  renderCutoverScript(request: CutoverScriptRequest): string;
}

/**
 * Builds the actions' environment from configuration: Vault
 * (`mqCertificates.vault`), deploy targets
 * (`mqCertificates.deployTargets`), MQSC connections
 * (`mqCertificates.mqAdmin`) and `mqCertificates.scaffolder`; the backend
 * plugin is called through discovery with on-behalf-of tokens.
 *
 * @public
 */
export function createMqActionsEnvironment(options: {
  config: RootConfigService;
  logger: LoggerService;
  auth: AuthService;
  discovery: DiscoveryService;
  permissions: PermissionsService;
  catalog: CatalogService;
  hostMode?: HostModeFactories;
  overrides?: MqActionsEnvironmentOverrides;
}): MqActionsEnvironment {
  const { config, logger, overrides = {} } = options;
  const settings = overrides.settings ?? readScaffolderSettings(config);
  let vault: NodeVaultPkiClient | undefined;
  const vaultClient = () => {
    if (!config.has('mqCertificates.vault')) {
      throw new InputError(
        'mqCertificates.vault is not configured: the actions need a Vault address and auth (see the README, "Pointing at a real Vault")',
      );
    }
    vault ??= createVaultClientFromConfig(config, { logger });
    return vault;
  };
  const formats: Partial<Record<'p12' | 'kdb', KeystoreFormat>> = {};
  const hostMode = options.hostMode;
  return {
    catalog: options.catalog,
    permissions: options.permissions,
    settings,
    privateFolders:
      overrides.privateFolders ??
      new PrivateKeyFolders(settings.privateDirectory, {
        maxAgeMs: settings.privateFolderMaxAgeMs,
      }),
    backend:
      overrides.backend ??
      new HttpMqCertificatesBackendClient({
        auth: options.auth,
        discovery: options.discovery,
      }),
    vault: overrides.vault ?? vaultClient,
    defaultPkiRole:
      overrides.defaultPkiRole ??
      (() =>
        config.has('mqCertificates.vault')
          ? vaultClient().defaultPkiRole
          : undefined),
    passwords:
      overrides.passwords ??
      (() => {
        const client = vaultClient();
        return new VaultKeystorePasswordStore(
          client,
          client.keystorePasswords ?? {
            mount: 'secret',
            pathPrefix: 'mq/keystores',
          },
        );
      }),
    keystoreFormat:
      overrides.keystoreFormat ??
      (format => {
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
      }),
    openDeployTarget:
      overrides.openDeployTarget ?? (name => createDeployTarget(name, config)),
    mqscRunner:
      overrides.mqscRunner ?? (name => createMqscRunner(name, config)),
    atScheduler:
      overrides.atScheduler ??
      (target => {
        if (!hostMode) {
          throw new InputError(
            'mode: host cut-overs are not available in this backend (no at scheduler); use mode portal',
          );
        }
        return hostMode.atScheduler(target);
      }),
    renderCutoverScript:
      overrides.renderCutoverScript ??
      (request => {
        if (!hostMode) {
          throw new InputError(
            'mode: host cut-overs are not available in this backend (no cut-over script renderer); use mode portal',
          );
        }
        return hostMode.renderCutoverScript(request);
      }),
    deployTargetSettings:
      overrides.deployTargetSettings ??
      (name => {
        const c = config.getOptionalConfig(
          `mqCertificates.deployTargets.${name}`,
        );
        return c
          ? {
              root: c.getOptionalString('root'),
              mqRoot: c.getOptionalString('mqRoot'),
            }
          : undefined;
      }),
    vaultAddress:
      overrides.vaultAddress ??
      (() => config.getOptionalString('mqCertificates.vault.address')),
    now: overrides.now ?? (() => new Date()),
  };
}
