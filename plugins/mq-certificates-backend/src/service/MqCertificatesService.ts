import {
  BackstageCredentials,
  LoggerService,
} from '@backstage/backend-plugin-api';
import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import {
  CreateRefreshJobRequest,
  evaluateCertificatePolicy,
  FleetResponse,
  mqCertificateReadPermission,
  mqCertificateRotatePermission,
  mqRefreshApprovePermission,
  nextWindowStart,
  QueueManagerDetail,
  QueueManagerSpec,
  RecordRotationRequest,
  RefreshJob,
  RefreshJobState,
  RefreshMode,
  requireSpecField,
  Rotation,
  ServedCertificate,
  UpdateRotationRequest,
} from '@mqcert/plugin-mq-certificates-common';
import type { ResourcePermission } from '@backstage/plugin-permission-common';
import { readHostClock } from '@mqcert/plugin-mq-certificates-node';
import type { MqCertificatesBackendSettings } from '../config';
import type { MqCertificatesStore } from '../database/MqCertificatesStore';
import type { MqCertificatesRuntime } from '../runtime/types';
import { MqCertificatesAuthorizer } from './authorization';
import {
  FleetIndex,
  ParsedFleetQuery,
  queryFleet,
  visibilityOf,
} from './FleetIndex';
import { Journal } from './Journal';
import {
  ManagedQueueManager,
  normalizeEntityRef,
  QueueManagerCatalog,
} from './QueueManagerCatalog';

/**
 * How far in the past a requested run time may lie: the scaffolder resolves
 * "now" before the steps before it finish, so a legitimate run time is
 * seconds (at most minutes) old by the time it arrives. Anything older is
 * a mistake, not "now".
 */
const RUN_AT_PAST_TOLERANCE_MS = 5 * 60_000;

/** Why a rotation in each state cannot be scheduled, and what to do. */
function notSchedulable(rotation: Rotation): string {
  const what = `rotation ${rotation.id} is ${rotation.state}`;
  switch (rotation.state) {
    case 'issued':
      return `rotation ${rotation.id} is not staged yet; deploy the key repository first (mq:keystore:deploy), then schedule the refresh`;
    case 'scheduled':
    case 'awaiting-approval':
    case 'refreshing':
      return `${what}: it already has a refresh job; wait for that job, or cancel it and rotate again for another run`;
    case 'verified':
      return `${what}: its certificate was cut over already, and cutting over to it again could replace a newer certificate with this older one; rotate again (rotate-mq-certificate) to get a new certificate`;
    default:
      // cancelled, failed, rolled-back: a newer certificate may have gone
      // live since, and the staged repository may have been pruned.
      return `${what}; only a staged rotation can be scheduled, and its staged key repository may be out of date by now. Rotate again (rotate-mq-certificate) to issue, stage and schedule a fresh certificate`;
  }
}

/**
 * Whether a create request repeats the one that created `pending`: same
 * rotation, mode, at job, approval and user, and the same run time (or
 * "now" again for a job that is due already, since the scaffolder works
 * "now" out afresh when a task resumes).
 */
function isRepeatOf(
  pending: RefreshJob,
  request: {
    rotationId: string;
    mode: RefreshMode;
    hostJobId?: string;
    runAt?: string;
    approvalRequired: boolean;
    createdBy: string;
    now: Date;
  },
): boolean {
  if (
    pending.rotationId !== request.rotationId ||
    pending.mode !== request.mode ||
    (pending.hostJobId ?? undefined) !== (request.hostJobId ?? undefined) ||
    pending.approvalRequired !== request.approvalRequired ||
    pending.createdBy !== request.createdBy
  ) {
    return false;
  }
  const now = request.now.getTime();
  const asksForNow = !request.runAt || Date.parse(request.runAt) <= now;
  return (
    (request.runAt !== undefined &&
      Date.parse(request.runAt) === Date.parse(pending.runAt)) ||
    (asksForNow && Date.parse(pending.runAt) <= now)
  );
}

