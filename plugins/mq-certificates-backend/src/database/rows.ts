/*
 * Row <-> API object mapping. Instants are epoch-ms bigints in the database
 * (see the init migration); PostgreSQL hands bigints back as strings and
 * SQLite hands booleans back as 0/1, so every read goes through these.
 */
import type {
  KeyRepositoryFormat,
  QueueManagerEvent,
  RefreshJob,
  RefreshJobState,
  RefreshMode,
  Rotation,
  RotationState,
} from '@mqcert/plugin-mq-certificates-common';

type Nullable<T> = T | null | undefined;

/** Epoch ms (number or bigint string) to ISO, or undefined. */
export function isoOrUndefined(
  value: Nullable<number | string>,
): string | undefined {
  if (value === null || value === undefined) return undefined;
  return new Date(Number(value)).toISOString();
}

export function iso(value: number | string): string {
  return new Date(Number(value)).toISOString();
}

export function ms(value: string | Date): number {
  const t = value instanceof Date ? value.getTime() : Date.parse(value);
  if (!Number.isFinite(t)) {
    throw new TypeError(`not a date/time: ${String(value)}`);
  }
  return t;
}

export function msOrNull(value: Nullable<string>): number | null {
  return value === null || value === undefined ? null : ms(value);
}

function opt<T>(value: Nullable<T>): T | undefined {
  return value === null || value === undefined ? undefined : value;
}

export interface RotationRow {
  id: string;
  entity_ref: string;
  queue_manager: string;
  serial_number: string;
  not_after: number | string;
  fingerprint_sha256: string;
  certificate_label: string;
  certificates: string;
  key_repository_format: string;
  keystore_password_mount: Nullable<string>;
  keystore_password_path: Nullable<string>;
  keystore_password_version: Nullable<number>;
  deploy_target: Nullable<string>;
  staged_revision_path: Nullable<string>;
  staged_ssl_key_repository: Nullable<string>;
  previous_ssl_key_repository: Nullable<string>;
  previous_certificate_label: Nullable<string>;
  superseded_serial_number: Nullable<string>;
  superseded_pki_mount: Nullable<string>;
  retire_at: Nullable<number | string>;
  retired_at: Nullable<number | string>;
  retire_error: Nullable<string>;
  state: string;
  state_reason: Nullable<string>;
  created_by: string;
  created_at: number | string;
  updated_at: number | string;
  task_id: Nullable<string>;
}

export function rotationFromRow(row: RotationRow): Rotation {
  return {
    id: row.id,
    entityRef: row.entity_ref,
    queueManager: row.queue_manager,
    serialNumber: row.serial_number,
    notAfter: iso(row.not_after),
    fingerprintSha256: row.fingerprint_sha256,
    certificateLabel: row.certificate_label,
    certificates: JSON.parse(row.certificates),
    keyRepositoryFormat: row.key_repository_format as KeyRepositoryFormat,
    keystorePasswordRef:
      row.keystore_password_mount && row.keystore_password_path
        ? {
            mount: row.keystore_password_mount,
            path: row.keystore_password_path,
            version: Number(row.keystore_password_version ?? 0),
          }
        : undefined,
    deployTarget: opt(row.deploy_target),
    stagedRevisionPath: opt(row.staged_revision_path),
    stagedSslKeyRepository: opt(row.staged_ssl_key_repository),
    previousSslKeyRepository: opt(row.previous_ssl_key_repository),
    previousCertificateLabel: opt(row.previous_certificate_label),
    supersededSerialNumber: opt(row.superseded_serial_number),
    supersededPkiMount: opt(row.superseded_pki_mount),
    retireAt: isoOrUndefined(row.retire_at),
    retiredAt: isoOrUndefined(row.retired_at),
    retireError: opt(row.retire_error),
    state: row.state as RotationState,
    stateReason: opt(row.state_reason),
    createdBy: row.created_by,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
    taskId: opt(row.task_id),
  };
}

export interface RefreshJobRow {
  id: string;
  rotation_id: string;
  entity_ref: string;
  mode: string;
  run_at: number | string;
  approval_required: boolean | number;
  approved_by: Nullable<string>;
  approved_at: Nullable<number | string>;
  attempts: number | string;
  state: string;
  last_error: Nullable<string>;
  host_job_id: Nullable<string>;
  created_by: string;
  created_at: number | string;
  updated_at: number | string;
  started_at: Nullable<number | string>;
  finished_at: Nullable<number | string>;
  claimed_by: Nullable<string>;
  claimed_until: Nullable<number | string>;
}

export function jobFromRow(row: RefreshJobRow): RefreshJob {
  return {
    id: row.id,
    rotationId: row.rotation_id,
    entityRef: row.entity_ref,
    mode: row.mode as RefreshMode,
    runAt: iso(row.run_at),
    approvalRequired: Boolean(row.approval_required),
    approvedBy: opt(row.approved_by),
    approvedAt: isoOrUndefined(row.approved_at),
    attempts: Number(row.attempts),
    state: row.state as RefreshJobState,
    lastError: opt(row.last_error),
    hostJobId: opt(row.host_job_id),
    createdBy: row.created_by,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
    startedAt: isoOrUndefined(row.started_at),
    finishedAt: isoOrUndefined(row.finished_at),
  };
}

export interface EventRow {
  id: number | string;
  entity_ref: string;
  type: string;
  message: string;
  actor: Nullable<string>;
  rotation_id: Nullable<string>;
  job_id: Nullable<string>;
  created_at: number | string;
}

export function eventFromRow(row: EventRow): QueueManagerEvent {
  return {
    id: String(row.id),
    entityRef: row.entity_ref,
    type: row.type,
    message: row.message,
    actor: opt(row.actor),
    rotationId: opt(row.rotation_id),
    jobId: opt(row.job_id),
    createdAt: iso(row.created_at),
  };
}
