import { createHash } from 'node:crypto';
import path from 'node:path';
import { InputError, ServiceUnavailableError } from '@backstage/errors';
import {
  QueueManagerSpec,
  requireSpecField,
} from '@mqcert/plugin-mq-certificates-common';
import {
  pkcs12Profile,
  type CommandResult,
  type DeployTarget,
  type IssuedCertificate,
} from '@mqcert/plugin-mq-certificates-node';
import type { MqActionsEnvironment } from './environment';
import type { IssuePlan } from './issuePlan';
import type {
  PrivateCertificateMaterial,
  PrivateFolderManifest,
} from './privateFolder';
import { withProgress } from './progress';
import type { StepContext } from './stepContext';

/*
 * Keys generated on the MQ host (mqcert.io/key-generation: host): openssl
 * makes the key and a CSR in a 0700 folder beside the key repository, Vault
 * signs the CSR, and the build step assembles the PKCS#12 on the host with
 * the password on openssl's standard input. The private key never leaves
 * the host; only the CSR, the certificates and the encrypted PKCS#12 travel.
 * Every argument goes through the target's CommandRunner (an argument
 * vector, quoted by POSIX rules over SSH); names were validated as DNS names
 * and labels by MQ's rules before they get here.
 */

/** Folder for a task's host keys, relative to the deploy target's root. */
export function hostKeyDirectory(stem: string, taskId: string): string {
  const task = createHash('sha256').update(taskId).digest('hex').slice(0, 16);
  return path.posix.join(path.posix.dirname(stem), '.mqcert-keys', task);
}

/** Where commands on the target's host see a path (hostPath when the MQ view differs). */
export function hostPathOf(target: DeployTarget, relativePath: string): string {
  return target.hostPath?.(relativePath) ?? target.resolvePath(relativePath);
}

async function run(
  target: DeployTarget,
  what: string,
  command: string,
  args: string[],
  options: { stdin?: string; secretValues?: string[] } = {},
): Promise<CommandResult> {
  const result = await target.commands.run(command, args, {
    ...options,
    timeoutMs: 120_000,
  });
  if (result.exitCode !== 0) {
    let detail = (result.stderr || result.stdout).trim().slice(0, 500);
    for (const secret of options.secretValues ?? []) {
      detail = detail.split(secret).join('***');
    }
    throw new ServiceUnavailableError(
      `${what} on deploy target ${target.name} failed (exit ${result.exitCode}): ${detail}. Check that ${command} is installed on the MQ host and the target's user may write beside the key repository.`,
    );
  }
  return result;
}

/** Makes keys and CSRs on the host and has Vault sign them. */
export async function issueOnHost(
  env: MqActionsEnvironment,
  step: StepContext,
  spec: QueueManagerSpec,
  plan: IssuePlan,
): Promise<{
  issued: IssuedCertificate[];
  materials: PrivateCertificateMaterial[];
  hostKeys: NonNullable<PrivateFolderManifest['hostKeys']>;
}> {
  const purpose = 'generating the key on the MQ host';
  const targetName = requireSpecField(spec, 'deployTarget', purpose);
  const stem = requireSpecField(spec, 'keyRepository', purpose);
  const directory = hostKeyDirectory(stem, step.taskId);
  const openssl = env.settings.hostOpenssl;
  const target = await env.openDeployTarget(targetName);
  try {
    const abs = hostPathOf(target, directory);
    await run(target, 'Creating the key folder', 'mkdir', [
      '-p',
      '-m',
      '700',
      abs,
    ]);
    const issued: IssuedCertificate[] = [];
    const materials: PrivateCertificateMaterial[] = [];
    for (const [i, c] of plan.certificates.entries()) {
      step.logger.info(
        `Generating a key and CSR for label ${c.label} on ${target.name} (${abs}); the key stays on the host`,
      );
      const san = [c.commonName, ...c.altNames]
        .filter((n, k, all) => all.indexOf(n) === k)
        .map(n => `DNS:${n}`)
        .join(',');
      const csr = await run(
        target,
        `openssl req for label ${c.label}`,
        openssl,
        [
          'req',
          '-new',
          '-batch',
          '-newkey',
          'rsa:2048',
          '-nodes',
          '-keyout',
          `${abs}/${i}.key`,
          '-subj',
          `/CN=${c.commonName}`,
          '-addext',
          `subjectAltName=${san}`,
        ],
      );
      step.logger.info(
        `Asking Vault role ${plan.role.mount}/${plan.role.role} to sign the CSR for ${c.label}`,
      );
      const signed = await withProgress(
        step.logger,
        `waiting for Vault to sign the CSR for ${c.label}`,
        env.settings.progressIntervalMs,
        () =>
          env.vault().sign(csr.stdout, {
            role: plan.role,
            commonName: c.commonName,
            altNames: c.altNames,
            ttl: plan.ttl,
          }),
      );
      issued.push(signed);
      materials.push({
        label: c.label,
        serialNumber: signed.serialNumber,
        certificatePem: signed.certificatePem,
        chainPem: signed.chainPem,
      });
    }
    return {
      issued,
      materials,
      hostKeys: { deployTarget: targetName, directory },
    };
  } catch (error) {
    await target.commands
      .run('rm', ['-rf', hostPathOf(target, directory)])
      .catch(() => undefined);
    throw error;
  } finally {
    await target.close();
  }
}

