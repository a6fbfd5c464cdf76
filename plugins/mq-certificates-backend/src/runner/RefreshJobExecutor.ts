import { LoggerService } from '@backstage/backend-plugin-api';
import {
  QueueManagerSpec,
  RefreshJob,
  Rotation,
  ServedCertificate,
  serialNumbersEqual,
} from '@mqcert/plugin-mq-certificates-common';
import {
  buildRollbackCommands,
  CutoverError,
  cutOver,
  DeployTarget,
  MqscRunner,
  QmgrTlsSettings,
  readQmgrTlsSettings,
  rollBackCutover,
} from '@mqcert/plugin-mq-certificates-node';
import type { MqCertificatesBackendSettings } from '../config';
import type { MqCertificatesStore } from '../database/MqCertificatesStore';
import type { MqCertificatesRuntime } from '../runtime/types';
import { preflightStagedRepository } from './preflight';
import { verifyServedCertificates } from './verifyServed';

/** How one run of a job ended. */
export type JobOutcome =
  | { kind: 'verified'; message: string; served?: ServedCertificate }
  | { kind: 'rolled-back'; message: string }
  | { kind: 'failed'; message: string; changed: boolean }
  /** Run again at `runAt` (REFRESH timed out, or a host job not checkable yet). */
  | { kind: 'retry'; runAt: Date; message: string; countsAsFailure: boolean };

/** Thrown when this runner no longer holds the job's claim: stop, write nothing. */
export class ClaimLostError extends Error {
  name = 'ClaimLostError';
}

/** What the executor needs from the runner while it works on one job. */
export interface JobContext {
  /** Throws ClaimLostError when the lease was lost (another runner took over). */
  assertClaim(): void;
  /** Records a history line (and audit event) for a step. */
  note(
    type: string,
    message: string,
    options?: { high?: boolean },
  ): Promise<void>;
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** DISPLAY may answer blank-padded values; the padding means nothing. */
function sameSettings(a: QmgrTlsSettings, b: QmgrTlsSettings): boolean {
  return (
    a.sslKeyRepository.trim() === b.sslKeyRepository.trim() &&
    a.certificateLabel.trim() === b.certificateLabel.trim()
  );
}

function settingsText(s: QmgrTlsSettings): string {
  return `SSLKEYR '${s.sslKeyRepository}' CERTLABL '${s.certificateLabel}'`;
}

/**
 * The steps of one refresh job, for a job this runner has claimed:
 *
 * portal mode: preflight (staged repository readable, opens with the Vault
 * password, holds the labels, serials and chain) → probe before (listener
 * reachable; remember the serial being superseded) → record the live
 * SSLKEYR/CERTLABL → ALTER QMGR + REFRESH SECURITY TYPE(SSL) → verify by
 * probing the listener and every TLS channel's SNI name → verified; or roll
 * back to the recorded values and refresh again. AMQ9710 (REFRESH timed
 * out) is retried later with backoff, up to maxAttempts.
 *
 * host mode (`at` on the MQ host runs the cut-over): wait a little after
 * the run time, then verify by probing until the verification window ends;
 * if it never verifies and SSLKEYR/CERTLABL moved off the recorded previous
 * values, roll back to them (through the entity's mq-admin connection, else
 * runmqsc over the deploy target's SSH, the way the at job ran).
 */
export class RefreshJobExecutor {
  constructor(
    private readonly options: {
      store: MqCertificatesStore;
      runtime: () => MqCertificatesRuntime;
      settings: MqCertificatesBackendSettings;
      logger: LoggerService;
      /** The queue manager spec of an entity, read from the catalog now. */
      resolveSpec: (entityRef: string) => Promise<QueueManagerSpec>;
      now: () => Date;
      sleep: (ms: number) => Promise<void>;
    },
  ) {}