function actorOf(credentials: BackstageCredentials): string {
  const p = credentials.principal as {
    type: string;
    userEntityRef?: string;
    subject?: string;
  };
  return p.userEntityRef ?? p.subject ?? p.type;
}

function requireSpec(qm: ManagedQueueManager): QueueManagerSpec {
  if (!qm.spec) {
    throw new InputError(
      `${qm.entityRef} has invalid annotations: ${qm.configError}`,
    );
  }
  return qm.spec;
}

/** The business logic behind the REST API; the router only translates HTTP. */
export class MqCertificatesService {
  constructor(
    private readonly options: {
      store: MqCertificatesStore;
      catalog: QueueManagerCatalog;
      fleet: FleetIndex;
      authorizer: MqCertificatesAuthorizer;
      journal: Journal;
      runtime: () => MqCertificatesRuntime;
      settings: MqCertificatesBackendSettings;
      logger: LoggerService;
      /** Asks the job runner to poll soon (a job became due). */
      wakeRunner?: () => void;
      now?: () => Date;
    },
  ) {}

  private now(): Date {
    return this.options.now?.() ?? new Date();
  }

  private changed() {
    this.options.fleet.invalidate();
  }

  /**
   * Reads the queue manager's entity with the caller's credentials (so the
   * catalog's own read rules apply) and checks `permission` on it.
   */
  private async authorized(
    credentials: BackstageCredentials,
    permission: ResourcePermission<'catalog-entity'>,
    entityRef: string,
  ): Promise<ManagedQueueManager> {
    const qm = await this.options.catalog.get(entityRef, credentials);
    await this.options.authorizer.authorizeEntity(
      credentials,
      permission,
      qm.entity,
    );
    return qm;
  }

  // ------------------------------------------------------------ reads

  async getFleet(
    credentials: BackstageCredentials,
    query: ParsedFleetQuery,
  ): Promise<FleetResponse> {
    const readable = await this.options.authorizer.readableEntities(
      credentials,
    );
    const snapshot = await this.options.fleet.get();
    return queryFleet(snapshot, query, visibilityOf(snapshot, readable));
  }

  async getQueueManager(
    credentials: BackstageCredentials,
    entityRef: string,
  ): Promise<QueueManagerDetail> {
    const ref = normalizeEntityRef(entityRef);
    const qm = await this.authorized(
      credentials,
      mqCertificateReadPermission,
      ref,
    );
    const spec = requireSpec(qm);
    const { store, settings } = this.options;
    const [served, rotations, jobs, events] = await Promise.all([
      store.latestSnapshot(ref),
      store.listRotations(ref, { limit: 20 }),
      store.listJobs(ref, { limit: 20 }),
      store.listEvents(ref, { limit: 100 }),
    ]);
    let policy: QueueManagerDetail['policy'];
    if (served?.notBefore && served.notAfter && !served.error) {
      policy = evaluateCertificatePolicy({
        notBefore: served.notBefore,
        notAfter: served.notAfter,
        now: this.now(),
        policy: settings.policy,
      });
    }
    let nextWindow: string | undefined;
    if (spec.maintenanceWindow) {
      try {
        nextWindow = nextWindowStart(
          spec.maintenanceWindow,
          this.now(),
        ).toISOString();
      } catch {
        nextWindow = undefined; // no occurrence in the next two weeks
      }
    }
    return {
      entityRef: ref,
      queueManager: spec.queueManager,
      listener: spec.listener
        ? `${spec.listener.host}:${spec.listener.port}`
        : undefined,
      certificateLabel: spec.certificateLabel,
      tlsChannels: spec.tlsChannels,
      maintenanceWindow: spec.maintenanceWindow?.text,
      nextWindowStart: nextWindow,
      refreshApproval: spec.refreshApproval,
      selfApprovalAllowed: this.options.settings.refreshJobs.allowSelfApproval,
      served,
      policy,
      rotations,
      jobs,
      events,
    };
  }

