import type {
  KeyRepositoryFormat,
  KeystorePasswordRef,
  QueueManagerEvent,
  RefreshJob,
  RefreshJobState,
  RefreshMode,
  Rotation,
  RotationCertificate,
  RotationState,
  ServedCertificate,
} from '@mqcert/plugin-mq-certificates-common';

/** A rotation as it is first recorded. @public */
export interface NewRotation {
  entityRef: string;
  queueManager: string;
  serialNumber: string;
  notAfter: string;
  fingerprintSha256: string;
  certificateLabel: string;
  certificates: RotationCertificate[];
  keyRepositoryFormat: KeyRepositoryFormat;
  keystorePasswordRef?: KeystorePasswordRef;
  deployTarget?: string;
  stagedRevisionPath?: string;
  stagedSslKeyRepository?: string;
  previousSslKeyRepository?: string;
  previousCertificateLabel?: string;
  state: RotationState;
  createdBy: string;
  taskId?: string;
}

/** Fields of a rotation that change after it is recorded. @public */
export interface RotationPatch {
  state?: RotationState;
  /** `null` clears it. */
  stateReason?: string | null;
  deployTarget?: string;
  stagedRevisionPath?: string;
  stagedSslKeyRepository?: string;
  keystorePasswordRef?: KeystorePasswordRef;
  previousSslKeyRepository?: string;
  previousCertificateLabel?: string;
  supersededSerialNumber?: string;
  supersededPkiMount?: string;
  retireAt?: string | null;
  retiredAt?: string;
  retireError?: string | null;
  taskId?: string;
}

/** A refresh job as it is first recorded. @public */
export interface NewRefreshJob {
  rotationId: string;
  entityRef: string;
  mode: RefreshMode;
  runAt: string;
  approvalRequired: boolean;
  state: Extract<RefreshJobState, 'awaiting-approval' | 'scheduled'>;
  hostJobId?: string;
  createdBy: string;
}

/** Fields of a refresh job that change as it moves on. @public */
export interface RefreshJobPatch {
  state?: RefreshJobState;
  runAt?: string;
  approvedBy?: string;
  approvedAt?: string;
  /** `null` clears it. */
  lastError?: string | null;
  finishedAt?: string;
  /** Ends the claim (claimed_by/claimed_until cleared). */
  releaseClaim?: boolean;
}

/** Conditions under which a job update applies (all given must hold). @public */
export interface RefreshJobUpdateCondition {
  fromStates?: RefreshJobState[];
  /** The update only applies while this runner still holds the claim. */
  claimedBy?: string;
}

/** What the fleet list needs of the latest probe, without parsing JSON. @public */
export interface SnapshotSummary {
  entityRef: string;
  snapshotId: number;
  listener: string;
  probedAt: string;
  serialNumber?: string;
  fingerprintSha256?: string;
  notBefore?: string;
  notAfter?: string;
  error?: string;
}

/** Notification bookkeeping of one queue manager. @public */
export interface QueueManagerStatus {
  entityRef: string;
  latestSnapshotId?: number;
  /** The policy state the owner was last told about (or first seen). */
  notifiedState?: string;
  /** Served serial the owner was last told differs from the verified rotation. */
  notifiedMismatchSerial?: string;
}

/** A history line to record. @public */
export type NewQueueManagerEvent = Omit<QueueManagerEvent, 'id' | 'createdAt'>;

/**
 * Persistence of the mq-certificates backend. Entity refs are stored in
 * lower case (Backstage compares refs case-insensitively); callers pass them
 * normalised. Nothing passed here may be a secret.
 *
 * @public
 */
export interface MqCertificatesStore {
  createRotation(rotation: NewRotation): Promise<Rotation>;
  getRotation(id: string): Promise<Rotation | undefined>;
  /** Newest first. */
  listRotations(
    entityRef: string,
    options?: { limit?: number },
  ): Promise<Rotation[]>;
  /**
   * Applies the patch if the rotation is in one of `fromStates` (when given);
   * returns the updated rotation, or undefined when it does not exist or the
   * condition failed.
   */
  updateRotation(
    id: string,
    patch: RotationPatch,
    condition?: { fromStates?: RotationState[] },
  ): Promise<Rotation | undefined>;
  /** The newest rotation of every queue manager that has one. */
  latestRotations(): Promise<Map<string, Rotation>>;
  /** The newest verified rotation of every queue manager that has one. */
  latestVerifiedRotations(): Promise<Map<string, Rotation>>;
  /** Verified rotations whose superseded serial is due for revocation. */
  rotationsDueForRetirement(now: Date, limit: number): Promise<Rotation[]>;

  createJob(job: NewRefreshJob): Promise<RefreshJob>;
  getJob(id: string): Promise<RefreshJob | undefined>;
  /** Newest first. */
  listJobs(
    entityRef: string,
    options?: { limit?: number },
  ): Promise<RefreshJob[]>;
  /** Jobs not finished yet (awaiting approval, scheduled or running). */
  pendingJobs(): Promise<RefreshJob[]>;
  pendingJobForRotation(rotationId: string): Promise<RefreshJob | undefined>;
  /** A queue manager's unfinished job, if any (at most one is allowed). */
  pendingJobForEntity(entityRef: string): Promise<RefreshJob | undefined>;
  updateJob(
    id: string,
    patch: RefreshJobPatch,
    condition?: RefreshJobUpdateCondition,
  ): Promise<RefreshJob | undefined>;
  /**
   * Ids of jobs a runner may claim now: scheduled and due, or running with
   * an expired claim (their runner died). Earliest first.
   */
  findClaimableJobIds(now: Date, limit: number): Promise<string[]>;
  /**
   * Claims one job with a single conditional UPDATE (so of several runners on
   * one database exactly one wins): sets it running, counts an attempt and
   * leases it to `runnerId` until now + leaseMs. Undefined when another
   * runner won or the job is no longer claimable.
   */
  claimJob(
    id: string,
    runnerId: string,
    now: Date,
    leaseMs: number,
  ): Promise<RefreshJob | undefined>;
  /** Extends a held claim; false when the claim was lost. */
  extendClaim(id: string, runnerId: string, until: Date): Promise<boolean>;

  addEvent(event: NewQueueManagerEvent): Promise<QueueManagerEvent>;
  /** Newest first. */
  listEvents(
    entityRef: string,
    options?: { limit?: number },
  ): Promise<QueueManagerEvent[]>;

  /** Stores a probe result and makes it the queue manager's latest. */
  addSnapshot(entityRef: string, served: ServedCertificate): Promise<number>;
  latestSnapshot(entityRef: string): Promise<ServedCertificate | undefined>;
  latestSnapshotSummaries(): Promise<Map<string, SnapshotSummary>>;
  /** Deletes snapshots older than `before`, never a queue manager's latest. */
  pruneSnapshots(before: Date): Promise<number>;

  getStatus(entityRef: string): Promise<QueueManagerStatus | undefined>;
  setNotified(
    entityRef: string,
    notified: { state?: string; mismatchSerial?: string | null },
  ): Promise<void>;
}
