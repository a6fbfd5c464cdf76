import type { LoggerService } from '@backstage/backend-plugin-api';

/**
 * Runs a long operation (a Vault call with retries, an SSH upload, a
 * REFRESH that may take minutes) and logs a line every `intervalMs` while
 * it runs, so a task is never silent for long. The line says what is
 * awaited and for how long.
 */
export async function withProgress<T>(
  logger: LoggerService,
  what: string,
  intervalMs: number,
  work: () => Promise<T>,
): Promise<T> {
  const started = Date.now();
  const timer = setInterval(() => {
    const seconds = Math.round((Date.now() - started) / 1000);
    logger.info(`Still ${what} (${seconds} s so far)`);
  }, intervalMs);
  try {
    return await work();
  } finally {
    clearInterval(timer);
  }
}
