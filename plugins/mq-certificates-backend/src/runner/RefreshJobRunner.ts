import crypto from 'node:crypto';
import os from 'node:os';
import { LoggerService } from '@backstage/backend-plugin-api';
import type {
  RefreshJob,
  RotationState,
} from '@mqcert/plugin-mq-certificates-common';
import type { MqCertificatesBackendSettings } from '../config';
import type { MqCertificatesStore } from '../database/MqCertificatesStore';
import type { MqCertificatesMetrics, RefreshJobOutcome } from '../metrics';
import type { MqCertificatesRuntime } from '../runtime/types';
import type { Journal } from '../service/Journal';
import {
  ClaimLostError,
  JobOutcome,
  RefreshJobExecutor,
} from './RefreshJobExecutor';

/** What a poll did (for logs and tests). */
export interface PollResult {
  claimed: number;
  outcomes: Record<string, number>;
  retired: number;
}

/**
 * Runs due refresh jobs. `poll()` is called by one global scheduled task
 * (and on demand after run-now/approve); it may also run on several
 * replicas at once: every job is claimed with one conditional UPDATE right
 * before it is worked on, so each job runs on exactly one runner. While it
 * works the runner renews its lease; if the replica dies the lease runs out
 * and another runner takes the job over, restoring from the SSLKEYR/CERTLABL
 * recorded before the first ALTER. All writes after the claim are fenced on
 * `claimed_by`, so a runner that lost its claim changes nothing.
 */
export class RefreshJobRunner {
  readonly runnerId: string;
  private readonly executor: RefreshJobExecutor;

  constructor(
    private readonly options: {
      store: MqCertificatesStore;
      runtime: () => MqCertificatesRuntime;
      settings: MqCertificatesBackendSettings;
      journal: Journal;
      logger: LoggerService;
      metrics?: MqCertificatesMetrics;
      resolveSpec: ConstructorParameters<
        typeof RefreshJobExecutor
      >[0]['resolveSpec'];
      /** Called after any job changed state (the fleet cache). */
      onChange?: () => void;
      runnerId?: string;
      /** Jobs worked on at once (never two of one queue manager). Default 4. */
      concurrency?: number;
      now?: () => Date;
      sleep?: (ms: number) => Promise<void>;
    },
  ) {
    this.runnerId =
      options.runnerId ??
      `${os.hostname()}:${process.pid}:${crypto
        .randomBytes(4)
        .toString('hex')}`;
    this.executor = new RefreshJobExecutor({
      store: options.store,
      runtime: options.runtime,
      settings: options.settings,
      logger: options.logger,
      resolveSpec: options.resolveSpec,
      now: () => this.now(),
      sleep: options.sleep ?? (ms => new Promise(r => setTimeout(r, ms))),
    });
  }

  private now(): Date {
    return this.options.now?.() ?? new Date();
  }

  /**
   * Claims and runs every job that is due now (or whose runner died), then
   * the retire step. Stops taking new jobs when `signal` aborts.
   */
  async poll(signal?: AbortSignal): Promise<PollResult> {
    const { store, settings } = this.options;
    const result: PollResult = { claimed: 0, outcomes: {}, retired: 0 };
    const busyEntities = new Set<string>();
    const concurrency = Math.max(1, this.options.concurrency ?? 4);
    // Bounded: each round fetches a batch of candidates; a round that claims
    // nothing (others won them, or none are due) ends the poll.
    for (let round = 0; round < 10_000 && !signal?.aborted; round++) {
      const candidates = await store.findClaimableJobIds(
        this.now(),
        settings.refreshJobs.batchSize * concurrency,
      );
      if (!candidates.length) break;
      let claimedThisRound = 0;
      let next = 0;
      const worker = async () => {
        while (next < candidates.length && !signal?.aborted) {
          const id = candidates[next++];
          const job = await store.claimJob(
            id,
            this.runnerId,
            this.now(),
            settings.refreshJobs.claimTimeoutMs,
          );
          if (!job) continue; // another runner got it, or it is no longer due
          if (busyEntities.has(job.entityRef)) {
            // Release at once; it is claimable again next round.
            await store.updateJob(
              job.id,
              { state: 'scheduled', releaseClaim: true },
              { claimedBy: this.runnerId },
            );
            continue;
          }
          claimedThisRound += 1;
          result.claimed += 1;
          busyEntities.add(job.entityRef);
          try {
            const kind = await this.runClaimed(job);
            result.outcomes[kind] = (result.outcomes[kind] ?? 0) + 1;
          } finally {
            busyEntities.delete(job.entityRef);
          }
        }
      };
      await Promise.all(Array.from({ length: concurrency }, worker));
      if (claimedThisRound === 0) break;
    }
    if (settings.retire.enabled && !signal?.aborted) {
      result.retired = await this.retireSuperseded();
    }
    return result;
  }

