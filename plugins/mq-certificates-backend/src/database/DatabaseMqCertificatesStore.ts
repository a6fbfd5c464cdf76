import crypto from 'node:crypto';
import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import type { Knex } from 'knex';
import type {
  QueueManagerEvent,
  RefreshJob,
  RefreshJobState,
  Rotation,
  RotationState,
  ServedCertificate,
} from '@mqcert/plugin-mq-certificates-common';
import {
  MqCertificatesStore,
  NewQueueManagerEvent,
  NewRefreshJob,
  NewRotation,
  QueueManagerStatus,
  RefreshJobPatch,
  RefreshJobUpdateCondition,
  RotationPatch,
  SnapshotSummary,
} from './MqCertificatesStore';
import {
  EventRow,
  eventFromRow,
  iso,
  isoOrUndefined,
  jobFromRow,
  ms,
  msOrNull,
  RefreshJobRow,
  rotationFromRow,
  RotationRow,
} from './rows';

const migrationsDir = resolvePackagePath(
  '@mqcert/plugin-mq-certificates-backend',
  'migrations',
);

const PENDING_JOB_STATES: RefreshJobState[] = [
  'awaiting-approval',
  'scheduled',
  'running',
];

/** Rows per page of latestSnapshotSummaries. */
const SNAPSHOT_PAGE_SIZE = 1000;

/** Keeps undefined keys out of an UPDATE (knex would write NULL for them). */
function defined<T extends Record<string, unknown>>(o: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(o).filter(([, v]) => v !== undefined),
  ) as Partial<T>;
}

/**
 * Knex implementation of {@link MqCertificatesStore} for SQLite and
 * PostgreSQL.
 *
 * @public
 */
export class DatabaseMqCertificatesStore implements MqCertificatesStore {
  /** Opens the plugin database and runs pending migrations (unless skipped). */
  static async create(options: {
    database: DatabaseService;
    skipMigrations?: boolean;
  }): Promise<DatabaseMqCertificatesStore> {
    const client = await options.database.getClient();
    if (!options.skipMigrations && !options.database.migrations?.skip) {
      await client.migrate.latest({ directory: migrationsDir });
    }
    return new DatabaseMqCertificatesStore(client);
  }

  /** For tests and tools that already hold a knex client. */
  static async fromKnex(
    client: Knex,
    options: { migrate?: boolean } = {},
  ): Promise<DatabaseMqCertificatesStore> {
    if (options.migrate ?? true) {
      await client.migrate.latest({ directory: migrationsDir });
    }
    return new DatabaseMqCertificatesStore(client);
  }

  /** The migrations folder (for migration tests). */
  static readonly migrationsDirectory = migrationsDir;

  private constructor(private readonly db: Knex) {}

  // ------------------------------------------------------------ rotations

  async createRotation(r: NewRotation): Promise<Rotation> {
    const now = Date.now();
    const id = crypto.randomUUID();
    await this.db<RotationRow>('rotations').insert({
      id,
      entity_ref: r.entityRef,
      queue_manager: r.queueManager,
      serial_number: r.serialNumber,
      not_after: ms(r.notAfter),
      fingerprint_sha256: r.fingerprintSha256,
      certificate_label: r.certificateLabel,
      certificates: JSON.stringify(r.certificates),
      key_repository_format: r.keyRepositoryFormat,
      keystore_password_mount: r.keystorePasswordRef?.mount ?? null,
      keystore_password_path: r.keystorePasswordRef?.path ?? null,
      keystore_password_version: r.keystorePasswordRef?.version ?? null,
      deploy_target: r.deployTarget ?? null,
      staged_revision_path: r.stagedRevisionPath ?? null,
      staged_ssl_key_repository: r.stagedSslKeyRepository ?? null,
      previous_ssl_key_repository: r.previousSslKeyRepository ?? null,
      previous_certificate_label: r.previousCertificateLabel ?? null,
      state: r.state,
      created_by: r.createdBy,
      created_at: now,
      updated_at: now,
      task_id: r.taskId ?? null,
    });
    return (await this.getRotation(id))!;
  }

  async getRotation(id: string): Promise<Rotation | undefined> {
    const row = await this.db<RotationRow>('rotations').where({ id }).first();
    return row ? rotationFromRow(row) : undefined;
  }

