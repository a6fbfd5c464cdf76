/*
 * The demo portal's frontend (plugins/mq-certificates/dev, a new-frontend-
 * system app) served by `backstage-cli package start` as a child process.
 * The dev server compiles the app in memory at start; it was chosen over a
 * prebuilt bundle because the bundle would need a separate build step that
 * goes stale whenever a plugin source changes, and a config injection of its
 * own for the free ports of the browser tests (see README.md for timings).
 */
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { ChildServiceProcess } from './ChildServiceProcess';
import { REPO_ROOT } from './demoConfig';

/** The frontend plugin package whose dev/ folder holds the demo app. */
export const FRONTEND_PACKAGE_DIR = path.join(
  REPO_ROOT,
  'plugins',
  'mq-certificates',
);

/** Options of {@link DemoFrontendProcess}. */
export interface DemoFrontendProcessOptions {
  /** `http://localhost:<port>`: the portal's app.baseUrl; the dev server listens on 127.0.0.1:<port>. */
  baseUrl: string;
  /** The backend the app talks to (backend.baseUrl). */
  backendUrl: string;
  /** Folder for the generated frontend config file. */
  configDir: string;
  /** Where the dev server's output is appended. */
  logFile: string;
  /** Copy the output to this process's stdout too. Default false. */
  echo?: boolean;
  /** How long start() waits for the first page. Default 300 s. */
  startTimeoutMs?: number;
}

/** Rejects with a clear message when something already listens on host:port. */
export async function assertPortFree(
  port: number,
  what: string,
  host = '127.0.0.1',
): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', (e: NodeJS.ErrnoException) =>
      reject(
        e.code === 'EADDRINUSE'
          ? new Error(
              `${what}: port ${port} on ${host} is in use; stop what uses it (e.g. \`ss -ltnp 'sport = :${port}'\` shows it) or choose another port`,
            )
          : e,
      ),
    );
    srv.listen(port, host, () => srv.close(() => resolve()));
  });
}

/** The demo frontend's dev server running as a child process. */
export class DemoFrontendProcess extends ChildServiceProcess {
  constructor(private readonly options: DemoFrontendProcessOptions) {
    // The CLI forks webpack workers: signal its whole process group.
    super('the demo frontend', options.logFile, !!options.echo, true);
  }

  /** Writes the config that points the app at the backend and its own port. */
  private writeConfig(): string {
    const url = new URL(this.options.baseUrl);
    const file = path.join(this.options.configDir, 'frontend-config.yaml');
    // JSON is YAML; only what the frontend needs, no secrets.
    fs.writeFileSync(
      file,
      JSON.stringify({
        app: {
          baseUrl: this.options.baseUrl,
          listen: { host: '127.0.0.1', port: Number(url.port) },
        },
        backend: { baseUrl: this.options.backendUrl },
      }),
    );
    return file;
  }

  /** Starts the dev server and resolves once it serves the compiled app. */
  async start(): Promise<void> {
    if (this.pid) throw new Error('the demo frontend is already running');
    const port = Number(new URL(this.options.baseUrl).port);
    await assertPortFree(port, 'demo frontend');
    const configFile = this.writeConfig();
    const cli = require.resolve('@backstage/cli/bin/backstage-cli', {
      paths: [REPO_ROOT],
    });
    await this.launch({
      command: process.execPath,
      args: [
        cli,
        'package',
        'start',
        '--config',
        path.join(REPO_ROOT, 'app-config.yaml'),
        '--config',
        configFile,
      ],
      spawn: {
        cwd: FRONTEND_PACKAGE_DIR,
        env: {
          ...process.env,
          // No browser window from the dev server, no colour codes in the log.
          BROWSER: 'none',
          FORCE_COLOR: '0',
          // Hot reload is for people editing the plugin; the demo and the
          // tests want one compile and no websocket reload loop.
          CI: process.env.CI ?? 'true',
          // jest sets NODE_ENV=test, which would break the dev build.
          NODE_ENV: 'development',
        },
        // Own process group: stop() ends the CLI and anything it spawned.
        detached: true,
      },
      // The dev middleware holds requests until the first compile is done,
      // so a 200 with the page means the app is ready.
      ready: () =>
        fetch(this.options.baseUrl, { signal: AbortSignal.timeout(5_000) })
          .then(async r => r.ok && /<div id="root"/.test(await r.text()))
          .catch(() => false),
      timeoutMs: this.options.startTimeoutMs ?? 300_000,
      pollMs: 500,
      explainExit: out =>
        /EADDRINUSE/.test(out)
          ? `demo frontend: ${this.options.baseUrl} is in use; stop what uses it or choose another port`
          : undefined,
    });
  }
}
