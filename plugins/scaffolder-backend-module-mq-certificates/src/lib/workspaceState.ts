import fs from 'node:fs/promises';
import path from 'node:path';
import { NotFoundError } from '@backstage/errors';
import type {
  KeyRepositoryFormat,
  KeystorePasswordRef,
  RotationCertificate,
} from '@mqcert/plugin-mq-certificates-common';
import { entitySlug } from './privateFolder';

/*
 * What one step leaves for the next in the task's workspace: the built key
 * repository and small JSON manifests with references only (no key, no
 * password), so a template can chain issue → build → deploy → schedule
 * with nothing but the entity ref, and the composite action can reuse the
 * same steps.
 */

/** What mq:keystore:build made. */
export interface BuildManifest {
  entityRef: string;
  format: KeyRepositoryFormat;
  profile?: string;
  /** Files in the workspace, main file first (paths relative to the workspace). */
  files: { path: string; suffix: string; sha256: string }[];
  /** Files kept outside the workspace (the KDB stash): suffix and SHA-256. */
  privateFiles: { suffix: string; sha256: string }[];
  labels: string[];
  certificateLabel: string;
  certificates: RotationCertificate[];
  passwordRef: KeystorePasswordRef;
}

/** What mq:keystore:deploy staged and recorded. */
export interface DeployManifest {
  entityRef: string;
  rotationId: string;
  deployTarget: string;
  revisionPath: string;
  sslKeyRepository: string;
  certificateLabel: string;
  serialNumber: string;
}

const FOLDER = 'mq-certificates';

/** The workspace folder of one entity's rotation (relative to the workspace). */
export function workspaceFolder(entityRef: string): string {
  return path.posix.join(FOLDER, entitySlug(entityRef));
}

async function writeJson(file: string, value: unknown): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.writeFile(file, `${JSON.stringify(value, null, 2)}\n`, {
    mode: 0o600,
  });
}

async function readJson<T>(file: string, missing: string): Promise<T> {
  try {
    return JSON.parse(await fs.readFile(file, 'utf8')) as T;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new NotFoundError(missing);
    }
    throw e;
  }
}

export function writeBuildManifest(
  workspacePath: string,
  manifest: BuildManifest,
): Promise<void> {
  return writeJson(
    path.join(workspacePath, workspaceFolder(manifest.entityRef), 'build.json'),
    manifest,
  );
}

export function readBuildManifest(
  workspacePath: string,
  entityRef: string,
): Promise<BuildManifest> {
  return readJson(
    path.join(workspacePath, workspaceFolder(entityRef), 'build.json'),
    `No key repository was built for ${entityRef} in this task's workspace; run mq:keystore:build before mq:keystore:deploy (or use mq:certificate:rotate)`,
  );
}

export function writeDeployManifest(
  workspacePath: string,
  manifest: DeployManifest,
): Promise<void> {
  return writeJson(
    path.join(
      workspacePath,
      workspaceFolder(manifest.entityRef),
      'deploy.json',
    ),
    manifest,
  );
}

export function readDeployManifest(
  workspacePath: string,
  entityRef: string,
): Promise<DeployManifest> {
  return readJson(
    path.join(workspacePath, workspaceFolder(entityRef), 'deploy.json'),
    `Nothing was staged for ${entityRef} in this task; run mq:keystore:deploy before mq:refresh:schedule, or pass the rotationId input`,
  );
}
