import { parseEntityRef } from '@backstage/catalog-model';
import { Attributes, Meter, metrics } from '@opentelemetry/api';
import type { FleetRow } from './service/FleetIndex';

/** How a refresh job ended, as counted in metrics. */
export type RefreshJobOutcome =
  | 'verified'
  | 'rolled-back'
  | 'failed'
  | 'retry'
  | 'rescheduled';

const READY_CONDITIONS = ['True', 'False', 'Unknown'] as const;

function attributesOf(row: FleetRow): Attributes {
  const ref = parseEntityRef(row.qm.entityRef);
  return {
    kind: ref.kind,
    namespace: ref.namespace,
    name: ref.name,
    queue_manager: row.summary.queueManager,
  };
}

/** cert-manager's Ready condition, per queue manager. */
function readyCondition(row: FleetRow): (typeof READY_CONDITIONS)[number] {
  const served = row.summary.served;
  if (!served) return 'Unknown';
  if (served.error || !row.summary.policy) return 'False';
  return row.summary.state === 'expired' ? 'False' : 'True';
}

/**
 * OpenTelemetry metrics, named after cert-manager's
 * (certmanager_certificate_expiration_timestamp_seconds, …) so dashboards
 * built for it fit with a prefix change. Exported the way Backstage exports
 * metrics: through the global MeterProvider the backend's instrumentation
 * sets up (e.g. a Prometheus exporter); without one they are no-ops.
 *
 * Per queue manager (attributes kind, namespace, name, queue_manager):
 * - mqcert_certificate_expiration_timestamp_seconds: served notAfter
 * - mqcert_certificate_renewal_timestamp_seconds: when renewal is due
 * - mqcert_certificate_ready_status{condition=True|False|Unknown}: 1 for the current one
 * Refresh jobs: mqcert_refresh_jobs_total{outcome} and
 * mqcert_refresh_job_duration_seconds{outcome}; probes:
 * mqcert_probes_total{result}.
 */
export class MqCertificatesMetrics {
  private readonly jobs;
  private readonly jobDuration;
  private readonly probes;
  private source: () => FleetRow[] | undefined = () => undefined;

  constructor(meter: Meter = metrics.getMeter('mq-certificates')) {
    this.jobs = meter.createCounter('mqcert_refresh_jobs_total', {
      description: 'Refresh job runs by outcome',
    });
    this.jobDuration = meter.createHistogram(
      'mqcert_refresh_job_duration_seconds',
      {
        description:
          'Duration of refresh job runs (preflight, cut-over, verification, rollback)',
        unit: 's',
      },
    );
    this.probes = meter.createCounter('mqcert_probes_total', {
      description: 'Listener probes by result',
    });
    meter
      .createObservableGauge(
        'mqcert_certificate_expiration_timestamp_seconds',
        {
          description:
            'The date after which the served certificate expires, Unix seconds',
          unit: 's',
        },
      )
      .addCallback(result => {
        for (const row of this.source() ?? []) {
          const notAfter = row.summary.served?.notAfter;
          if (notAfter && !row.summary.served?.error) {
            result.observe(Date.parse(notAfter) / 1000, attributesOf(row));
          }
        }
      });
    meter
      .createObservableGauge('mqcert_certificate_renewal_timestamp_seconds', {
        description:
          'The time after which the served certificate is due for renewal, Unix seconds',
        unit: 's',
      })
      .addCallback(result => {
        for (const row of this.source() ?? []) {
          const renewAt = row.summary.policy?.renewAt;
          if (renewAt)
            result.observe(Date.parse(renewAt) / 1000, attributesOf(row));
        }
      });
    meter
      .createObservableGauge('mqcert_certificate_ready_status', {
        description:
          'The ready status of the served certificate (1 for the current condition)',
      })
      .addCallback(result => {
        for (const row of this.source() ?? []) {
          const current = readyCondition(row);
          const attributes = attributesOf(row);
          for (const condition of READY_CONDITIONS) {
            result.observe(condition === current ? 1 : 0, {
              ...attributes,
              condition,
            });
          }
        }
      });
  }

  /** Where the per-queue-manager gauges read their rows (the fleet index). */
  observeFleet(source: () => FleetRow[] | undefined) {
    this.source = source;
  }

  jobFinished(outcome: RefreshJobOutcome, durationMs: number) {
    this.jobs.add(1, { outcome });
    this.jobDuration.record(durationMs / 1000, { outcome });
  }

  probed(result: 'ok' | 'error') {
    this.probes.add(1, { result });
  }
}
