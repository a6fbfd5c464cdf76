import { CustomErrorBase } from '@backstage/errors';
import {
  flattenVaultMessages,
  type VaultFailure,
  type VaultFailureKind,
} from './vaultFailure';

/**
 * The HTTP status a Backstage API should answer when a Vault call fails.
 * Backstage's error middleware reads `statusCode`, so Vault's own status is
 * kept apart in `vaultStatus`: Vault refusing this backend's token (403) is a
 * gateway problem, not the portal user's lack of permission.
 */
const PORTAL_STATUS: Record<VaultFailureKind, number> = {
  'not-allowed-by-role': 400,
  'unknown-role': 400,
  'ca-expiry': 400,
  'bad-request': 400,
  'not-found': 404,
  conflict: 409,
  sealed: 503,
  'rate-limited': 503,
  unavailable: 503,
  timeout: 503,
  connection: 503,
  'invalid-token': 502,
  'permission-denied': 502,
  'unknown-mount': 502,
  'server-error': 502,
  tls: 502,
  'unexpected-response': 502,
};

/** Fields of a VaultError, for constructing one. */
export interface VaultErrorDetails {
  /** What failed, in the user's terms, e.g. `issue on role pki_int/mq-queue-managers`. */
  operation: string;
  kind: VaultFailureKind;
  /** Vault's HTTP status; absent when Vault could not be reached. */
  vaultStatus?: number;
  /** Vault's own messages (multi-error texts split into their items). */
  vaultMessages: string[];
  /** Transport error code such as ECONNREFUSED. */
  code?: string;
  /** What to do about it. */
  hint: string;
  /** How many requests were made (retries included). */
  attempts: number;
}

/**
 * A failed Vault call that the UI and the logs can show as it is: what
 * failed, Vault's own words, and what to do. It carries no token, no request
 * body and no raw transport error (those hold the X-Vault-Token header).
 *
 * @public
 */
export class VaultError extends CustomErrorBase {
  name = 'VaultError' as const;
  readonly operation: string;
  readonly kind: VaultFailureKind;
  readonly vaultStatus?: number;
  readonly vaultMessages: string[];
  readonly code?: string;
  readonly hint: string;
  readonly attempts: number;
  /** The HTTP status for a portal API answering with this error. */
  readonly statusCode: number;

  constructor(details: VaultErrorDetails) {
    const said = details.vaultMessages.length
      ? details.vaultMessages.join('; ')
      : 'no message';
    const where =
      details.vaultStatus !== undefined
        ? `HTTP ${details.vaultStatus}`
        : details.code ?? 'no answer';
    const tries = details.attempts > 1 ? `, ${details.attempts} attempts` : '';
    super(
      `Vault ${details.operation} failed: ${said} (${where}${tries}). ${details.hint}`,
    );
    this.operation = details.operation;
    this.kind = details.kind;
    if (details.vaultStatus !== undefined) {
      this.vaultStatus = details.vaultStatus;
    }
    this.vaultMessages = details.vaultMessages;
    if (details.code !== undefined) this.code = details.code;
    this.hint = details.hint;
    this.attempts = details.attempts;
    this.statusCode = PORTAL_STATUS[details.kind];
  }

  /** The same failure with another hint (e.g. once the role's settings are known). */
  withHint(hint: string): VaultError {
    return new VaultError({
      operation: this.operation,
      kind: this.kind,
      vaultStatus: this.vaultStatus,
      vaultMessages: this.vaultMessages,
      code: this.code,
      hint,
      attempts: this.attempts,
    });
  }

  /** Builds the error from a classified failure. */
  static fromFailure(
    failure: VaultFailure,
    details: Omit<VaultErrorDetails, 'vaultStatus' | 'vaultMessages' | 'code'>,
  ): VaultError {
    return new VaultError({
      ...details,
      vaultStatus: failure.status,
      vaultMessages: flattenVaultMessages(failure.messages),
      code: failure.code,
    });
  }
}

/** Whether a value is a VaultError (also across package copies). @public */
export function isVaultError(error: unknown): error is VaultError {
  return (
    error instanceof VaultError ||
    (typeof error === 'object' &&
      error !== null &&
      (error as { name?: unknown }).name === 'VaultError' &&
      typeof (error as { kind?: unknown }).kind === 'string')
  );
}
