import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { parseEntityRef } from '@backstage/catalog-model';
import { ConflictError, NotFoundError } from '@backstage/errors';

/*
 * Private keys live here between the issue and build steps of a task:
 * `<root>/<task id>/<entity slug>/`, folders 0700 and files 0600, outside the
 * scaffolder workspace (which task recovery may serialize into the database).
 * The folder is keyed by task and entity so the build step of the same task
 * finds it without any secret passing through step outputs or checkpoints.
 */

/** One certificate (and, when Vault made the key, its key) of a task. */
export interface PrivateCertificateMaterial {
  label: string;
  serialNumber: string;
  certificatePem: string;
  chainPem: string[];
  /** Absent when the key was generated on the MQ host. Secret. */
  privateKeyPem?: string;
}

/** What the folder holds, without the secrets (manifest.json). */
export interface PrivateFolderManifest {
  entityRef: string;
  taskId: string;
  createdAt: string;
  /** `local`: keys are in this folder; `host`: keys stayed on the MQ host. */
  keyLocation: 'local' | 'host';
  /** For host keys: the deploy target and the folder (relative to its root) holding them. */
  hostKeys?: { deployTarget: string; directory: string };
  entries: { label: string; serialNumber: string; index: number }[];
}

const DIR_MODE = 0o700;
const FILE_MODE = 0o600;

function safeSegment(value: string): string {
  if (/^[A-Za-z0-9_-]{1,100}$/.test(value)) return value;
  return createHash('sha256').update(value).digest('hex').slice(0, 32);
}

/** A folder name for an entity: readable, and unique by a short hash. @public */
export function entitySlug(entityRef: string): string {
  const ref = parseEntityRef(entityRef);
  const readable = `${ref.kind}-${ref.namespace}-${ref.name}`
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80);
  const hash = createHash('sha256')
    .update(entityRef.toLowerCase())
    .digest('hex')
    .slice(0, 8);
  return `${readable}-${hash}`;
}

async function ensurePrivateDir(dir: string): Promise<void> {
  await fs.mkdir(dir, { recursive: true, mode: DIR_MODE });
  const st = await fs.lstat(dir);
  if (!st.isDirectory() || st.isSymbolicLink()) {
    throw new ConflictError(
      `${dir} is not a plain folder; mqCertificates.scaffolder.privateDirectory must name a folder the backend owns`,
    );
  }
  if (typeof process.getuid === 'function' && st.uid !== process.getuid()) {
    throw new ConflictError(
      `${dir} belongs to another user (uid ${st.uid}); give mqCertificates.scaffolder.privateDirectory a folder the backend owns`,
    );
  }
  if ((st.mode & 0o777) !== DIR_MODE) await fs.chmod(dir, DIR_MODE);
}

/** The private folders of the scaffolder actions. @public */
export class PrivateKeyFolders {
  constructor(
    private readonly root: string,
    private readonly options: { maxAgeMs: number; now?: () => number } = {
      maxAgeMs: 24 * 3_600_000,
    },
  ) {}

  /** The folder of one task and entity (it may not exist). */
  pathFor(taskId: string, entityRef: string): string {
    return path.join(this.root, safeSegment(taskId), entitySlug(entityRef));
  }

  /** Writes the material, replacing what an earlier attempt of the same task left. */
  async write(
    manifest: Omit<PrivateFolderManifest, 'entries' | 'createdAt'>,
    materials: PrivateCertificateMaterial[],
  ): Promise<string> {
    await ensurePrivateDir(this.root);
    await ensurePrivateDir(path.join(this.root, safeSegment(manifest.taskId)));
    const dir = this.pathFor(manifest.taskId, manifest.entityRef);
    await fs.rm(dir, { recursive: true, force: true });
    await fs.mkdir(dir, { mode: DIR_MODE });
    await fs.chmod(dir, DIR_MODE);
    const write = (name: string, content: string) =>
      fs.writeFile(path.join(dir, name), content, {
        mode: FILE_MODE,
        flag: 'wx',
      });
    const entries = materials.map((m, index) => ({
      label: m.label,
      serialNumber: m.serialNumber,
      index,
    }));
    for (const [index, m] of materials.entries()) {
      await write(`${index}.cert.pem`, `${m.certificatePem.trim()}\n`);
      await write(
        `${index}.chain.pem`,
        m.chainPem.map(c => `${c.trim()}\n`).join(''),
      );
      if (m.privateKeyPem) {
        await write(`${index}.key.pem`, `${m.privateKeyPem.trim()}\n`);
      }
    }
    const full: PrivateFolderManifest = {
      ...manifest,
      createdAt: new Date(this.now()).toISOString(),
      entries,
    };
    await write('manifest.json', JSON.stringify(full, null, 2));
    return dir;
  }

  /** Whether an issue step of the task left material for the entity. */
  async exists(taskId: string, entityRef: string): Promise<boolean> {
    return (await this.readManifest(taskId, entityRef)) !== undefined;
  }