  async execute(job: RefreshJob, ctx: JobContext): Promise<JobOutcome> {
    const rotation = await this.options.store.getRotation(job.rotationId);
    if (!rotation) {
      return {
        kind: 'failed',
        changed: false,
        message: `rotation ${job.rotationId} no longer exists`,
      };
    }
    let spec: QueueManagerSpec;
    try {
      spec = await this.options.resolveSpec(job.entityRef);
    } catch (e) {
      return {
        kind: 'failed',
        changed: false,
        message: `the queue manager entity could not be read: ${errorText(
          e,
        )}; nothing was changed`,
      };
    }
    return job.mode === 'host'
      ? this.verifyHostJob(job, rotation, spec, ctx)
      : this.runPortalJob(job, rotation, spec, ctx);
  }

  private probe(spec: QueueManagerSpec): Promise<ServedCertificate> {
    return this.options.runtime().probeQueueManager(spec, {
      timeoutMs: this.options.settings.refreshJobs.probeTimeoutMs,
    });
  }

  /** Probes until the served certificates match, or the attempts run out. */
  private async verify(
    rotation: Rotation,
    spec: QueueManagerSpec,
    attempts: number,
  ): Promise<{ served: ServedCertificate; problems: string[] }> {
    let served: ServedCertificate | undefined;
    let problems: string[] = [];
    for (let i = 1; i <= attempts; i++) {
      served = await this.probe(spec);
      problems = verifyServedCertificates(served, rotation, spec);
      if (!problems.length || i === attempts) break;
      await this.options.sleep(
        this.options.settings.refreshJobs.verifyIntervalMs,
      );
    }
    await this.options.store.addSnapshot(rotation.entityRef, served!);
    return { served: served!, problems };
  }

  private backoff(attempt: number): number {
    const { retryBackoffMs, maxRetryBackoffMs } =
      this.options.settings.refreshJobs;
    return Math.min(
      maxRetryBackoffMs,
      retryBackoffMs * 2 ** Math.max(0, attempt - 1),
    );
  }

