import { createHash, randomBytes } from 'node:crypto';
import {
  ConflictError,
  ForwardedError,
  InputError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import { validateKeyRepositoryStem } from '@mqcert/plugin-mq-certificates-common';
import type {
  CommandRunner,
  DeployTarget,
  KeystoreFile,
  RevisionInfo,
  StagedRevision,
} from '../types';
import { type FileOwnerSetting, resolveFileOwner } from './fileOwner';
import {
  KEY_REPOSITORY_SUFFIXES,
  keyRepositoryFormatOf,
  parseRevisionFileName,
  revisionFileName,
  validateRevisionId,
} from './revisions';
import {
  isInsideFolder,
  joinTargetPath,
  splitRelativePath,
  validateRelativePath,
} from './targetPaths';
import { isNotFound, type TargetFileSystem } from './TargetFileSystem';

const FILE_MODE = 0o600;

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** Settings of a folder-based deploy target. */
export interface FileSystemDeployTargetOptions {
  name: string;
  type: 'local' | 'ssh';
  /** Absolute folder on the target host; nothing outside it is touched. */
  root: string;
  /** The same folder as the MQ host sees it, when different (default: root). */
  mqRoot?: string;
  /** Revisions to keep when pruning, when configured for this target. */
  keepRevisions?: number;
  /** Owner to give staged files (needs root or CAP_CHOWN on the target). */
  owner?: FileOwnerSetting;
  fs: TargetFileSystem;
  commands: CommandRunner;
  /** Config path named in errors, e.g. `mqCertificates.deployTargets.qm1`. */
  configPath: string;
  onClose?: () => Promise<void>;
}

/**
 * A deploy target on a folder, local or over SFTP: staging writes a new
 * revision beside the live key repository and never touches the live one.
 *
 * Each file is written under a hidden temp name (`.<name>.<random>.tmp`,
 * exclusive create, mode 0600, owner, fsync), renamed to its revision name
 * without replacing anything, read back and compared by SHA-256. A name that
 * already exists with the same content makes the stage idempotent
 * (`created: false`); different content is a conflict, never an overwrite.
 *
 * Every path is checked twice: lexically (no absolute paths, `..`) and on the
 * host (the real path of the folder must lie inside the real root, so
 * symbolic links cannot lead out).
 */
export class FileSystemDeployTarget implements DeployTarget {
  readonly name: string;
  readonly type: 'local' | 'ssh';
  readonly commands: CommandRunner;
  readonly keepRevisions?: number;
  private readonly fs: TargetFileSystem;
  private realRootPromise?: Promise<string>;
  private ownerPromise?: Promise<{ uid: number; gid: number } | undefined>;

  constructor(private readonly options: FileSystemDeployTargetOptions) {
    this.name = options.name;
    this.type = options.type;
    this.commands = options.commands;
    this.fs = options.fs;
    this.keepRevisions = options.keepRevisions;
  }

  resolvePath(relativePath: string): string {
    return joinTargetPath(
      this.options.mqRoot ?? this.options.root,
      validateRelativePath(relativePath, 'relativePath'),
    );
  }

  hostPath(relativePath: string): string {
    return joinTargetPath(
      this.options.root,
      validateRelativePath(relativePath, 'relativePath'),
    );
  }

  async stage(request: {
    stem: string;
    revisionId: string;
    files: KeystoreFile[];
  }): Promise<StagedRevision> {
    const stem = validateKeyRepositoryStem(request.stem);
    const revisionId = validateRevisionId(request.revisionId);
    const format = keyRepositoryFormatOf(request.files.map(f => f.suffix));
    const files = request.files.map(f => {
      const actual = sha256(f.content);
      if (f.sha256 && f.sha256.toLowerCase() !== actual) {
        throw new InputError(
          `files: the ${f.suffix} file's declared SHA-256 ${f.sha256} does not match its content (${actual}); rebuild the key repository`,
        );
      }
      return { ...f, sha256: actual };
    });
    // Main file first, whatever order the caller used.
    const order: readonly string[] = KEY_REPOSITORY_SUFFIXES[format];
    files.sort((a, b) => order.indexOf(a.suffix) - order.indexOf(b.suffix));

    const { dir, base } = splitRelativePath(stem);
    const folder = await this.realFolder(dir, 'stem', false);
    const owner = await this.owner();
    let created = false;
    const staged: { relativePath: string; sha256: string }[] = [];
    for (const file of files) {
      const fileName = revisionFileName(base, revisionId, file.suffix);
      const relativePath = dir ? `${dir}/${fileName}` : fileName;
      const wrote = await this.stageFile(
        folder,
        fileName,
        relativePath,
        file,
        owner,
      );
      created = created || wrote;
      staged.push({ relativePath, sha256: file.sha256 });
    }
    const revisionStem = dir
      ? `${dir}/${base}-${revisionId}`
      : `${base}-${revisionId}`;
    return {
      relativePath: staged[0].relativePath,
      sslKeyRepository:
        format === 'kdb'
          ? this.resolvePath(revisionStem)
          : this.resolvePath(staged[0].relativePath),
      files: staged,
      created,
    };
  }

  async listRevisions(stem: string): Promise<RevisionInfo[]> {
    const valid = validateKeyRepositoryStem(stem);
    const { dir, base } = splitRelativePath(valid);
    const folder = await this.realFolder(dir, 'stem', true);
    if (!folder) return [];
    const byId = new Map<
      string,
      { main?: string; files: string[]; size: number; mtimeMs: number }
    >();
    for (const fileName of await this.fs.readdir(folder)) {
      const parsed = parseRevisionFileName(base, fileName);
      if (!parsed) continue;
      const stat = await this.fs.lstat(joinTargetPath(folder, fileName));
      // Only regular files count; a link named like a revision is not ours.
      if (stat?.type !== 'file') continue;
      const entry = byId.get(parsed.revisionId) ?? {
        files: [],
        size: 0,
        mtimeMs: 0,
      };
      const rel = dir ? `${dir}/${fileName}` : fileName;
      entry.files.push(rel);
      entry.size += stat.size;
      if (parsed.suffix === '.p12' || parsed.suffix === '.kdb') {
        entry.main = rel;
        entry.mtimeMs = stat.mtimeMs;
      }
      byId.set(parsed.revisionId, entry);
    }
    const revisions: RevisionInfo[] = [];
    for (const [revisionId, e] of byId) {
      if (!e.main) continue; // stray .sth/.rdb without a .kdb: not a usable revision
      const isKdb = e.main.endsWith('.kdb');
      revisions.push({
        revisionId,
        relativePath: e.main,
        sslKeyRepository: this.resolvePath(
          isKdb ? e.main.slice(0, -'.kdb'.length) : e.main,
        ),
        files: e.files.sort(),
        modifiedAt: new Date(e.mtimeMs).toISOString(),
        sizeBytes: e.size,
      });
    }
    // Newest first: revision ids start with their UTC time.
    return revisions.sort((a, b) => (a.revisionId < b.revisionId ? 1 : -1));
  }

  async readFile(relativePath: string): Promise<Buffer> {
    const rel = validateRelativePath(relativePath, 'relativePath');
    const { dir, base } = splitRelativePath(rel);
    const folder = await this.realFolder(dir, 'relativePath', false);
    const path = joinTargetPath(folder, base);
    const stat = await this.fs.lstat(path);
    if (!stat) {
      throw new NotFoundError(`${rel} does not exist in ${this.describe()}`);
    }
    if (stat.type === 'symlink') {
      const real = await this.fs.realpath(path).catch(e => {
        throw new NotFoundError(
          `${rel} in ${this.describe()} is a broken symbolic link`,
          e,
        );
      });
      if (!isInsideFolder(await this.realRoot(), real)) {
        throw new NotAllowedError(
          `${rel} in ${this.describe()} is a symbolic link to ${real}, outside the target root; refusing to read it`,
        );
      }
      return this.fs.readFile(real);
    }
    if (stat.type !== 'file') {
      throw new InputError(
        `relativePath: ${rel} in ${this.describe()} is not a file`,
      );
    }
    return this.fs.readFile(path);
  }

  async pruneRevisions(
    stem: string,
    keep: number,
    protect: string[],
  ): Promise<string[]> {
    if (!Number.isInteger(keep) || keep < 1) {
      throw new InputError(
        `keep: ${keep} is not a whole number of revisions to keep (1 or more)`,
      );
    }
    if (!Array.isArray(protect) || protect.length === 0) {
      throw new InputError(
        'protect: name at least the live key repository (the SSLKEYR from DISPLAY QMGR) so pruning can never remove it',
      );
    }
    const protectedStems = new Set(protect.map(p => this.revisionStemOf(p)));
    const revisions = await this.listRevisions(stem);
    const removed: string[] = [];
    for (const revision of revisions.slice(keep)) {
      const revisionStem = this.revisionStemOf(revision.relativePath);
      if (protectedStems.has(revisionStem)) continue;
      for (const rel of revision.files) {
        const { dir, base } = splitRelativePath(rel);
        const folder = await this.realFolder(dir, 'stem', false);
        const path = joinTargetPath(folder, base);
        if ((await this.fs.lstat(path))?.type !== 'file') continue;
        await this.fs.unlink(path).catch(e => {
          if (!isNotFound(e)) {
            throw new ForwardedError(
              `could not remove old revision file ${rel} from ${this.describe()}; check its permissions`,
              e,
            );
          }
        });
        removed.push(rel);
      }
    }
    return removed;
  }

  async close(): Promise<void> {
    await this.options.onClose?.();
  }

  // ------------------------------------------------------------ internals

  private describe(): string {
    return `deploy target '${this.name}' (${this.fs.description}, root ${this.options.root})`;
  }

  /**
   * A path relative to the root (or an MQ/host absolute path under one of
   * the roots), reduced to its revision stem: no root, no key repository
   * extension. Used to compare protected paths with revisions.
   */
  private revisionStemOf(path: string): string {
    let rel = path.trim();
    for (const root of [this.options.mqRoot, this.options.root]) {
      if (root && isInsideFolder(root, rel)) {
        rel = rel.slice(root === '/' ? 1 : root.length + 1);
        break;
      }
    }
    return rel.replace(/\.(p12|kdb|rdb|crl|sth)$/, '');
  }

  private realRoot(): Promise<string> {
    if (!this.realRootPromise) {
      const root = this.options.root;
      this.realRootPromise = this.fs.realpath(root).catch(e => {
        this.realRootPromise = undefined;
        if (isNotFound(e)) {
          throw new NotFoundError(
            `the root folder ${root} of ${this.describe()} does not exist; create it or fix ${
              this.options.configPath
            }.root`,
          );
        }
        throw new ForwardedError(
          `cannot open the root folder of ${this.describe()}`,
          e,
        );
      });
    }
    return this.realRootPromise;
  }

  /**
   * The real path of a folder below the root, refusing any that resolves
   * outside it. With `optional`, a missing folder gives undefined.
   */
  private async realFolder(
    dir: string,
    field: string,
    optional: true,
  ): Promise<string | undefined>;
  private async realFolder(
    dir: string,
    field: string,
    optional: false,
  ): Promise<string>;
  private async realFolder(
    dir: string,
    field: string,
    optional: boolean,
  ): Promise<string | undefined> {
    const realRoot = await this.realRoot();
    const path = joinTargetPath(this.options.root, dir);
    let real: string;
    try {
      real = await this.fs.realpath(path);
    } catch (e) {
      if (isNotFound(e)) {
        if (optional) return undefined;
        throw new NotFoundError(
          `${field}: folder '${
            dir || '.'
          }' does not exist in ${this.describe()}; create it (owned by the MQ user) or fix the key repository path`,
        );
      }
      throw new ForwardedError(
        `cannot open folder '${dir}' in ${this.describe()}`,
        e,
      );
    }
    if (!isInsideFolder(realRoot, real)) {
      throw new NotAllowedError(
        `${field}: folder '${dir}' in ${this.describe()} resolves to ${real}, outside the target root (a symbolic link leads out); refusing to touch it`,
      );
    }
    const stat = await this.fs.lstat(real);
    if (stat?.type !== 'directory') {
      throw new InputError(
        `${field}: '${dir}' in ${this.describe()} is not a folder`,
      );
    }
    return real;
  }

  private owner(): Promise<{ uid: number; gid: number } | undefined> {
    const setting = this.options.owner;
    if (!setting) return Promise.resolve(undefined);
    if (!this.ownerPromise) {
      this.ownerPromise = resolveFileOwner(
        this.commands,
        setting,
        this.options.configPath,
      ).catch(e => {
        this.ownerPromise = undefined;
        throw e;
      });
    }
    return this.ownerPromise;
  }

  /** Writes one file of a revision; false when it was already there, identical. */
  private async stageFile(
    folder: string,
    fileName: string,
    relativePath: string,
    file: KeystoreFile,
    owner: { uid: number; gid: number } | undefined,
  ): Promise<boolean> {
    const finalPath = joinTargetPath(folder, fileName);
    if (await this.fs.lstat(finalPath)) {
      await this.checkExisting(finalPath, relativePath, file.sha256);
      return false;
    }
    const tempPath = joinTargetPath(
      folder,
      `.${fileName}.${randomBytes(6).toString('hex')}.tmp`,
    );
    try {
      await this.fs.writeNewFile(tempPath, file.content, {
        mode: FILE_MODE,
        owner,
      });
      if (!(await this.fs.renameNoReplace(tempPath, finalPath))) {
        // Someone staged the same name meanwhile: same rules as above.
        await this.fs.unlink(tempPath).catch(() => undefined);
        await this.checkExisting(finalPath, relativePath, file.sha256);
        return false;
      }
      await this.fs.syncFolder(folder);
    } catch (e) {
      await this.fs.unlink(tempPath).catch(() => undefined);
      if (e instanceof ConflictError) throw e;
      const denied = /EPERM|EACCES|permission denied/i.test(
        String((e as Error).message),
      );
      throw new ForwardedError(
        `could not write ${relativePath} to ${this.describe()}${
          denied && owner
            ? `; giving files to owner ${this.options.owner?.user} needs root (or CAP_CHOWN) on the target, or remove ${this.options.configPath}.owner`
            : '; check free space and that the user may write the folder'
        }`,
        e,
      );
    }
    const readBack = sha256(await this.fs.readFile(finalPath));
    if (readBack !== file.sha256) {
      await this.fs.unlink(finalPath).catch(() => undefined);
      throw new ConflictError(
        `${relativePath} on ${this.describe()} read back with SHA-256 ${readBack}, not the ${
          file.sha256
        } written; the bad copy was removed and the live key repository is untouched; check the host's disk and stage again`,
      );
    }
    return true;
  }

  private async checkExisting(
    path: string,
    relativePath: string,
    expected: string,
  ): Promise<void> {
    const stat = await this.fs.lstat(path);
    if (stat?.type !== 'file') {
      throw new ConflictError(
        `${relativePath} in ${this.describe()} exists and is not a regular file; remove it or stage under a new revision id`,
      );
    }
    const found = sha256(await this.fs.readFile(path));
    if (found !== expected) {
      throw new ConflictError(
        `revision file ${relativePath} already exists in ${this.describe()} with different content (SHA-256 ${found} there, ${expected} now); revisions are never overwritten: stage under a new revision id`,
      );
    }
    if (stat.mode !== FILE_MODE) await this.fs.chmod(path, FILE_MODE);
  }
}
