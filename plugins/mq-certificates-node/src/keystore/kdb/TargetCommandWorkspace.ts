import { InputError } from '@backstage/errors';
import type { TargetFileSystem } from '../../deploy/TargetFileSystem';
import type { CommandRunner, CommandWorkspace } from '../../types';
import { KeystoreBuildError } from './CmsKdbKeystoreFormat';

/** Options of {@link TargetCommandWorkspace}. */
export interface TargetCommandWorkspaceOptions {
  /** Runs commands on the host (an SSH connection's `commands`, or local). */
  commands: CommandRunner;
  /** Files on the same host (SftpTargetFileSystem over the same connection, or local). */
  files: TargetFileSystem;
  /** Absolute folder on the host for scratch folders; default `/tmp`. */
  tempRoot?: string;
  /** Where the host is, for errors (e.g. `SSH host mqhost1:22`). */
  hostDescription?: string;
  timeoutMs?: number;
}

const SAFE_PREFIX = /^[A-Za-z0-9][A-Za-z0-9._-]{0,40}$/;
const SAFE_ROOT = /^\/[A-Za-z0-9._/-]*$/;

/**
 * A CommandWorkspace on another host, e.g. an MQ host where GSKit's
 * runmqakm is installed while the backend has none: scratch folders are
 * made with `mktemp -d` (mode 0700) and removed with `rm -rf` there, files
 * go over the host's file system (SFTP) with mode 0600, never through a
 * command line. Only folders this workspace made can be removed.
 */
export class TargetCommandWorkspace implements CommandWorkspace {
  readonly commands: CommandRunner;
  private readonly files: TargetFileSystem;
  private readonly tempRoot: string;
  private readonly host: string;
  private readonly timeoutMs: number;
  private readonly made = new Set<string>();

  constructor(options: TargetCommandWorkspaceOptions) {
    this.commands = options.commands;
    this.files = options.files;
    this.tempRoot = (options.tempRoot ?? '/tmp').replace(/\/+$/, '') || '/';
    if (
      !SAFE_ROOT.test(this.tempRoot) ||
      this.tempRoot.split('/').includes('..')
    ) {
      throw new InputError(
        `tempRoot: '${this.tempRoot}' must be an absolute folder of letters, digits and . _ - /, e.g. /tmp`,
      );
    }
    this.host = options.hostDescription ?? options.files.description;
    this.timeoutMs = options.timeoutMs ?? 30_000;
  }

  async createTempDir(prefix: string): Promise<string> {
    if (!SAFE_PREFIX.test(prefix)) {
      throw new InputError(
        `prefix: '${prefix}' must be letters, digits and . _ - (at most 41)`,
      );
    }
    const template = `${this.tempRoot}/${prefix}XXXXXXXX`;
    const r = await this.commands.run('mktemp', ['-d', template], {
      timeoutMs: this.timeoutMs,
    });
    const dir = r.stdout.trim();
    // mktemp prints the folder it made; anything else is not ours to use.
    if (
      r.exitCode !== 0 ||
      !dir.startsWith(`${this.tempRoot}/${prefix}`) ||
      dir.includes('\n') ||
      dir.split('/').includes('..')
    ) {
      throw new KeystoreBuildError(
        `could not create a scratch folder under ${this.tempRoot} on ${
          this.host
        } (mktemp exit code ${r.exitCode}${
          r.stderr.trim() ? `: ${r.stderr.trim().slice(0, 200)}` : ''
        }); check that the folder exists and is writable by the SSH user`,
        'mktemp -d',
        r.exitCode,
      );
    }
    this.made.add(dir);
    return dir;
  }

  async writeFile(
    absolutePath: string,
    content: Buffer,
    mode = 0o600,
  ): Promise<void> {
    this.assertInside(absolutePath);
    await this.files.writeNewFile(absolutePath, content, { mode });
  }

  async readFile(absolutePath: string): Promise<Buffer> {
    this.assertInside(absolutePath);
    return this.files.readFile(absolutePath);
  }

  async removeDir(absolutePath: string): Promise<void> {
    if (!this.made.has(absolutePath)) {
      throw new InputError(
        `removeDir: ${absolutePath} was not made by this workspace; only its own scratch folders are removed`,
      );
    }
    const r = await this.commands.run('rm', ['-rf', '--', absolutePath], {
      timeoutMs: this.timeoutMs,
    });
    if (r.exitCode !== 0) {
      throw new KeystoreBuildError(
        `could not remove the scratch folder ${absolutePath} on ${this.host} (rm exit code ${r.exitCode}); remove it by hand, it may hold key material`,
        'rm -rf',
        r.exitCode,
      );
    }
    this.made.delete(absolutePath);
  }

  /** Files are read and written only inside folders this workspace made. */
  private assertInside(absolutePath: string): void {
    const inside = [...this.made].some(
      dir =>
        absolutePath.startsWith(`${dir}/`) &&
        !absolutePath.slice(dir.length).split('/').includes('..'),
    );
    if (!inside) {
      throw new InputError(
        `path: ${absolutePath} is outside this workspace's scratch folders`,
      );
    }
  }
}