  async listRotations(
    entityRef: string,
    options: { limit?: number } = {},
  ): Promise<Rotation[]> {
    const rows = await this.db<RotationRow>('rotations')
      .where({ entity_ref: entityRef })
      .orderBy([
        { column: 'created_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .limit(options.limit ?? 50);
    return rows.map(rotationFromRow);
  }

  async updateRotation(
    id: string,
    patch: RotationPatch,
    condition: { fromStates?: RotationState[] } = {},
  ): Promise<Rotation | undefined> {
    const values = defined({
      state: patch.state,
      state_reason: patch.stateReason,
      deploy_target: patch.deployTarget,
      staged_revision_path: patch.stagedRevisionPath,
      staged_ssl_key_repository: patch.stagedSslKeyRepository,
      keystore_password_mount: patch.keystorePasswordRef?.mount,
      keystore_password_path: patch.keystorePasswordRef?.path,
      keystore_password_version: patch.keystorePasswordRef?.version,
      previous_ssl_key_repository: patch.previousSslKeyRepository,
      previous_certificate_label: patch.previousCertificateLabel,
      superseded_serial_number: patch.supersededSerialNumber,
      superseded_pki_mount: patch.supersededPkiMount,
      retire_at:
        patch.retireAt === undefined ? undefined : msOrNull(patch.retireAt),
      retired_at:
        patch.retiredAt === undefined ? undefined : ms(patch.retiredAt),
      retire_error: patch.retireError,
      task_id: patch.taskId,
    });
    let query = this.db('rotations').where({ id });
    if (condition.fromStates) {
      query = query.whereIn('state', condition.fromStates);
    }
    const count = await query.update({ ...values, updated_at: Date.now() });
    return count === 1 ? this.getRotation(id) : undefined;
  }

  private async newestRotationPerEntity(
    state?: RotationState,
  ): Promise<Map<string, Rotation>> {
    // ROW_NUMBER() works on SQLite ≥ 3.25 and PostgreSQL alike.
    const inner = this.db('rotations').select(
      '*',
      this.db.raw(
        'ROW_NUMBER() OVER (PARTITION BY entity_ref ORDER BY created_at DESC, id DESC) AS rn',
      ),
    );
    if (state) inner.where({ state });
    const rows: RotationRow[] = await this.db
      .select('*')
      .from(inner.as('ranked'))
      .where('rn', 1);
    return new Map(rows.map(r => [r.entity_ref, rotationFromRow(r)]));
  }

  latestRotations(): Promise<Map<string, Rotation>> {
    return this.newestRotationPerEntity();
  }

  latestVerifiedRotations(): Promise<Map<string, Rotation>> {
    return this.newestRotationPerEntity('verified');
  }

  async rotationsDueForRetirement(
    now: Date,
    limit: number,
  ): Promise<Rotation[]> {
    const rows = await this.db<RotationRow>('rotations')
      .where('state', 'verified')
      .whereNotNull('retire_at')
      .where('retire_at', '<=', now.getTime())
      .whereNull('retired_at')
      .whereNull('retire_error')
      .orderBy('retire_at')
      .limit(limit);
    return rows.map(rotationFromRow);
  }

  // ------------------------------------------------------------ refresh jobs

  async createJob(job: NewRefreshJob): Promise<RefreshJob> {
    const now = Date.now();
    const id = crypto.randomUUID();
    await this.db<RefreshJobRow>('refresh_jobs').insert({
      id,
      rotation_id: job.rotationId,
      entity_ref: job.entityRef,
      mode: job.mode,
      run_at: ms(job.runAt),
      approval_required: job.approvalRequired,
      attempts: 0,
      state: job.state,
      host_job_id: job.hostJobId ?? null,
      created_by: job.createdBy,
      created_at: now,
      updated_at: now,
    });
    return (await this.getJob(id))!;
  }

  async getJob(id: string): Promise<RefreshJob | undefined> {
    const row = await this.db<RefreshJobRow>('refresh_jobs')
      .where({ id })
      .first();
    return row ? jobFromRow(row) : undefined;
  }

  async listJobs(
    entityRef: string,
    options: { limit?: number } = {},
  ): Promise<RefreshJob[]> {
    const rows = await this.db<RefreshJobRow>('refresh_jobs')
      .where({ entity_ref: entityRef })
      .orderBy([
        { column: 'created_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .limit(options.limit ?? 50);
    return rows.map(jobFromRow);
  }

  async pendingJobs(): Promise<RefreshJob[]> {
    const rows = await this.db<RefreshJobRow>('refresh_jobs')
      .whereIn('state', PENDING_JOB_STATES)
      .orderBy('run_at');
    return rows.map(jobFromRow);
  }

  async pendingJobForRotation(
    rotationId: string,
  ): Promise<RefreshJob | undefined> {
    const row = await this.db<RefreshJobRow>('refresh_jobs')
      .where({ rotation_id: rotationId })
      .whereIn('state', PENDING_JOB_STATES)
      .first();
    return row ? jobFromRow(row) : undefined;
  }

  async pendingJobForEntity(
    entityRef: string,
  ): Promise<RefreshJob | undefined> {
    const row = await this.db<RefreshJobRow>('refresh_jobs')
      .where({ entity_ref: entityRef })
      .whereIn('state', PENDING_JOB_STATES)
      .first();
    return row ? jobFromRow(row) : undefined;
  }

  async updateJob(
    id: string,
    patch: RefreshJobPatch,
    condition: RefreshJobUpdateCondition = {},
  ): Promise<RefreshJob | undefined> {
    const values: Record<string, unknown> = defined({
      state: patch.state,
      run_at: patch.runAt === undefined ? undefined : ms(patch.runAt),
      approved_by: patch.approvedBy,
      approved_at:
        patch.approvedAt === undefined ? undefined : ms(patch.approvedAt),
      last_error: patch.lastError,
      finished_at:
        patch.finishedAt === undefined ? undefined : ms(patch.finishedAt),
    });
    if (patch.releaseClaim) {
      values.claimed_by = null;
      values.claimed_until = null;
    }
    let query = this.db('refresh_jobs').where({ id });
    if (condition.fromStates) {
      query = query.whereIn('state', condition.fromStates);
    }
    if (condition.claimedBy) {
      query = query.where('claimed_by', condition.claimedBy);
    }
    const count = await query.update({ ...values, updated_at: Date.now() });
    return count === 1 ? this.getJob(id) : undefined;
  }

  private claimable(now: number) {
    return (q: Knex.QueryBuilder) =>
      q
        .where(due =>
          due.where('state', 'scheduled').where('run_at', '<=', now),
        )
        .orWhere(stale =>
          stale.where('state', 'running').where('claimed_until', '<', now),
        );
  }

  async findClaimableJobIds(now: Date, limit: number): Promise<string[]> {
    const rows: { id: string }[] = await this.db('refresh_jobs')
      .select('id')
      .where(this.claimable(now.getTime()))
      .orderBy('run_at')
      .limit(limit);
    return rows.map(r => r.id);
  }

  async claimJob(
    id: string,
    runnerId: string,
    now: Date,
    leaseMs: number,
  ): Promise<RefreshJob | undefined> {
    const t = now.getTime();
    // The whole claim is this one statement: the WHERE re-checks that the job
    // is still claimable, so when runners race for it exactly one UPDATE
    // matches a row (row locks on PostgreSQL, the write lock on SQLite).
    const count = await this.db('refresh_jobs')
      .where({ id })
      .where(this.claimable(t))
      .update({
        state: 'running',
        claimed_by: runnerId,
        claimed_until: t + leaseMs,
        attempts: this.db.raw('attempts + 1'),
        started_at: this.db.raw('COALESCE(started_at, ?)', [t]),
        updated_at: t,
      });
    return count === 1 ? this.getJob(id) : undefined;
  }

  async extendClaim(
    id: string,
    runnerId: string,
    until: Date,
  ): Promise<boolean> {
    const count = await this.db('refresh_jobs')
      .where({ id, claimed_by: runnerId, state: 'running' })
      .update({ claimed_until: until.getTime() });
    return count === 1;
  }

  // ------------------------------------------------------------ events

  async addEvent(event: NewQueueManagerEvent): Promise<QueueManagerEvent> {
    const row = {
      entity_ref: event.entityRef,
      type: event.type,
      message: event.message,
      actor: event.actor ?? null,
      rotation_id: event.rotationId ?? null,
      job_id: event.jobId ?? null,
      created_at: Date.now(),
    };
    const inserted = await this.db('queue_manager_events').insert(row, ['id']);
    return eventFromRow({ ...row, id: insertedId(inserted) });
  }

  async listEvents(
    entityRef: string,
    options: { limit?: number } = {},
  ): Promise<QueueManagerEvent[]> {
    const rows = await this.db<EventRow>('queue_manager_events')
      .where({ entity_ref: entityRef })
      .orderBy([
        { column: 'created_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .limit(options.limit ?? 100);
    return rows.map(eventFromRow);
  }

  // ------------------------------------------------------------ snapshots

  async addSnapshot(
    entityRef: string,
    served: ServedCertificate,
  ): Promise<number> {
    const now = Date.now();
    return this.db.transaction(async tx => {
      const inserted = await tx('probe_snapshots').insert(
        {
          entity_ref: entityRef,
          listener: served.listener,
          probed_at: ms(served.probedAt),
          serial_number: served.serialNumber ?? null,
          fingerprint_sha256: served.fingerprintSha256 ?? null,
          not_before: served.notBefore ? ms(served.notBefore) : null,
          not_after: served.notAfter ? ms(served.notAfter) : null,
          error: served.error ?? null,
          served: JSON.stringify(served),
        },
        ['id'],
      );
      const id = insertedId(inserted);
      await tx('queue_manager_status')
        .insert({
          entity_ref: entityRef,
          latest_snapshot_id: id,
          updated_at: now,
        })
        .onConflict('entity_ref')
        .merge(['latest_snapshot_id', 'updated_at']);
      return id;
    });
  }

  async latestSnapshot(
    entityRef: string,
  ): Promise<ServedCertificate | undefined> {
    const row = await this.db('queue_manager_status as st')
      .join('probe_snapshots as s', 's.id', 'st.latest_snapshot_id')
      .where('st.entity_ref', entityRef)
      .select('s.served')
      .first();
    return row ? (JSON.parse(row.served) as ServedCertificate) : undefined;
  }

  async latestSnapshotSummaries(): Promise<Map<string, SnapshotSummary>> {
    const result = new Map<string, SnapshotSummary>();
    let after: string | undefined;
    // Pages in key order, yielding to the event loop in between: on SQLite
    // the driver is synchronous, so one 10,000-row read (and its row
    // conversion) held every request for a fleet rebuild's full duration.
    for (;;) {
      const query = this.db('queue_manager_status as st')
        .join('probe_snapshots as s', 's.id', 'st.latest_snapshot_id')
        .select(
          'st.entity_ref',
          's.id',
          's.listener',
          's.probed_at',
          's.serial_number',
          's.fingerprint_sha256',
          's.not_before',
          's.not_after',
          's.error',
        )
        .orderBy('st.entity_ref')
        .limit(SNAPSHOT_PAGE_SIZE);
      if (after !== undefined) query.where('st.entity_ref', '>', after);
      const rows = await query;
      for (const r of rows) {
        result.set(r.entity_ref, {
          entityRef: r.entity_ref,
          snapshotId: Number(r.id),
          listener: r.listener,
          probedAt: iso(r.probed_at),
          serialNumber: r.serial_number ?? undefined,
          fingerprintSha256: r.fingerprint_sha256 ?? undefined,
          notBefore: isoOrUndefined(r.not_before),
          notAfter: isoOrUndefined(r.not_after),
          error: r.error ?? undefined,
        });
      }
      if (rows.length < SNAPSHOT_PAGE_SIZE) break;
      after = rows[rows.length - 1].entity_ref;
      await new Promise<void>(resolve => setImmediate(resolve));
    }
    return result;
  }

  async pruneSnapshots(before: Date): Promise<number> {
    return this.db('probe_snapshots')
      .where('probed_at', '<', before.getTime())
      .whereNotIn(
        'id',
        this.db('queue_manager_status')
          .select('latest_snapshot_id')
          .whereNotNull('latest_snapshot_id'),
      )
      .delete();
  }

  // ------------------------------------------------------------ status

  async getStatus(entityRef: string): Promise<QueueManagerStatus | undefined> {
    const row = await this.db('queue_manager_status')
      .where({ entity_ref: entityRef })
      .first();
    if (!row) return undefined;
    return {
      entityRef: row.entity_ref,
      latestSnapshotId:
        row.latest_snapshot_id === null
          ? undefined
          : Number(row.latest_snapshot_id),
      notifiedState: row.notified_state ?? undefined,
      notifiedMismatchSerial: row.notified_mismatch_serial ?? undefined,
    };
  }

  async setNotified(
    entityRef: string,
    notified: { state?: string; mismatchSerial?: string | null },
  ): Promise<void> {
    const values = defined({
      notified_state: notified.state,
      notified_mismatch_serial: notified.mismatchSerial,
    });
    const columns = Object.keys(values);
    const query = this.db('queue_manager_status')
      .insert({ entity_ref: entityRef, ...values, updated_at: Date.now() })
      .onConflict('entity_ref');
    await query.merge([...columns, 'updated_at']);
  }
}

/** The id from `insert(..., ['id'])`: `{id}` on PostgreSQL, a number elsewhere. */
function insertedId(result: unknown[]): number {
  const first = result[0] as number | string | { id: number | string };
  return Number(typeof first === 'object' ? first.id : first);
}