  async getRotation(
    credentials: BackstageCredentials,
    id: string,
  ): Promise<Rotation> {
    const rotation = await this.options.store.getRotation(id);
    if (!rotation) throw new NotFoundError(`no rotation with id ${id}`);
    await this.authorized(
      credentials,
      mqCertificateReadPermission,
      rotation.entityRef,
    );
    return rotation;
  }

  async getJob(
    credentials: BackstageCredentials,
    id: string,
  ): Promise<RefreshJob> {
    const job = await this.loadJob(id);
    await this.authorized(
      credentials,
      mqCertificateReadPermission,
      job.entityRef,
    );
    return job;
  }

  // ------------------------------------------------------------ probe

  async probe(
    credentials: BackstageCredentials,
    entityRef: string,
  ): Promise<ServedCertificate> {
    const ref = normalizeEntityRef(entityRef);
    const spec = requireSpec(
      await this.authorized(credentials, mqCertificateRotatePermission, ref),
    );
    requireSpecField(spec, 'listener', 'probing the listener');
    const served = await this.options.runtime().probeQueueManager(spec, {
      timeoutMs: this.options.settings.sweep.probeTimeoutMs,
    });
    await this.options.store.addSnapshot(ref, served);
    this.changed();
    await this.options.journal.record({
      entityRef: ref,
      type: 'probed',
      message: served.error
        ? `Probe of ${served.listener} failed: ${served.error}`
        : `Probe of ${served.listener}: serves serial ${served.serialNumber} (expires ${served.notAfter})`,
      actor: actorOf(credentials),
      severity: 'low',
    });
    return served;
  }

  // ------------------------------------------------------------ rotations

  async recordRotation(
    credentials: BackstageCredentials,
    body: RecordRotationRequest,
  ): Promise<Rotation> {
    const ref = normalizeEntityRef(body.entityRef);
    const spec = requireSpec(
      await this.authorized(credentials, mqCertificateRotatePermission, ref),
    );
    const certificates = body.certificates?.length
      ? body.certificates
      : [
          {
            label: body.certificateLabel,
            serialNumber: body.serialNumber,
            notAfter: body.notAfter,
            fingerprintSha256: body.fingerprintSha256,
          },
        ];
    if (!certificates.some(c => c.label === body.certificateLabel)) {
      throw new InputError(
        `certificates: none is for the queue manager's label '${body.certificateLabel}'; include it or leave certificates out`,
      );
    }
    for (const channel of spec.tlsChannels) {
      if (
        channel.certificateLabel &&
        !certificates.some(c => c.label === channel.certificateLabel)
      ) {
        throw new InputError(
          `certificates: channel ${channel.name} uses label '${channel.certificateLabel}', but no certificate for it was recorded; issue one for that label too`,
        );
      }
    }
    const state = body.state ?? (body.stagedRevisionPath ? 'staged' : 'issued');
    if (state === 'staged' && !body.stagedRevisionPath) {
      throw new InputError(
        'stagedRevisionPath: required when state is staged (the revision the deploy step wrote)',
      );
    }
    const rotation = await this.options.store.createRotation({
      entityRef: ref,
      queueManager: spec.queueManager,
      serialNumber: body.serialNumber,
      notAfter: body.notAfter,
      fingerprintSha256: body.fingerprintSha256,
      certificateLabel: body.certificateLabel,
      certificates,
      keyRepositoryFormat: body.keyRepositoryFormat,
      keystorePasswordRef: body.keystorePasswordRef,
      deployTarget: body.deployTarget ?? spec.deployTarget,
      stagedRevisionPath: body.stagedRevisionPath,
      stagedSslKeyRepository: body.stagedSslKeyRepository,
      previousSslKeyRepository: body.previousSslKeyRepository,
      previousCertificateLabel: body.previousCertificateLabel,
      state,
      createdBy: actorOf(credentials),
      taskId: body.taskId,
    });
    this.changed();
    await this.options.journal.record({
      entityRef: ref,
      type: 'rotation-recorded',
      message: `Certificate serial ${rotation.serialNumber} (expires ${
        rotation.notAfter
      }) recorded as ${state}${
        rotation.stagedRevisionPath ? ` at ${rotation.stagedRevisionPath}` : ''
      }`,
      actor: rotation.createdBy,
      rotationId: rotation.id,
    });
    return rotation;
  }

