import type { Attributes, Meter, ObservableCallback } from '@opentelemetry/api';
import { resolveCertificatePolicy } from '@mqcert/plugin-mq-certificates-common';
import { qmEntity } from './__testUtils__/fakes';
import { MqCertificatesMetrics } from './metrics';
import { buildFleetRow } from './service/FleetIndex';
import { toManagedQueueManager } from './service/QueueManagerCatalog';

/** A Meter that records instruments, so the test can read what was exported. */
function recordingMeter() {
  const callbacks = new Map<string, ObservableCallback>();
  const adds: { name: string; value: number; attributes?: Attributes }[] = [];
  const meter = {
    createCounter: (name: string) => ({
      add: (value: number, attributes?: Attributes) =>
        adds.push({ name, value, attributes }),
    }),
    createHistogram: (name: string) => ({
      record: (value: number, attributes?: Attributes) =>
        adds.push({ name, value, attributes }),
    }),
    createObservableGauge: (name: string) => ({
      addCallback: (cb: ObservableCallback) => callbacks.set(name, cb),
    }),
  } as unknown as Meter;
  async function observe(name: string) {
    const seen: { value: number; attributes?: Attributes }[] = [];
    await callbacks.get(name)!({
      observe: (value: number, attributes?: Attributes) =>
        seen.push({ value, attributes }),
    } as any);
    return seen;
  }
  return { meter, adds, observe };
}

describe('MqCertificatesMetrics', () => {
  it('exports cert-manager style gauges per queue manager and job outcomes', async () => {
    const { meter, adds, observe } = recordingMeter();
    const metrics = new MqCertificatesMetrics(meter);
    const policy = resolveCertificatePolicy();
    const now = Date.parse('2026-12-03T00:00:00Z');
    const served = {
      entityRef: 'resource:default/qm1',
      snapshotId: 1,
      listener: 'qm1:1414',
      probedAt: '2026-12-03T00:00:00.000Z',
      serialNumber: '01',
      notBefore: '2026-11-20T00:00:00.000Z',
      notAfter: '2027-01-06T00:00:00.000Z',
    };
    const rows = [
      buildFleetRow(
        toManagedQueueManager(qmEntity('qm1')),
        served,
        undefined,
        undefined,
        policy,
        now,
      ),
      buildFleetRow(
        toManagedQueueManager(qmEntity('qm2')),
        undefined,
        undefined,
        undefined,
        policy,
        now,
      ),
    ];
    metrics.observeFleet(() => rows);

    expect(
      await observe('mqcert_certificate_expiration_timestamp_seconds'),
    ).toEqual([
      {
        value: Date.parse('2027-01-06T00:00:00Z') / 1000,
        attributes: {
          kind: 'resource',
          namespace: 'default',
          name: 'qm1',
          queue_manager: 'QM1',
        },
      },
    ]);
    const renewal = await observe(
      'mqcert_certificate_renewal_timestamp_seconds',
    );
    expect(renewal[0].value).toBe(
      Date.parse(rows[0].summary.policy!.renewAt) / 1000,
    );
    const ready = await observe('mqcert_certificate_ready_status');
    const current = ready
      .filter(r => r.value === 1)
      .map(r => [r.attributes?.name, r.attributes?.condition]);
    expect(current).toEqual([
      ['qm1', 'True'],
      ['qm2', 'Unknown'],
    ]);
    expect(ready).toHaveLength(6);

    metrics.jobFinished('rolled-back', 2500);
    expect(adds).toEqual([
      {
        name: 'mqcert_refresh_jobs_total',
        value: 1,
        attributes: { outcome: 'rolled-back' },
      },
      {
        name: 'mqcert_refresh_job_duration_seconds',
        value: 2.5,
        attributes: { outcome: 'rolled-back' },
      },
    ]);
  });
});
