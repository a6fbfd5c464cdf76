import type { SFTPWrapper, Stats } from 'ssh2';
import type { SshConnection } from '../ssh/SshConnection';
import type { TargetFileStat, TargetFileSystem } from './TargetFileSystem';

/** SSH_FX_NO_SUCH_FILE in the SFTP protocol. */
const SFTP_NO_SUCH_FILE = 2;
const CHUNK = 32 * 1024;

function sftpError(op: string, path: string, err: Error & { code?: unknown }) {
  const e = new Error(`SFTP ${op} ${path}: ${err.message}`) as Error & {
    code?: string;
  };
  if (err.code === SFTP_NO_SUCH_FILE) e.code = 'ENOENT';
  return e;
}

function call<T>(
  op: string,
  path: string,
  fn: (cb: (err: Error | undefined | null, value: T) => void) => void,
): Promise<T> {
  return new Promise<T>((resolve, reject) =>
    fn((err, value) =>
      err ? reject(sftpError(op, path, err)) : resolve(value),
    ),
  );
}

function toStat(s: Stats): TargetFileStat {
  let type: TargetFileStat['type'] = 'other';
  if (s.isFile()) type = 'file';
  else if (s.isDirectory()) type = 'directory';
  else if (s.isSymbolicLink()) type = 'symlink';
  return {
    type,
    size: s.size,
    mtimeMs: s.mtime * 1000,
    mode: s.mode & 0o7777,
    uid: s.uid,
    gid: s.gid,
  };
}

/**
 * Files on an SSH host over SFTP. Durability uses OpenSSH's
 * `fsync@openssh.com` extension (OpenSSH 6.5+); a server without it is
 * refused rather than trusted. SFTP cannot flush a folder, so syncFolder is a
 * no-op: the fsynced file plus the read-back check is what we can promise.
 */
export class SftpTargetFileSystem implements TargetFileSystem {
  readonly description: string;

  constructor(private readonly connection: SshConnection) {
    this.description = `SSH host ${connection.describe()}`;
  }

  private sftp(): Promise<SFTPWrapper> {
    return this.connection.sftp();
  }

  async realpath(path: string): Promise<string> {
    const sftp = await this.sftp();
    const real = await call<string>('realpath', path, cb =>
      sftp.realpath(path, cb),
    );
    // OpenSSH's realpath resolves missing leaves without complaint; make it strict.
    await call<Stats>('stat', real, cb => sftp.stat(real, cb));
    return real;
  }

  async lstat(path: string): Promise<TargetFileStat | undefined> {
    const sftp = await this.sftp();
    try {
      return toStat(
        await call<Stats>('lstat', path, cb => sftp.lstat(path, cb)),
      );
    } catch (e) {
      if ((e as { code?: string }).code === 'ENOENT') return undefined;
      throw e;
    }
  }

  async readdir(path: string): Promise<string[]> {
    const sftp = await this.sftp();
    const list = await call<{ filename: string }[]>('readdir', path, cb =>
      sftp.readdir(path, cb),
    );
    return list.map(e => e.filename).filter(n => n !== '.' && n !== '..');
  }

  async readFile(path: string): Promise<Buffer> {
    const sftp = await this.sftp();
    return call<Buffer>('read', path, cb => sftp.readFile(path, cb));
  }

  async writeNewFile(
    path: string,
    content: Buffer,
    options: { mode: number; owner?: { uid: number; gid: number } },
  ): Promise<void> {
    const sftp = await this.sftp();
    const handle = await call<Buffer>('create', path, cb =>
      sftp.open(path, 'wx', { mode: options.mode }, cb),
    );
    try {
      for (let offset = 0; offset < content.length; offset += CHUNK) {
        const length = Math.min(CHUNK, content.length - offset);
        await call<void>('write', path, cb =>
          sftp.write(handle, content, offset, length, offset, err =>
            cb(err, undefined),
          ),
        );
      }
      await call<void>('chmod', path, cb =>
        sftp.fchmod(handle, options.mode, err => cb(err, undefined)),
      );
      if (options.owner) {
        const { uid, gid } = options.owner;
        await call<void>('chown', path, cb =>
          sftp.fchown(handle, uid, gid, err => cb(err, undefined)),
        );
      }
      await call<void>('fsync', path, cb => {
        try {
          sftp.ext_openssh_fsync(handle, err => cb(err, undefined));
        } catch (e) {
          cb(
            new Error(
              `the SFTP server does not offer fsync@openssh.com (${
                (e as Error).message
              }); staging needs it to make the revision durable: use OpenSSH 6.5 or later`,
            ),
            undefined,
          );
        }
      });
    } finally {
      await call<void>('close', path, cb =>
        sftp.close(handle, err => cb(err, undefined)),
      ).catch(() => undefined);
    }
  }

  async renameNoReplace(from: string, to: string): Promise<boolean> {
    const sftp = await this.sftp();
    // Plain SFTP rename (not posix-rename@openssh.com) never replaces: OpenSSH
    // implements it with link() + unlink() and fails when `to` exists.
    try {
      await call<void>('rename', from, cb =>
        sftp.rename(from, to, err => cb(err, undefined)),
      );
      return true;
    } catch (e) {
      if (await this.lstat(to)) return false;
      throw e;
    }
  }

  async chmod(path: string, mode: number): Promise<void> {
    const sftp = await this.sftp();
    await call<void>('chmod', path, cb =>
      sftp.chmod(path, mode, err => cb(err, undefined)),
    );
  }

  async unlink(path: string): Promise<void> {
    const sftp = await this.sftp();
    await call<void>('remove', path, cb =>
      sftp.unlink(path, err => cb(err, undefined)),
    );
  }

  async syncFolder(): Promise<void> {
    // Not possible over SFTP (fsync@openssh.com needs a file handle).
  }
}
