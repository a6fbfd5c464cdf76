/*
 * node-vault does not export its error classes (ApiResponseError,
 * VaultError), so failures are recognised by shape: an HTTP answer carries
 * `response.statusCode` and `response.body`, a transport failure (axios)
 * carries a `code` such as ECONNREFUSED and no response. Only the fields
 * read here are kept: the raw axios error holds the request configuration,
 * including the X-Vault-Token header, and must never be logged or wrapped.
 */

/** What Vault (or the network) answered, reduced to what is safe to keep. */
export interface VaultFailure {
  /** Vault's HTTP status; absent for transport failures. */
  status?: number;
  /** Vault's `errors` array as sent (may be empty), or the transport message. */
  messages: string[];
  /** Transport error code (ECONNREFUSED, ECONNABORTED, CERT_HAS_EXPIRED...). */
  code?: string;
  /** Vault's JSON body of an HTTP failure (error bodies carry no secrets). */
  body?: Record<string, unknown>;
}

/** The kinds of failure the client tells apart. */
export type VaultFailureKind =
  | 'sealed'
  | 'invalid-token'
  | 'permission-denied'
  | 'not-allowed-by-role'
  | 'unknown-role'
  | 'ca-expiry'
  | 'unknown-mount'
  | 'not-found'
  | 'conflict'
  | 'bad-request'
  | 'rate-limited'
  | 'server-error'
  | 'unavailable'
  | 'timeout'
  | 'connection'
  | 'tls'
  | 'unexpected-response';

const TIMEOUT_CODES = new Set(['ECONNABORTED', 'ETIMEDOUT']);
const RETRYABLE_TRANSPORT_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'EAI_AGAIN',
  'ERR_SOCKET_CONNECTION_TIMEOUT',
  ...TIMEOUT_CODES,
]);
const TLS_CODE =
  /^(CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|ERR_TLS_|ERR_SSL_|EPROTO$)/;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/**
 * Reads a node-vault rejection. Returns undefined for anything that is not
 * a Vault answer or a transport failure (a programming error, a schema
 * validation error), which callers rethrow unchanged.
 */
export function readVaultFailure(error: unknown): VaultFailure | undefined {
  if (!isRecord(error)) return undefined;
  const response = error.response;
  if (isRecord(response) && typeof response.statusCode === 'number') {
    const body = isRecord(response.body) ? response.body : undefined;
    const errors = Array.isArray(body?.errors) ? body!.errors : [];
    return {
      status: response.statusCode,
      messages: errors.filter((e): e is string => typeof e === 'string'),
      body,
    };
  }
  if (typeof error.code === 'string' && error.code) {
    return {
      code: error.code,
      messages: typeof error.message === 'string' ? [error.message] : [],
    };
  }
  return undefined;
}

/**
 * Splits Vault's multi-error text (`2 errors occurred:\n\t* permission
 * denied\n\t* invalid token\n\n`) into its messages; other texts are kept.
 */
export function flattenVaultMessages(messages: string[]): string[] {
  const out: string[] = [];
  for (const message of messages) {
    if (/^\d+ errors? occurred:/.test(message)) {
      for (const line of message.split('\n')) {
        const m = /^\s*\*\s*(.+?)\s*$/.exec(line);
        if (m) out.push(m[1]);
      }
    } else if (message.trim()) {
      out.push(message.trim());
    }
  }
  return out;
}

/** Which kind of failure this is. */
export function classifyVaultFailure(failure: VaultFailure): VaultFailureKind {
  const { status, code } = failure;
  const messages = flattenVaultMessages(failure.messages);
  const text = messages.join('\n');
  if (status === undefined) {
    if (code && TIMEOUT_CODES.has(code)) return 'timeout';
    if (code && TLS_CODE.test(code)) return 'tls';
    return 'connection';
  }
  if (status === 503 && /vault is sealed/i.test(text)) return 'sealed';
  if (status === 403) {
    return /invalid token/i.test(text) ? 'invalid-token' : 'permission-denied';
  }
  if (status === 404) {
    if (/^no handler for route/im.test(text)) return 'unknown-mount';
    return 'not-found';
  }
  if (status === 400 || status === 409 || status === 412) {
    if (/check-and-set parameter/i.test(text)) return 'conflict';
    if (/not allowed (by|in) this role/i.test(text)) {
      return 'not-allowed-by-role';
    }
    if (/^unknown role/im.test(text)) return 'unknown-role';
    if (/beyond the expiration of the CA certificate/i.test(text)) {
      return 'ca-expiry';
    }
    return 'bad-request';
  }
  if (status === 429) return 'rate-limited';
  if (status === 502 || status === 503) return 'unavailable';
  if (status >= 500) return 'server-error';
  if (status >= 200 && status < 300) return 'unexpected-response';
  return 'bad-request';
}

/** HTTP statuses retried by default (429 quota, 500, 502 upstream, 503 standby/maintenance). */
export const DEFAULT_RETRYABLE_STATUSES: readonly number[] = [
  429, 500, 502, 503,
];

/**
 * Whether trying again may help. A sealed Vault stays sealed until an
 * operator unseals it, so it is reported at once instead of being retried;
 * 4xx answers (400/403/404) never change by asking again.
 */
export function isRetryableFailure(
  failure: VaultFailure,
  retryableStatuses: readonly number[] = DEFAULT_RETRYABLE_STATUSES,
): boolean {
  const kind = classifyVaultFailure(failure);
  if (kind === 'sealed') return false;
  if (failure.status !== undefined) {
    return retryableStatuses.includes(failure.status);
  }
  return !!failure.code && RETRYABLE_TRANSPORT_CODES.has(failure.code);
}
