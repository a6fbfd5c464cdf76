import fs from 'node:fs/promises';
import type { TargetFileStat, TargetFileSystem } from './TargetFileSystem';

function toStat(s: import('node:fs').Stats): TargetFileStat {
  let type: TargetFileStat['type'] = 'other';
  if (s.isFile()) type = 'file';
  else if (s.isDirectory()) type = 'directory';
  else if (s.isSymbolicLink()) type = 'symlink';
  return {
    type,
    size: s.size,
    mtimeMs: s.mtimeMs,
    mode: s.mode & 0o7777,
    uid: s.uid,
    gid: s.gid,
  };
}

/** The backend's own file system. */
export class LocalTargetFileSystem implements TargetFileSystem {
  readonly description = 'this machine';

  realpath(path: string): Promise<string> {
    return fs.realpath(path);
  }

  async lstat(path: string): Promise<TargetFileStat | undefined> {
    try {
      return toStat(await fs.lstat(path));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw e;
    }
  }

  readdir(path: string): Promise<string[]> {
    return fs.readdir(path);
  }

  readFile(path: string): Promise<Buffer> {
    return fs.readFile(path);
  }

  async writeNewFile(
    path: string,
    content: Buffer,
    options: { mode: number; owner?: { uid: number; gid: number } },
  ): Promise<void> {
    // 'wx' = O_CREAT|O_EXCL: fails on anything already there, links included.
    const handle = await fs.open(path, 'wx', options.mode);
    try {
      await handle.writeFile(content);
      // The umask may have cleared bits; set exactly what was asked.
      await handle.chmod(options.mode);
      if (options.owner) {
        await handle.chown(options.owner.uid, options.owner.gid);
      }
      await handle.sync();
    } finally {
      await handle.close();
    }
  }

  async renameNoReplace(from: string, to: string): Promise<boolean> {
    // link() never replaces an existing name, unlike rename().
    try {
      await fs.link(from, to);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') return false;
      if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP') {
        throw e;
      }
      // File systems without hard links: check, then rename (racy, as sftp-server does).
      if (await this.lstat(to)) return false;
      await fs.rename(from, to);
      return true;
    }
    await fs.unlink(from);
    return true;
  }

  chmod(path: string, mode: number): Promise<void> {
    return fs.chmod(path, mode);
  }

  unlink(path: string): Promise<void> {
    return fs.unlink(path);
  }

  async syncFolder(path: string): Promise<void> {
    const handle = await fs.open(path, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  }
}
