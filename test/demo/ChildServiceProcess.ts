/*
 * What the demo's child processes (the backend, the frontend dev server)
 * have in common: every line of output appended to a log file in the data
 * folder (and echoed when asked), a start that resolves once the service
 * answers, or fails with its last output when it exits first, and a stop
 * that waits for the exit, escalating to SIGKILL.
 */
import { ChildProcess, spawn, SpawnOptions } from 'node:child_process';
import fs from 'node:fs';

function sleep(ms: number) {
  return new Promise(r => setTimeout(r, ms));
}

/** How {@link ChildServiceProcess.launch} starts and waits. */
export interface LaunchOptions {
  command: string;
  args: string[];
  spawn: Omit<SpawnOptions, 'stdio'>;
  /** Resolves true once the service answers. */
  ready(): Promise<boolean>;
  timeoutMs: number;
  pollMs: number;
  /** The service's own explanation of an exit during start, if it has one. */
  explainExit?(output: string): string | undefined;
}

/** A service of the demo running as a child process, with its output in a log file. */
export abstract class ChildServiceProcess {
  private child?: ChildProcess;
  private exited?: Promise<number | null>;

  protected constructor(
    /** For messages: `the demo backend`. */
    private readonly what: string,
    private readonly logFile: string,
    private readonly echo: boolean,
    /**
     * Signal the child's whole process group (it must be spawned detached):
     * for CLIs that leave workers behind.
     */
    private readonly signalsGroup = false,
  ) {}

  /** The child's process id while it runs. */
  get pid(): number | undefined {
    // A process killed by a signal has exitCode null and signalCode set.
    return this.child?.exitCode === null && this.child.signalCode === null
      ? this.child.pid
      : undefined;
  }

  /** Everything the process printed so far (all starts). */
  output(): string {
    return fs.existsSync(this.logFile)
      ? fs.readFileSync(this.logFile, 'utf8')
      : '';
  }

  /** Spawns the process and resolves once `ready()` says so. */
  protected async launch(options: LaunchOptions): Promise<void> {
    if (this.pid) throw new Error(`${this.what} is already running`);
    const log = fs.openSync(this.logFile, 'a');
    const child = spawn(options.command, options.args, {
      ...options.spawn,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    const write = (chunk: Buffer) => {
      fs.writeSync(log, chunk);
      if (this.echo) process.stdout.write(chunk);
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
      await this.waitUntilReady(child, options);
    } catch (e) {
      await this.kill('SIGKILL');
      throw e;
    }
  }

  private async waitUntilReady(
    child: ChildProcess,
    options: LaunchOptions,
  ): Promise<void> {
    const deadline = Date.now() + options.timeoutMs;
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null) {
        const out = this.output();
        throw new Error(
          options.explainExit?.(out) ??
            `${this.what} exited (${
              child.exitCode ?? child.signalCode
            }) while starting; its last output:\n${out
              .split('\n')
              .slice(-30)
              .join('\n')}`,
        );
      }
      if (await options.ready()) return;
      if (Date.now() > deadline) {
        throw new Error(
          `${this.what} did not answer within the start timeout; see ${this.logFile}`,
        );
      }
      await sleep(options.pollMs);
    }
  }

  /** Sends a signal and waits for the process to end (SIGTERM: a clean stop). */
  async kill(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) {
      return;
    }
    const send = (s: NodeJS.Signals) => {
      try {
        if (this.signalsGroup) process.kill(-child.pid!, s);
        else child.kill(s);
      } catch {
        // already gone
      }
    };
    send(signal);
    const timer = setTimeout(() => send('SIGKILL'), 15_000);
    await this.exited;
    clearTimeout(timer);
    // Workers a CLI left behind in its group.
    if (this.signalsGroup) send('SIGKILL');
  }

  /** Stops cleanly (SIGTERM). */
  stop(): Promise<void> {
    return this.kill('SIGTERM');
  }
}
