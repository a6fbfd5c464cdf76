import path from 'node:path';
import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import type { JsonValue } from '@backstage/types';
import {
  RefreshMode,
  requireSpecField,
} from '@mqcert/plugin-mq-certificates-common';
import {
  buildCutoverCommands,
  validateSslKeyRepository,
} from '@mqcert/plugin-mq-certificates-node';
import { DRY_RUN_VALUE, reportPlan } from '../lib/dryRun';
import type { MqActionsEnvironment } from '../lib/environment';
import { hostPathOf } from '../lib/hostKeys';
import { withProgress } from '../lib/progress';
import {
  loadQueueManager,
  normalizeQueueManagerRef,
} from '../lib/queueManagerAccess';
import { markRotationFailed } from '../lib/rotationFailure';
import { resolveRunTime } from '../lib/runTime';
import {
  checkpointKey,
  emitOutputs,
  StepContext,
  stepContextOf,
} from '../lib/stepContext';
import { readDeployManifest } from '../lib/workspaceState';
import { examples } from './refreshSchedule.examples';
import { entityRefInput, planOutput, whenInput } from './schemas';

/** Input of mq:refresh:schedule. @public */
export interface ScheduleStepInput {
  entityRef: string;
  /** Default: the rotation mq:keystore:deploy recorded in this task. */
  rotationId?: string;
  /** `now`, `window`, `at` (with `at`) or an ISO date-time. */
  when?: string;
  /** The date-time when `when` is `at`. */
  at?: string;
  /** Require approval for this run even if the entity does not. */
  approval?: boolean;
  /** `portal` (a refresh job in the backend) or `host` (`at` on the MQ host). */
  mode?: string;
}

/** Outputs of mq:refresh:schedule. @public */
export interface ScheduleStepOutput {
  entityRef: string;
  rotationId: string;
  jobId: string;
  /** Exact UTC time the cut-over runs (ISO 8601). */
  runAt: string;
  mode: RefreshMode;
  approvalRequired: boolean;
  /** `scheduled` or `awaiting-approval`. */
  state: string;
  /** The `at` job number on the MQ host (host mode). */
  hostJobId?: string;
  /** The MQSC the cut-over runs. */
  commands: string[];
  plan?: string[];
}

function chooseMode(value: string | undefined): RefreshMode {
  const mode = (value ?? 'portal').trim().toLowerCase();
  if (mode !== 'portal' && mode !== 'host') {
    throw new InputError(
      `mode: '${value}' is not portal (a refresh job run by the portal) or host (at on the MQ host)`,
    );
  }
  return mode;
}

/**
 * The rotation a failed schedule step leaves behind: the one it was given,
 * else the one mq:keystore:deploy recorded in this task (if any).
 */
async function unscheduledRotationId(
  step: StepContext,
  input: ScheduleStepInput,
): Promise<string | undefined> {
  if (input.rotationId) return input.rotationId;
  try {
    const entityRef = normalizeQueueManagerRef(input.entityRef);
    return (await readDeployManifest(step.workspacePath, entityRef)).rotationId;
  } catch {
    return undefined; // nothing was staged in this task
  }
}

/**
 * Schedules the cut-over (ALTER QMGR SSLKEYR/CERTLABL + REFRESH SECURITY
 * TYPE(SSL)) of a staged rotation: a refresh job in the backend (portal
 * mode) or an `at` job on the MQ host that is also recorded in the backend
 * (host mode). When it fails, the staged rotation is marked `failed` with
 * the reason: left `staged`, it would show as in progress for ever. (This
 * step run alone or in mq:certificate:rotate: both take this path.)
 */
export async function runScheduleStep(
  env: MqActionsEnvironment,
  step: StepContext,
  input: ScheduleStepInput,
): Promise<ScheduleStepOutput> {
  try {
    return await scheduleStaged(env, step, input);
  } catch (error) {
    const rotationId = step.isDryRun
      ? undefined
      : await unscheduledRotationId(step, input);
    if (rotationId) {
      await markRotationFailed(
        env,
        step,
        rotationId,
        `Scheduling the cut-over failed: ${(error as Error).message}`,
      );
    }
    throw error;
  }
}