  async updateRotation(
    credentials: BackstageCredentials,
    id: string,
    body: UpdateRotationRequest,
  ): Promise<Rotation> {
    const rotation = await this.options.store.getRotation(id);
    if (!rotation) throw new NotFoundError(`no rotation with id ${id}`);
    await this.authorized(
      credentials,
      mqCertificateRotatePermission,
      rotation.entityRef,
    );
    if (
      body.state === 'staged' &&
      !body.stagedRevisionPath &&
      !rotation.stagedRevisionPath
    ) {
      throw new InputError(
        'stagedRevisionPath: required to mark the rotation staged (the revision the deploy step wrote)',
      );
    }
    const updated = await this.options.store.updateRotation(
      id,
      { ...body, stateReason: body.stateReason },
      { fromStates: ['issued', 'staged'] },
    );
    if (!updated) {
      throw new ConflictError(
        `rotation ${id} is ${rotation.state}; only issued or staged rotations can be changed here (its refresh job owns later states)`,
      );
    }
    this.changed();
    await this.options.journal.record({
      entityRef: rotation.entityRef,
      type: `rotation-${updated.state}`,
      message:
        updated.state === 'staged'
          ? `Certificate serial ${updated.serialNumber} staged at ${
              updated.stagedRevisionPath
            }${updated.deployTarget ? ` on ${updated.deployTarget}` : ''}`
          : `Rotation to serial ${updated.serialNumber} ${updated.state}${
              updated.stateReason ? `: ${updated.stateReason}` : ''
            }`,
      actor: actorOf(credentials),
      rotationId: id,
    });
    return updated;
  }

  // ------------------------------------------------------------ refresh jobs

  private async loadJob(id: string): Promise<RefreshJob> {
    const job = await this.options.store.getJob(id);
    if (!job) throw new NotFoundError(`no refresh job with id ${id}`);
    return job;
  }

  async createRefreshJob(
    credentials: BackstageCredentials,
    body: CreateRefreshJobRequest,
  ): Promise<{ job: RefreshJob; created: boolean }> {
    const { store } = this.options;
    const rotation = await store.getRotation(body.rotationId);
    if (!rotation) {
      throw new NotFoundError(
        `rotationId: no rotation with id ${body.rotationId}; record it first with POST /v1/rotations`,
      );
    }
    const spec = requireSpec(
      await this.authorized(
        credentials,
        mqCertificateRotatePermission,
        rotation.entityRef,
      ),
    );
    const mode = body.mode ?? 'portal';
    const now = this.now();
    const actor = actorOf(credentials);
    const approvalRequired =
      body.approvalRequired === true || spec.refreshApproval === 'required';
    // A resumed scaffolder task posts its request again when it crashed
    // after the job was created but before its checkpoint was saved: answer
    // with that job rather than a conflict that would fail the task.
    const pending = await store.pendingJobForEntity(rotation.entityRef);
    if (
      pending &&
      isRepeatOf(pending, {
        rotationId: rotation.id,
        mode,
        hostJobId: body.hostJobId,
        runAt: body.runAt,
        approvalRequired,
        createdBy: actor,
        now,
      })
    ) {
      return { job: pending, created: false };
    }
    if (
      body.runAt &&
      Date.parse(body.runAt) < now.getTime() - RUN_AT_PAST_TOLERANCE_MS
    ) {
      throw new InputError(
        `runAt: ${body.runAt} is more than ${
          RUN_AT_PAST_TOLERANCE_MS / 60_000
        } minutes in the past (it is ${now.toISOString()}); give a future time, or omit runAt to run now`,
      );
    }
    if (rotation.state !== 'staged') {
      throw new ConflictError(notSchedulable(rotation));
    }
    if (mode === 'portal') {
      requireSpecField(spec, 'mqAdmin', 'a portal refresh');
      requireSpecField(spec, 'listener', 'verifying a refresh');
      if (!rotation.deployTarget && !rotation.stagedSslKeyRepository) {
        throw new InputError(
          `rotation ${rotation.id} has no deploy target; the preflight needs it to read the staged repository (annotation mqcert.io/deploy-target)`,
        );
      }
    }
    // One unfinished refresh per queue manager: two cut-overs racing on one
    // queue manager would record each other's key repository as "previous".
    if (pending) {
      throw new ConflictError(
        `${rotation.entityRef} already has refresh job ${pending.id} (${pending.state}) for rotation ${pending.rotationId}; cancel it first to schedule another`,
      );
    }
    const runAt = body.runAt ?? now.toISOString();
    const state: 'awaiting-approval' | 'scheduled' = approvalRequired
      ? 'awaiting-approval'
      : 'scheduled';
    const job = await store.createJob({
      rotationId: rotation.id,
      entityRef: rotation.entityRef,
      mode,
      runAt,
      approvalRequired,
      state,
      hostJobId: body.hostJobId,
      createdBy: actor,
    });
    await store.updateRotation(rotation.id, { state, stateReason: null });
    this.changed();
    await this.options.journal.record({
      entityRef: rotation.entityRef,
      type: 'refresh-job-created',
      message: `${
        mode === 'host' ? 'Host (at) refresh' : 'Refresh'
      } to serial ${rotation.serialNumber} scheduled for ${runAt}${
        approvalRequired ? ', awaiting approval' : ''
      }`,
      actor: job.createdBy,
      rotationId: rotation.id,
      jobId: job.id,
      meta: { runAt, mode, approvalRequired },
    });
    if (state === 'scheduled' && Date.parse(runAt) <= now.getTime()) {
      this.options.wakeRunner?.();
    }
    return { job, created: true };
  }

