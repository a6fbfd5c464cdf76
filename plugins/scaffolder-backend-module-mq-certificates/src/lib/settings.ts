import os from 'node:os';
import path from 'node:path';
import type { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import {
  CertificatePolicy,
  resolveCertificatePolicy,
} from '@mqcert/plugin-mq-certificates-common';
import { parsePkiRoleRef } from '@mqcert/plugin-mq-certificates-node';

/** The scaffolder actions' settings with defaults filled in (see config.d.ts). @public */
export interface MqScaffolderSettings {
  /** Absolute folder that holds private keys between issue and build. */
  privateDirectory: string;
  privateFolderMaxAgeMs: number;
  /** PKI roles a template may ask for instead of the entity's. */
  allowedPkiRoles: { mount: string; role: string }[];
  keepRevisions: number;
  /** Pause between progress lines during long waits (≤ 30 s). */
  progressIntervalMs: number;
  hostOpenssl: string;
  policy: Required<CertificatePolicy>;
}

const ROOT = 'mqCertificates.scaffolder';

function positive(value: number | undefined, key: string, fallback: number) {
  if (value === undefined) return fallback;
  if (!(value > 0)) {
    throw new InputError(`${ROOT}.${key}: must be a positive number`);
  }
  return value;
}

/** Reads `mqCertificates.scaffolder` (and the shared policy). @public */
export function readScaffolderSettings(
  root: Config,
  overrides: Partial<MqScaffolderSettings> = {},
): MqScaffolderSettings {
  const c = root.getOptionalConfig(ROOT);
  const dir =
    c?.getOptionalString('privateDirectory') ??
    path.join(os.tmpdir(), 'mqcert-private');
  if (!path.isAbsolute(dir)) {
    throw new InputError(
      `${ROOT}.privateDirectory: '${dir}' must be an absolute path outside the scaffolder workspace`,
    );
  }
  const keep = positive(
    c?.getOptionalNumber('keepRevisions'),
    'keepRevisions',
    3,
  );
  if (!Number.isInteger(keep)) {
    throw new InputError(`${ROOT}.keepRevisions: must be a whole number`);
  }
  const progressSeconds = Math.min(
    30,
    positive(
      c?.getOptionalNumber('progressIntervalSeconds'),
      'progressIntervalSeconds',
      15,
    ),
  );
  const policyConfig = root.getOptionalConfig('mqCertificates.policy');
  const policy = resolveCertificatePolicy({
    maxLifetimeDays: policyConfig?.getOptionalNumber('maxLifetimeDays'),
    renewAtFraction: policyConfig?.getOptionalNumber('renewAtFraction'),
    expiringDays: policyConfig?.getOptionalNumber('expiringDays'),
    lifetimeToleranceSeconds: policyConfig?.getOptionalNumber(
      'lifetimeToleranceSeconds',
    ),
  });
  return {
    privateDirectory: path.resolve(dir),
    privateFolderMaxAgeMs:
      positive(
        c?.getOptionalNumber('privateFolderMaxAgeHours'),
        'privateFolderMaxAgeHours',
        24,
      ) * 3_600_000,
    allowedPkiRoles: (c?.getOptionalStringArray('allowedPkiRoles') ?? []).map(
      (r, i) => parsePkiRoleRef(r, `${ROOT}.allowedPkiRoles[${i}]`),
    ),
    keepRevisions: keep,
    progressIntervalMs: progressSeconds * 1000,
    hostOpenssl: c?.getOptionalString('hostOpenssl') ?? 'openssl',
    policy,
    ...overrides,
  };
}
