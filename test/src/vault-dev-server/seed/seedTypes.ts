import type { CaSpec, LeafNotAfterBehavior } from '../pki/issuers';

/**
 * The seed: what a fresh dev server holds. Field names follow Vault's API
 * (snake_case) so a seed reads like the calls that would set Vault up.
 * Documented in README.md, "Seed format".
 */
export interface VaultSeed {
  /** Root token id; a random `hvs.…` token when absent. */
  root_token?: string;
  /** Version sys/health and sys/seal-status report. Default 1.19.0. */
  version?: string;
  cluster_name?: string;
  /** Version-dependent behaviour (README, "Quirks"). */
  quirks?: { not_after_bypasses_max_ttl?: boolean };
  /** PKCS#8 PEM of the key JWT/Kubernetes logins trust; generated when absent. */
  jwt_signing_key?: string;
  /** Policy name → HCL or JSON policy text. `default` is built in. */
  policies?: Record<string, string>;
  /** Secrets engines by mount path (`pki`, `pki_int`, `secret`). */
  secrets?: Record<string, SeedSecretsMount>;
  /** Auth methods by path under `auth/` (`approle`, `kubernetes`, `jwt`). */
  auth?: Record<string, SeedAuthMount>;
}

export interface SeedMountCommon {
  description?: string;
  /** Mount tuning, as Go durations or seconds. */
  default_lease_ttl?: string | number;
  max_lease_ttl?: string | number;
}

export interface SeedIssuer extends CaSpec {
  type: 'root' | 'intermediate';
  issuer_name?: string;
  /** For intermediates: the signing mount (`pki`) or mount/issuer (`pki/root-2024`). */
  signed_by?: string;
  /** Import the parent's chain so ca_chain ends at the root (default true). */
  import_parent_chain?: boolean;
  leaf_not_after_behavior?: LeafNotAfterBehavior;
}

export interface SeedPkiMount extends SeedMountCommon {
  type: 'pki';
  issuers?: SeedIssuer[];
  /** Role name → the body of a `roles/:name` write. */
  roles?: Record<string, Record<string, unknown>>;
}

export interface SeedKvMount extends SeedMountCommon {
  type: 'kv';
  /** Only KV version 2 is served; `{ version: "2" }` is the default. */
  options?: { version?: string };
  /** Secret path → data, written as version 1. */
  data?: Record<string, Record<string, unknown>>;
}

export type SeedSecretsMount = SeedPkiMount | SeedKvMount;

export interface SeedAuthMount extends SeedMountCommon {
  type: 'approle' | 'jwt' | 'oidc' | 'kubernetes';
  /** Body of a `config` write (jwt: jwt_validation_pubkeys, bound_issuer, default_role; kubernetes: pem_keys). */
  config?: Record<string, unknown>;
  /**
   * Role name → the body of a `role/:name` write. AppRole roles may also fix
   * `role_id` and `secret_id` (both random otherwise).
   */
  roles?: Record<string, Record<string, unknown>>;
}

/** The AppRole credentials the CLI prints (the seeded role's). */
export interface DevCredentials {
  approle_mount: string;
  role_name: string;
  role_id: string;
  secret_id: string;
}
