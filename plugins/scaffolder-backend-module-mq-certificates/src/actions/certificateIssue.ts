import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  isVaultError,
  type IssuedCertificate,
} from '@mqcert/plugin-mq-certificates-node';
import { DRY_RUN_VALUE, reportPlan } from '../lib/dryRun';
import type { MqActionsEnvironment } from '../lib/environment';
import { issueOnHost } from '../lib/hostKeys';
import { IssueOverrides, IssuePlan, planIssue } from '../lib/issuePlan';
import {
  blockingJobConflict,
  describeBlockingJob,
  findBlockingRefreshJob,
} from '../lib/pendingRefresh';
import type { PrivateCertificateMaterial } from '../lib/privateFolder';
import { withProgress } from '../lib/progress';
import { loadQueueManager } from '../lib/queueManagerAccess';
import { resolveRunTime } from '../lib/runTime';
import {
  checkpointKey,
  emitOutputs,
  StepContext,
  stepContextOf,
} from '../lib/stepContext';
import { examples } from './certificateIssue.examples';
import { entityRefInput, issuedCertificateOutput, planOutput } from './schemas';

/** Input of mq:certificate:issue. @public */
export interface IssueStepInput extends IssueOverrides {
  entityRef: string;
  /**
   * The `when` the later mq:refresh:schedule step gets: checked here, with
   * the same rules, so a bad one fails before anything is issued.
   */
  when?: string;
  /** The `at` the later mq:refresh:schedule step gets (`when: at`). */
  at?: string;
}

/** One issued certificate as the outputs show it (never key material). @public */
export interface IssuedCertificateInfo {
  label: string;
  serialNumber: string;
  notBefore: string;
  notAfter: string;
  fingerprintSha256: string;
  subject: string;
  subjectAltNames: string[];
}

/** Outputs of mq:certificate:issue. @public */
export interface IssueStepOutput {
  entityRef: string;
  /** The queue manager label's certificate. */
  serialNumber: string;
  notAfter: string;
  fingerprintSha256: string;
  subject: string;
  subjectAltNames: string[];
  /** Vault's warnings (e.g. the TTL cut to the role's max_ttl). */
  warnings: string[];
  /** One per label the key repository needs. */
  certificates: IssuedCertificateInfo[];
  pkiRole: string;
  keyGeneration: 'vault' | 'host';
  plan?: string[];
}

function info(label: string, issued: IssuedCertificate): IssuedCertificateInfo {
  return {
    label,
    serialNumber: issued.serialNumber,
    notBefore: issued.notBefore,
    notAfter: issued.notAfter,
    fingerprintSha256: issued.fingerprintSha256,
    subject: issued.summary.subject,
    subjectAltNames: issued.summary.subjectAltNames,
  };
}

/** `*.mq.example.test` style glob of a PKI role, label by label. */
function globMatches(name: string, glob: string): boolean {
  const n = name.split('.');
  const g = glob.split('.');
  return (
    n.length === g.length && g.every((part, i) => part === '*' || part === n[i])
  );
}

/** Whether a DNS name falls under what a PKI role allows (the common flags). */
function roleAllowsName(name: string, role: Record<string, unknown>): boolean {
  if (role.allow_any_name === true) return true;
  const domains = Array.isArray(role.allowed_domains)
    ? role.allowed_domains.map(d => String(d).toLowerCase())
    : [];
  return domains.some(
    d =>
      (role.allow_bare_domains === true && name === d) ||
      (role.allow_subdomains === true && name.endsWith(`.${d}`)) ||
      (role.allow_glob_domains === true && globMatches(name, d)),
  );
}

/**
 * A role refusal in the user's terms: the field, the role, the names it
 * refused and the domains it allows. Vault's own message names only the
 * first name it refused, so the role is read to say what would be accepted;
 * when the token may not read it, Vault's message and the client's hint
 * (which says which read to grant) are all there is.
 */
async function roleRefusal(
  env: MqActionsEnvironment,
  error: Error,
  plan: IssuePlan,
): Promise<InputError> {
  const role = `${plan.role.mount}/${plan.role.role}`;
  const names = plan.certificates
    .flatMap(c => [c.commonName, ...c.altNames])
    .filter((n, i, all) => all.indexOf(n) === i);
  let settings: Record<string, unknown> | undefined;
  try {
    settings = await env.vault().readRole(plan.role.mount, plan.role.role);
  } catch {
    // No read on the role: fall back to Vault's message below.
  }
  if (!settings) {
    return new InputError(
      `names: Vault role ${role} does not allow ${names.join(', ')}. ${
        error.message
      }`,
    );
  }
  const refused = names.filter(n => !roleAllowsName(n, settings!));
  const domains = Array.isArray(settings.allowed_domains)
    ? settings.allowed_domains.map(String)
    : [];
  const how = [
    settings.allow_subdomains === true ? 'their subdomains' : undefined,
    settings.allow_bare_domains === true ? 'the domains themselves' : undefined,
    settings.allow_glob_domains === true ? 'glob patterns' : undefined,
  ].filter(Boolean);
  return new InputError(
    `names: Vault role ${role} does not allow ${(refused.length
      ? refused
      : names
    ).join(', ')}; its allowed domains are ${
      domains.length ? domains.join(', ') : '(none)'
    }${
      how.length ? ` (${how.join(', ')})` : ''
    }. Use names under those domains, or ask a Vault administrator to add the domain to the role's allowed_domains. ${
      error.message
    }`,
  );
}

