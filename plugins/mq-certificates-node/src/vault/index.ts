export { NodeVaultPkiClient } from './VaultPkiClientImpl';
export type { VaultPkiClientOptions, KvSecret } from './VaultPkiClientImpl';
export type { VaultConnectionOptions, VaultTransport } from './VaultSession';
export { DEFAULT_VAULT_TIMEOUT_MS } from './VaultSession';
export type { VaultAuthConfig } from './authConfig';
export { KUBERNETES_SERVICE_ACCOUNT_TOKEN_FILE } from './authConfig';
export type { VaultTokenInfo } from './VaultTokenManager';
export { VaultError, isVaultError } from './VaultError';
export type { VaultFailureKind } from './vaultFailure';
export { DEFAULT_RETRY_POLICY } from './retryPolicy';
export type { RetryPolicy } from './retryPolicy';
export type { VaultClock } from './callWithRetries';
export { VaultKeystorePasswordStore } from './KeystorePasswordStore';
export type {
  KeystorePasswordLocation,
  KeystorePasswordStoreOptions,
  StoredKeystorePassword,
} from './KeystorePasswordStore';
export { createVaultClientFromConfig, readVaultSettings } from './config';
export type { VaultSettings } from './config';
export { parsePkiRoleRef } from './paths';
