/*
 * The demo backend as a child process, so it can be stopped, killed
 * (SIGKILL, for crash tests) and started again on the same port and the
 * same SQLite files, and so its whole output can be audited: every line goes
 * to a log file in the data folder (and to our stdout when `echo` is set).
 */
import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from './demoConfig';

// Runs from source like every test/ file (never from a build).
// eslint-disable-next-line no-restricted-syntax
const BACKEND_MAIN = path.join(__dirname, 'backendMain.ts');

/** Options of {@link DemoBackendProcess}. */
export interface DemoBackendProcessOptions {
  /** The JSON file backendMain.ts reads ({ config, hosts }). */
  configFile: string;
  /** Where the process output is appended. */
  logFile: string;
  /** `http://localhost:<port>`, polled for readiness. */
  baseUrl: string;
  /** Copy the output to this process's stdout too. Default false. */
  echo?: boolean;
  /** How long start() waits for the backend to answer. Default 180 s. */
  startTimeoutMs?: number;
}

function sleep(ms: number) {
  return new Promise(r => setTimeout(r, ms));
}

/** The demo backend running as a child process. */
export class DemoBackendProcess {
  private child?: ChildProcess;
  private exited?: Promise<number | null>;

  constructor(private readonly options: DemoBackendProcessOptions) {}

  /** The child's process id while it runs. */
  get pid(): number | undefined {
    // A process killed by a signal has exitCode null and signalCode set.
    return this.child?.exitCode === null && this.child.signalCode === null
      ? this.child.pid
      : undefined;
  }

  /** Everything the backend printed so far (all starts). */
  output(): string {
    return fs.existsSync(this.options.logFile)
      ? fs.readFileSync(this.options.logFile, 'utf8')
      : '';
  }

  /**
   * Starts the backend and resolves once it is ready (all plugins started).
   */
  async start(): Promise<void> {
    if (this.pid) throw new Error('the demo backend is already running');
    const log = fs.openSync(this.options.logFile, 'a');
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', BACKEND_MAIN, this.options.configFile],
      {
        cwd: REPO_ROOT,
        // NODE_ENV stays as it is: guest sign-in is allowed by config.
        env: { ...process.env, FORCE_COLOR: '0' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    this.child = child;
    const write = (chunk: Buffer) => {
      fs.writeSync(log, chunk);
      if (this.options.echo) process.stdout.write(chunk);
    };
    child.stdout!.on('data', write);
    child.stderr!.on('data', write);
    this.exited = new Promise(resolve =>
      child.once('exit', code => {
        fs.closeSync(log);
        resolve(code);
      }),
    );
    try {
      await this.waitUntilReady(child);
    } catch (e) {
      await this.kill('SIGKILL');
      throw e;
    }
  }

  private async waitUntilReady(child: ChildProcess): Promise<void> {
    const deadline = Date.now() + (this.options.startTimeoutMs ?? 180_000);
    // Backstage's readiness answers 200 once every plugin has started.
    const probes = [
      '/.backstage/health/v1/readiness',
      '/api/mq-certificates/health',
    ];
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(
          `the demo backend exited (${
            child.exitCode ?? child.signalCode
          }) while starting; its last output:\n${this.output()
            .split('\n')
            .slice(-30)
            .join('\n')}`,
        );
      }
      const ok = await Promise.all(
        probes.map(p =>
          fetch(`${this.options.baseUrl}${p}`)
            .then(r => r.ok)
            .catch(() => false),
        ),
      );
      if (ok.every(Boolean)) return;
      if (Date.now() > deadline) {
        throw new Error(
          `the demo backend did not answer on ${this.options.baseUrl} within the start timeout; see ${this.options.logFile}`,
        );
      }
      await sleep(250);
    }
  }

  /** Sends a signal and waits for the process to end (SIGTERM: a clean stop). */
  async kill(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) {
      return;
    }
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await this.exited;
    clearTimeout(timer);
  }

  /** Stops cleanly (SIGTERM). */
  stop(): Promise<void> {
    return this.kill('SIGTERM');
  }

  /** Stops (or kills) and starts again on the same configuration and data. */
  async restart(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    await this.kill(signal);
    await this.start();
  }
}
