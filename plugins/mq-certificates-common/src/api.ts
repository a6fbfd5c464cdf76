/*
 * Types of the backend's REST API (`/api/mq-certificates/v1`), shared by the
 * backend, the scaffolder actions and the frontend. Dates are ISO-8601 UTC
 * strings; serial numbers are in the canonical lower-case colon form.
 */
import type {
  CertificatePolicyEvaluation,
  CertificatePolicyState,
} from './policy';
import type { KeyRepositoryFormat } from './entity';

/** States of a rotation, in the order a successful one passes through. @public */
export type RotationState =
  | 'issued'
  | 'staged'
  | 'awaiting-approval'
  | 'scheduled'
  | 'refreshing'
  | 'verified'
  | 'failed'
  | 'rolled-back'
  | 'cancelled';

/** Every {@link RotationState}, in the order of {@link RotationState}. @public */
export const ROTATION_STATES: RotationState[] = [
  'issued',
  'staged',
  'awaiting-approval',
  'scheduled',
  'refreshing',
  'verified',
  'failed',
  'rolled-back',
  'cancelled',
];

/** States of a refresh job. @public */
export type RefreshJobState =
  | 'awaiting-approval'
  | 'scheduled'
  | 'running'
  | 'verified'
  | 'failed'
  | 'rolled-back'
  | 'cancelled';

/** Where a refresh runs: a job in the backend, or `at` on the MQ host. @public */
export type RefreshMode = 'portal' | 'host';

/** What we know of one X.509 certificate (never key material). @public */
export interface CertificateSummary {
  serialNumber: string;
  fingerprintSha256: string;
  subject: string;
  issuer: string;
  subjectAltNames: string[];
  notBefore: string;
  notAfter: string;
  keyType?: string;
  keyBits?: number;
}

/** What one TLS channel's SNI name was served. @public */
export interface ChannelProbeResult {
  channel: string;
  sniHostname: string;
  /** Label the channel is configured with (its own or the QM's). */
  certificateLabel?: string;
  serialNumber?: string;
  fingerprintSha256?: string;
  notAfter?: string;
  error?: string;
}

/** A probe of a queue manager's listener. @public */
export interface ServedCertificate extends Partial<CertificateSummary> {
  /** host:port probed. */
  listener: string;
  probedAt: string;
  /** Issuer certificates the listener sent after the leaf. */
  chain: CertificateSummary[];
  /** Whether the served chain verifies against the configured CA. */
  trusted?: boolean;
  trustError?: string;
  channels: ChannelProbeResult[];
  /** Set when the listener could not be probed at all. */
  error?: string;
}

/** A keystore password's place in Vault KV v2. @public */
export interface KeystorePasswordRef {
  mount: string;
  path: string;
  version: number;
}

/** One certificate of a rotation (one per label the QM needs). @public */
export interface RotationCertificate {
  label: string;
  serialNumber: string;
  notAfter: string;
  fingerprintSha256: string;
}

/** A rotation of one queue manager's certificate. @public */
export interface Rotation {
  id: string;
  entityRef: string;
  queueManager: string;
  /** Serial of the certificate under the QM's own label. */
  serialNumber: string;
  notAfter: string;
  fingerprintSha256: string;
  certificateLabel: string;
  certificates: RotationCertificate[];
  keyRepositoryFormat: KeyRepositoryFormat;
  /** Where the keystore password is kept (Vault KV v2), never the password. */
  keystorePasswordRef?: KeystorePasswordRef;
  /** Target name and revision path staged beside the live repository. */
  deployTarget?: string;
  stagedRevisionPath?: string;
  /**
   * The SSLKEYR value the cut-over sets (absolute on the MQ host; for KDB the
   * stem), as the deploy target reported it when staging.
   */
  stagedSslKeyRepository?: string;
  /** SSLKEYR/CERTLABL recorded before the cut-over (for rollback). */
  previousSslKeyRepository?: string;
  previousCertificateLabel?: string;
  /** Serial the listener served before the cut-over (the one to retire). */
  supersededSerialNumber?: string;
  /** Vault PKI mount that issued the superseded certificate. */
  supersededPkiMount?: string;
  /** When the superseded serial is due to be revoked in Vault (retire step). */
  retireAt?: string;
  /** When it was revoked. */
  retiredAt?: string;
  /** Why revoking it failed, when it did. */
  retireError?: string;
  state: RotationState;
  /** Why it failed / was rolled back, in plain words, with what to do. */
  stateReason?: string;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
  /** Scaffolder task id that created it, when any. */
  taskId?: string;
}

/** A scheduled REFRESH SECURITY TYPE(SSL) cut-over. @public */
export interface RefreshJob {
  id: string;
  rotationId: string;
  entityRef: string;
  mode: RefreshMode;
  runAt: string;
  approvalRequired: boolean;
  approvedBy?: string;
  approvedAt?: string;
  attempts: number;
  state: RefreshJobState;
  lastError?: string;
  /** For host mode: the `at` job number on the host. */
  hostJobId?: string;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
  startedAt?: string;
  finishedAt?: string;
}

