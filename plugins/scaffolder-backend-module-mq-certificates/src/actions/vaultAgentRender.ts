import fs from 'node:fs/promises';
import path from 'node:path';
import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  QueueManagerSpec,
  requireSpecField,
} from '@mqcert/plugin-mq-certificates-common';
import { pkcs12Profile } from '@mqcert/plugin-mq-certificates-node';
import { reportPlan } from '../lib/dryRun';
import type { MqActionsEnvironment } from '../lib/environment';
import { labelDnsPart, planIssue } from '../lib/issuePlan';
import { loadQueueManager } from '../lib/queueManagerAccess';
import { emitOutputs, StepContext, stepContextOf } from '../lib/stepContext';
import { AgentAuth, renderAgentConfig } from '../vaultAgent/agentConfig';
import { renderRenewScript } from '../vaultAgent/renewScript';
import { validateHostPath } from '../vaultAgent/shell';
import { examples } from './vaultAgentRender.examples';
import { entityRefInput, planOutput } from './schemas';

/** Input of mq:vault-agent:render. @public */
export interface VaultAgentRenderInput {
  entityRef: string;
  /** `approle` (default) or `kubernetes`. */
  authMethod?: string;
  authMountPath?: string;
  roleIdFile?: string;
  secretIdFile?: string;
  kubernetesRole?: string;
  kubernetesTokenPath?: string;
  /** Default mqCertificates.vault.address. */
  vaultAddress?: string;
  /** Default the policy's renewAtFraction. */
  renewalThreshold?: number;
  /** `window` (at in the maintenance window) or `stage-only` (approval). */
  variant?: string;
  keepRevisions?: number;
  /** Where the bundle is installed on the MQ host. */
  installDirectory?: string;
  /** Folder of the live key repository on the MQ host (default from the deploy target). */
  keyRepositoryDirectory?: string;
  caBundleFile?: string;
  mqBinDirectory?: string;
  profile?: string;
  fileOwner?: string;
  /** Folder in the workspace to render into. */
  outputPath?: string;
}

/** Outputs of mq:vault-agent:render. @public */
export interface VaultAgentRenderOutput {
  entityRef: string;
  outputPath: string;
  files: string[];
  agentConfigFile: string;
  renewScriptFile: string;
  variant: 'window' | 'stage-only';
  plan?: string[];
}

function workspaceRelative(value: string | undefined, fallback: string) {
  const p = path.posix.normalize(value?.trim() || fallback);
  if (p.startsWith('/') || p.split('/').includes('..')) {
    throw new InputError(
      `outputPath: '${value}' must be a folder inside the workspace, e.g. vault-agent/qm1`,
    );
  }
  return p;
}

/** The folder of the live repository on the MQ host, from the target's settings. */
function keyDirectoryOf(
  spec: QueueManagerSpec,
  input: VaultAgentRenderInput,
  config: { root?: string; mqRoot?: string } | undefined,
): string {
  if (input.keyRepositoryDirectory) {
    return validateHostPath(
      input.keyRepositoryDirectory,
      'keyRepositoryDirectory',
    );
  }
  const stem = requireSpecField(
    spec,
    'keyRepository',
    'rendering the agent bundle',
  );
  const base = config?.mqRoot ?? config?.root;
  if (!base) {
    throw new InputError(
      `keyRepositoryDirectory: give the folder of ${
        spec.queueManager
      }'s key repository on the MQ host; the deploy target ${
        spec.deployTarget ?? '(mqcert.io/deploy-target)'
      } does not say where its root is`,
    );
  }
  return validateHostPath(
    path.posix.join(base, path.posix.dirname(stem)),
    'keyRepositoryDirectory',
  );
}

/**
 * Renders a Vault Agent bundle for host-driven renewal into the workspace:
 * agent.hcl, the exec script, a systemd unit and a README.
 */
