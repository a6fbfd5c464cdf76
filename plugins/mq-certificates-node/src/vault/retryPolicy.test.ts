import {
  backoffDelayMs,
  decideRetry,
  DEFAULT_RETRY_POLICY,
  validateRetryPolicy,
} from './retryPolicy';

describe('backoffDelayMs', () => {
  const policy = { baseDelayMs: 100, maxDelayMs: 1000 };

  it('doubles per retry, jittered between half and the full step', () => {
    expect([1, 2, 3].map(n => backoffDelayMs(n, policy, () => 0))).toEqual([
      50, 100, 200,
    ]);
    expect([1, 2, 3].map(n => backoffDelayMs(n, policy, () => 1))).toEqual([
      100, 200, 400,
    ]);
  });

  it('never exceeds maxDelayMs', () => {
    expect(backoffDelayMs(20, policy, () => 1)).toBe(1000);
    expect(backoffDelayMs(20, policy, () => 0)).toBe(500);
  });

  it('varies with the random source', () => {
    const delays = new Set(
      Array.from({ length: 20 }, () => backoffDelayMs(3, policy)),
    );
    expect(delays.size).toBeGreaterThan(1);
    for (const d of delays) {
      expect(d).toBeGreaterThanOrEqual(200);
      expect(d).toBeLessThanOrEqual(400);
    }
  });
});

describe('decideRetry', () => {
  const policy = {
    ...DEFAULT_RETRY_POLICY,
    maxAttempts: 3,
    maxElapsedMs: 1000,
  };

  it('does not retry what is not retryable', () => {
    expect(
      decideRetry({ retryable: false, attempts: 1, elapsedMs: 0, policy }),
    ).toEqual({ retry: false, reason: 'not-retryable' });
  });

  it('stops after maxAttempts requests', () => {
    expect(
      decideRetry({
        retryable: true,
        attempts: 2,
        elapsedMs: 0,
        policy,
        random: () => 0,
      }),
    ).toEqual({ retry: true, delayMs: 200 });
    expect(
      decideRetry({ retryable: true, attempts: 3, elapsedMs: 0, policy }),
    ).toEqual({ retry: false, reason: 'attempts' });
  });

  it('does not start a retry that would end past maxElapsedMs', () => {
    expect(
      decideRetry({
        retryable: true,
        attempts: 1,
        elapsedMs: 950,
        policy,
        random: () => 0,
      }),
    ).toEqual({ retry: false, reason: 'time' });
  });
});

describe('validateRetryPolicy', () => {
  it('names the bad field', () => {
    expect(() =>
      validateRetryPolicy({ ...DEFAULT_RETRY_POLICY, maxAttempts: 0 }),
    ).toThrow(/mqCertificates\.vault\.retry\.maxAttempts/);
    expect(() =>
      validateRetryPolicy({ ...DEFAULT_RETRY_POLICY, maxElapsedMs: -1 }),
    ).toThrow(/maxElapsedMs/);
  });
});