  private async runPortalJob(
    job: RefreshJob,
    rotation: Rotation,
    spec: QueueManagerSpec,
    ctx: JobContext,
  ): Promise<JobOutcome> {
    const { store, settings } = this.options;
    const qm = spec.queueManager;
    if (!spec.mqAdmin || !spec.listener) {
      return {
        kind: 'failed',
        changed: false,
        message: `the entity has no ${
          spec.mqAdmin ? 'mqcert.io/listener' : 'mqcert.io/mq-admin'
        } annotation; add it and rotate again (a failed rotation cannot be scheduled again); nothing was changed`,
      };
    }

    // 1. Preflight: nothing changes on the queue manager unless this passes.
    let target: string;
    try {
      target = (
        await preflightStagedRepository({
          runtime: this.options.runtime(),
          rotation,
          spec,
          now: this.options.now(),
        })
      ).sslKeyRepository;
    } catch (e) {
      return {
        kind: 'failed',
        changed: false,
        message: `preflight failed, nothing was changed: ${errorText(e)}`,
      };
    }
    ctx.assertClaim();

    // 2. The listener must answer now, or verification would be impossible.
    const before = await this.probe(spec);
    if (before.error) {
      return {
        kind: 'failed',
        changed: false,
        message: `the listener ${before.listener} cannot be probed (${before.error}), so the refresh could not be verified; nothing was changed. Check mqcert.io/listener and the network, then run it again`,
      };
    }

    // 3. Record what is live right before the ALTER, not what the deploy
    // step saw at staging time: another rotation may have gone live since,
    // and rolling back to the staging-time values would point the queue
    // manager at a superseded (possibly pruned) repository. It is persisted
    // before the ALTER so a takeover after a crash still knows it.
    const runner = await this.options.runtime().getMqscRunner(spec.mqAdmin);
    const applied: QmgrTlsSettings = {
      sslKeyRepository: target,
      certificateLabel: rotation.certificateLabel,
    };
    let live: QmgrTlsSettings;
    try {
      live = await readQmgrTlsSettings(runner, qm);
    } catch (e) {
      return {
        kind: 'failed',
        changed: false,
        message: `reading the live SSLKEYR/CERTLABL failed, nothing was changed: ${errorText(
          e,
        )}`,
      };
    }
    const recorded: QmgrTlsSettings | undefined =
      rotation.previousSslKeyRepository !== undefined
        ? {
            sslKeyRepository: rotation.previousSslKeyRepository,
            certificateLabel: rotation.previousCertificateLabel ?? '',
          }
        : undefined;
    let previous: QmgrTlsSettings;
    let was: string;
    if (sameSettings(live, applied)) {
      // Already on the staged repository: an earlier attempt of this job
      // ran the ALTER (AMQ9710 retry, or a takeover after a crash) and
      // stored what was live before it, which is what a rollback restores.
      if (!recorded) {
        return {
          kind: 'failed',
          changed: false,
          message: `${qm} already has ${settingsText(
            applied,
          )} and the values from before it were not recorded, so a rollback would have no target; nothing was changed. Check DISPLAY QMGR SSLKEYR CERTLABL and the served certificate, then rotate again if needed`,
        };
      }
      previous = recorded;
      was = `already set, by an earlier attempt of this job or by hand; a rollback restores the values recorded before it, ${settingsText(
        previous,
      )}`;
    } else {
      previous = live;
      was = `was ${settingsText(previous)}${
        recorded && !sameSettings(recorded, live)
          ? `; the deploy step had recorded ${settingsText(
              recorded,
            )}, which has been replaced since`
          : ''
      }`;
      const superseded =
        before.serialNumber &&
        !serialNumbersEqual(before.serialNumber, rotation.serialNumber)
          ? before.serialNumber
          : undefined;
      await store.updateRotation(rotation.id, {
        previousSslKeyRepository: previous.sslKeyRepository,
        previousCertificateLabel: previous.certificateLabel,
        supersededSerialNumber: superseded,
        supersededPkiMount: superseded ? spec.vaultPkiRole?.mount : undefined,
      });
    }
    ctx.assertClaim();

    // 4. Cut over.
    await ctx.note(
      'cutover-started',
      `Cutting over to ${settingsText(applied)} (${was}), attempt ${
        job.attempts
      }`,
      { high: true },
    );
    try {
      await cutOver(runner, qm, applied, { previous, refreshAttempts: 1 });
    } catch (e) {
      if (!(e instanceof CutoverError) || !e.altered) {
        return {
          kind: 'failed',
          changed: false,
          message: `the cut-over failed before anything changed: ${errorText(
            e,
          )}`,
        };
      }
      if (e.retryable && job.attempts < settings.refreshJobs.maxAttempts) {
        // The new repository passed the preflight, so leaving SSLKEYR on it
        // until the retry is safe; the retry runs ALTER + REFRESH again.
        const runAt = new Date(
          this.options.now().getTime() + this.backoff(job.attempts),
        );
        return {
          kind: 'retry',
          runAt,
          countsAsFailure: true,
          message: `REFRESH SECURITY TYPE(SSL) timed out (AMQ9710) on attempt ${
            job.attempts
          } of ${
            settings.refreshJobs.maxAttempts
          }; retrying at ${runAt.toISOString()}. Busy TLS channels make the refresh slow; stopping some first helps`,
        };
      }
      const why = e.retryable
        ? `REFRESH SECURITY TYPE(SSL) timed out (AMQ9710) ${job.attempts} times`
        : `REFRESH SECURITY TYPE(SSL) failed: ${errorText(e)}`;
      return this.rollBack(runner, rotation, spec, previous, why, 'failed');
    }
    ctx.assertClaim();

    // 5. Verify what the listener and each channel now serve.
    const { served, problems } = await this.verify(
      rotation,
      spec,
      settings.refreshJobs.verifyAttempts,
    );
    if (!problems.length) {
      return {
        kind: 'verified',
        served,
        message: `Verified: ${served.listener} serves serial ${
          served.serialNumber
        }${
          spec.tlsChannels.length
            ? ` and all ${spec.tlsChannels.length} TLS channels serve their new certificates`
            : ''
        }`,
      };
    }
    return this.rollBack(
      runner,
      rotation,
      spec,
      previous,
      `verification failed after the refresh: ${problems.join('; ')}`,
      'rolled-back',
    );
  }

