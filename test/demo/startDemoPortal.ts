/*
 * startDemoPortal: the demo stack (startDemoStack) plus the portal's
 * frontend, for `npm start` and the browser tests. The frontend's dev
 * server compiles while the stack starts: the compile needs neither Vault
 * nor the backend, and on two cores the two overlap enough to save tens of
 * seconds.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../src/support/net';
import { assertPortFree, DemoFrontendProcess } from './DemoFrontendProcess';
import {
  startDemoStack,
  type DemoStack,
  type DemoStackOptions,
} from './startDemoStack';

/** Options of {@link startDemoPortal}: those of the stack plus the frontend's output. */
export interface DemoPortalOptions extends DemoStackOptions {
  /** Copy the frontend dev server's output to stdout. Default false. */
  echoFrontendOutput?: boolean;
  /**
   * Aborts a start in progress (Ctrl-C during `npm start`): the frontend's
   * compile is killed at once, the stack is stopped as soon as its start
   * settles, and the promise rejects.
   */
  signal?: AbortSignal;
}

/** A running demo portal. */
export interface DemoPortal {
  stack: DemoStack;
  frontend: DemoFrontendProcess;
  /** How long the frontend took from spawn to serving the compiled app. */
  frontendStartMs: number;
  /** Stops the frontend, then the stack; removes a temp data folder. */
  stop(): Promise<void>;
}

/** Starts the demo stack and the portal frontend; both on loopback. */
export async function startDemoPortal(
  options: DemoPortalOptions = {},
): Promise<DemoPortal> {
  // Both ports go into both configs (backend.baseUrl for the app, CORS
  // origin and app.baseUrl for the backend), so they are fixed up front;
  // 0 picks a free one as in startDemoStack.
  const pick = async (value: number | undefined, fallback: number) =>
    value === 0 ? freePort() : value ?? fallback;
  const ports = {
    ...options.ports,
    backend: await pick(options.ports?.backend, 7007),
    frontend: await pick(options.ports?.frontend, 3000),
  };
  // Fail before the compile starts, with the port named.
  await assertPortFree(ports.frontend, 'demo frontend (app.baseUrl)');
  await assertPortFree(ports.backend, 'demo backend (backend.baseUrl)');
  const ownsDataDir = !options.dataDir;
  const dataDir = path.resolve(
    options.dataDir ??
      fs.mkdtempSync(path.join(os.tmpdir(), 'mq-certificates-demo-')),
  );
  // Emptied like the stack's own subfolders, so the log is this run's.
  const frontendDir = path.join(dataDir, 'frontend');
  fs.rmSync(frontendDir, { recursive: true, force: true });
  fs.mkdirSync(frontendDir, { recursive: true, mode: 0o700 });
  const frontend = new DemoFrontendProcess({
    baseUrl: `http://localhost:${ports.frontend}`,
    backendUrl: `http://localhost:${ports.backend}`,
    configDir: frontendDir,
    logFile: path.join(frontendDir, 'frontend.log'),
    echo: options.echoFrontendOutput,
  });
  const removeDataDir = () => {
    if (ownsDataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  };

  const started = Date.now();
  let frontendStartMs = 0;
  const frontendReady = frontend.start().then(() => {
    frontendStartMs = Date.now() - started;
  });
  const stackReady = startDemoStack({ ...options, ports, dataDir });
  const aborted = new Promise<never>((_, reject) => {
    const onAbort = () => reject(new Error('start aborted'));
    if (options.signal?.aborted) onAbort();
    options.signal?.addEventListener('abort', onAbort, { once: true });
  });
  let stack: DemoStack;
  try {
    // Rejects at the first failure, so a busy Vault port is reported at
    // once instead of after the compile.
    [stack] = await Promise.race([
      Promise.all([stackReady, frontendReady]),
      aborted,
    ]);
  } catch (e) {
    await frontend.stop();
    await (await stackReady.catch(() => undefined))?.stop();
    removeDataDir();
    throw e;
  }
  return {
    stack,
    frontend,
    frontendStartMs,
    async stop() {
      await frontend.stop();
      await stack.stop();
      removeDataDir();
    },
  };
}
