import { createApiRef } from '@backstage/frontend-plugin-api';
import type {
  CertificatePolicyState,
  FleetQuery,
  FleetResponse,
  QueueManagerDetail,
} from '@mqcert/plugin-mq-certificates-common';

/** A fleet state filter value: a policy state, or `unknown` (never probed / probe failed). @public */
export type FleetState = CertificatePolicyState | 'unknown';

/**
 * Client of the mq-certificates backend (`/api/mq-certificates/v1`).
 * Entity refs are full refs such as `resource:default/qm1`.
 *
 * @public
 */
export interface MqCertificatesApi {
  getFleet(query?: FleetQuery): Promise<FleetResponse>;
  getQueueManager(entityRef: string): Promise<QueueManagerDetail>;
  /** Approves a refresh job that waits for approval. */
  approveRefreshJob(jobId: string): Promise<void>;
  /** Cancels a job that has not started; the staged repository stays inert. */
  cancelRefreshJob(jobId: string): Promise<void>;
  /** Runs a scheduled refresh job now instead of at its run time. */
  runRefreshJobNow(jobId: string): Promise<void>;
  /** Probes the queue manager's listener (and TLS channels) now. */
  probeQueueManager(entityRef: string): Promise<void>;
}

/** @public */
export const mqCertificatesApiRef = createApiRef<MqCertificatesApi>().with({
  id: 'plugin.mq-certificates.client',
  pluginId: 'mq-certificates',
});
