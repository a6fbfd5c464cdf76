import {
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import {
  Config,
  ConfigReader,
  readDurationFromConfig,
} from '@backstage/config';
import { durationToMilliseconds, type JsonObject } from '@backstage/types';
import {
  CertificatePolicy,
  resolveCertificatePolicy,
} from '@mqcert/plugin-mq-certificates-common';

/** The backend's settings with defaults filled in (see config.d.ts). @public */
export interface MqCertificatesBackendSettings {
  policy: Required<CertificatePolicy>;
  refreshJobs: {
    schedule: SchedulerServiceTaskScheduleDefinition;
    claimTimeoutMs: number;
    batchSize: number;
    maxAttempts: number;
    retryBackoffMs: number;
    maxRetryBackoffMs: number;
    verifyAttempts: number;
    verifyIntervalMs: number;
    probeTimeoutMs: number;
    allowSelfApproval: boolean;
    hostModeVerifyDelayMs: number;
    hostModeVerifyWindowMs: number;
  };
  retire: { enabled: boolean; gracePeriodMs: number };
  sweep: {
    enabled: boolean;
    schedule: SchedulerServiceTaskScheduleDefinition;
    concurrency: number;
    probeTimeoutMs: number;
    snapshotRetentionMs: number;
    notifications: boolean;
  };
  fleet: { catalogCacheTtlMs: number; stateCacheTtlMs: number };
}

const PREFIX = 'mqCertificates';

function durationMs(
  config: Config | undefined,
  key: string,
  fallbackMs: number,
): number {
  if (!config?.has(key)) return fallbackMs;
  const value = durationToMilliseconds(readDurationFromConfig(config, { key }));
  if (!(value > 0)) {
    throw new Error(
      `${PREFIX}.${key}: must be a positive duration such as '30s' or { minutes: 2 }`,
    );
  }
  return value;
}

function positiveInt(
  config: Config | undefined,
  key: string,
  fallback: number,
): number {
  const value = config?.getOptionalNumber(key) ?? fallback;
  if (!Number.isInteger(value) || value < 1) {
    throw new Error(`${PREFIX}.${key}: must be a whole number of 1 or more`);
  }
  return value;
}

function schedule(
  config: Config | undefined,
  key: string,
  fallback: SchedulerServiceTaskScheduleDefinition,
): SchedulerServiceTaskScheduleDefinition {
  if (!config?.has(key)) return fallback;
  // Each field the administrator gives replaces the default's; the others
  // keep their defaults (a schedule with only `frequency` is complete).
  const given = config.getConfig(key).get<JsonObject>();
  return readSchedulerServiceTaskScheduleDefinitionFromConfig(
    new ConfigReader(
      { ...(fallback as unknown as JsonObject), ...given },
      `${PREFIX}.${key}`,
    ),
  );
}

/** Reads `mqCertificates.*` backend settings with their defaults. @public */
export function readMqCertificatesBackendSettings(
  root: Config,
): MqCertificatesBackendSettings {
  const c = root.getOptionalConfig(PREFIX);
  const p = c?.getOptionalConfig('policy');
  const policy = resolveCertificatePolicy({
    maxLifetimeDays: p?.getOptionalNumber('maxLifetimeDays'),
    renewAtFraction: p?.getOptionalNumber('renewAtFraction'),
    expiringDays: p?.getOptionalNumber('expiringDays'),
    lifetimeToleranceSeconds: p?.getOptionalNumber('lifetimeToleranceSeconds'),
  });
  return {
    policy,
    refreshJobs: {
      schedule: schedule(c, 'refreshJobs.schedule', {
        frequency: { seconds: 15 },
        timeout: { minutes: 30 },
        initialDelay: { seconds: 5 },
      }),
      claimTimeoutMs: durationMs(c, 'refreshJobs.claimTimeout', 120_000),
      batchSize: positiveInt(c, 'refreshJobs.batchSize', 10),
      maxAttempts: positiveInt(c, 'refreshJobs.maxAttempts', 4),
      retryBackoffMs: durationMs(c, 'refreshJobs.retryBackoff', 60_000),
      maxRetryBackoffMs: durationMs(c, 'refreshJobs.maxRetryBackoff', 900_000),
      verifyAttempts: positiveInt(c, 'refreshJobs.verify.attempts', 5),
      verifyIntervalMs: durationMs(c, 'refreshJobs.verify.interval', 3_000),
      probeTimeoutMs: durationMs(c, 'refreshJobs.verify.probeTimeout', 10_000),
      allowSelfApproval:
        c?.getOptionalBoolean('refreshJobs.allowSelfApproval') ?? false,
      hostModeVerifyDelayMs: durationMs(
        c,
        'refreshJobs.hostModeVerifyDelay',
        120_000,
      ),
      hostModeVerifyWindowMs: durationMs(
        c,
        'refreshJobs.hostModeVerifyWindow',
        1_800_000,
      ),
    },
    retire: {
      enabled: c?.getOptionalBoolean('retire.enabled') ?? false,
      gracePeriodMs: durationMs(c, 'retire.gracePeriod', 7 * 86_400_000),
    },
    sweep: {
      enabled: c?.getOptionalBoolean('sweep.enabled') ?? true,
      schedule: schedule(c, 'sweep.schedule', {
        frequency: { minutes: 60 },
        timeout: { minutes: 30 },
        initialDelay: { minutes: 1 },
      }),
      concurrency: positiveInt(c, 'sweep.concurrency', 8),
      probeTimeoutMs: durationMs(c, 'sweep.probeTimeout', 10_000),
      snapshotRetentionMs: durationMs(
        c,
        'sweep.snapshotRetention',
        30 * 86_400_000,
      ),
      notifications: c?.getOptionalBoolean('sweep.notifications') ?? true,
    },
    fleet: {
      catalogCacheTtlMs: durationMs(c, 'fleet.catalogCacheTtl', 60_000),
      stateCacheTtlMs: durationMs(c, 'fleet.stateCacheTtl', 5_000),
    },
  };
}