async function scheduleStaged(
  env: MqActionsEnvironment,
  step: StepContext,
  input: ScheduleStepInput,
): Promise<ScheduleStepOutput> {
  const { spec, credentials } = await loadQueueManager(
    env,
    step,
    input.entityRef,
  );
  const entityRef = spec.entityRef;
  const mode = chooseMode(input.mode);
  const approvalRequired =
    input.approval === true || spec.refreshApproval === 'required';
  if (mode === 'host' && approvalRequired) {
    throw new InputError(
      `mode: a host cut-over is run by at on the MQ host and cannot wait for approval, which ${
        input.approval
          ? 'this run asks for'
          : `${entityRef} requires (mqcert.io/refresh-approval)`
      }; use mode portal`,
    );
  }
  const resolved = resolveRunTime(spec, input.when, input.at, env.now(), {
    wholeMinutes: mode === 'host',
  });
  const runAtIso = resolved.runAt.toISOString();

  const deployed = step.isDryRun
    ? undefined
    : await readDeployManifest(step.workspacePath, entityRef).catch(e => {
        if (input.rotationId && mode === 'portal') return undefined;
        throw e;
      });
  const rotationId = input.rotationId || deployed?.rotationId;
  if (!rotationId && !step.isDryRun) {
    throw new InputError(
      'rotationId: give the rotation to cut over (the rotationId output of mq:keystore:deploy)',
    );
  }
  const commands = buildCutoverCommands({
    sslKeyRepository: validateSslKeyRepository(
      deployed?.sslKeyRepository ?? '/staged/revision/of/the/key/repository',
    ),
    certificateLabel: deployed?.certificateLabel ?? spec.certificateLabel,
  });

  if (step.isDryRun) {
    const lines = [
      `cut over ${resolved.description}: ${commands.join(' ; ')}`,
      mode === 'portal'
        ? `POST /api/mq-certificates/v1/refresh-jobs {mode: portal, runAt: ${runAtIso}, approvalRequired: ${approvalRequired}}; the backend runs it through mq-admin ${
            spec.mqAdmin ?? '(mqcert.io/mq-admin missing)'
          } and verifies the listener`
        : `on deploy target ${
            spec.deployTarget ?? '(mqcert.io/deploy-target missing)'
          }: TZ=UTC at -t ${runAtIso
            .replace(/[-:T]/g, '')
            .slice(
              0,
              12,
            )} with the cut-over script on standard input (runmqsc ${
            spec.queueManager
          }), then record the job in the backend (mode host)`,
    ];
    if (approvalRequired) {
      lines.push('the job waits for approval before it runs');
    }
    return {
      entityRef,
      rotationId: input.rotationId || DRY_RUN_VALUE,
      jobId: DRY_RUN_VALUE,
      runAt: runAtIso,
      mode,
      approvalRequired,
      state: approvalRequired ? 'awaiting-approval' : 'scheduled',
      commands,
      plan: reportPlan(step, `schedule for ${entityRef}`, lines),
    };
  }

  let hostJobId: string | undefined;
  let runAt = runAtIso;
  if (mode === 'host') {
    const targetName = requireSpecField(
      spec,
      'deployTarget',
      'a host cut-over',
    );
    const stem = requireSpecField(spec, 'keyRepository', 'a host cut-over');
    if (!deployed) {
      throw new InputError(
        'rotationId: host mode needs the revision staged by mq:keystore:deploy in this task',
      );
    }
    const atJob = (await step.checkpoint({
      key: checkpointKey('schedule.at', step.taskId, entityRef),
      fn: async () => {
        const target = await env.openDeployTarget(targetName);
        try {
          const script = env.renderCutoverScript({
            queueManager: spec.queueManager,
            sslKeyRepository: deployed.sslKeyRepository,
            certificateLabel: deployed.certificateLabel,
            deployTarget: targetName,
          });
          const logFile = hostPathOf(
            target,
            path.posix.join(path.posix.dirname(stem), 'mqcert-cutover.log'),
          );
          step.logger.info(
            `Scheduling the cut-over of ${spec.queueManager} with at on ${targetName} for ${runAtIso} (output to ${logFile})`,
          );
          const job = await withProgress(
            step.logger,
            `scheduling the at job on ${targetName}`,
            env.settings.progressIntervalMs,
            () =>
              env
                .atScheduler(target)
                .schedule(resolved.runAt, script, { logFile }),
          );
          step.logger.info(`at job ${job.id} will run at ${job.runAt}`);
          return { id: job.id, runAt: job.runAt } as JsonValue;
        } finally {
          await target.close();
        }
      },
    })) as { id: string; runAt: string };
    hostJobId = atJob.id;
    runAt = atJob.runAt;
  }

  const job = (await step.checkpoint({
    key: checkpointKey('schedule.job', step.taskId, entityRef),
    fn: async () => {
      step.logger.info(
        `Recording the ${mode} refresh job of rotation ${rotationId} for ${runAt}${
          approvalRequired ? ' (awaits approval)' : ''
        }`,
      );
      const created = await withProgress(
        step.logger,
        'waiting for the mq-certificates backend to record the refresh job',
        env.settings.progressIntervalMs,
        () =>
          env.backend.createRefreshJob(
            {
              rotationId: rotationId!,
              runAt,
              approvalRequired,
              mode,
              hostJobId,
            },
            credentials,
          ),
      );
      step.logger.info(
        `Refresh job ${created.id} is ${created.state}, run time ${created.runAt}`,
      );
      return {
        id: created.id,
        runAt: created.runAt,
        state: created.state,
        approvalRequired: created.approvalRequired,
      } as JsonValue;
    },
  })) as {
    id: string;
    runAt: string;
    state: string;
    approvalRequired: boolean;
  };

  return {
    entityRef,
    rotationId: rotationId!,
    jobId: job.id,
    runAt: new Date(job.runAt).toISOString(),
    mode,
    approvalRequired: job.approvalRequired,
    state: job.state,
    hostJobId,
    commands,
  };
}

