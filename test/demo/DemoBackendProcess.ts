/*
 * The demo backend as a child process, so it can be stopped, killed
 * (SIGKILL, for crash tests) and started again on the same port and the
 * same SQLite files, and so its whole output can be audited: every line goes
 * to a log file in the data folder (and to our stdout when `echo` is set).
 */
import path from 'node:path';
import { ChildServiceProcess } from './ChildServiceProcess';
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

/** The demo backend running as a child process. */
export class DemoBackendProcess extends ChildServiceProcess {
  constructor(private readonly options: DemoBackendProcessOptions) {
    super('the demo backend', options.logFile, !!options.echo);
  }

  /**
   * Starts the backend and resolves once it is ready (all plugins started).
   */
  async start(): Promise<void> {
    // Backstage's readiness answers 200 once every plugin has started.
    const probes = [
      '/.backstage/health/v1/readiness',
      '/api/mq-certificates/health',
    ];
    await this.launch({
      command: process.execPath,
      args: ['--import', 'tsx', BACKEND_MAIN, this.options.configFile],
      spawn: {
        cwd: REPO_ROOT,
        // NODE_ENV stays as it is: guest sign-in is allowed by config.
        env: { ...process.env, FORCE_COLOR: '0' },
      },
      ready: async () =>
        (
          await Promise.all(
            probes.map(p =>
              fetch(`${this.options.baseUrl}${p}`)
                .then(r => r.ok)
                .catch(() => false),
            ),
          )
        ).every(Boolean),
      timeoutMs: this.options.startTimeoutMs ?? 180_000,
      pollMs: 250,
    });
  }

  /** Stops (or kills) and starts again on the same configuration and data. */
  async restart(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    await this.kill(signal);
    await this.start();
  }
}
