import { promises as fs } from 'node:fs';
import type NodeVault from 'node-vault';
import {
  DEFAULT_AUTH_MOUNTS,
  KUBERNETES_SERVICE_ACCOUNT_TOKEN_FILE,
  type VaultAuthConfig,
} from './authConfig';
import { callWithRetries, type RetryDeps } from './callWithRetries';
import type { VaultOperation } from './hints';
import { vaultMountPath } from './paths';
import { isVaultError } from './VaultError';

/** What Vault says about the backend's token; never the token itself. @public */
export interface VaultTokenInfo {
  /** Seconds left; undefined when the token does not expire (root). */
  ttlSeconds?: number;
  renewable: boolean;
  policies: string[];
  expireTime?: string;
  type?: string;
  displayName?: string;
}

interface TokenState {
  /** Lease in seconds when obtained or last renewed; 0 = does not expire. */
  leaseSeconds: number;
  /** Lease of the last login, to tell a renewal capped at max TTL. */
  loginLeaseSeconds: number;
  renewable: boolean;
  obtainedAt: number;
}

/** Options of the token manager. */
export interface VaultTokenManagerOptions {
  auth: VaultAuthConfig;
  /** The client that sends every authenticated request. */
  client: NodeVault.client;
  /** A client without a token, used only to log in. */
  loginClient: NodeVault.client;
  retry: RetryDeps;
  /** Renew once this fraction of the lease has passed (default 2/3, as Vault Agent does). */
  renewFraction?: number;
  readFile?: (path: string) => Promise<string>;
}

type Json = Record<string, any>;

/**
 * Keeps the backend's Vault token usable: logs in (AppRole, Kubernetes,
 * JWT) or takes the configured token and looks it up; renews it once
 * `renewFraction` of its lease has passed; logs in again when a renewal is
 * refused or capped at the token's max TTL. Renewal happens lazily before a
 * request, so no timer outlives the client. Concurrent callers share one
 * login or renewal.
 */
export class VaultTokenManager {
  private state?: TokenState;
  private inFlight?: Promise<void>;
  /** Increases with every new token, so a caller can tell whether someone else already logged in again. */
  private tokenGeneration = 0;
  private readonly renewFraction: number;
  private readonly readFile: (path: string) => Promise<string>;

  constructor(private readonly options: VaultTokenManagerOptions) {
    this.renewFraction = options.renewFraction ?? 2 / 3;
    this.readFile = options.readFile ?? (p => fs.readFile(p, 'utf8'));
  }

  /** Whether a rejected token can be replaced by logging in again. */
  get canLogin(): boolean {
    return this.options.auth.method !== 'token';
  }

  get generation(): number {
    return this.tokenGeneration;
  }

  /** Makes sure a token is set and not due for renewal. */
  async ensureFresh(): Promise<void> {
    if (this.inFlight) return this.inFlight;
    const s = this.state;
    if (!s) return this.singleFlight(() => this.initialize());
    if (!s.leaseSeconds) return undefined;
    const age = this.options.retry.clock.now() - s.obtainedAt;
    if (age < s.leaseSeconds * 1000 * this.renewFraction) return undefined;
    return this.singleFlight(() => this.refresh());
  }

  /**
   * Logs in again after Vault called the token invalid, unless another
   * caller already did since `seenGeneration`.
   */
  async reloginAfterInvalidToken(seenGeneration: number): Promise<void> {
    if (this.tokenGeneration !== seenGeneration) return undefined;
    if (this.inFlight) return this.inFlight;
    this.options.retry.logger?.info(
      `Vault called the backend's token invalid (expired or revoked); logging in again with ${this.options.auth.method}`,
    );
    return this.singleFlight(() => this.login());
  }

  /** Looks the current token up (auth/token/lookup-self). */
  async lookup(): Promise<VaultTokenInfo> {
    const op: VaultOperation = {
      description: 'look up its own token',
      path: 'auth/token/lookup-self',
      area: 'token',
      capabilities: ['read'],
    };
    const res: Json = await callWithRetries(
      op,
      () => this.options.client.tokenLookupSelf(),
      this.options.retry,
    );
    const d: Json = res?.data ?? {};
    return {
      ttlSeconds:
        typeof d.ttl === 'number' && (d.ttl > 0 || d.expire_time)
          ? d.ttl
          : undefined,
      renewable: d.renewable === true,
      policies: Array.isArray(d.policies) ? d.policies : [],
      expireTime: typeof d.expire_time === 'string' ? d.expire_time : undefined,
      type: typeof d.type === 'string' ? d.type : undefined,
      displayName:
        typeof d.display_name === 'string' ? d.display_name : undefined,
    };
  }

  private singleFlight(work: () => Promise<void>): Promise<void> {
    if (!this.inFlight) {
      this.inFlight = work().finally(() => {
        this.inFlight = undefined;
      });
    }
    return this.inFlight;
  }

  private async initialize(): Promise<void> {
    const auth = this.options.auth;
    if (auth.method !== 'token') {
      await this.login();
      return;
    }
    this.options.client.token = auth.token;
    this.tokenGeneration += 1;
    const now = this.options.retry.clock.now();
    try {
      const info = await this.lookup();
      this.state = {
        leaseSeconds: info.ttlSeconds ?? 0,
        loginLeaseSeconds: info.ttlSeconds ?? 0,
        renewable: info.renewable,
        obtainedAt: now,
      };
    } catch (error) {
      // Knowing the lease only serves renewal; the call itself will show
      // what is wrong with the token (in the caller's terms) if anything is.
      if (!isVaultError(error)) throw error;
      this.options.retry.logger?.warn(
        `Vault token lookup failed, so the token will not be renewed ahead of expiry: ${error.message}`,
      );
      this.state = {
        leaseSeconds: 0,
        loginLeaseSeconds: 0,
        renewable: false,
        obtainedAt: now,
      };
    }
  }