  async approveJob(
    credentials: BackstageCredentials,
    id: string,
  ): Promise<RefreshJob> {
    const job = await this.loadJob(id);
    await this.authorized(
      credentials,
      mqRefreshApprovePermission,
      job.entityRef,
    );
    const actor = actorOf(credentials);
    if (job.state !== 'awaiting-approval') {
      throw new ConflictError(
        `refresh job ${id} is ${job.state}; only a job awaiting approval can be approved`,
      );
    }
    if (
      job.createdBy === actor &&
      !this.options.settings.refreshJobs.allowSelfApproval
    ) {
      throw new NotAllowedError(
        `you scheduled refresh job ${id}, so someone else must approve it (mqCertificates.refreshJobs.allowSelfApproval is off)`,
      );
    }
    const now = this.now();
    const approved = await this.options.store.updateJob(
      id,
      { state: 'scheduled', approvedBy: actor, approvedAt: now.toISOString() },
      { fromStates: ['awaiting-approval'] },
    );
    if (!approved) {
      throw new ConflictError(
        `refresh job ${id} changed while it was being approved; reload and try again`,
      );
    }
    await this.options.store.updateRotation(
      job.rotationId,
      { state: 'scheduled' },
      { fromStates: ['awaiting-approval'] },
    );
    this.changed();
    await this.options.journal.record({
      entityRef: job.entityRef,
      type: 'refresh-job-approved',
      message: `Refresh approved by ${actor}; runs at ${approved.runAt}`,
      actor,
      rotationId: job.rotationId,
      jobId: id,
    });
    if (Date.parse(approved.runAt) <= now.getTime())
      this.options.wakeRunner?.();
    return approved;
  }

