import type { LoggerService } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import nodeVault from 'node-vault';
import type { VaultAuthConfig } from './authConfig';
import {
  callWithRetries,
  systemClock,
  type RetryDeps,
  type VaultClock,
} from './callWithRetries';
import type { VaultOperation } from './hints';
import {
  DEFAULT_RETRY_POLICY,
  validateRetryPolicy,
  type RetryPolicy,
} from './retryPolicy';
import {
  readVaultFailure,
  classifyVaultFailure,
  DEFAULT_RETRYABLE_STATUSES,
} from './vaultFailure';
import { VaultTokenManager, type VaultTokenInfo } from './VaultTokenManager';

/** Default request timeout: Vault answers in milliseconds; RSA 4096 keys take a few seconds. */
export const DEFAULT_VAULT_TIMEOUT_MS = 30_000;

/** How to reach and authenticate to Vault. @public */
export interface VaultConnectionOptions {
  /** e.g. `https://vault.example.com:8200`. */
  address: string;
  /** Vault Enterprise namespace, sent as X-Vault-Namespace on every request. */
  namespace?: string;
  auth: VaultAuthConfig;
  /** PEM material for Vault's TLS: CA to trust, client certificate and key. */
  tls?: { ca?: string | Buffer; cert?: string | Buffer; key?: string | Buffer };
  /** Per-request timeout (default 30 s). */
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  /** HTTP statuses retried (default 429, 500, 502, 503; sealed 503 never). */
  retryableStatuses?: number[];
  /** Renew the token once this fraction of its lease has passed (default 2/3). */
  renewFraction?: number;
  logger?: LoggerService;
  /** For tests: time and the random source of the jitter. */
  clock?: VaultClock;
  random?: () => number;
  /** For tests: how JWT files are read. */
  readFile?: (path: string) => Promise<string>;
  /**
   * For tests: replaces node-vault's HTTP layer, so recorded Vault answers
   * go through node-vault's own response handling.
   */
  transport?: VaultTransport;
}

/** One HTTP exchange as node-vault makes it. @public */
export type VaultTransport = (request: {
  method: string;
  uri: string;
  headers: Record<string, string>;
  json?: unknown;
}) => Promise<{ statusCode: number; body: unknown }>;

function transportAdapter(transport: VaultTransport) {
  // node-vault calls `defaults(rpDefaults)` and then the returned function
  // per request, expecting `{statusCode, body, request: {path}}`.
  return {
    defaults: () => async (request: Parameters<VaultTransport>[0]) => ({
      ...(await transport(request)),
      request: { path: new URL(request.uri).pathname },
    }),
  };
}

/**
 * Builds a node-vault client with everything taken from our configuration,
 * not from the environment: node-vault would otherwise pick up VAULT_TOKEN,
 * VAULT_NAMESPACE, VAULT_PREFIX and VAULT_SKIP_VERIFY silently. Its debug
 * output is switched off because it prints request bodies (keystore
 * passwords) when DEBUG=node-vault is set.
 */
function createNodeVault(options: VaultConnectionOptions, timeoutMs: number) {
  const client = nodeVault({
    endpoint: options.address,
    apiVersion: 'v1',
    pathPrefix: '',
    namespace: options.namespace,
    // Send LIST as GET ?list=1: proxies and some servers refuse the LIST verb.
    noCustomHTTPVerbs: true,
    requestOptions: {
      timeout: timeoutMs,
      ...(options.tls?.ca ? { ca: options.tls.ca } : {}),
      ...(options.tls?.cert ? { cert: options.tls.cert } : {}),
      ...(options.tls?.key ? { key: options.tls.key } : {}),
      // Never switch verification off through VAULT_SKIP_VERIFY.
      strictSSL: true,
    },
    debug: () => undefined,
    ...({ rpDefaults: { strictSSL: true } } as object),
    ...(options.transport
      ? { 'request-promise': transportAdapter(options.transport) }
      : {}),
  } as Parameters<typeof nodeVault>[0]);
  client.token = undefined as unknown as string;
  const c = client as unknown as { namespace?: string; pathPrefix: string };
  c.namespace = options.namespace || undefined;
  c.pathPrefix = '';
  return client;
}

/**
 * One authenticated connection to Vault: a node-vault client, the token
 * manager and the retry policy. `execute` runs a call with a fresh token,
 * retries what may succeed later and, when Vault calls the token invalid
 * (expired or revoked: 403 "invalid token"), logs in again once and repeats
 * the call. A plain "permission denied" is reported at once.
 */
export class VaultSession {
  readonly client: ReturnType<typeof nodeVault>;
  readonly retryDeps: RetryDeps;
  private readonly tokens: VaultTokenManager;

  constructor(readonly options: VaultConnectionOptions) {
    let url: URL;
    try {
      url = new URL(options.address);
    } catch {
      url = new URL('invalid:');
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new InputError(
        `mqCertificates.vault.address: '${options.address}' is not an http(s) URL such as https://vault.example.com:8200`,
      );
    }
    const timeoutMs = options.timeoutMs ?? DEFAULT_VAULT_TIMEOUT_MS;
    if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
      throw new InputError(
        `mqCertificates.vault.timeoutMs: expected a positive number of milliseconds, got ${timeoutMs}`,
      );
    }
    const fraction = options.renewFraction;
    if (fraction !== undefined && !(fraction > 0 && fraction < 1)) {
      throw new InputError(
        `mqCertificates.vault.auth.renewFraction: expected a number between 0 and 1, got ${fraction}`,
      );
    }
    this.client = createNodeVault(options, timeoutMs);
    const loginClient = createNodeVault(options, timeoutMs);
    this.retryDeps = {
      policy: validateRetryPolicy({
        ...DEFAULT_RETRY_POLICY,
        ...options.retry,
      }),
      retryableStatuses:
        options.retryableStatuses ?? DEFAULT_RETRYABLE_STATUSES,
      clock: options.clock ?? systemClock,
      random: options.random,
      logger: options.logger,
      hintContext: {
        address: options.address,
        namespace: options.namespace,
        authMethod: options.auth.method,
        timeoutMs,
      },
    };
    this.tokens = new VaultTokenManager({
      auth: options.auth,
      client: this.client,
      loginClient,
      retry: this.retryDeps,
      renewFraction: options.renewFraction,
      readFile: options.readFile,
    });
  }

  /** Runs one Vault call with token upkeep, retries and typed errors. */
  async execute<T>(
    op: VaultOperation,
    call: (client: ReturnType<typeof nodeVault>) => Promise<T>,
  ): Promise<T> {
    let reloggedIn = false;
    return callWithRetries(
      op,
      async () => {
        await this.tokens.ensureFresh();
        const generation = this.tokens.generation;
        try {
          return await call(this.client);
        } catch (error) {
          const failure = readVaultFailure(error);
          if (
            !failure ||
            classifyVaultFailure(failure) !== 'invalid-token' ||
            !this.tokens.canLogin ||
            reloggedIn
          ) {
            throw error;
          }
          // Exactly one new login per call; if its token is refused too,
          // the error below says so instead of looping.
          reloggedIn = true;
          await this.tokens.reloginAfterInvalidToken(generation);
          return await call(this.client);
        }
      },
      this.retryDeps,
    );
  }

  /** What Vault says about the current token (never the token itself). */
  async lookupToken(): Promise<VaultTokenInfo> {
    await this.tokens.ensureFresh();
    return this.tokens.lookup();
  }
}
