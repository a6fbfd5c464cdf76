/** The service-account token file Kubernetes mounts into every pod. */
export const KUBERNETES_SERVICE_ACCOUNT_TOKEN_FILE =
  '/var/run/secrets/kubernetes.io/serviceaccount/token';

/**
 * How the backend authenticates to Vault. Secrets (token, secretId, jwt) are
 * configuration values marked `@visibility secret`; they are never logged.
 *
 * @public
 */
export type VaultAuthConfig =
  | {
      method: 'token';
      token: string;
    }
  | {
      method: 'approle';
      /** Auth mount path, default `approle`. */
      mountPath?: string;
      roleId: string;
      secretId?: string;
    }
  | {
      method: 'kubernetes';
      /** Auth mount path, default `kubernetes`. */
      mountPath?: string;
      role: string;
      /** Service-account JWT file, read again at each login (kubelet rotates it). */
      jwtFile?: string;
    }
  | {
      method: 'jwt';
      /** Auth mount path, default `jwt`. */
      mountPath?: string;
      /** Omitted: Vault uses the mount's default_role. */
      role?: string;
      jwt?: string;
      /** Read again at each login; used when `jwt` is not given. */
      jwtFile?: string;
    };

/** Default auth mount paths per method. */
export const DEFAULT_AUTH_MOUNTS = {
  approle: 'approle',
  kubernetes: 'kubernetes',
  jwt: 'jwt',
} as const;