  async cancelJob(
    credentials: BackstageCredentials,
    id: string,
    reason?: string,
  ): Promise<RefreshJob> {
    const job = await this.loadJob(id);
    const qm = await this.authorized(
      credentials,
      mqCertificateRotatePermission,
      job.entityRef,
    );
    const cancellable: RefreshJobState[] = ['awaiting-approval', 'scheduled'];
    if (!cancellable.includes(job.state)) {
      throw new ConflictError(
        job.state === 'running'
          ? `refresh job ${id} is running; a cut-over cannot be stopped half-way; wait for it to finish (it rolls back if verification fails)`
          : `refresh job ${id} is already ${job.state}`,
      );
    }
    const actor = actorOf(credentials);
    // A host-mode job is only cancelled once its at job is gone from the
    // host: otherwise the host still cuts over at the run time while the
    // portal says cancelled.
    const onHost =
      job.mode === 'host'
        ? await this.removeHostAtJob(job, qm, actor)
        : undefined;
    const now = this.now().toISOString();
    const cancelled = await this.options.store.updateJob(
      id,
      {
        state: 'cancelled',
        finishedAt: now,
        lastError: reason
          ? `cancelled by ${actor}: ${reason}`
          : `cancelled by ${actor}`,
      },
      { fromStates: cancellable },
    );
    if (!cancelled) {
      throw new ConflictError(
        `refresh job ${id} started or changed meanwhile; reload to see its state${
          onHost ? ` (${onHost})` : ''
        }`,
      );
    }
    await this.options.store.updateRotation(job.rotationId, {
      state: 'cancelled',
      stateReason: `refresh cancelled by ${actor}${
        reason ? `: ${reason}` : ''
      }`,
    });
    this.changed();
    await this.options.journal.record({
      entityRef: job.entityRef,
      type: 'refresh-job-cancelled',
      message: `Refresh cancelled by ${actor}${reason ? `: ${reason}` : ''}${
        onHost ? `; ${onHost}` : ''
      }`,
      actor,
      rotationId: job.rotationId,
      jobId: id,
      meta: job.hostJobId ? { hostJobId: job.hostJobId } : undefined,
    });
    return cancelled;
  }

  /**
   * Removes the `at` job of a host-mode refresh job from the MQ host (atq,
   * then atrm over the deploy target's command runner) and says what was
   * done, for the history. Throws, and records why, when the host cannot
   * confirm that the job will not run; the refresh job then stays as it is.
   */
  private async removeHostAtJob(
    job: RefreshJob,
    qm: ManagedQueueManager,
    actor: string,
  ): Promise<string> {
    const atId = job.hostJobId;
    if (!atId) {
      return 'no at job number was recorded for this host-mode job, so nothing was removed on the host; if one was queued for it, remove it there (atq, then atrm <number>)';
    }
    const refuse = async (error: Error): Promise<never> => {
      await this.options.journal.record({
        entityRef: job.entityRef,
        type: 'refresh-job-cancel-failed',
        message: `Cancelling the refresh failed: ${error.message}`,
        actor,
        rotationId: job.rotationId,
        jobId: job.id,
        severity: 'high',
        meta: { hostJobId: atId },
        error,
      });
      throw error;
    };
    const rotation = await this.options.store.getRotation(job.rotationId);
    const targetName = rotation?.deployTarget ?? qm.spec?.deployTarget;
    const stillScheduled = `refresh job ${job.id} stays ${job.state} and at job ${atId} will still run at ${job.runAt}`;
    if (!targetName) {
      return refuse(
        new InputError(
          `the rotation and ${job.entityRef} name no deploy target, so at job ${atId} cannot be removed from the portal; ${stillScheduled}. Remove it on the MQ host (atrm ${atId}), set mqcert.io/deploy-target, then cancel again`,
        ),
      );
    }
    const byHand = `remove it on the host of deploy target ${targetName} by hand (atrm ${atId} as the target's user), then cancel again`;
    const runtime = this.options.runtime();
    if (!runtime.getAtScheduler) {
      return refuse(
        new ServiceUnavailableError(
          `this backend's runtime has no at scheduler, so at job ${atId} cannot be removed from the portal; ${stillScheduled}. Give the runtime getAtScheduler (mqCertificatesRuntimeExtensionPoint), or ${byHand}`,
        ),
      );
    }
    let target;
    try {
      target = await runtime.getDeployTarget(targetName);
    } catch (e) {
      return refuse(
        new ServiceUnavailableError(
          `could not reach deploy target ${targetName} to remove at job ${atId}: ${
            (e as Error).message
          }. Nothing was cancelled: ${stillScheduled}. Fix the connection and cancel again, or ${byHand}`,
          e,
        ),
      );
    }
    try {
      const at = await runtime.getAtScheduler(target);
      let queued;
      try {
        queued = (await at.list()).find(j => j.id === atId);
      } catch (e) {
        return await refuse(
          new ServiceUnavailableError(
            `listing the at jobs on deploy target ${targetName} failed: ${
              (e as Error).message
            }. Nothing was cancelled: ${stillScheduled}. Check at on the host and cancel again, or ${byHand}`,
            e,
          ),
        );
      }
      if (queued?.queue === '=') {
        return await refuse(
          new ConflictError(
            `at job ${atId} is running on deploy target ${targetName} now, so the cut-over cannot be cancelled; refresh job ${job.id} will be verified after its run time (and rolled back if the listener does not serve the new certificate)`,
          ),
        );
      }
      if (!queued) {
        // Gone from atq: it ran, unless its time has not come yet on the
        // host's clock (atd runs jobs by that clock, never early), in which
        // case someone removed it on the host and nothing can run.
        const hostNow = await readHostClock(target.commands);
        const firstRun = Date.parse(job.startedAt ?? job.runAt);
        if (
          !hostNow ||
          Math.max(hostNow.getTime(), this.now().getTime()) >= firstRun
        ) {
          return await refuse(
            new ConflictError(
              `at job ${atId} is no longer queued on deploy target ${targetName} and its run time ${new Date(
                firstRun,
              ).toISOString()} has come${
                hostNow ? '' : " (or the host's clock could not be read)"
              }, so it already ran; refresh job ${
                job.id
              } is not cancelled and will be verified (and rolled back if the listener does not serve the new certificate)`,
            ),
          );
        }
        return `at job ${atId} was no longer queued on deploy target ${targetName} before its run time (removed on the host), so it did not run`;
      }
      try {
        await at.cancel(atId);
      } catch (e) {
        return await refuse(
          new ServiceUnavailableError(
            `removing at job ${atId} on deploy target ${targetName} failed: ${
              (e as Error).message
            }. Nothing was cancelled: ${stillScheduled}. Fix it and cancel again, or ${byHand}`,
            e,
          ),
        );
      }
      return `at job ${atId} removed from deploy target ${targetName} (atrm)`;
    } finally {
      await target.close().catch(() => undefined);
    }
  }