  /** Works on one claimed job, renewing the lease; returns the outcome kind. */
  private async runClaimed(job: RefreshJob): Promise<string> {
    const { store, settings, journal, logger } = this.options;
    const started = Date.now();
    const leaseMs = settings.refreshJobs.claimTimeoutMs;
    let lost = false;
    const heartbeat = setInterval(() => {
      store
        .extendClaim(
          job.id,
          this.runnerId,
          new Date(this.now().getTime() + leaseMs),
        )
        .then(held => {
          if (!held) lost = true;
        })
        .catch(e =>
          logger.warn(
            `could not renew the claim of refresh job ${job.id}: ${e}`,
          ),
        );
    }, Math.max(1_000, Math.floor(leaseMs / 3)));
    const note = async (
      type: string,
      message: string,
      options?: { high?: boolean },
    ) =>
      journal.record({
        entityRef: job.entityRef,
        type,
        message,
        rotationId: job.rotationId,
        jobId: job.id,
        severity: options?.high ? 'high' : 'medium',
      });
    try {
      if (job.mode === 'portal' || job.attempts === 1) {
        await store.updateRotation(job.rotationId, { state: 'refreshing' });
      }
      if (job.mode === 'portal') {
        await note(
          'refresh-started',
          `Refresh started on ${this.runnerId} (attempt ${job.attempts})`,
        );
      }
      let outcome: JobOutcome;
      try {
        outcome = await this.executor.execute(job, {
          assertClaim: () => {
            if (lost)
              throw new ClaimLostError(
                `lost the claim of refresh job ${job.id}`,
              );
          },
          note,
        });
      } catch (e) {
        if (e instanceof ClaimLostError) throw e;
        outcome = {
          kind: 'failed',
          changed: false,
          message: `the refresh stopped on an unexpected error: ${
            (e as Error).message
          }`,
        };
      }
      if (lost)
        throw new ClaimLostError(`lost the claim of refresh job ${job.id}`);
      await this.finish(job, outcome);
      let metricKind: RefreshJobOutcome = outcome.kind;
      if (outcome.kind === 'retry' && !outcome.countsAsFailure) {
        metricKind = 'rescheduled';
      }
      this.options.metrics?.jobFinished(metricKind, Date.now() - started);
      return outcome.kind;
    } catch (e) {
      if (e instanceof ClaimLostError) {
        logger.warn(
          `${e.message}; another runner took it over, leaving it to that runner`,
        );
        return 'claim-lost';
      }
      throw e;
    } finally {
      clearInterval(heartbeat);
      this.options.onChange?.();
    }
  }

  /** Writes the outcome, fenced on this runner's claim. */
  private async finish(job: RefreshJob, outcome: JobOutcome): Promise<void> {
    const { store, journal, settings } = this.options;
    const now = this.now();
    if (outcome.kind === 'retry') {
      const updated = await store.updateJob(
        job.id,
        {
          state: 'scheduled',
          runAt: outcome.runAt.toISOString(),
          lastError: outcome.countsAsFailure ? outcome.message : undefined,
          releaseClaim: true,
        },
        { claimedBy: this.runnerId },
      );
      if (!updated)
        throw new ClaimLostError(`lost the claim of refresh job ${job.id}`);
      if (outcome.countsAsFailure) {
        await store.updateRotation(job.rotationId, {
          state: 'scheduled',
          stateReason: outcome.message,
        });
        await journal.record({
          entityRef: job.entityRef,
          type: 'refresh-retry',
          message: outcome.message,
          rotationId: job.rotationId,
          jobId: job.id,
          severity: 'high',
        });
      }
      return;
    }
    const updated = await store.updateJob(
      job.id,
      {
        state: outcome.kind,
        lastError: outcome.kind === 'verified' ? null : outcome.message,
        finishedAt: now.toISOString(),
        releaseClaim: true,
      },
      { claimedBy: this.runnerId },
    );
    if (!updated)
      throw new ClaimLostError(`lost the claim of refresh job ${job.id}`);
    const rotationState: RotationState = outcome.kind;
    await store.updateRotation(job.rotationId, {
      state: rotationState,
      stateReason: outcome.kind === 'verified' ? null : outcome.message,
      retireAt:
        outcome.kind === 'verified' && settings.retire.enabled
          ? new Date(
              now.getTime() + settings.retire.gracePeriodMs,
            ).toISOString()
          : undefined,
    });
    await journal.record({
      entityRef: job.entityRef,
      type: `refresh-${outcome.kind}`,
      message: outcome.message,
      rotationId: job.rotationId,
      jobId: job.id,
      severity: outcome.kind === 'verified' ? 'medium' : 'high',
      error:
        outcome.kind === 'verified' ? undefined : new Error(outcome.message),
    });
  }

  /** Revokes superseded serials in Vault once their grace period is over. */
  private async retireSuperseded(): Promise<number> {
    const { store, journal, logger } = this.options;
    const due = await store.rotationsDueForRetirement(this.now(), 50);
    let retired = 0;
    for (const rotation of due) {
      const serial = rotation.supersededSerialNumber;
      const mount = rotation.supersededPkiMount;
      if (!serial || !mount) {
        await store.updateRotation(rotation.id, {
          retireError:
            'the superseded serial or its PKI mount is unknown; revoke it by hand if needed',
        });
        continue;
      }
      try {
        const vault = await this.options.runtime().getVaultClient();
        const { revokedAt } = await vault.revoke(mount, serial);
        await store.updateRotation(rotation.id, {
          retiredAt: revokedAt || this.now().toISOString(),
        });
        await journal.record({
          entityRef: rotation.entityRef,
          type: 'certificate-retired',
          message: `Superseded serial ${serial} revoked in Vault (${mount})`,
          rotationId: rotation.id,
          severity: 'high',
        });
        retired += 1;
      } catch (e) {
        const message = `revoking superseded serial ${serial} in Vault (${mount}) failed: ${
          (e as Error).message
        }; revoke it by hand (vault write ${mount}/revoke serial_number=${serial})`;
        logger.warn(message);
        await store.updateRotation(rotation.id, { retireError: message });
        await journal.record({
          entityRef: rotation.entityRef,
          type: 'certificate-retire-failed',
          message,
          rotationId: rotation.id,
          severity: 'high',
          error: new Error(message),
        });
      }
    }
    return retired;
  }
}
