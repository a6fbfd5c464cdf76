import { LoggerService } from '@backstage/backend-plugin-api';
import type { NotificationPayload } from '@backstage/plugin-notifications-common';
import type { NotificationService } from '@backstage/plugin-notifications-node';
import {
  CertificatePolicyEvaluation,
  evaluateCertificatePolicy,
  Rotation,
  ServedCertificate,
} from '@mqcert/plugin-mq-certificates-common';
import type { MqCertificatesBackendSettings } from '../config';
import type { MqCertificatesStore } from '../database/MqCertificatesStore';
import type { MqCertificatesMetrics } from '../metrics';
import type { MqCertificatesRuntime } from '../runtime/types';
import type { FleetIndex } from '../service/FleetIndex';
import type {
  ManagedQueueManager,
  QueueManagerCatalog,
} from '../service/QueueManagerCatalog';
import {
  decideNotifications,
  mismatchNotification,
  stateNotification,
} from './notifications';

/** What one sweep did. */
export interface SweepResult {
  probed: number;
  unreachable: number;
  skipped: number;
  notified: number;
  pruned: number;
}

/** Runs `fn` over `items` with at most `limit` in flight. */
async function forEachBounded<T>(
  items: T[],
  limit: number,
  fn: (item: T) => Promise<void>,
  signal?: AbortSignal,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length && !signal?.aborted) {
      await fn(items[next++]);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, limit) }, worker));
}

/** Rejects after `ms` (a probe that hangs past its own timeout must not stall the sweep). */
function withDeadline<T>(
  promise: Promise<T>,
  ms: number,
  what: string,
): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`${what} took longer than ${ms} ms`)),
        ms,
      );
    }),
  ]);
}

/**
 * Probes every managed queue manager (bounded concurrency, per-probe
 * timeout), stores a snapshot each, notifies owners of state crossings and
 * of certificates that differ from the last verified rotation, and prunes
 * old snapshots. Runs as a global scheduled task.
 */
export class FleetSweep {
  constructor(
    private readonly options: {
      catalog: QueueManagerCatalog;
      store: MqCertificatesStore;
      runtime: () => MqCertificatesRuntime;
      settings: MqCertificatesBackendSettings;
      logger: LoggerService;
      fleet?: FleetIndex;
      notifications?: NotificationService;
      metrics?: MqCertificatesMetrics;
      now?: () => Date;
    },
  ) {}

  private now(): Date {
    return this.options.now?.() ?? new Date();
  }

  async run(signal?: AbortSignal): Promise<SweepResult> {
    const { catalog, store, settings, logger } = this.options;
    const result: SweepResult = {
      probed: 0,
      unreachable: 0,
      skipped: 0,
      notified: 0,
      pruned: 0,
    };
    catalog.invalidate(); // a sweep works on the catalog as it is now
    const items = await catalog.list();
    const probeable = items.filter(i => i.spec?.listener);
    result.skipped = items.length - probeable.length;
    const [verified, latest] = await Promise.all([
      store.latestVerifiedRotations(),
      store.latestRotations(),
    ]);
    await forEachBounded(
      probeable,
      settings.sweep.concurrency,
      async qm => {
        try {
          const notified = await this.sweepOne(qm, verified, latest);
          result.probed += 1;
          result.notified += notified.count;
          if (notified.unreachable) result.unreachable += 1;
        } catch (e) {
          logger.warn(
            `sweep of ${qm.entityRef} failed: ${(e as Error).message}`,
          );
        }
      },
      signal,
    );
    result.pruned = await store.pruneSnapshots(
      new Date(this.now().getTime() - settings.sweep.snapshotRetentionMs),
    );
    this.options.fleet?.invalidate();
    await this.options.fleet?.get().catch(() => undefined); // fresh rows for the gauges
    logger.info(
      `fleet sweep: probed ${result.probed}, unreachable ${result.unreachable}, without listener ${result.skipped}, notifications ${result.notified}, snapshots pruned ${result.pruned}`,
    );
    return result;
  }

  private async sweepOne(
    qm: ManagedQueueManager,
    verified: Map<string, Rotation>,
    latest: Map<string, Rotation>,
  ): Promise<{ count: number; unreachable: boolean }> {
    const { store, settings } = this.options;
    const spec = qm.spec!;
    const timeoutMs = settings.sweep.probeTimeoutMs;
    let served: ServedCertificate;
    try {
      // Channels are probed one after another by the probe; allow for them.
      served = await withDeadline(
        this.options.runtime().probeQueueManager(spec, { timeoutMs }),
        timeoutMs * (2 + spec.tlsChannels.length),
        `probing ${qm.entityRef}`,
      );
    } catch (e) {
      served = {
        listener: `${spec.listener!.host}:${spec.listener!.port}`,
        probedAt: this.now().toISOString(),
        chain: [],
        channels: [],
        error: (e as Error).message,
      };
    }
    await store.addSnapshot(qm.entityRef, served);
    this.options.metrics?.probed(served.error ? 'error' : 'ok');

    let evaluation: CertificatePolicyEvaluation | undefined;
    if (!served.error && served.notBefore && served.notAfter) {
      try {
        evaluation = evaluateCertificatePolicy({
          notBefore: served.notBefore,
          notAfter: served.notAfter,
          now: this.now(),
          policy: settings.policy,
        });
      } catch {
        evaluation = undefined;
      }
    }
    const lastVerified = verified.get(qm.entityRef);
    const decision = decideNotifications({
      status: await store.getStatus(qm.entityRef),
      served,
      evaluation,
      lastVerified,
      latest: latest.get(qm.entityRef),
    });
    let count = 0;
    if (decision.crossedInto && evaluation) {
      const outcome = await this.notify(qm, () =>
        stateNotification({
          entityRef: qm.entityRef,
          queueManager: spec.queueManager,
          state: decision.crossedInto!,
          served,
          evaluation: evaluation!,
        }),
      );
      if (outcome === 'sent') count += 1;
      // Not remembered when sending failed, so the next sweep tries again;
      // otherwise the owner would never hear of this crossing.
      if (outcome === 'failed') delete decision.remember.state;
    }
    if (decision.mismatchSerial && lastVerified) {
      const outcome = await this.notify(qm, () =>
        mismatchNotification({
          entityRef: qm.entityRef,
          queueManager: spec.queueManager,
          served,
          lastVerified,
        }),
      );
      if (outcome === 'sent') count += 1;
      if (outcome === 'failed') delete decision.remember.mismatchSerial;
    }
    if (Object.keys(decision.remember).length) {
      await store.setNotified(qm.entityRef, decision.remember);
    }
    return { count, unreachable: Boolean(served.error) };
  }

  /**
   * Sends to the entity's owners: `skipped` when notifications are off or
   * there is nobody to tell (retrying would not help), `failed` when the
   * notifications backend refused or could not be reached.
   */
  private async notify(
    qm: ManagedQueueManager,
    payload: () => NotificationPayload,
  ): Promise<'sent' | 'skipped' | 'failed'> {
    const { notifications, settings, logger } = this.options;
    if (!notifications || !settings.sweep.notifications) return 'skipped';
    if (!qm.owners.length) {
      logger.warn(
        `${qm.entityRef} has no owner to notify; set spec.owner on the entity`,
      );
      return 'skipped';
    }
    try {
      await notifications.send({
        recipients: { type: 'entity', entityRef: qm.owners },
        payload: payload(),
      });
      return 'sent';
    } catch (e) {
      logger.warn(
        `could not notify the owners of ${qm.entityRef}: ${
          (e as Error).message
        }; is the notifications backend installed?`,
      );
      return 'failed';
    }
  }
}