  async runJobNow(
    credentials: BackstageCredentials,
    id: string,
  ): Promise<RefreshJob> {
    const job = await this.loadJob(id);
    await this.authorized(
      credentials,
      mqCertificateRotatePermission,
      job.entityRef,
    );
    if (job.state === 'awaiting-approval') {
      throw new ConflictError(
        `refresh job ${id} needs approval first; ask someone allowed to approve it`,
      );
    }
    if (job.state !== 'scheduled') {
      throw new ConflictError(
        `refresh job ${id} is ${job.state}; only a scheduled job can be run now`,
      );
    }
    if (job.mode === 'host') {
      // The cut-over is the host's at job: moving the portal's run time
      // would only start verification early, before anything changed.
      throw new ConflictError(
        `refresh job ${id} is an at job${
          job.hostJobId ? ` (${job.hostJobId})` : ''
        } on the queue manager's host and runs at ${
          job.runAt
        }; to cut over now, cancel it and rotate again (rotate-mq-certificate) with when 'now'`,
      );
    }
    const actor = actorOf(credentials);
    const now = this.now().toISOString();
    const updated = await this.options.store.updateJob(
      id,
      { runAt: now },
      { fromStates: ['scheduled'] },
    );
    if (!updated) {
      throw new ConflictError(
        `refresh job ${id} started or changed meanwhile; reload to see its state`,
      );
    }
    this.changed();
    await this.options.journal.record({
      entityRef: job.entityRef,
      type: 'refresh-job-run-now',
      message: `Refresh moved to now by ${actor} (was ${job.runAt})`,
      actor,
      rotationId: job.rotationId,
      jobId: id,
    });
    this.options.wakeRunner?.();
    return updated;
  }
}
