import { spawnSync } from 'node:child_process';
import {
  parseAtqOutput,
  type AtJob,
} from '@mqcert/plugin-mq-certificates-node';
import { findExecutable } from './tools';

function atdRunning(): boolean {
  return spawnSync('pgrep', ['-x', 'atd']).status === 0;
}

/**
 * Makes sure the machine's atd runs: starts it when it does not and we are
 * root (atd daemonises itself and writes /run/atd.pid), then waits for it.
 * It is left running afterwards: other test files may use it at the same
 * time, and it is the system's daemon, not ours.
 */
export async function ensureAtd(
  timeoutMs = 10_000,
): Promise<{ started: boolean }> {
  if (atdRunning()) return { started: false };
  const atd = findExecutable('atd');
  if (!atd) throw new Error('atd not found (Debian package at)');
  if (process.getuid?.() !== 0) {
    throw new Error(
      'atd is not running and only root can start it here: run `sudo systemctl start atd` (or `sudo atd`)',
    );
  }
  const r = spawnSync(atd, [], { encoding: 'utf8' });
  const deadline = Date.now() + timeoutMs;
  while (!atdRunning()) {
    if (Date.now() > deadline) {
      throw new Error(
        `atd did not start within ${timeoutMs} ms: ${r.stderr || r.stdout}`,
      );
    }
    await new Promise(res => setTimeout(res, 100));
  }
  return { started: true };
}

/** The machine's at queue as `atq` shows it to the current user (TZ=UTC). */
export function readAtq(): AtJob[] {
  const r = spawnSync(findExecutable('atq') ?? 'atq', [], {
    encoding: 'utf8',
    env: { ...process.env, TZ: 'UTC' },
  });
  if (r.status !== 0) throw new Error(`atq failed: ${r.stderr}`);
  return parseAtqOutput(r.stdout);
}

/** Waits until `check` returns a value, polling; throws after timeoutMs. */
export async function waitFor<T>(
  what: string,
  check: () => T | undefined,
  timeoutMs: number,
  intervalMs = 1000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > deadline)
      throw new Error(`${what} did not happen within ${timeoutMs} ms`);
    await new Promise(res => setTimeout(res, intervalMs));
  }
}
