/** What a deploy target needs of a file's metadata. */
export interface TargetFileStat {
  type: 'file' | 'directory' | 'symlink' | 'other';
  size: number;
  mtimeMs: number;
  /** Permission bits (e.g. 0o600). */
  mode: number;
  uid: number;
  gid: number;
}

/**
 * The few file operations staging needs, on absolute paths of the target
 * host: the backend's own file system, or SFTP. Operations that find nothing
 * throw an error whose `code` is `ENOENT` (lstat returns undefined instead).
 */
export interface TargetFileSystem {
  /** For messages: `this machine`, `SSH host mqm@qm1:22`. */
  readonly description: string;
  realpath(path: string): Promise<string>;
  /** Does not follow a symbolic link at `path`; undefined when nothing is there. */
  lstat(path: string): Promise<TargetFileStat | undefined>;
  readdir(path: string): Promise<string[]>;
  readFile(path: string): Promise<Buffer>;
  /**
   * Creates `path`, failing if anything (even a dangling link) is there,
   * writes `content`, sets the mode (and owner when given), flushes it to
   * disk (fsync) and closes it.
   */
  writeNewFile(
    path: string,
    content: Buffer,
    options: { mode: number; owner?: { uid: number; gid: number } },
  ): Promise<void>;
  /** Renames without replacing: false (and nothing changed) when `to` exists. */
  renameNoReplace(from: string, to: string): Promise<boolean>;
  chmod(path: string, mode: number): Promise<void>;
  unlink(path: string): Promise<void>;
  /** Flushes a folder's entries after a rename, where the transport can. */
  syncFolder(path: string): Promise<void>;
}

/** Whether an error means "no such file". */
export function isNotFound(error: unknown): boolean {
  return (error as { code?: unknown })?.code === 'ENOENT';
}