/** One line of a queue manager's history. @public */
export interface QueueManagerEvent {
  id: string;
  entityRef: string;
  /** e.g. `rotation-recorded`, `job-approved`, `refresh-verified`, `rolled-back`. */
  type: string;
  message: string;
  actor?: string;
  rotationId?: string;
  jobId?: string;
  createdAt: string;
}

/** A fleet row. @public */
export interface QueueManagerSummary {
  entityRef: string;
  name: string;
  title?: string;
  owner?: string;
  queueManager: string;
  listener?: string;
  served?: {
    serialNumber?: string;
    notBefore?: string;
    notAfter?: string;
    probedAt: string;
    error?: string;
  };
  policy?: CertificatePolicyEvaluation;
  /** `unknown` when never probed or the probe failed. */
  state: CertificatePolicyState | 'unknown';
  /** Set when the entity's mqcert.io annotations are invalid: what to fix. */
  configError?: string;
  latestRotation?: Pick<
    Rotation,
    'id' | 'state' | 'serialNumber' | 'updatedAt'
  >;
  nextJob?: Pick<RefreshJob, 'id' | 'state' | 'runAt' | 'approvalRequired'>;
}

/** `GET /v1/queue-managers`. @public */
export interface FleetResponse {
  items: QueueManagerSummary[];
  totalCount: number;
  offset: number;
  limit: number;
  /** Counts per state over the whole (filtered) fleet. */
  counts: Record<CertificatePolicyState | 'unknown', number>;
}

/** `GET /v1/queue-managers/{kind}/{namespace}/{name}`. @public */
export interface QueueManagerDetail {
  entityRef: string;
  queueManager: string;
  listener?: string;
  certificateLabel: string;
  tlsChannels: {
    name: string;
    certificateLabel?: string;
    sniHostname: string;
  }[];
  maintenanceWindow?: string;
  nextWindowStart?: string;
  refreshApproval: 'required' | 'none';
  /**
   * Whether the person who scheduled a refresh may approve it too
   * (`mqCertificates.refreshJobs.allowSelfApproval`; off by default: four eyes).
   */
  selfApprovalAllowed?: boolean;
  served?: ServedCertificate;
  policy?: CertificatePolicyEvaluation;
  rotations: Rotation[];
  jobs: RefreshJob[];
  events: QueueManagerEvent[];
}

/** `POST /v1/rotations` (sent by the scaffolder actions). @public */
export interface RecordRotationRequest {
  entityRef: string;
  serialNumber: string;
  notAfter: string;
  fingerprintSha256: string;
  certificateLabel: string;
  certificates?: RotationCertificate[];
  keyRepositoryFormat: KeyRepositoryFormat;
  keystorePasswordRef?: KeystorePasswordRef;
  deployTarget?: string;
  stagedRevisionPath?: string;
  stagedSslKeyRepository?: string;
  previousSslKeyRepository?: string;
  previousCertificateLabel?: string;
  state?: Extract<RotationState, 'issued' | 'staged'>;
  taskId?: string;
}

/**
 * `PATCH /v1/rotations/{id}` (sent by the scaffolder actions as a rotation
 * moves on): mark it staged with where it was staged, or failed/cancelled
 * with the reason. Only `issued` and `staged` rotations can be changed here;
 * the refresh job owns every later state.
 *
 * @public
 */
export interface UpdateRotationRequest {
  state?: Extract<RotationState, 'staged' | 'failed' | 'cancelled'>;
  stateReason?: string;
  deployTarget?: string;
  stagedRevisionPath?: string;
  stagedSslKeyRepository?: string;
  keystorePasswordRef?: KeystorePasswordRef;
  taskId?: string;
}

/** Sort keys of `GET /v1/queue-managers`. @public */
export type FleetSortKey = 'state' | 'daysLeft' | 'name';

/**
 * Query of `GET /v1/queue-managers` (all optional). `state` and `owner` take
 * comma lists; `q` matches name, title, queue manager and entity ref
 * (case-insensitive). `counts` in the response are computed after the owner
 * and text filters but before the state filter, so they can label state
 * filter chips. Defaults: sort `state` (worst first), offset 0, limit 50
 * (at most 500).
 *
 * @public
 */
export interface FleetQuery {
  state?: string;
  owner?: string;
  q?: string;
  /**
   * Only queue managers whose served certificate has at most this many whole
   * days left (`policy.daysLeft`); rows without a known expiry are left out.
   * Sent by the fleet page's "At most days left" filter.
   */
  maxDaysLeft?: number;
  sort?: FleetSortKey;
  order?: 'asc' | 'desc';
  offset?: number;
  limit?: number;
}

/** `POST /v1/refresh-jobs`. @public */
export interface CreateRefreshJobRequest {
  rotationId: string;
  /** ISO time; omitted means now. */
  runAt?: string;
  /** Require approval even if the entity does not. */
  approvalRequired?: boolean;
  mode?: RefreshMode;
  hostJobId?: string;
}