  /** Whether the folder exists and holds the expected serials (order-insensitive). */
  async holds(
    taskId: string,
    entityRef: string,
    serials: string[],
  ): Promise<boolean> {
    const manifest = await this.readManifest(taskId, entityRef);
    if (!manifest) return false;
    const have = manifest.entries.map(e => e.serialNumber).sort();
    return JSON.stringify(have) === JSON.stringify([...serials].sort());
  }

  /**
   * Reads the material. A missing folder means the task resumed on another
   * machine, or a step already consumed or removed it: the rotation must
   * be run again (never re-issued behind the user's back).
   */
  async read(
    taskId: string,
    entityRef: string,
  ): Promise<{
    manifest: PrivateFolderManifest;
    materials: PrivateCertificateMaterial[];
  }> {
    const manifest = await this.readManifest(taskId, entityRef);
    if (!manifest) {
      throw new NotFoundError(
        `The certificates issued for ${entityRef} in this task are no longer in the private folder ${this.pathFor(
          taskId,
          entityRef,
        )} (the task resumed on another machine, or an earlier step failed and removed them). Nothing was staged from them: run the rotation again to issue a new certificate.`,
      );
    }
    const dir = this.pathFor(taskId, entityRef);
    const materials: PrivateCertificateMaterial[] = [];
    for (const e of manifest.entries) {
      const read = (name: string) =>
        fs.readFile(path.join(dir, `${e.index}.${name}`), 'utf8');
      const chain = await read('chain.pem');
      materials.push({
        label: e.label,
        serialNumber: e.serialNumber,
        certificatePem: (await read('cert.pem')).trim(),
        chainPem:
          chain
            .match(
              /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g,
            )
            ?.map(s => s.trim()) ?? [],
        privateKeyPem:
          manifest.keyLocation === 'local'
            ? (await read('key.pem')).trim()
            : undefined,
      });
    }
    return { manifest, materials };
  }

  /** Removes the folder of one task and entity (and the task's folder once empty). */
  async remove(taskId: string, entityRef: string): Promise<void> {
    const dir = this.pathFor(taskId, entityRef);
    await fs.rm(dir, { recursive: true, force: true });
    await fs.rmdir(path.dirname(dir)).catch(() => undefined);
  }

  /** Folder for secret files of a built key repository (the KDB stash) until deploy. */
  private filesPathFor(taskId: string, entityRef: string): string {
    return `${this.pathFor(taskId, entityRef)}.files`;
  }

  /** Keeps files (the KDB stash) outside the workspace until the deploy step stages them. */
  async writeKeystoreFiles(
    taskId: string,
    entityRef: string,
    files: { suffix: string; content: Buffer }[],
  ): Promise<void> {
    await ensurePrivateDir(this.root);
    await ensurePrivateDir(path.join(this.root, safeSegment(taskId)));
    const dir = this.filesPathFor(taskId, entityRef);
    await fs.rm(dir, { recursive: true, force: true });
    await fs.mkdir(dir, { mode: DIR_MODE });
    await fs.chmod(dir, DIR_MODE);
    for (const f of files) {
      await fs.writeFile(path.join(dir, `keystore${f.suffix}`), f.content, {
        mode: FILE_MODE,
        flag: 'wx',
      });
    }
  }

  async readKeystoreFile(
    taskId: string,
    entityRef: string,
    suffix: string,
  ): Promise<Buffer> {
    try {
      return await fs.readFile(
        path.join(this.filesPathFor(taskId, entityRef), `keystore${suffix}`),
      );
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      throw new NotFoundError(
        `The ${suffix} file built for ${entityRef} in this task is no longer in ${this.filesPathFor(
          taskId,
          entityRef,
        )} (the task resumed on another machine, or it was removed after a failure). Nothing was staged from it: run the rotation again.`,
      );
    }
  }

  async removeKeystoreFiles(taskId: string, entityRef: string): Promise<void> {
    await fs.rm(this.filesPathFor(taskId, entityRef), {
      recursive: true,
      force: true,
    });
    await fs
      .rmdir(path.join(this.root, safeSegment(taskId)))
      .catch(() => undefined);
  }

  /** Removes task folders older than maxAgeMs; returns how many. */
  async sweep(): Promise<number> {
    let names: string[];
    try {
      names = await fs.readdir(this.root);
    } catch {
      return 0;
    }
    let removed = 0;
    const cutoff = this.now() - this.options.maxAgeMs;
    for (const name of names) {
      const dir = path.join(this.root, name);
      const st = await fs.lstat(dir).catch(() => undefined);
      if (st?.isDirectory() && st.mtimeMs < cutoff) {
        await fs.rm(dir, { recursive: true, force: true });
        removed += 1;
      }
    }
    return removed;
  }

  private now(): number {
    return this.options.now?.() ?? Date.now();
  }

  private async readManifest(
    taskId: string,
    entityRef: string,
  ): Promise<PrivateFolderManifest | undefined> {
    try {
      const text = await fs.readFile(
        path.join(this.pathFor(taskId, entityRef), 'manifest.json'),
        'utf8',
      );
      return JSON.parse(text) as PrivateFolderManifest;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw e;
    }
  }
}
