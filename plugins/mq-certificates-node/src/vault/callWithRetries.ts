import type { LoggerService } from '@backstage/backend-plugin-api';
import { vaultHint, type VaultHintContext, type VaultOperation } from './hints';
import { decideRetry, type RetryPolicy } from './retryPolicy';
import { isVaultError, VaultError } from './VaultError';
import {
  classifyVaultFailure,
  flattenVaultMessages,
  isRetryableFailure,
  readVaultFailure,
  type VaultFailure,
} from './vaultFailure';

/** Time, for tests that must not wait for real backoff delays. */
export interface VaultClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

/** The real clock. */
export const systemClock: VaultClock = {
  now: () => Date.now(),
  sleep: ms => new Promise(resolve => setTimeout(resolve, ms)),
};

/** What callWithRetries needs besides the call itself. */
export interface RetryDeps {
  policy: RetryPolicy;
  retryableStatuses: readonly number[];
  clock: VaultClock;
  random?: () => number;
  logger?: LoggerService;
  /** Setup facts for hints (address, namespace, auth method, timeout). */
  hintContext: Omit<VaultHintContext, 'attempts'>;
}

/** Turns a failure into the VaultError the caller sees. */
export function toVaultError(
  failure: VaultFailure,
  op: VaultOperation,
  attempts: number,
  ctx: Omit<VaultHintContext, 'attempts'>,
): VaultError {
  const kind = classifyVaultFailure(failure);
  return VaultError.fromFailure(failure, {
    operation: op.description,
    kind,
    hint: vaultHint(kind, op, { ...ctx, attempts }, failure.code),
    attempts,
  });
}

function describeFailure(failure: VaultFailure): string {
  const said = flattenVaultMessages(failure.messages).join('; ');
  const where =
    failure.status !== undefined ? `HTTP ${failure.status}` : failure.code;
  return said ? `${where}: ${said}` : `${where}`;
}

/**
 * Runs one Vault call, retrying what may succeed on a second try (429, 500,
 * 502, 503 other than sealed, connection failures and timeouts) with
 * jittered exponential backoff, bounded in attempts and elapsed time. Every
 * failure leaves as a VaultError; errors that are not Vault answers (a bug,
 * a schema violation) pass through unchanged.
 */
export async function callWithRetries<T>(
  op: VaultOperation,
  attempt: () => Promise<T>,
  deps: RetryDeps,
): Promise<T> {
  const started = deps.clock.now();
  let attempts = 0;
  for (;;) {
    attempts += 1;
    try {
      return await attempt();
    } catch (error) {
      // Already explained (a nested login failed): do not retry or rewrap.
      if (isVaultError(error)) throw error;
      const failure = readVaultFailure(error);
      if (!failure) throw error;
      const decision = decideRetry({
        retryable: isRetryableFailure(failure, deps.retryableStatuses),
        attempts,
        elapsedMs: deps.clock.now() - started,
        policy: deps.policy,
        random: deps.random,
      });
      if (!decision.retry) {
        throw toVaultError(failure, op, attempts, deps.hintContext);
      }
      deps.logger?.warn(
        `Vault ${op.description} failed (${describeFailure(
          failure,
        )}); retry ${attempts} of ${deps.policy.maxAttempts - 1} in ${
          decision.delayMs
        } ms`,
      );
      await deps.clock.sleep(decision.delayMs);
    }
  }
}
