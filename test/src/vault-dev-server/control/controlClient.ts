import http from 'node:http';
import https from 'node:https';
import type { MintJwtOptions } from '../auth/jwt';
import type { FaultRule, FaultSpec } from '../faults/faults';
import type { RequestLogEntry } from '../faults/requestLog';
import type { RotateOptions } from '../pki/caLifecycle';

/** TLS material for talking to an HTTPS dev server (its dev CA, and a client cert when required). */
export interface ControlTlsOptions {
  ca?: string;
  cert?: string;
  key?: string;
}

export interface FaultOptions {
  /** How many matching requests to hit; Infinity until cleared. Default 1. */
  count?: number;
  /** Only this HTTP method (GET, POST, LIST, ...). */
  method?: string;
}

export interface RotatedIssuer {
  issuer_id: string;
  issuer_name: string;
  certificate: string;
  serial_number: string;
  not_after: string;
  ca_chain: string[];
}

export class ControlError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

/**
 * Typed helpers for the dev server's control endpoint (`/_dev`). They speak
 * plain HTTP, so what they do is exactly what any other client can do.
 */
export class VaultDevControl {
  constructor(
    readonly address: string,
    private readonly tls: ControlTlsOptions = {},
  ) {}

  private request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const url = new URL(path, this.address);
    const payload =
      body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const lib = url.protocol === 'https:' ? https : http;
    return new Promise<T>((resolve, reject) => {
      const req = lib.request(
        url,
        {
          method,
          agent: false,
          timeout: 30_000,
          headers: payload
            ? {
                'Content-Type': 'application/json',
                'Content-Length': payload.length,
              }
            : {},
          ...this.tls,
        },
        res => {
          const chunks: Buffer[] = [];
          res.on('data', c => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString();
            const parsed = text ? JSON.parse(text) : undefined;
            if ((res.statusCode ?? 500) >= 400) {
              reject(
                new ControlError(
                  res.statusCode ?? 500,
                  `${method} ${path}: ${parsed?.errors?.join('; ') ?? text}`,
                ),
              );
            } else resolve(parsed as T);
          });
        },
      );
      req.on('timeout', () =>
        req.destroy(new Error(`${method} ${path}: no answer within 30 s`)),
      );
      req.on('error', reject);
      req.end(payload);
    });
  }

  /** Seals the server: every /v1 path but sys/health and sys/seal-status answers 503. */
  async seal(): Promise<void> {
    await this.request('POST', '/_dev/seal');
  }

  async unseal(): Promise<void> {
    await this.request('POST', '/_dev/unseal');
  }

  /** Switches what sys/health reports (e.g. standby → 429, uninitialised → 501). */
  async setHealth(state: {
    initialized?: boolean;
    standby?: boolean;
    performanceStandby?: boolean;
  }): Promise<void> {
    await this.request('POST', '/_dev/health', {
      initialized: state.initialized,
      standby: state.standby,
      performance_standby: state.performanceStandby,
    });
  }

  /** Adds any fault rule (see FaultSpec). */
  async addFault(spec: FaultSpec): Promise<FaultRule> {
    const body = { ...spec, count: spec.count === Infinity ? -1 : spec.count };
    return (
      await this.request<{ fault: FaultRule }>('POST', '/_dev/faults', body)
    ).fault;
  }

  /** The next `count` requests under `path` answer `status` with Vault-style errors. */
  failNext(
    path: string,
    status: number,
    options: FaultOptions & {
      errors?: string[];
      retryAfterSeconds?: number;
    } = {},
  ): Promise<FaultRule> {
    return this.addFault({
      path,
      status,
      method: options.method,
      count: options.count,
      errors: options.errors,
      retry_after: options.retryAfterSeconds,
    });
  }

  /** Delays the next `count` requests under `path` by `ms` (then handles them normally). */
  addLatency(
    path: string,
    ms: number,
    options: FaultOptions = {},
  ): Promise<FaultRule> {
    return this.addFault({
      path,
      latency_ms: ms,
      method: options.method,
      count: options.count,
    });
  }

  /** Resets (TCP RST) the connection of the next `count` requests under `path`. */
  resetConnections(
    path: string,
    options: FaultOptions = {},
  ): Promise<FaultRule> {
    return this.addFault({
      path,
      reset: true,
      method: options.method,
      count: options.count,
    });
  }

  async faults(): Promise<FaultRule[]> {
    return (await this.request<{ faults: FaultRule[] }>('GET', '/_dev/faults'))
      .faults;
  }

  async clearFaults(): Promise<void> {
    await this.request('DELETE', '/_dev/faults');
  }

  /** Ends a token's life now; its next use gets 403 "invalid token". */
  async expireToken(tokenOrAccessor: string): Promise<void> {
    await this.request('POST', '/_dev/tokens/expire', {
      token: tokenOrAccessor,
    });
  }

  /**
   * Ends the life of every live token created by logins under `loginPath`
   * (e.g. `auth/approle/login`), as if their TTL had passed; returns how many.
   */
  async expireTokensFrom(loginPath: string): Promise<number> {
    return (
      await this.request<{ expired: number }>('POST', '/_dev/tokens/expire', {
        path: loginPath,
      })
    ).expired;
  }

  /** Rotates a PKI mount's issuing CA (new key and certificate become the default issuer). */
  rotateIssuer(
    mount: string,
    options: RotateOptions = {},
  ): Promise<RotatedIssuer> {
    return this.request('POST', '/_dev/pki/rotate', { mount, ...options });
  }

  /** A JWT signed by the key auth/jwt and auth/kubernetes trust (or by an untrusted one). */
  async mintJwt(options: MintJwtOptions = {}): Promise<string> {
    const k = options.kubernetes;
    const body = {
      subject: options.subject,
      audience: options.audience,
      issuer: options.issuer,
      ttl_seconds: options.ttlSeconds,
      kubernetes: k && {
        namespace: k.namespace,
        service_account: k.serviceAccount,
        uid: k.uid,
        secret_name: k.secretName,
      },
      claims: options.claims,
      untrusted: options.untrusted,
    };
    return (await this.request<{ jwt: string }>('POST', '/_dev/jwt', body)).jwt;
  }

  /** Logged /v1 requests (no bodies, token headers redacted), optionally only after `since`. */
  async requests(
    filter: { since?: number; method?: string; pathPrefix?: string } = {},
  ): Promise<RequestLogEntry[]> {
    const { requests } = await this.request<{ requests: RequestLogEntry[] }>(
      'GET',
      `/_dev/requests?since=${filter.since ?? 0}`,
    );
    return requests.filter(
      r =>
        (!filter.method || r.method === filter.method) &&
        (!filter.pathPrefix || r.path.startsWith(filter.pathPrefix)),
    );
  }

  async clearRequests(): Promise<void> {
    await this.request('DELETE', '/_dev/requests');
  }
}
