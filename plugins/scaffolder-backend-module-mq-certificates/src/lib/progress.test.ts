import { ConfigReader } from '@backstage/config';
import { collectingLogger } from '../__testUtils__/fakes';
import { withProgress } from './progress';
import { readScaffolderSettings } from './settings';

describe('withProgress', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('logs what it waits for at every interval until the work ends, then stops', async () => {
    const logger = collectingLogger();
    let finish!: (v: string) => void;
    const result = withProgress(
      logger,
      'waiting for Vault',
      30_000,
      () => new Promise<string>(r => (finish = r)),
    );
    await jest.advanceTimersByTimeAsync(29_999);
    expect(logger.lines).toEqual([]);
    await jest.advanceTimersByTimeAsync(1);
    expect(logger.lines).toEqual([
      'info: Still waiting for Vault (30 s so far)',
    ]);
    await jest.advanceTimersByTimeAsync(60_000);
    expect(logger.lines).toHaveLength(3);
    expect(logger.lines[2]).toBe('info: Still waiting for Vault (90 s so far)');
    finish('done');
    await expect(result).resolves.toBe('done');
    await jest.advanceTimersByTimeAsync(120_000);
    expect(logger.lines).toHaveLength(3);
  });

  it('stops logging when the work fails, and passes the failure on', async () => {
    const logger = collectingLogger();
    const result = withProgress(logger, 'staging', 1000, async () => {
      await new Promise(r => setTimeout(r, 2500));
      throw new Error('target refused');
    });
    const caught = result.catch((e: Error) => e);
    await jest.advanceTimersByTimeAsync(2500);
    expect(await caught).toEqual(new Error('target refused'));
    await jest.advanceTimersByTimeAsync(10_000);
    expect(logger.lines).toHaveLength(2);
  });
});

describe('progress interval setting', () => {
  it('defaults to 15 s and never exceeds 30 s, so no wait is silent for longer', () => {
    expect(
      readScaffolderSettings(new ConfigReader({})).progressIntervalMs,
    ).toBe(15_000);
    expect(
      readScaffolderSettings(
        new ConfigReader({
          mqCertificates: { scaffolder: { progressIntervalSeconds: 300 } },
        }),
      ).progressIntervalMs,
    ).toBe(30_000);
    expect(() =>
      readScaffolderSettings(
        new ConfigReader({
          mqCertificates: { scaffolder: { progressIntervalSeconds: 0 } },
        }),
      ),
    ).toThrow(/progressIntervalSeconds: must be a positive number/);
  });
});
