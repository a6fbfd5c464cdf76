import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { LocalCommandRunner } from '../../commands/LocalCommandRunner';
import type { CommandRunner, CommandWorkspace } from '../../types';

/** A CommandWorkspace on the backend's own machine, under the system temp folder. */
export class LocalCommandWorkspace implements CommandWorkspace {
  constructor(
    readonly commands: CommandRunner = new LocalCommandRunner(),
    private readonly baseDir: string = os.tmpdir(),
  ) {}

  async createTempDir(prefix: string): Promise<string> {
    // mkdtemp creates the directory with mode 0700.
    return fs.mkdtemp(path.join(this.baseDir, prefix));
  }

  async writeFile(
    absolutePath: string,
    content: Buffer,
    mode = 0o600,
  ): Promise<void> {
    await fs.writeFile(absolutePath, content, { mode, flag: 'wx' });
  }

  readFile(absolutePath: string): Promise<Buffer> {
    return fs.readFile(absolutePath);
  }

  async removeDir(absolutePath: string): Promise<void> {
    await fs.rm(absolutePath, { recursive: true, force: true });
  }
}