/** Vault refusals the user can fix in the template's inputs, named by field. */
async function asInputError(
  env: MqActionsEnvironment,
  error: unknown,
  plan: IssuePlan,
): Promise<unknown> {
  if (!isVaultError(error)) return error;
  switch (error.kind) {
    case 'not-allowed-by-role':
      return roleRefusal(env, error, plan);
    case 'unknown-role':
      return new InputError(`pkiRole: ${error.message}`);
    case 'ca-expiry':
      return new InputError(
        `ttl: ${error.message} Ask for a shorter ttl, or have the CA renewed.`,
      );
    default:
      return error;
  }
}

function dryRunPlan(entityRef: string, plan: IssuePlan): string[] {
  const role = `${plan.role.mount}/${plan.role.role}`;
  return plan.certificates.map(c => {
    const names = [c.commonName, ...c.altNames].join(', ');
    const how =
      plan.keyGeneration === 'host'
        ? `make a key and CSR on the MQ host with openssl, then POST ${plan.role.mount}/sign/${plan.role.role}`
        : `POST ${plan.role.mount}/issue/${plan.role.role}`;
    return `label ${c.label}: ${how} for ${names}${
      plan.ttl ? ` with ttl ${plan.ttl}` : ` with the role's ttl`
    } (role ${role}, entity ${entityRef})`;
  });
}

/**
 * Issues the queue manager's certificates (one per label) and keeps the key
 * material in the task's private folder for the build step.
 */
export async function runIssueStep(
  env: MqActionsEnvironment,
  step: StepContext,
  input: IssueStepInput,
): Promise<IssueStepOutput> {
  const { spec, credentials } = await loadQueueManager(
    env,
    step,
    input.entityRef,
  );
  const entityRef = spec.entityRef;
  const plan = planIssue(spec, input, {
    defaultPkiRole: env.defaultPkiRole(),
    allowedPkiRoles: env.settings.allowedPkiRoles,
    policy: env.settings.policy,
  });
  const pkiRole = `${plan.role.mount}/${plan.role.role}`;

  // The schedule inputs are checked by the function mq:refresh:schedule
  // resolves them with: refused there, they would leave a certificate
  // issued, a password stored and a revision staged for nothing.
  if (input.when !== undefined || input.at !== undefined) {
    resolveRunTime(spec, input.when, input.at, env.now());
  }
  // The backend schedules one refresh per queue manager at a time; a
  // rotation started while another is pending could never be scheduled.
  let blocking: Awaited<ReturnType<typeof findBlockingRefreshJob>>;
  try {
    blocking = await findBlockingRefreshJob(
      env,
      entityRef,
      step.taskId,
      credentials,
    );
  } catch (error) {
    // A dry run reports what it could not check rather than failing.
    if (!step.isDryRun) throw error;
    step.logger.warn(
      `Could not check for a pending refresh job of ${entityRef}: ${
        (error as Error).message
      }`,
    );
  }
  if (blocking && !step.isDryRun) {
    throw blockingJobConflict(entityRef, blocking);
  }

  if (step.isDryRun) {
    const lines = dryRunPlan(entityRef, plan);
    if (blocking) {
      lines.unshift(
        `a real run would be refused before issuing: ${describeBlockingJob(
          entityRef,
          blocking,
        )}`,
      );
    }
    lines.push(
      `keep the key material in ${env.privateFolders.pathFor(
        step.taskId,
        entityRef,
      )} (0700/0600) until the build step`,
    );
    const placeholder: IssuedCertificateInfo[] = plan.certificates.map(c => ({
      label: c.label,
      serialNumber: DRY_RUN_VALUE,
      notBefore: DRY_RUN_VALUE,
      notAfter: DRY_RUN_VALUE,
      fingerprintSha256: DRY_RUN_VALUE,
      subject: `CN=${c.commonName}`,
      subjectAltNames: [c.commonName, ...c.altNames].map(n => `DNS:${n}`),
    }));
    return {
      entityRef,
      ...placeholder[0],
      warnings: [],
      certificates: placeholder,
      pkiRole,
      keyGeneration: plan.keyGeneration,
      plan: reportPlan(step, `issue for ${entityRef}`, lines),
    };
  }

  await env.privateFolders.sweep().catch(() => 0);
  const stored = await step.checkpoint({
    key: checkpointKey('issue', step.taskId, entityRef),
    fn: async () => {
      const materials: PrivateCertificateMaterial[] = [];
      const issuedInfo: IssuedCertificateInfo[] = [];
      const warnings: string[] = [];
      const issueOne = async (
        c: IssuePlan['certificates'][number],
      ): Promise<IssuedCertificate> => {
        step.logger.info(
          `Issuing the certificate for label ${c.label} (${[
            c.commonName,
            ...c.altNames,
          ].join(', ')}) on Vault role ${pkiRole}`,
        );
        return withProgress(
          step.logger,
          `waiting for Vault to issue the certificate for ${c.label}`,
          env.settings.progressIntervalMs,
          () =>
            env.vault().issue({
              role: plan.role,
              commonName: c.commonName,
              altNames: c.altNames,
              ttl: plan.ttl,
            }),
        );
      };
      try {
        if (plan.keyGeneration === 'host') {
          const onHost = await issueOnHost(env, step, spec, plan);
          materials.push(...onHost.materials);
          for (const [i, issued] of onHost.issued.entries()) {
            issuedInfo.push(info(plan.certificates[i].label, issued));
            warnings.push(...issued.warnings);
          }
          await env.privateFolders.write(
            {
              entityRef,
              taskId: step.taskId,
              keyLocation: 'host',
              hostKeys: onHost.hostKeys,
            },
            materials,
          );
        } else {
          for (const c of plan.certificates) {
            const issued = await issueOne(c);
            materials.push({
              label: c.label,
              serialNumber: issued.serialNumber,
              certificatePem: issued.certificatePem,
              chainPem: issued.chainPem,
              privateKeyPem: issued.privateKeyPem,
            });
            issuedInfo.push(info(c.label, issued));
            warnings.push(...issued.warnings);
          }
          await env.privateFolders.write(
            { entityRef, taskId: step.taskId, keyLocation: 'local' },
            materials,
          );
        }
      } catch (error) {
        throw await asInputError(env, error, plan);
      }
      for (const i of issuedInfo) {
        step.logger.info(
          `Issued serial ${i.serialNumber} for label ${i.label} (${i.subject}), valid until ${i.notAfter}`,
        );
      }
      return {
        certificates: issuedInfo,
        warnings: Array.from(new Set(warnings)),
      } as any;
    },
  });
  const certificates = stored.certificates as IssuedCertificateInfo[];
  const warnings = stored.warnings as string[];
  // A resumed task may find the folder gone (another machine, or consumed by
  // the build step already): the step that needs the keys says so then.
  for (const w of warnings) step.logger.warn(`Vault: ${w}`);
  const { label: _label, notBefore: _nb, ...main } = certificates[0];
  return {
    entityRef,
    ...main,
    warnings,
    certificates,
    pkiRole,
    keyGeneration: plan.keyGeneration,
  };
}

/**
 * mq:certificate:issue — issues a queue manager's certificates from Vault.
 *
 * @public
 */
export function createMqCertificateIssueAction(env: MqActionsEnvironment) {
  return createTemplateAction({
    id: 'mq:certificate:issue',
    description:
      "Issues a queue manager's TLS certificates from Vault PKI (one per certificate label it needs). The key material stays in a private folder of the task for mq:keystore:build; the outputs never contain it.",
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        entityRef: entityRefInput,
        names: z =>
          z
            .array(z.string())
            .optional()
            .describe(
              "DNS names for the certificate, common name first. Default: the entity's mqcert.io/certificate-names; an override may add names but must keep the entity's common name first.",
            ),
        ttl: z =>
          z
            .string()
            .optional()
            .describe(
              "Requested lifetime such as 720h or 30d; at most the policy's maximum lifetime. Default: the Vault role's ttl.",
            ),
        pkiRole: z =>
          z
            .string()
            .optional()
            .describe(
              "Vault PKI role as <mount>/<role>. Default: the entity's mqcert.io/vault-pki-role; others only when listed in mqCertificates.scaffolder.allowedPkiRoles.",
            ),
        when: z =>
          z
            .string()
            .optional()
            .describe(
              "The 'when' the mq:refresh:schedule step that follows gets ('now', 'window', 'at' or an ISO date-time with a zone): checked before anything is issued. Default: not checked.",
            ),
        at: z =>
          z
            .string()
            .optional()
            .describe(
              "The 'at' that step gets when 'when' is 'at' (ISO 8601 with a zone, e.g. 2026-12-24T02:00:00Z): checked before anything is issued.",
            ),
      },
      output: {
        entityRef: z => z.string(),
        serialNumber: z =>
          z
            .string()
            .describe("Serial of the queue manager label's certificate"),
        notAfter: z => z.string(),
        fingerprintSha256: z => z.string(),
        subject: z => z.string(),
        subjectAltNames: z => z.array(z.string()),
        warnings: z => z.array(z.string()).describe("Vault's warnings"),
        certificates: z => z.array(issuedCertificateOutput(z)),
        pkiRole: z => z.string(),
        keyGeneration: z => z.enum(['vault', 'host']),
        plan: planOutput,
      },
    },
    async handler(ctx) {
      const out = await runIssueStep(env, stepContextOf(ctx), ctx.input);
      emitOutputs(ctx, out);
    },
  });
}