  private async refresh(): Promise<void> {
    const s = this.state!;
    if (s.renewable) {
      try {
        await this.renew();
        const renewed = this.state!;
        const capped =
          renewed.leaseSeconds <
          renewed.loginLeaseSeconds * (1 - this.renewFraction);
        if (!capped || !this.canLogin) return;
        this.options.retry.logger?.info(
          `Vault token renewal was capped at ${renewed.leaseSeconds}s (max TTL near); logging in again`,
        );
      } catch (error) {
        if (!isVaultError(error)) throw error;
        this.options.retry.logger?.warn(
          `Vault token renewal failed: ${error.message}`,
        );
        if (!this.canLogin) {
          // Keep using the token until Vault refuses it; do not retry the
          // renewal before every request.
          s.renewable = false;
          return;
        }
      }
      await this.login();
      return;
    }
    if (this.canLogin) {
      await this.login();
      return;
    }
    // A configured token that cannot be renewed: nothing to do but use it.
    s.leaseSeconds = 0;
  }

  private async renew(): Promise<void> {
    const op: VaultOperation = {
      description: 'renew its own token',
      path: 'auth/token/renew-self',
      area: 'token',
      capabilities: ['update'],
    };
    const res: Json = await callWithRetries(
      op,
      () => this.options.client.tokenRenewSelf({}),
      this.options.retry,
    );
    const lease = Number(res?.auth?.lease_duration ?? 0);
    this.state = {
      leaseSeconds: lease,
      loginLeaseSeconds: this.state?.loginLeaseSeconds ?? lease,
      renewable: res?.auth?.renewable === true,
      obtainedAt: this.options.retry.clock.now(),
    };
    this.options.retry.logger?.debug(
      `Vault token renewed for ${lease}s${
        Array.isArray(res?.warnings) && res.warnings.length
          ? ` (Vault: ${res.warnings.join('; ')})`
          : ''
      }`,
    );
  }

  private async login(): Promise<void> {
    const auth = this.options.auth;
    if (auth.method === 'token') {
      throw new Error('token auth cannot log in'); // guarded by canLogin
    }
    const mount = vaultMountPath(
      auth.mountPath ?? DEFAULT_AUTH_MOUNTS[auth.method],
      'mqCertificates.vault.auth.mountPath',
    );
    const role = auth.method === 'approle' ? undefined : auth.role;
    const op: VaultOperation = {
      description: `log in with ${auth.method} at auth/${mount}`,
      path: `auth/${mount}/login`,
      area: 'auth',
      capabilities: ['update'],
      mount,
      role: auth.method === 'approle' ? auth.roleId : role,
    };
    const loginClient = this.options.loginClient;
    const send = async (): Promise<Json> => {
      // node-vault's kubernetesLogin without mount_point posts to
      // auth//login (node-vault #300): the mount is always passed.
      switch (auth.method) {
        case 'approle':
          return loginClient.approleLogin({
            mount_point: mount,
            role_id: auth.roleId,
            ...(auth.secretId ? { secret_id: auth.secretId } : {}),
          });
        case 'kubernetes':
          return loginClient.kubernetesLogin({
            mount_point: mount,
            role: auth.role,
            jwt: await this.readJwt(
              auth.jwtFile ?? KUBERNETES_SERVICE_ACCOUNT_TOKEN_FILE,
            ),
          });
        case 'jwt': {
          const jwt =
            auth.jwt ??
            (await this.readJwt(
              auth.jwtFile ?? '(mqCertificates.vault.auth.jwtFile)',
            ));
          // node-vault's jwtLogin requires a role; Vault falls back to the
          // mount's default_role when none is sent.
          return auth.role
            ? loginClient.jwtLogin({ mount_point: mount, role: auth.role, jwt })
            : loginClient.write(`auth/${mount}/login`, { jwt });
        }
        default:
          throw new Error('unknown auth method');
      }
    };
    let res: Json;
    try {
      res = await callWithRetries(op, send, this.options.retry);
    } finally {
      // Login commands store the new token on the client that sent them;
      // the login client must stay token-less.
      loginClient.token = undefined as unknown as string;
    }
    const token = res?.auth?.client_token;
    if (typeof token !== 'string' || !token) {
      throw new Error(
        `Vault ${op.description} answered without a token: check that auth/${mount} is a ${auth.method} auth mount`,
      );
    }
    this.options.client.token = token;
    this.tokenGeneration += 1;
    const lease = Number(res.auth.lease_duration ?? 0);
    this.state = {
      leaseSeconds: lease,
      loginLeaseSeconds: lease,
      renewable: res.auth.renewable === true,
      obtainedAt: this.options.retry.clock.now(),
    };
    this.options.retry.logger?.info(
      `Logged in to Vault with ${
        auth.method
      } at auth/${mount} (token lease ${lease}s${
        res.auth.renewable ? ', renewable' : ''
      })`,
    );
  }

  private async readJwt(path: string): Promise<string> {
    try {
      const jwt = (await this.readFile(path)).trim();
      if (!jwt) throw new Error('the file is empty');
      return jwt;
    } catch (error) {
      const reason =
        (error as NodeJS.ErrnoException).code === 'ENOENT'
          ? 'no such file'
          : (error as Error).message;
      throw new Error(
        `cannot read the JWT for Vault ${this.options.auth.method} login from ${path}: ${reason}; set mqCertificates.vault.auth.jwtFile to the service-account token file`,
      );
    }
  }
}