  private async rollBack(
    runner: MqscRunner,
    rotation: Rotation,
    spec: QueueManagerSpec,
    previous: QmgrTlsSettings,
    why: string,
    kind: 'rolled-back' | 'failed',
  ): Promise<JobOutcome> {
    const qm = spec.queueManager;
    try {
      await rollBackCutover(runner, qm, previous, {
        refreshAttempts: 2,
        retryDelayMs: 5_000,
        sleep: this.options.sleep,
      });
    } catch (e) {
      return {
        kind: 'failed',
        changed: true,
        message: `${why}. Rolling back to ${settingsText(
          previous,
        )} ALSO failed: ${errorText(
          e,
        )}. Restore it by hand: ALTER QMGR SSLKEYR('${
          previous.sslKeyRepository
        }') CERTLABL('${
          previous.certificateLabel
        }') then REFRESH SECURITY TYPE(SSL)`,
      };
    }
    let after = '';
    try {
      const served = await this.probe(spec);
      await this.options.store.addSnapshot(rotation.entityRef, served);
      after = served.error
        ? `; after the rollback the listener could not be probed (${served.error})`
        : `; the listener serves serial ${served.serialNumber} again`;
    } catch {
      after = '';
    }
    return {
      kind,
      message: `${why}. Rolled back to ${settingsText(
        previous,
      )} and refreshed${after}. Check that the staged repository holds the new certificate under label '${
        rotation.certificateLabel
      }' and that the queue manager can read it (file permissions, password stash), then rotate again`,
    } as JobOutcome;
  }

  private async verifyHostJob(
    job: RefreshJob,
    rotation: Rotation,
    spec: QueueManagerSpec,
    ctx: JobContext,
  ): Promise<JobOutcome> {
    const { hostModeVerifyDelayMs, hostModeVerifyWindowMs } =
      this.options.settings.refreshJobs;
    const now = this.options.now().getTime();
    const firstRun = Date.parse(job.startedAt ?? job.runAt);
    if (now < firstRun + hostModeVerifyDelayMs) {
      return {
        kind: 'retry',
        runAt: new Date(firstRun + hostModeVerifyDelayMs),
        countsAsFailure: false,
        message: `waiting for the at job${
          job.hostJobId ? ` ${job.hostJobId}` : ''
        } on the host to run before verifying`,
      };
    }
    const { served, problems } = await this.verify(rotation, spec, 1);
    if (!problems.length) {
      return {
        kind: 'verified',
        served,
        message: `Verified: the host's at job took effect; ${served.listener} serves serial ${served.serialNumber}`,
      };
    }
    if (now < firstRun + hostModeVerifyDelayMs + hostModeVerifyWindowMs) {
      return {
        kind: 'retry',
        runAt: new Date(now + Math.min(60_000, hostModeVerifyWindowMs / 10)),
        countsAsFailure: false,
        message: `not verified yet: ${problems.join('; ')}`,
      };
    }
    const why = `the at job${
      job.hostJobId ? ` ${job.hostJobId}` : ''
    } on the host did not take effect within ${Math.round(
      (hostModeVerifyDelayMs + hostModeVerifyWindowMs) / 60_000,
    )} minutes of its run time: ${problems.join(
      '; ',
    )}. Check the job's log file on the host (atq, and the log the scheduling step named)`;
    return this.rollBackHostJob(rotation, spec, ctx, why);
  }