/**
 * Builds the PKCS#12 on the host from the key made there, reads the
 * (encrypted) file back, and removes the key folder on the host.
 */
export async function buildPkcs12OnHost(
  env: MqActionsEnvironment,
  step: StepContext,
  hostKeys: NonNullable<PrivateFolderManifest['hostKeys']>,
  materials: PrivateCertificateMaterial[],
  password: string,
  profileName: string | undefined,
): Promise<Buffer> {
  if (materials.length !== 1) {
    throw new InputError(
      `format: a PKCS#12 with keys generated on the host can hold one certificate, but this queue manager needs ${
        materials.length
      } (labels ${materials
        .map(m => m.label)
        .join(
          ', ',
        )}); set mqcert.io/key-generation: vault, or give the channels the queue manager's label`,
    );
  }
  const profile = pkcs12Profile(profileName);
  const target = await env.openDeployTarget(hostKeys.deployTarget);
  const abs = hostPathOf(target, hostKeys.directory);
  try {
    const [m] = materials;
    await run(target, 'Writing the certificate', 'tee', [`${abs}/0.cert.pem`], {
      stdin: `${m.certificatePem.trim()}\n`,
    });
    await run(target, 'Writing the CA chain', 'tee', [`${abs}/0.chain.pem`], {
      stdin: m.chainPem.map(c => `${c.trim()}\n`).join(''),
    });
    step.logger.info(
      `Building the PKCS#12 (profile ${profile.name}, label ${m.label}) on ${target.name} with openssl; the password goes on standard input`,
    );
    await run(
      target,
      'openssl pkcs12 -export',
      env.settings.hostOpenssl,
      [
        'pkcs12',
        '-export',
        '-inkey',
        `${abs}/0.key`,
        '-in',
        `${abs}/0.cert.pem`,
        '-certfile',
        `${abs}/0.chain.pem`,
        '-name',
        m.label,
        ...profile.opensslExportOptions,
        '-passout',
        'stdin',
        '-out',
        `${abs}/keystore.p12`,
      ],
      { stdin: `${password}\n`, secretValues: [password] },
    );
    return await target.readFile(`${hostKeys.directory}/keystore.p12`);
  } finally {
    await target.commands.run('rm', ['-rf', abs]).catch(() => undefined);
    await target.close();
  }
}

/** Removes a task's key folder on the host (composite rotate, whatever the outcome). */
export async function removeHostKeys(
  env: MqActionsEnvironment,
  hostKeys: NonNullable<PrivateFolderManifest['hostKeys']>,
): Promise<void> {
  const target = await env.openDeployTarget(hostKeys.deployTarget);
  try {
    await target.commands.run('rm', [
      '-rf',
      hostPathOf(target, hostKeys.directory),
    ]);
  } finally {
    await target.close();
  }
}

/**
 * Removes what an issue step of this task left: the private folder and,
 * for keys made on the host, their folder there. Problems on the host are
 * logged (with the folder to remove by hand), never thrown: this runs in
 * `finally` blocks.
 */
export async function discardIssuedMaterial(
  env: MqActionsEnvironment,
  step: StepContext,
  entityRef: string,
): Promise<void> {
  const left = await env.privateFolders
    .read(step.taskId, entityRef)
    .catch(() => undefined);
  const hostKeys = left?.manifest.hostKeys;
  if (hostKeys) {
    await removeHostKeys(env, hostKeys).catch(e =>
      step.logger.warn(
        `Could not remove the key folder ${
          hostKeys.directory
        } on deploy target ${hostKeys.deployTarget}: ${
          (e as Error).message
        }; remove it by hand`,
      ),
    );
  }
  await env.privateFolders.remove(step.taskId, entityRef);
}
