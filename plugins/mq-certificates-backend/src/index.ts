/**
 * Backend plugin of the IBM MQ certificate plugins (plugin id
 * `mq-certificates`): rotation state, REST API, refresh jobs with
 * verification and rollback, fleet probing.
 *
 * @packageDocumentation
 */

export { mqCertificatesPlugin as default } from './plugin';
export { REFRESH_JOBS_TASK_ID, FLEET_SWEEP_TASK_ID } from './plugin';
export * from './database/MqCertificatesStore';
export { DatabaseMqCertificatesStore } from './database/DatabaseMqCertificatesStore';
export type { MqCertificatesRuntime } from './runtime/types';
export {
  mqCertificatesRuntimeExtensionPoint,
  type MqCertificatesRuntimeExtensionPoint,
} from './runtime/extensionPoint';
export { createConfiguredRuntime } from './runtime/configuredRuntime';
export {
  readMqCertificatesBackendSettings,
  type MqCertificatesBackendSettings,
} from './config';
export { RefreshJobRunner, type PollResult } from './runner/RefreshJobRunner';
export { Journal, type JournalEntry } from './service/Journal';
export { MqCertificatesMetrics, type RefreshJobOutcome } from './metrics';
export {
  MqCertificatesOwnerPolicy,
  mqCertificatesOwnerDecision,
  mqCertificatesPermissionPolicyModule,
} from './permissions/MqCertificatesOwnerPolicy';