  /**
   * After a host-mode job failed to verify: the at job may have pointed
   * SSLKEYR at a repository the listener cannot serve from, so restore the
   * values recorded before it (the deploy step read them). When SSLKEYR and
   * CERTLABL are still those values the job did not change them, and a
   * REFRESH would only restart every TLS channel for nothing.
   */
  private async rollBackHostJob(
    rotation: Rotation,
    spec: QueueManagerSpec,
    ctx: JobContext,
    why: string,
  ): Promise<JobOutcome> {
    if (rotation.previousSslKeyRepository === undefined) {
      return {
        kind: 'failed',
        changed: false,
        message: `${why}. The SSLKEYR/CERTLABL from before the cut-over were not recorded, so nothing was rolled back; check them with DISPLAY QMGR SSLKEYR CERTLABL and restore the previous repository by hand if it changed`,
      };
    }
    const previous: QmgrTlsSettings = {
      sslKeyRepository: rotation.previousSslKeyRepository,
      certificateLabel: rotation.previousCertificateLabel ?? '',
    };
    const byHand = `run on the MQ host: runmqsc ${
      spec.queueManager
    } with ${buildRollbackCommands(previous).join(' then ')}`;
    const qm = spec.queueManager;
    const targetName = rotation.deployTarget ?? spec.deployTarget;
    let target: DeployTarget | undefined;
    try {
      let runner: MqscRunner;
      let via: string;
      try {
        if (spec.mqAdmin) {
          runner = await this.options.runtime().getMqscRunner(spec.mqAdmin);
          via = `mq-admin connection ${spec.mqAdmin}`;
        } else {
          const runtime = this.options.runtime();
          if (!targetName || !runtime.getHostMqscRunner) {
            return {
              kind: 'failed',
              changed: false,
              message: `${why}. The entity has no mqcert.io/mq-admin connection${
                targetName ? '' : ' and no deploy target'
              }, so the portal cannot roll back; if DISPLAY QMGR SSLKEYR CERTLABL no longer shows ${settingsText(
                previous,
              )}, ${byHand}`,
            };
          }
          target = await runtime.getDeployTarget(targetName);
          runner = await runtime.getHostMqscRunner(target);
          via = `runmqsc on deploy target ${targetName}`;
        }
      } catch (e) {
        return {
          kind: 'failed',
          changed: false,
          message: `${why}. Could not connect to roll back (${errorText(
            e,
          )}); if DISPLAY QMGR SSLKEYR CERTLABL no longer shows ${settingsText(
            previous,
          )}, ${byHand}`,
        };
      }
      let live: QmgrTlsSettings | undefined;
      try {
        live = await readQmgrTlsSettings(runner, qm);
      } catch {
        // Unknown: roll back anyway, the safe direction (ALTER to the
        // repository that served before, then REFRESH).
        live = undefined;
      }
      if (live && sameSettings(live, previous)) {
        return {
          kind: 'failed',
          changed: false,
          message: `${why}. ${qm} still has ${settingsText(
            previous,
          )} (read through ${via}), so the at job did not change it and nothing was rolled back`,
        };
      }
      // The at job script does not record what it replaced, so the rollback
      // target is what the deploy step read at staging time. If SSLKEYR is
      // now neither that nor the repository the at job sets, someone else
      // changed it since (another rotation went live): restoring the
      // staging-time values would undo that change, so leave it alone.
      const staged: QmgrTlsSettings | undefined =
        rotation.stagedSslKeyRepository !== undefined
          ? {
              sslKeyRepository: rotation.stagedSslKeyRepository,
              certificateLabel: rotation.certificateLabel,
            }
          : undefined;
      if (live && staged && !sameSettings(live, staged)) {
        return {
          kind: 'failed',
          changed: false,
          message: `${why}. ${qm} now has ${settingsText(
            live,
          )} (read through ${via}): neither what the at job sets (${settingsText(
            staged,
          )}) nor what the deploy step recorded at staging time (${settingsText(
            previous,
          )}), so it was changed by something else since and nothing was rolled back. Check which certificate it serves; rotate again if it is not the one you want`,
        };
      }
      ctx.assertClaim();
      await ctx.note(
        'rollback-started',
        `Host-mode refresh not verified; rolling back ${qm} from ${
          live ? settingsText(live) : 'unreadable settings'
        } to ${settingsText(
          previous,
        )} (recorded by the deploy step at staging time; the at job does not record what it replaces) through ${via}`,
        { high: true },
      );
      return await this.rollBack(
        runner,
        rotation,
        spec,
        previous,
        why,
        'rolled-back',
      );
    } finally {
      await target?.close().catch(() => undefined);
    }
  }
}
