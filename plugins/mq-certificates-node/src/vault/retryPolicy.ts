import { InputError } from '@backstage/errors';

/** How often and how long failed Vault calls are tried again. @public */
export interface RetryPolicy {
  /** Requests in total, the first included (1 = no retries). */
  maxAttempts: number;
  /** Delay before the first retry, before jitter. */
  baseDelayMs: number;
  /** Upper bound of one delay. */
  maxDelayMs: number;
  /** No retry starts once this much time has passed since the first request. */
  maxElapsedMs: number;
}

/** Defaults: 4 requests within 30 s, delays 200 ms, 400 ms, 800 ms (each jittered). */
export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 4,
  baseDelayMs: 200,
  maxDelayMs: 5_000,
  maxElapsedMs: 30_000,
};

/**
 * Delay before retry number `retry` (1 for the first retry): exponential,
 * capped, with "equal jitter" (half fixed, half random) so that many
 * backends failing together do not retry in lock-step, yet never retry
 * immediately.
 */
export function backoffDelayMs(
  retry: number,
  policy: Pick<RetryPolicy, 'baseDelayMs' | 'maxDelayMs'>,
  random: () => number = Math.random,
): number {
  const exp = Math.min(
    policy.maxDelayMs,
    policy.baseDelayMs * 2 ** Math.max(0, retry - 1),
  );
  return Math.round(exp / 2 + (exp / 2) * random());
}

/** The decision after a failed attempt. */
export type RetryDecision =
  | { retry: true; delayMs: number }
  | { retry: false; reason: 'not-retryable' | 'attempts' | 'time' };

/**
 * Whether to try again after `attempts` requests that started `elapsedMs`
 * ago. A retry whose delay would end past maxElapsedMs is not started.
 */
export function decideRetry(options: {
  retryable: boolean;
  attempts: number;
  elapsedMs: number;
  policy: RetryPolicy;
  random?: () => number;
}): RetryDecision {
  const { retryable, attempts, elapsedMs, policy } = options;
  if (!retryable) return { retry: false, reason: 'not-retryable' };
  if (attempts >= policy.maxAttempts)
    return { retry: false, reason: 'attempts' };
  const delayMs = backoffDelayMs(attempts, policy, options.random);
  if (elapsedMs + delayMs > policy.maxElapsedMs) {
    return { retry: false, reason: 'time' };
  }
  return { retry: true, delayMs };
}

/** Checks a policy read from configuration; names the bad field. */
export function validateRetryPolicy(
  policy: RetryPolicy,
  field = 'mqCertificates.vault.retry',
): RetryPolicy {
  const check = (name: keyof RetryPolicy, min: number) => {
    const v = policy[name];
    if (!Number.isFinite(v) || v < min || Math.floor(v) !== v) {
      throw new InputError(
        `${field}.${name}: expected a whole number ≥ ${min}, got ${v}`,
      );
    }
  };
  check('maxAttempts', 1);
  check('baseDelayMs', 0);
  check('maxDelayMs', 0);
  check('maxElapsedMs', 0);
  if (policy.maxAttempts > 20) {
    throw new InputError(
      `${field}.maxAttempts: at most 20 requests per call, got ${policy.maxAttempts}`,
    );
  }
  return policy;
}
