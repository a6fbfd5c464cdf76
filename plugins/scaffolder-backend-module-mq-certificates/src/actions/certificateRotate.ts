import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import type { MqActionsEnvironment } from '../lib/environment';
import { discardIssuedMaterial } from '../lib/hostKeys';
import { normalizeQueueManagerRef } from '../lib/queueManagerAccess';
import { emitOutputs, StepContext, stepContextOf } from '../lib/stepContext';
import {
  IssueStepInput,
  IssueStepOutput,
  runIssueStep,
} from './certificateIssue';
import { examples } from './certificateRotate.examples';
import { BuildStepOutput, runBuildStep } from './keystoreBuild';
import { DeployStepOutput, runDeployStep } from './keystoreDeploy';
import { runScheduleStep, ScheduleStepOutput } from './refreshSchedule';
import {
  entityRefInput,
  issuedCertificateOutput,
  passwordRefOutput,
  planOutput,
  whenInput,
} from './schemas';

/** Input of mq:certificate:rotate. @public */
export interface RotateInput extends IssueStepInput {
  format?: string;
  profile?: string;
  when?: string;
  at?: string;
  approval?: boolean;
  mode?: string;
}

/** Outputs of mq:certificate:rotate: those of the four steps. @public */
export type RotateOutput = IssueStepOutput &
  Omit<BuildStepOutput, 'certificates' | 'plan'> &
  Omit<DeployStepOutput, 'plan'> &
  Omit<ScheduleStepOutput, 'plan'>;

/**
 * Issue → build → deploy → schedule in one step. Whatever happens, the
 * private key folder (and keys left on the host) are removed when it ends;
 * a failure of the schedule step marks the recorded rotation failed in the
 * backend (runScheduleStep does it).
 */
export async function runRotate(
  env: MqActionsEnvironment,
  step: StepContext,
  input: RotateInput,
): Promise<RotateOutput> {
  const entityRef = normalizeQueueManagerRef(input.entityRef);
  try {
    const issued = await runIssueStep(env, step, { ...input, entityRef });
    const built = await runBuildStep(env, step, {
      entityRef,
      format: input.format,
      profile: input.profile,
    });
    const deployed = await runDeployStep(env, step, { entityRef });
    // A failed schedule step marks the rotation failed itself (the same
    // path as when the step runs alone).
    const scheduled = await runScheduleStep(env, step, {
      entityRef,
      rotationId: step.isDryRun ? undefined : deployed.rotationId,
      when: input.when,
      at: input.at,
      approval: input.approval,
      mode: input.mode,
    });
    const plan = step.isDryRun
      ? [
          ...(issued.plan ?? []),
          ...(built.plan ?? []),
          ...(deployed.plan ?? []),
          ...(scheduled.plan ?? []),
        ]
      : undefined;
    const { certificates: _c, plan: _bp, ...build } = built;
    return {
      ...issued,
      ...build,
      ...deployed,
      ...scheduled,
      certificates: issued.certificates,
      plan,
    };
  } finally {
    if (!step.isDryRun) {
      await discardIssuedMaterial(env, step, entityRef);
      await env.privateFolders.removeKeystoreFiles(step.taskId, entityRef);
    }
  }
}

/**
 * mq:certificate:rotate — issue, build, deploy and schedule in one step.
 *
 * @public
 */
export function createMqCertificateRotateAction(env: MqActionsEnvironment) {
  return createTemplateAction({
    id: 'mq:certificate:rotate',
    description:
      "Rotates a queue manager's certificate in one step: mq:certificate:issue, mq:keystore:build, mq:keystore:deploy and mq:refresh:schedule, with their outputs. The private key folder is removed whatever the outcome.",
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        entityRef: entityRefInput,
        names: z => z.array(z.string()).optional(),
        ttl: z => z.string().optional(),
        pkiRole: z => z.string().optional(),
        format: z => z.string().optional(),
        profile: z => z.string().optional(),
        when: whenInput,
        at: z => z.string().optional(),
        approval: z => z.boolean().optional(),
        mode: z => z.enum(['portal', 'host']).default('portal'),
      },
      output: {
        entityRef: z => z.string(),
        serialNumber: z => z.string(),
        notAfter: z => z.string(),
        fingerprintSha256: z => z.string(),
        subject: z => z.string(),
        subjectAltNames: z => z.array(z.string()),
        warnings: z => z.array(z.string()),
        certificates: z => z.array(issuedCertificateOutput(z)),
        pkiRole: z => z.string(),
        keyGeneration: z => z.enum(['vault', 'host']),
        keystoreFile: z => z.string(),
        files: z => z.array(z.string()),
        format: z => z.enum(['p12', 'kdb']),
        profile: z => z.string().optional(),
        labels: z => z.array(z.string()),
        certificateLabel: z => z.string(),
        sha256: z => z.string(),
        passwordRef: passwordRefOutput,
        rotationId: z => z.string(),
        deployTarget: z => z.string(),
        revisionPath: z => z.string(),
        sslKeyRepository: z => z.string(),
        liveSslKeyRepository: z => z.string(),
        liveCertificateLabel: z => z.string(),
        prunedRevisions: z => z.array(z.string()),
        jobId: z => z.string(),
        runAt: z => z.string(),
        mode: z => z.enum(['portal', 'host']),
        approvalRequired: z => z.boolean(),
        state: z => z.string(),
        hostJobId: z => z.string().optional(),
        commands: z => z.array(z.string()),
        plan: planOutput,
      },
    },
    async handler(ctx) {
      const out = await runRotate(env, stepContextOf(ctx), ctx.input);
      emitOutputs(ctx, out);
    },
  });
}