export async function runVaultAgentRender(
  env: MqActionsEnvironment,
  step: StepContext,
  input: VaultAgentRenderInput,
): Promise<VaultAgentRenderOutput> {
  const { spec } = await loadQueueManager(env, step, input.entityRef);
  const entityRef = spec.entityRef;
  const qmLower = spec.queueManager.toLowerCase().replace(/[^a-z0-9._-]/g, '-');
  if (spec.keyRepositoryFormat !== 'p12') {
    throw new InputError(
      `format: ${entityRef} uses a CMS (kdb) key repository, and runmqakm takes its password only on the command line, which this bundle refuses to do. Use mqcert.io/key-repository-format: p12 (queue managers on MQ 9.3 and later read PKCS#12), or rotate through the portal (mq:certificate:rotate).`,
    );
  }
  const plan = planIssue(
    spec,
    {},
    {
      defaultPkiRole: env.defaultPkiRole(),
      allowedPkiRoles: env.settings.allowedPkiRoles,
      policy: env.settings.policy,
    },
  );
  if (plan.certificates.length !== 1) {
    throw new InputError(
      `entityRef: ${entityRef} needs certificates for ${
        plan.certificates.length
      } labels (${plan.certificates
        .map(c => c.label)
        .join(
          ', ',
        )}); openssl builds a PKCS#12 with one key, so the agent bundle supports one label. Rotate it through the portal (mq:certificate:rotate) instead.`,
    );
  }
  const variant = (input.variant ??
    (spec.refreshApproval === 'required' ? 'stage-only' : 'window')) as string;
  if (variant !== 'window' && variant !== 'stage-only') {
    throw new InputError(
      `variant: '${variant}' is not window (cut over with at in the maintenance window) or stage-only (stage, then wait for approval)`,
    );
  }
  if (variant === 'window' && spec.refreshApproval === 'required') {
    throw new InputError(
      `variant: ${entityRef} requires approval for refreshes (mqcert.io/refresh-approval), so the bundle may only stage; use variant stage-only`,
    );
  }
  const windows =
    variant === 'window'
      ? requireSpecField(
          spec,
          'maintenanceWindow',
          'scheduling the cut-over in the maintenance window',
        ).rules
      : [];
  const threshold =
    input.renewalThreshold ?? env.settings.policy.renewAtFraction;
  if (!(threshold > 0 && threshold < 1)) {
    throw new InputError(
      `renewalThreshold: ${threshold} must be between 0 and 1, e.g. 0.75 (renew after three quarters of the lifetime)`,
    );
  }
  const vaultAddress = input.vaultAddress ?? env.vaultAddress?.();
  if (
    !vaultAddress ||
    !/^https?:\/\/[A-Za-z0-9.-]+(:\d+)?\/?$/.test(vaultAddress)
  ) {
    throw new InputError(
      `vaultAddress: '${
        vaultAddress ?? ''
      }' is not a Vault address such as https://vault.example.test:8200`,
    );
  }
  const method = input.authMethod ?? 'approle';
  const installDirectory = validateHostPath(
    input.installDirectory ?? `/etc/mqcert/${qmLower}`,
    'installDirectory',
  );
  let auth: AgentAuth;
  if (method === 'approle') {
    auth = {
      method,
      mountPath: input.authMountPath ?? 'approle',
      roleIdFile: validateHostPath(
        input.roleIdFile ?? `${installDirectory}/role-id`,
        'roleIdFile',
      ),
      secretIdFile: validateHostPath(
        input.secretIdFile ?? `${installDirectory}/secret-id`,
        'secretIdFile',
      ),
    };
  } else if (method === 'kubernetes') {
    if (
      !input.kubernetesRole ||
      !/^[A-Za-z0-9_.-]+$/.test(input.kubernetesRole)
    ) {
      throw new InputError(
        `kubernetesRole: the Vault Kubernetes auth role is required for authMethod kubernetes (letters, digits, '.', '_', '-')`,
      );
    }
    auth = {
      method,
      mountPath: input.authMountPath ?? 'kubernetes',
      role: input.kubernetesRole,
      tokenPath: validateHostPath(
        input.kubernetesTokenPath ??
          '/var/run/secrets/kubernetes.io/serviceaccount/token',
        'kubernetesTokenPath',
      ),
    };
  } else {
    throw new InputError(
      `authMethod: '${method}' is not approle or kubernetes`,
    );
  }
  if (!/^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)*$/.test(auth.mountPath)) {
    throw new InputError(
      `authMountPath: '${auth.mountPath}' is not a Vault auth mount path`,
    );
  }
  const keyDirectory = keyDirectoryOf(
    spec,
    input,
    spec.deployTarget
      ? env.deployTargetSettings?.(spec.deployTarget)
      : undefined,
  );
  const keep = input.keepRevisions ?? env.settings.keepRevisions;
  if (!Number.isInteger(keep) || keep < 1) {
    throw new InputError(
      `keepRevisions: ${keep} must be a whole number of 1 or more`,
    );
  }
  if (
    input.fileOwner &&
    !/^[a-z_][a-z0-9_-]*(:[a-z_][a-z0-9_-]*)?$/.test(input.fileOwner)
  ) {
    throw new InputError(
      `fileOwner: '${input.fileOwner}' is not user or user:group`,
    );
  }
  const cert = plan.certificates[0];
  const sourceFile = `${installDirectory}/certs/${labelDnsPart(
    cert.label,
  )}.pem`;
  const renewScript = `${installDirectory}/mqcert-renew.sh`;
  const outputPath = workspaceRelative(
    input.outputPath,
    `vault-agent/${qmLower}`,
  );
  const stem = path.posix.basename(spec.keyRepository ?? 'key');

  const files: Record<string, { content: string; mode: number }> = {
    'agent.hcl': {
      content: renderAgentConfig({
        entityRef,
        vaultAddress,
        auth,
        renewalThreshold: threshold,
        pidFile: `${installDirectory}/vault-agent.pid`,
        templates: [
          {
            label: cert.label,
            issuePath: `${plan.role.mount}/issue/${plan.role.role}`,
            commonName: cert.commonName,
            altNames: cert.altNames,
            ttl: plan.ttl,
            destination: sourceFile,
          },
        ],
        execCommand: renewScript,
        execTimeoutSeconds: 300,
      }),
      mode: 0o644,
    },
    'mqcert-renew.sh': {
      content: renderRenewScript({
        entityRef,
        queueManager: spec.queueManager,
        label: cert.label,
        sourceFile,
        caBundleFile: input.caBundleFile
          ? validateHostPath(input.caBundleFile, 'caBundleFile')
          : undefined,
        keyDirectory,
        stem,
        keepRevisions: keep,
        variant,
        windows,
        mqBinDirectory: validateHostPath(
          input.mqBinDirectory ?? '/opt/mqm/bin',
          'mqBinDirectory',
        ),
        pkcs12Options: pkcs12Profile(input.profile).opensslExportOptions,
        fileOwner: input.fileOwner,
      }),
      mode: 0o755,
    },
    'mqcert-vault-agent.service': {
      content: [
        '[Unit]',
        `Description=Vault Agent renewing the TLS certificate of queue manager ${spec.queueManager}`,
        'After=network-online.target',
        '',
        '[Service]',
        `ExecStart=/usr/bin/vault agent -config=${installDirectory}/agent.hcl`,
        'Restart=on-failure',
        'RestartSec=30',
        '',
        '[Install]',
        'WantedBy=multi-user.target',
        '',
      ].join('\n'),
      mode: 0o644,
    },
    'README.md': {
      content: [
        `# Vault Agent bundle for ${spec.queueManager} (${entityRef})`,
        '',
        `1. Copy these files to \`${installDirectory}\` on the MQ host; \`chmod 755 mqcert-renew.sh\`; create \`${installDirectory}/certs\` (mode 0700).`,
        auth.method === 'approle'
          ? `2. Put the AppRole role_id in \`${auth.roleIdFile}\` and a secret_id in \`${auth.secretIdFile}\` (mode 0600). The role's policy needs \`update\` on \`${plan.role.mount}/issue/${plan.role.role}\` and nothing else.`
          : `2. Bind the Vault Kubernetes auth role \`${auth.role}\` to this pod's service account; its policy needs \`update\` on \`${plan.role.mount}/issue/${plan.role.role}\`.`,
        `3. Start the agent: \`systemctl enable --now ${installDirectory}/mqcert-vault-agent.service\` (or \`vault agent -config=${installDirectory}/agent.hcl\`).`,
        '',
        `The agent renews the certificate for label \`${cert.label}\` (${[
          cert.commonName,
          ...cert.altNames,
        ].join(', ')}) once ${Math.round(
          threshold * 100,
        )} % of its lifetime has passed, then runs \`mqcert-renew.sh\`, which builds a PKCS#12, stages it as a new revision in \`${keyDirectory}\` (keeping ${keep}) and ${
          variant === 'window'
            ? `schedules the cut-over with \`at\` at the next maintenance window (${spec.maintenanceWindow?.text}); the job's output goes to \`${keyDirectory}/mqcert-cutover.log\`.`
            : 'stops: an approver cuts over with the commands it logs.'
        }`,
        '',
        "The repository password is generated per revision and kept beside it (`<revision>.pw`, mode 0600); it never appears on a command line. The cut-over gives it to the queue manager with `ALTER QMGR ... KEYRPWD(...)` on runmqsc's standard input; set MQCERT_KEYRPWD_KEYWORD if your MQ version names the attribute differently.",
        '',
      ].join('\n'),
      mode: 0o644,
    },
  };

  const rel = (name: string) => path.posix.join(outputPath, name);
  if (step.isDryRun) {
    return {
      entityRef,
      outputPath,
      files: Object.keys(files).map(rel),
      agentConfigFile: rel('agent.hcl'),
      renewScriptFile: rel('mqcert-renew.sh'),
      variant,
      plan: reportPlan(step, `vault-agent bundle for ${entityRef}`, [
        `write ${Object.keys(files).map(rel).join(', ')} in the workspace`,
        `agent: ${auth.method} auto-auth against ${vaultAddress}, pkiCert on ${plan.role.mount}/issue/${plan.role.role} for ${cert.commonName}, renewal at ${threshold} of the lifetime`,
        `exec: build a PKCS#12 with label ${
          cert.label
        }, stage it in ${keyDirectory}, keep ${keep} revisions, ${
          variant === 'window'
            ? 'cut over with at in the maintenance window'
            : 'stage only (approval)'
        }`,
      ]),
    };
  }
  step.logger.info(
    `Rendering the Vault Agent bundle for ${entityRef} into ${outputPath}`,
  );
  await fs.mkdir(path.join(step.workspacePath, outputPath), {
    recursive: true,
  });
  for (const [name, file] of Object.entries(files)) {
    const target = path.join(step.workspacePath, outputPath, name);
    await fs.writeFile(target, file.content, { mode: file.mode });
    await fs.chmod(target, file.mode);
  }
  step.logger.info(
    `Rendered ${Object.keys(files).join(
      ', ',
    )}; publish ${outputPath} with a publish:* action`,
  );
  return {
    entityRef,
    outputPath,
    files: Object.keys(files).map(rel),
    agentConfigFile: rel('agent.hcl'),
    renewScriptFile: rel('mqcert-renew.sh'),
    variant,
  };
}

/**
 * mq:vault-agent:render — a Vault Agent bundle for host-driven renewal.
 *
 * @public
 */
export function createMqVaultAgentRenderAction(env: MqActionsEnvironment) {
  return createTemplateAction({
    id: 'mq:vault-agent:render',
    description:
      "Renders into the workspace a Vault Agent bundle that renews a queue manager's certificate on its host: agent.hcl (AppRole or Kubernetes auto-auth, a pkiCert template for the entity's role and names, the renewal threshold) and an exec script that builds the PKCS#12, stages it as a new revision and schedules the cut-over with at in the maintenance window (or only stages it, for approval). Publish it with a publish:* action.",
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        entityRef: entityRefInput,
        authMethod: z => z.enum(['approle', 'kubernetes']).default('approle'),
        authMountPath: z => z.string().optional(),
        roleIdFile: z => z.string().optional(),
        secretIdFile: z => z.string().optional(),
        kubernetesRole: z => z.string().optional(),
        kubernetesTokenPath: z => z.string().optional(),
        vaultAddress: z =>
          z
            .string()
            .optional()
            .describe('Default: mqCertificates.vault.address'),
        renewalThreshold: z =>
          z
            .number()
            .optional()
            .describe(
              "Fraction of the lifetime after which to renew; default the policy's renewAtFraction (0.75)",
            ),
        variant: z =>
          z
            .enum(['window', 'stage-only'])
            .optional()
            .describe(
              "window: at in the maintenance window; stage-only: wait for approval. Default from the entity's mqcert.io/refresh-approval",
            ),
        keepRevisions: z => z.number().int().optional(),
        installDirectory: z => z.string().optional(),
        keyRepositoryDirectory: z => z.string().optional(),
        caBundleFile: z => z.string().optional(),
        mqBinDirectory: z => z.string().optional(),
        profile: z => z.string().optional(),
        fileOwner: z => z.string().optional(),
        outputPath: z => z.string().optional(),
      },
      output: {
        entityRef: z => z.string(),
        outputPath: z => z.string(),
        files: z => z.array(z.string()),
        agentConfigFile: z => z.string(),
        renewScriptFile: z => z.string(),
        variant: z => z.enum(['window', 'stage-only']),
        plan: planOutput,
      },
    },
    async handler(ctx) {
      const out = await runVaultAgentRender(env, stepContextOf(ctx), ctx.input);
      emitOutputs(ctx, out);
    },
  });
}
