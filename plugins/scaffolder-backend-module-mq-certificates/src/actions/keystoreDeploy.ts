import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { ConflictError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import type { JsonValue } from '@backstage/types';
import { requireSpecField } from '@mqcert/plugin-mq-certificates-common';
import {
  buildCutoverCommands,
  DISPLAY_QMGR_TLS_COMMAND,
  readQmgrTlsSettings,
  type KeystoreFile,
  type QmgrTlsSettings,
  type StagedRevision,
} from '@mqcert/plugin-mq-certificates-node';
import { DRY_RUN_VALUE, reportPlan } from '../lib/dryRun';
import type { MqActionsEnvironment } from '../lib/environment';
import { withProgress } from '../lib/progress';
import { loadQueueManager } from '../lib/queueManagerAccess';
import {
  checkpointKey,
  emitOutputs,
  StepContext,
  stepContextOf,
} from '../lib/stepContext';
import { readBuildManifest, writeDeployManifest } from '../lib/workspaceState';
import { examples } from './keystoreDeploy.examples';
import { entityRefInput, planOutput } from './schemas';

/** Input of mq:keystore:deploy. @public */
export interface DeployStepInput {
  entityRef: string;
}

/** Outputs of mq:keystore:deploy. @public */
export interface DeployStepOutput {
  entityRef: string;
  /** The rotation recorded in the backend (state staged). */
  rotationId: string;
  deployTarget: string;
  /** The staged revision's main file, relative to the target's root. */
  revisionPath: string;
  /** The SSLKEYR value the cut-over sets. */
  sslKeyRepository: string;
  certificateLabel: string;
  serialNumber: string;
  /** What the queue manager uses now (DISPLAY QMGR), restored by a rollback. */
  liveSslKeyRepository: string;
  liveCertificateLabel: string;
  /** Old revisions removed (the live and the staged one are always kept). */
  prunedRevisions: string[];
  plan?: string[];
}

function sha256(content: Buffer): string {
  return createHash('sha256').update(content).digest('hex');
}

/** `20261203T195200Z`: the UTC stamp of a revision name. */
function utcStamp(date: Date): string {
  return date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
}

/** Paths of revisions that are what the queue manager uses now (never pruned). */
function liveRevisionPaths(
  revisions: { relativePath: string; sslKeyRepository: string }[],
  live: QmgrTlsSettings,
): string[] {
  const strip = (p: string) => p.replace(/\.(kdb|p12|pfx|pkcs12)$/i, '');
  return revisions
    .filter(
      r =>
        r.sslKeyRepository === live.sslKeyRepository ||
        strip(r.sslKeyRepository) === strip(live.sslKeyRepository),
    )
    .map(r => r.relativePath);
}

/**
 * Stages the key repository the build step made as a new revision beside
 * the live one (the live repository is never touched), records the rotation
 * as staged in the backend, and prunes old revisions.
 */
export async function runDeployStep(
  env: MqActionsEnvironment,
  step: StepContext,
  input: DeployStepInput,
): Promise<DeployStepOutput> {
  const { spec, credentials } = await loadQueueManager(
    env,
    step,
    input.entityRef,
  );
  const entityRef = spec.entityRef;
  const purpose = 'staging the key repository';
  const targetName = requireSpecField(spec, 'deployTarget', purpose);
  const stem = requireSpecField(spec, 'keyRepository', purpose);
  const mqAdmin = requireSpecField(spec, 'mqAdmin', 'reading the live SSLKEYR');

  if (step.isDryRun) {
    let live: QmgrTlsSettings | undefined;
    let liveProblem = '';
    try {
      live = await readQmgrTlsSettings(
        await env.mqscRunner(mqAdmin),
        spec.queueManager,
      );
    } catch (e) {
      liveProblem = ` (could not read it now: ${(e as Error).message})`;
    }
    const revision = `${stem}-<UTC time>-<serial prefix>.${spec.keyRepositoryFormat}`;
    const plan = reportPlan(step, `deploy for ${entityRef}`, [
      `stage the built key repository on deploy target ${targetName} as a new revision ${revision} beside ${stem} (temporary name, fsync, rename, read back and compare SHA-256, mode 0600); the live repository is not touched`,
      `read the live settings with ${DISPLAY_QMGR_TLS_COMMAND} through mq-admin connection ${mqAdmin}: ${
        live
          ? `SSLKEYR(${live.sslKeyRepository}) CERTLABL(${live.certificateLabel})`
          : 'unknown'
      }${liveProblem}`,
      `record the rotation as staged: POST /api/mq-certificates/v1/rotations`,
      `prune revisions of ${stem} on ${targetName} to the newest ${env.settings.keepRevisions} (or the target's keepRevisions), keeping the live and the staged one`,
      `the cut-over will then run: ${buildCutoverCommands({
        sslKeyRepository: `/<target path of ${revision}>`,
        certificateLabel: spec.certificateLabel,
      }).join(' ; ')}`,
    ]);
    return {
      entityRef,
      rotationId: DRY_RUN_VALUE,
      deployTarget: targetName,
      revisionPath: revision,
      sslKeyRepository: DRY_RUN_VALUE,
      certificateLabel: spec.certificateLabel,
      serialNumber: DRY_RUN_VALUE,
      liveSslKeyRepository: live?.sslKeyRepository ?? DRY_RUN_VALUE,
      liveCertificateLabel: live?.certificateLabel ?? DRY_RUN_VALUE,
      prunedRevisions: [],
      plan,
    };
  }

  // The PKCS#12/KDB stash in the private folder is password-equivalent and
  // only needed to stage: it goes when this step ends, whatever the
  // outcome (a crashed worker keeps it, so the resumed task can stage).
  try {
    const build = await readBuildManifest(step.workspacePath, entityRef);
    const main =
      build.certificates.find(c => c.label === build.certificateLabel) ??
      build.certificates[0];
    const files: KeystoreFile[] = [];
    for (const f of build.files) {
      const content = await fs.readFile(path.join(step.workspacePath, f.path));
      if (sha256(content) !== f.sha256) {
        throw new ConflictError(
          `${f.path} changed after mq:keystore:build (SHA-256 ${sha256(
            content,
          )}, built ${f.sha256}); run the build step again`,
        );
      }
      files.push({ suffix: f.suffix, content, sha256: f.sha256 });
    }
    // Private files (stashes) are read only when staging really runs: after a
    // staged revision they are removed, and a resumed task skips the stage.
    const readPrivateFiles = async (): Promise<KeystoreFile[]> => {
      const out: KeystoreFile[] = [];
      for (const f of build.privateFiles) {
        const content = await env.privateFolders.readKeystoreFile(
          step.taskId,
          entityRef,
          f.suffix,
        );
        out.push({ suffix: f.suffix, content, sha256: f.sha256 });
      }
      return out;
    };

    const live = (await step.checkpoint({
      key: checkpointKey('deploy.live', step.taskId, entityRef),
      fn: async () => {
        step.logger.info(
          `Reading the live SSLKEYR and CERTLABL of ${spec.queueManager} through ${mqAdmin}`,
        );
        const settings = await withProgress(
          step.logger,
          `waiting for ${DISPLAY_QMGR_TLS_COMMAND} on ${spec.queueManager}`,
          env.settings.progressIntervalMs,
          async () =>
            readQmgrTlsSettings(
              await env.mqscRunner(mqAdmin),
              spec.queueManager,
            ),
        );
        step.logger.info(
          `${spec.queueManager} uses SSLKEYR(${settings.sslKeyRepository}) CERTLABL(${settings.certificateLabel})`,
        );
        return { ...settings } as JsonValue;
      },
    })) as unknown as QmgrTlsSettings;

    // Chosen once, so a resumed task stages under the same name (idempotent).
    const revisionId = (await step.checkpoint({
      key: checkpointKey('deploy.revision', step.taskId, entityRef),
      fn: () =>
        `${utcStamp(env.now())}-${main.serialNumber
          .replace(/:/g, '')
          .slice(0, 8)}`,
    })) as string;

    const target = await env.openDeployTarget(targetName);
    try {
      const staged = (await step.checkpoint({
        key: checkpointKey('deploy.stage', step.taskId, entityRef),
        fn: async () => {
          step.logger.info(
            `Staging ${build.files[0].path} on ${targetName} as revision ${revisionId} beside ${stem}`,
          );
          const allFiles = [...files, ...(await readPrivateFiles())];
          const result = await withProgress(
            step.logger,
            `staging the key repository on ${targetName}`,
            env.settings.progressIntervalMs,
            () => target.stage({ stem, revisionId, files: allFiles }),
          );
          step.logger.info(
            `Staged ${result.relativePath} (${
              result.created ? 'new' : 'already there, identical'
            }); SSLKEYR will be ${result.sslKeyRepository}`,
          );
          return {
            relativePath: result.relativePath,
            sslKeyRepository: result.sslKeyRepository,
            created: result.created,
            files: result.files,
          } as JsonValue;
        },
      })) as unknown as StagedRevision;
      await env.privateFolders.removeKeystoreFiles(step.taskId, entityRef);

      const rotationId = (await step.checkpoint({
        key: checkpointKey('deploy.record', step.taskId, entityRef),
        fn: async () => {
          step.logger.info(
            `Recording the rotation of ${entityRef} (serial ${main.serialNumber}) as staged`,
          );
          const rotation = await withProgress(
            step.logger,
            'waiting for the mq-certificates backend to record the rotation',
            env.settings.progressIntervalMs,
            () =>
              env.backend.recordRotation(
                {
                  entityRef,
                  serialNumber: main.serialNumber,
                  notAfter: main.notAfter,
                  fingerprintSha256: main.fingerprintSha256,
                  certificateLabel: build.certificateLabel,
                  certificates: build.certificates,
                  keyRepositoryFormat: build.format,
                  keystorePasswordRef: build.passwordRef,
                  deployTarget: targetName,
                  stagedRevisionPath: staged.relativePath,
                  stagedSslKeyRepository: staged.sslKeyRepository,
                  previousSslKeyRepository: live.sslKeyRepository || undefined,
                  previousCertificateLabel: live.certificateLabel || undefined,
                  state: 'staged',
                  taskId: step.taskId,
                },
                credentials,
              ),
          );
          step.logger.info(`Recorded rotation ${rotation.id}`);
          return rotation.id;
        },
      })) as string;

      const keep = target.keepRevisions ?? env.settings.keepRevisions;
      const revisions = await target.listRevisions(stem);
      const protect = [
        staged.relativePath,
        ...liveRevisionPaths(revisions, live),
        ...(live.sslKeyRepository ? [live.sslKeyRepository] : []),
      ];
      const pruned = await target.pruneRevisions(stem, keep, protect);
      if (pruned.length) {
        step.logger.info(
          `Pruned ${
            pruned.length
          } old revision(s) of ${stem}, keeping ${keep}: ${pruned.join(', ')}`,
        );
      }

      await writeDeployManifest(step.workspacePath, {
        entityRef,
        rotationId,
        deployTarget: targetName,
        revisionPath: staged.relativePath,
        sslKeyRepository: staged.sslKeyRepository,
        certificateLabel: build.certificateLabel,
        serialNumber: main.serialNumber,
      });
      return {
        entityRef,
        rotationId,
        deployTarget: targetName,
        revisionPath: staged.relativePath,
        sslKeyRepository: staged.sslKeyRepository,
        certificateLabel: build.certificateLabel,
        serialNumber: main.serialNumber,
        liveSslKeyRepository: live.sslKeyRepository,
        liveCertificateLabel: live.certificateLabel,
        prunedRevisions: pruned,
      };
    } finally {
      await target.close();
    }
  } finally {
    await env.privateFolders.removeKeystoreFiles(step.taskId, entityRef);
  }
}

/**
 * mq:keystore:deploy — stages the key repository on the queue manager's host.
 *
 * @public
 */
export function createMqKeystoreDeployAction(env: MqActionsEnvironment) {
  return createTemplateAction({
    id: 'mq:keystore:deploy',
    description:
      "Stages the key repository built by mq:keystore:build as a new revision beside the live one on the entity's deploy target, reads the live SSLKEYR/CERTLABL, records the rotation (staged) in the mq-certificates backend and prunes old revisions. Nothing changes for MQ until the cut-over.",
    examples,
    supportsDryRun: true,
    schema: {
      input: { entityRef: entityRefInput },
      output: {
        entityRef: z => z.string(),
        rotationId: z => z.string(),
        deployTarget: z => z.string(),
        revisionPath: z => z.string(),
        sslKeyRepository: z =>
          z.string().describe('The SSLKEYR the cut-over sets'),
        certificateLabel: z => z.string(),
        serialNumber: z => z.string(),
        liveSslKeyRepository: z => z.string(),
        liveCertificateLabel: z => z.string(),
        prunedRevisions: z => z.array(z.string()),
        plan: planOutput,
      },
    },
    async handler(ctx) {
      const out = await runDeployStep(env, stepContextOf(ctx), ctx.input);
      emitOutputs(ctx, out);
    },
  });
}
