import crypto from 'node:crypto';
import path from 'node:path';
import {
  QueueManagerSpec,
  Rotation,
} from '@mqcert/plugin-mq-certificates-common';
import {
  checkCutoverPreflight,
  DeployTarget,
  KeystoreFile,
  redactSecrets,
} from '@mqcert/plugin-mq-certificates-node';
import type { MqCertificatesRuntime } from '../runtime/types';

/** The preflight refused the cut-over; nothing was changed on the queue manager. */
export class PreflightFailure extends Error {
  name = 'PreflightFailure';
}

/** CMS files beside the .kdb; read when present (the .kdb itself is required). */
const KDB_SIBLINGS = ['.rdb', '.crl', '.sth'];

async function readKeystoreFiles(
  target: DeployTarget,
  relativePath: string,
  format: Rotation['keyRepositoryFormat'],
): Promise<KeystoreFile[]> {
  const toFile = (suffix: string, content: Buffer): KeystoreFile => ({
    suffix,
    content,
    sha256: crypto.createHash('sha256').update(content).digest('hex'),
  });
  const ext = path.posix.extname(relativePath);
  const main = toFile(
    ext || (format === 'kdb' ? '.kdb' : '.p12'),
    await target.readFile(relativePath),
  );
  if (format !== 'kdb') return [main];
  const stem = ext ? relativePath.slice(0, -ext.length) : relativePath;
  const files = [main];
  for (const suffix of KDB_SIBLINGS) {
    try {
      files.push(toFile(suffix, await target.readFile(`${stem}${suffix}`)));
    } catch {
      // optional sibling; the inspector says what it misses
    }
  }
  return files;
}

/** What the cut-over needs once the preflight has passed. */
export interface PreflightResult {
  /** The SSLKEYR value to set. */
  sslKeyRepository: string;
  labels: string[];
}

/**
 * Checks the staged key repository before anything changes on the queue
 * manager: the file is on the deploy target, opens with the password kept
 * in Vault, and holds every label the queue manager and its channels use,
 * each with the serial this rotation issued and a full chain (the node
 * library's checkCutoverPreflight). Throws PreflightFailure in plain words.
 */
export async function preflightStagedRepository(options: {
  runtime: MqCertificatesRuntime;
  rotation: Rotation;
  spec: QueueManagerSpec;
  now: Date;
}): Promise<PreflightResult> {
  const { runtime, rotation, spec, now } = options;
  const relativePath = rotation.stagedRevisionPath;
  const targetName = rotation.deployTarget ?? spec.deployTarget;
  if (!relativePath || !targetName) {
    throw new PreflightFailure(
      `the rotation records no staged revision${
        targetName ? '' : ' or deploy target'
      }; run the deploy step (mq:keystore:deploy) before scheduling the refresh`,
    );
  }
  if (!rotation.keystorePasswordRef) {
    throw new PreflightFailure(
      'the rotation records no keystore password reference, so the staged repository cannot be opened to check it; rebuild and deploy it with the scaffolder actions',
    );
  }
  const target = await runtime.getDeployTarget(targetName);
  // The preflight opened the target, so it closes it (an SSH target holds a connection).
  try {
    return await checkStaged(
      runtime,
      target,
      targetName,
      relativePath,
      rotation,
      spec,
      now,
    );
  } finally {
    await target.close().catch(() => {});
  }
}

async function checkStaged(
  runtime: MqCertificatesRuntime,
  target: DeployTarget,
  targetName: string,
  relativePath: string,
  rotation: Rotation,
  spec: QueueManagerSpec,
  now: Date,
): Promise<PreflightResult> {
  const passwordRef = rotation.keystorePasswordRef!;
  let files: KeystoreFile[];
  try {
    files = await readKeystoreFiles(
      target,
      relativePath,
      rotation.keyRepositoryFormat,
    );
  } catch (e) {
    throw new PreflightFailure(
      `the staged key repository ${relativePath} could not be read on deploy target ${targetName}: ${
        (e as Error).message
      }; it may have been removed or pruned, deploy it again`,
    );
  }
  const password = await runtime.readKeystorePassword(passwordRef);
  const labels = Array.from(
    new Set([
      rotation.certificateLabel,
      ...spec.certificateLabels,
      ...rotation.certificates.map(c => c.label),
    ]),
  );
  let problems: string[];
  try {
    const format = await runtime.getKeystoreFormat(
      rotation.keyRepositoryFormat,
      target,
    );
    const inspection = await format.inspect(files, password);
    problems = checkCutoverPreflight({
      inspection,
      labels,
      expectedSerialNumbers: Object.fromEntries(
        rotation.certificates.map(c => [c.label, c.serialNumber]),
      ),
      repositoryName: relativePath,
      now,
    }).problems;
  } catch (e) {
    // Inspector errors should never carry the password; make sure.
    throw new PreflightFailure(
      `the staged key repository ${relativePath} could not be opened: ${redactSecrets(
        (e as Error).message,
        [password],
      )}`,
    );
  }
  if (problems.length) {
    throw new PreflightFailure(
      `the staged key repository ${relativePath} is not safe to cut over to: ${problems.join(
        '; ',
      )}`,
    );
  }
  const sslKeyRepository =
    rotation.stagedSslKeyRepository ??
    target.resolvePath(
      rotation.keyRepositoryFormat === 'kdb'
        ? relativePath.replace(/\.kdb$/i, '')
        : relativePath,
    );
  return { sslKeyRepository, labels };
}
