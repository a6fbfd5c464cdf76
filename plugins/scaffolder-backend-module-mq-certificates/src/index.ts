/**
 * Scaffolder actions that issue, package, stage and schedule IBM MQ
 * certificate rotations, and render Vault Agent bundles for host-driven
 * renewal.
 *
 * @packageDocumentation
 */

export { scaffolderModuleMqCertificates as default } from './module';
export * from './actions';
export type {
  CutoverScriptRequest,
  KeystorePasswords,
  MqActionsEnvironment,
} from './lib/environment';
export {
  createMqActionsEnvironment,
  type HostModeFactories,
  type MqActionsEnvironmentOverrides,
} from './lib/createEnvironment';
export {
  HttpMqCertificatesBackendClient,
  type MqCertificatesBackendApi,
} from './lib/backendClient';
export { PrivateKeyFolders, entitySlug } from './lib/privateFolder';
export {
  readScaffolderSettings,
  type MqScaffolderSettings,
} from './lib/settings';