/**
 * mq:refresh:schedule — schedules the cut-over of a staged rotation.
 *
 * @public
 */
export function createMqRefreshScheduleAction(env: MqActionsEnvironment) {
  return createTemplateAction({
    id: 'mq:refresh:schedule',
    description:
      "Schedules the cut-over of a staged rotation — ALTER QMGR SSLKEYR/CERTLABL then REFRESH SECURITY TYPE(SSL) — now, in the entity's next maintenance window or at a given time; in the portal (a refresh job, optionally awaiting approval) or on the MQ host with at.",
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        entityRef: entityRefInput,
        rotationId: z =>
          z
            .string()
            .optional()
            .describe(
              'Default: the rotation mq:keystore:deploy recorded in this task',
            ),
        when: whenInput,
        at: z =>
          z
            .string()
            .optional()
            .describe(
              "The date-time when 'when' is 'at' (ISO 8601 with a zone)",
            ),
        approval: z =>
          z
            .boolean()
            .optional()
            .describe(
              'Require approval for this run even if the entity does not',
            ),
        mode: z =>
          z
            .enum(['portal', 'host'])
            .default('portal')
            .describe(
              'portal: a refresh job run by the portal; host: at on the MQ host',
            ),
      },
      output: {
        entityRef: z => z.string(),
        rotationId: z => z.string(),
        jobId: z => z.string(),
        runAt: z => z.string().describe('Exact UTC run time'),
        mode: z => z.enum(['portal', 'host']),
        approvalRequired: z => z.boolean(),
        state: z => z.string(),
        hostJobId: z => z.string().optional(),
        commands: z => z.array(z.string()),
        plan: planOutput,
      },
    },
    async handler(ctx) {
      const out = await runScheduleStep(env, stepContextOf(ctx), ctx.input);
      emitOutputs(ctx, out);
    },
  });
}
