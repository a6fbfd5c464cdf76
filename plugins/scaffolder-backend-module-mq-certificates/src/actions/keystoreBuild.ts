import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { ConflictError, InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import type { JsonValue } from '@backstage/types';
import type {
  KeyRepositoryFormat,
  KeystorePasswordRef,
  RotationCertificate,
} from '@mqcert/plugin-mq-certificates-common';
import {
  DEFAULT_PKCS12_PROFILE,
  Pkcs12KeystoreFormat,
  pkcs12Profile,
  type BuiltKeystore,
} from '@mqcert/plugin-mq-certificates-node';
import { DRY_RUN_VALUE, reportPlan } from '../lib/dryRun';
import type { MqActionsEnvironment } from '../lib/environment';
import { buildPkcs12OnHost, discardIssuedMaterial } from '../lib/hostKeys';
import { entitySlug } from '../lib/privateFolder';
import { withProgress } from '../lib/progress';
import { loadQueueManager } from '../lib/queueManagerAccess';
import {
  checkpointKey,
  emitOutputs,
  StepContext,
  stepContextOf,
} from '../lib/stepContext';
import {
  BuildManifest,
  readBuildManifest,
  workspaceFolder,
  writeBuildManifest,
} from '../lib/workspaceState';
import { examples } from './keystoreBuild.examples';
import {
  certificateOutput,
  entityRefInput,
  passwordRefOutput,
  planOutput,
} from './schemas';

/** Input of mq:keystore:build. @public */
export interface BuildStepInput {
  entityRef: string;
  /** `p12` or `kdb`; default the entity's mqcert.io/key-repository-format. */
  format?: string;
  /** PKCS#12 profile (`aes256`, `compat-3des`). */
  profile?: string;
}

/** Outputs of mq:keystore:build. @public */
export interface BuildStepOutput {
  entityRef: string;
  /** The key repository's main file, relative to the workspace. */
  keystoreFile: string;
  /** Every file of the repository kept in the workspace. */
  files: string[];
  format: KeyRepositoryFormat;
  profile?: string;
  labels: string[];
  certificateLabel: string;
  /** SHA-256 (hex) of the main file. */
  sha256: string;
  passwordRef: KeystorePasswordRef;
  certificates: RotationCertificate[];
  plan?: string[];
}

/** Suffixes that hold the password in disguise (CMS stash): never in the workspace. */
const PRIVATE_SUFFIXES = ['.sth'];

function sha256(content: Buffer): string {
  return createHash('sha256').update(content).digest('hex');
}

function chooseFormat(
  input: string | undefined,
  entityFormat: KeyRepositoryFormat,
): KeyRepositoryFormat {
  const format = (input || entityFormat).toLowerCase();
  if (format !== 'p12' && format !== 'kdb') {
    throw new InputError(
      `format: '${input}' is not a key repository format; use p12 (PKCS#12) or kdb (CMS)`,
    );
  }
  return format;
}

function outputOf(manifest: BuildManifest): BuildStepOutput {
  return {
    entityRef: manifest.entityRef,
    keystoreFile: manifest.files[0].path,
    files: manifest.files.map(f => f.path),
    format: manifest.format,
    profile: manifest.profile,
    labels: manifest.labels,
    certificateLabel: manifest.certificateLabel,
    sha256: manifest.files[0].sha256,
    passwordRef: manifest.passwordRef,
    certificates: manifest.certificates,
  };
}

/** A key repository rebuilt from a host-built PKCS#12, described like a local build. */
async function describeHostBuild(
  content: Buffer,
  password: string,
  profile: string,
): Promise<BuiltKeystore> {
  const inspection = await new Pkcs12KeystoreFormat().inspect(
    [{ suffix: '.p12', content, sha256: sha256(content) }],
    password,
  );
  const personal = inspection.entries.filter(e => e.personal);
  return {
    format: 'p12',
    files: [{ suffix: '.p12', content, sha256: sha256(content) }],
    labels: personal.map(e => e.label),
    profile,
    certificates: personal.map(e => ({
      label: e.label,
      serialNumber: e.certificate.serialNumber,
      notAfter: e.certificate.notAfter,
      fingerprintSha256: e.certificate.fingerprintSha256,
    })),
    warnings: [],
  };
}

/**
 * Builds the key repository from the certificates the issue step of this
 * task left in its private folder, with a new password kept in Vault KV v2.
 * The private folder is removed when the step ends, whatever the outcome.
 */
export async function runBuildStep(
  env: MqActionsEnvironment,
  step: StepContext,
  input: BuildStepInput,
): Promise<BuildStepOutput> {
  const { spec } = await loadQueueManager(env, step, input.entityRef);
  const entityRef = spec.entityRef;
  const format = chooseFormat(input.format, spec.keyRepositoryFormat);
  // The run's choice, else the entity's (mqcert.io/pkcs12-profile), else the default.
  const profile =
    format === 'p12' || input.profile
      ? pkcs12Profile(
          input.profile || spec.pkcs12Profile || DEFAULT_PKCS12_PROFILE,
        ).name
      : undefined;
  const folder = workspaceFolder(entityRef);
  const base = path.posix.basename(spec.keyRepository ?? 'key');
  const mainFile = path.posix.join(folder, `${base}.${format}`);
  const passwordName = entitySlug(entityRef);

  if (step.isDryRun) {
    const passwords = env.passwords();
    const plan = reportPlan(step, `build for ${entityRef}`, [
      `generate a keystore password (runmqakm -strong rules) and store it in Vault KV v2 at ${passwords.pathFor(
        passwordName,
      )} (a new version)`,
      format === 'kdb'
        ? `build a CMS key repository with runmqakm (create with stash, add the CA chain with -trust enable, import the PKCS#12 with -target_type cms) for labels ${spec.certificateLabels.join(
            ', ',
          )}`
        : `build a PKCS#12 (profile ${profile}) with labels ${spec.certificateLabels.join(
            ', ',
          )}, leaf first, then the CA chain`,
      `write ${mainFile} in the workspace${
        format === 'kdb'
          ? ' (.rdb/.crl beside it; the .sth stash stays outside the workspace)'
          : ''
      }`,
      `remove the private key folder ${env.privateFolders.pathFor(
        step.taskId,
        entityRef,
      )}`,
    ]);
    return {
      entityRef,
      keystoreFile: mainFile,
      files: [mainFile],
      format,
      profile,
      labels: spec.certificateLabels,
      certificateLabel: spec.certificateLabel,
      sha256: DRY_RUN_VALUE,
      passwordRef: { mount: DRY_RUN_VALUE, path: DRY_RUN_VALUE, version: 0 },
      certificates: spec.certificateLabels.map(label => ({
        label,
        serialNumber: DRY_RUN_VALUE,
        notAfter: DRY_RUN_VALUE,
        fingerprintSha256: DRY_RUN_VALUE,
      })),
      plan,
    };
  }

  try {
    // Fail before touching Vault when the keys are gone and nothing was built.
    if (
      !(await env.privateFolders.exists(step.taskId, entityRef)) &&
      !(await readBuildManifest(step.workspacePath, entityRef).catch(
        () => false,
      ))
    ) {
      await env.privateFolders.read(step.taskId, entityRef);
    }
    const passwords = env.passwords();
    let fresh: string | undefined;
    const passwordRef = (await step.checkpoint({
      key: checkpointKey('build.password', step.taskId, entityRef),
      fn: async () => {
        step.logger.info(
          `Generating the keystore password and storing it in Vault KV v2 at ${passwords.pathFor(
            passwordName,
          )}`,
        );
        const stored = await withProgress(
          step.logger,
          'waiting for Vault to store the keystore password',
          env.settings.progressIntervalMs,
          () => passwords.createPassword(passwordName),
        );
        fresh = stored.reveal();
        step.logger.info(
          `Stored the keystore password as ${stored.ref.mount}/${stored.ref.path} version ${stored.ref.version}`,
        );
        return { ...stored.ref } as JsonValue;
      },
    })) as unknown as KeystorePasswordRef;
    const password = fresh ?? (await passwords.readPassword(passwordRef));

    const manifest = (await step.checkpoint({
      key: checkpointKey('build', step.taskId, entityRef),
      fn: async () => {
        const { manifest: issued, materials } = await env.privateFolders.read(
          step.taskId,
          entityRef,
        );
        let built: BuiltKeystore;
        if (issued.keyLocation === 'host') {
          if (format !== 'p12') {
            throw new InputError(
              `format: keys generated on the MQ host (mqcert.io/key-generation: host) can only be packaged as p12 by this action; use format p12, or mqcert.io/key-generation: vault for kdb`,
            );
          }
          const content = await buildPkcs12OnHost(
            env,
            step,
            issued.hostKeys!,
            materials,
            password,
            profile,
          );
          built = await describeHostBuild(content, password, profile!);
        } else {
          step.logger.info(
            `Building the ${
              format === 'kdb' ? 'CMS (KDB)' : `PKCS#12 (${profile})`
            } key repository with labels ${materials
              .map(m => m.label)
              .join(', ')}`,
          );
          // runmqakm (KDB) can take a while on a busy host.
          built = await withProgress(
            step.logger,
            `building the ${format} key repository`,
            env.settings.progressIntervalMs,
            () =>
              env.keystoreFormat(format).build(
                materials.map(m => ({
                  label: m.label,
                  certificatePem: m.certificatePem,
                  privateKeyPem: m.privateKeyPem!,
                  chainPem: m.chainPem,
                })),
                { password, profile, requireCompleteChain: format === 'kdb' },
              ),
          );
        }
        for (const w of built.warnings) step.logger.warn(w);
        const workspaceFiles = built.files.filter(
          f => !PRIVATE_SUFFIXES.includes(f.suffix),
        );
        const privateFiles = built.files.filter(f =>
          PRIVATE_SUFFIXES.includes(f.suffix),
        );
        await fs.mkdir(path.join(step.workspacePath, folder), {
          recursive: true,
        });
        const files: BuildManifest['files'] = [];
        for (const f of workspaceFiles) {
          const rel = path.posix.join(folder, `${base}${f.suffix}`);
          await fs.writeFile(path.join(step.workspacePath, rel), f.content, {
            mode: 0o600,
          });
          files.push({ path: rel, suffix: f.suffix, sha256: f.sha256 });
        }
        if (privateFiles.length) {
          await env.privateFolders.writeKeystoreFiles(
            step.taskId,
            entityRef,
            privateFiles,
          );
        }
        const result: BuildManifest = {
          entityRef,
          format,
          profile: built.profile ?? profile,
          files,
          privateFiles: privateFiles.map(f => ({
            suffix: f.suffix,
            sha256: f.sha256,
          })),
          labels: built.labels,
          certificateLabel: spec.certificateLabel,
          certificates: built.certificates,
          passwordRef,
        };
        await writeBuildManifest(step.workspacePath, result);
        step.logger.info(
          `Built ${files[0].path} (SHA-256 ${
            files[0].sha256
          }) with labels ${built.labels.join(', ')}`,
        );
        return result as unknown as JsonValue;
      },
    })) as unknown as BuildManifest;

    // A resumed task: the files must still be what was built.
    for (const f of manifest.files) {
      const content = await fs
        .readFile(path.join(step.workspacePath, f.path))
        .catch(() => undefined);
      if (!content || sha256(content) !== f.sha256) {
        throw new ConflictError(
          `The key repository built for ${entityRef} (${f.path}) is missing or changed in the workspace (the task resumed without its workspace). Nothing was staged from it: run the rotation again.`,
        );
      }
    }
    if (!manifest.labels.includes(spec.certificateLabel)) {
      throw new ConflictError(
        `The built key repository has labels ${manifest.labels.join(
          ', ',
        )} but the queue manager uses ${
          spec.certificateLabel
        }; check mqcert.io/certificate-label and run the rotation again`,
      );
    }
    return outputOf(manifest);
  } finally {
    await discardIssuedMaterial(env, step, entityRef);
  }
}

/**
 * mq:keystore:build — builds the PKCS#12 or CMS key repository.
 *
 * @public
 */
export function createMqKeystoreBuildAction(env: MqActionsEnvironment) {
  return createTemplateAction({
    id: 'mq:keystore:build',
    description:
      "Builds the queue manager's key repository (PKCS#12 or CMS KDB) from the certificates mq:certificate:issue made in this task. The password is generated, stored in Vault KV v2 and only referenced; the private key folder is removed afterwards.",
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        entityRef: entityRefInput,
        format: z =>
          z
            .string()
            .optional()
            .describe(
              "p12 (PKCS#12) or kdb (CMS); default the entity's mqcert.io/key-repository-format",
            ),
        profile: z =>
          z
            .string()
            .optional()
            .describe(
              'PKCS#12 protection profile: aes256 (default; MQ 9.3.5+, OpenSSL 3, Java 17) or compat-3des (older GSKit and Java 8)',
            ),
      },
      output: {
        entityRef: z => z.string(),
        keystoreFile: z =>
          z
            .string()
            .describe(
              'Main file of the key repository, relative to the workspace',
            ),
        files: z => z.array(z.string()),
        format: z => z.enum(['p12', 'kdb']),
        profile: z => z.string().optional(),
        labels: z => z.array(z.string()),
        certificateLabel: z => z.string(),
        sha256: z => z.string(),
        passwordRef: passwordRefOutput,
        certificates: z => z.array(certificateOutput(z)),
        plan: planOutput,
      },
    },
    async handler(ctx) {
      const out = await runBuildStep(env, stepContextOf(ctx), ctx.input);
      emitOutputs(ctx, out);
    },
  });
}
