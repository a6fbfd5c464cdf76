/* eslint-disable jest/no-export */
import type { LoggerService } from '@backstage/backend-plugin-api';
import {
  NodeVaultPkiClient,
  type VaultPkiClientOptions,
} from '@mqcert/plugin-mq-certificates-node';
import type { VaultDevServer } from '../vault-dev-server';

/** Shared helpers for the Vault client's integration tests (not a test file). */

/** A LoggerService that keeps every line, to assert on and to scan for secrets. */
export class CollectingLogger implements LoggerService {
  readonly lines: Array<{ level: string; message: string; meta?: unknown }> =
    [];
  error(message: string, meta?: unknown) {
    this.lines.push({ level: 'error', message, meta });
  }
  warn(message: string, meta?: unknown) {
    this.lines.push({ level: 'warn', message, meta });
  }
  info(message: string, meta?: unknown) {
    this.lines.push({ level: 'info', message, meta });
  }
  debug(message: string, meta?: unknown) {
    this.lines.push({ level: 'debug', message, meta });
  }
  child(): LoggerService {
    return this;
  }
  /** Everything logged, as one string. */
  text(): string {
    return this.lines
      .map(l => `${l.level} ${l.message} ${JSON.stringify(l.meta ?? '')}`)
      .join('\n');
  }
}

/** Fast retries so reliability tests take milliseconds, not seconds. */
export const QUICK_RETRY = {
  maxAttempts: 4,
  baseDelayMs: 20,
  maxDelayMs: 100,
  maxElapsedMs: 5_000,
};

/** A NodeVaultPkiClient for the dev server. */
export function clientFor(
  server: VaultDevServer,
  auth: VaultPkiClientOptions['auth'],
  extra: Partial<VaultPkiClientOptions> = {},
): { client: NodeVaultPkiClient; logger: CollectingLogger } {
  const logger = new CollectingLogger();
  const client = new NodeVaultPkiClient({
    address: server.address,
    auth,
    retry: QUICK_RETRY,
    logger,
    ...extra,
  });
  return { client, logger };
}

/** What a promise rejected with (fails the test when it resolves). */
export async function failureOf(p: Promise<unknown>): Promise<any> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error('expected the call to fail, it succeeded');
}

/** Requests the server logged after `since` under a path prefix. */
export async function requestsSince(
  server: VaultDevServer,
  since: number,
  pathPrefix?: string,
) {
  return server.control.requests({ since, pathPrefix });
}

/** The sequence number of the last logged request (0 when none). */
export async function lastSeq(server: VaultDevServer): Promise<number> {
  return (await server.control.requests()).at(-1)?.seq ?? 0;
}
