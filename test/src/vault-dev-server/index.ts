/**
 * A Vault-compatible PKI dev server for tests and the local demo; see README.md.
 */
export { startVaultDevServer } from './startVaultDevServer';
export type {
  StartVaultDevServerOptions,
  VaultDevServer,
} from './startVaultDevServer';
export { VaultDevControl, ControlError } from './control/controlClient';
export type {
  ControlTlsOptions,
  FaultOptions,
  RotatedIssuer,
} from './control/controlClient';
export type { FaultRule, FaultSpec } from './faults/faults';
export type { RequestLogEntry } from './faults/requestLog';
export type { MintJwtOptions } from './auth/jwt';
export type { RotateOptions } from './pki/caLifecycle';
export type { DevTlsMaterial } from './tls/devTls';
export { defaultSeed, MQ_PORTAL_POLICY } from './seed/defaultSeed';
export type * from './seed/seedTypes';
export { LIST_VERB_HEADER } from './http/listVerbSocket';
