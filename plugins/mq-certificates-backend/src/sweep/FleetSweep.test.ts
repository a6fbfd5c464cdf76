import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import type { NotificationSendOptions } from '@backstage/plugin-notifications-node';
import {
  MQ_CERT_ANNOTATIONS,
  QueueManagerSpec,
  ServedCertificate,
} from '@mqcert/plugin-mq-certificates-common';
import { qmEntity } from '../__testUtils__/fakes';
import { readMqCertificatesBackendSettings } from '../config';
import { DatabaseMqCertificatesStore } from '../database/DatabaseMqCertificatesStore';
import { QueueManagerCatalog } from '../service/QueueManagerCatalog';
import { FleetSweep } from './FleetSweep';

const DAY = 86_400_000;

describe('FleetSweep', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

  async function setup() {
    const store = await DatabaseMqCertificatesStore.fromKnex(
      await databases.init('SQLITE_3'),
    );
    const entities = [
      qmEntity('qm1'),
      qmEntity('qm2', { owner: 'group:default/team-b' }),
      qmEntity('nolistener', {
        annotations: { [MQ_CERT_ANNOTATIONS.listener]: '' },
      }),
    ];
    /** days left per queue manager; undefined = unreachable; 'hang' = never answers. */
    const world: Record<string, number | undefined | 'hang'> = {
      QM1: 40,
      QM2: 40,
    };
    const serials: Record<string, string> = { QM1: '01', QM2: '02' };
    let inFlight = 0;
    let maxInFlight = 0;
    const probeQueueManager = async (
      spec: QueueManagerSpec,
    ): Promise<ServedCertificate> => {
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      try {
        await new Promise(r => setTimeout(r, 5));
        const left = world[spec.queueManager];
        if (left === 'hang') return new Promise(() => {});
        const now = Date.now();
        const base = {
          listener: `${spec.listener!.host}:${spec.listener!.port}`,
          probedAt: new Date(now).toISOString(),
          chain: [],
          channels: [],
        };
        if (left === undefined) return { ...base, error: 'connection refused' };
        return {
          ...base,
          serialNumber: serials[spec.queueManager],
          notBefore: new Date(now + left * DAY - 47 * DAY).toISOString(),
          notAfter: new Date(now + left * DAY).toISOString(),
        };
      } finally {
        inFlight -= 1;
      }
    };
    const sent: NotificationSendOptions[] = [];
    let failures = 0;
    const settings = readMqCertificatesBackendSettings(
      new ConfigReader({
        mqCertificates: { sweep: { concurrency: 2, probeTimeout: '50ms' } },
      }),
    );
    const sweep = new FleetSweep({
      catalog: new QueueManagerCatalog({
        catalog: catalogServiceMock({ entities }),
        auth: mockServices.auth(),
        logger: mockServices.logger.mock(),
        ttlMs: 60_000,
      }),
      store,
      runtime: () => ({ probeQueueManager } as any),
      settings,
      logger: mockServices.logger.mock(),
      notifications: {
        send: async o => {
          if (failures > 0) {
            failures -= 1;
            throw new Error('notifications backend unavailable');
          }
          sent.push(o);
        },
      },
    });
    return {
      store,
      sweep,
      world,
      serials,
      sent,
      failNextSends: (n: number) => {
        failures = n;
      },
      maxInFlight: () => maxInFlight,
    };
  }

  it('probes every queue manager with a listener, bounded, and stores snapshots', async () => {
    const t = await setup();
    const result = await t.sweep.run();
    expect(result).toMatchObject({
      probed: 2,
      skipped: 1,
      unreachable: 0,
      notified: 0,
    });
    expect(t.maxInFlight()).toBeLessThanOrEqual(2);
    const summaries = await t.store.latestSnapshotSummaries();
    expect([...summaries.keys()].sort()).toEqual([
      'resource:default/qm1',
      'resource:default/qm2',
    ]);
  });

  it('notifies the owner once per crossing into renew-due, expiring and expired', async () => {
    const t = await setup();
    await t.sweep.run(); // ok: nothing
    t.world.QM1 = 10; // renew-due (75 % of 47 days used)
    await t.sweep.run();
    expect(t.sent).toHaveLength(1);
    expect(t.sent[0]).toMatchObject({
      recipients: { type: 'entity', entityRef: ['group:default/team-a'] },
      payload: {
        title: 'QM1: TLS certificate due for renewal',
        severity: 'normal',
        topic: 'mq-certificates',
        link: '/catalog/default/resource/qm1',
      },
    });
    await t.sweep.run(); // still renew-due: no repeat
    expect(t.sent).toHaveLength(1);
    t.world.QM1 = undefined; // unreachable: unknown, no notification, no reset
    await t.sweep.run();
    t.world.QM1 = 10;
    await t.sweep.run();
    expect(t.sent).toHaveLength(1);
    t.world.QM1 = 3;
    await t.sweep.run();
    t.world.QM1 = -1;
    await t.sweep.run();
    expect(t.sent.map(s => s.payload.severity)).toEqual([
      'normal',
      'high',
      'critical',
    ]);
    // A rotation brings it back to ok; the next crossing is announced again.
    t.world.QM1 = 40;
    await t.sweep.run();
    t.world.QM1 = 10;
    await t.sweep.run();
    expect(t.sent).toHaveLength(4);
  });

  it('tries a notification again on the next sweep when sending failed', async () => {
    const t = await setup();
    await t.sweep.run();
    t.world.QM1 = 3; // expiring
    t.failNextSends(1);
    expect(await t.sweep.run()).toMatchObject({ notified: 0 });
    expect(t.sent).toHaveLength(0);
    expect(await t.sweep.run()).toMatchObject({ notified: 1 });
    expect(t.sent.map(s => s.payload.title)).toEqual([
      'QM1: TLS certificate expires soon',
    ]);
    await t.sweep.run(); // told now: no repeat
    expect(t.sent).toHaveLength(1);
  });

  it('notifies when the served certificate differs from the last verified rotation', async () => {
    const t = await setup();
    const rotation = await t.store.createRotation({
      entityRef: 'resource:default/qm2',
      queueManager: 'QM2',
      serialNumber: '02',
      notAfter: new Date(Date.now() + 40 * DAY).toISOString(),
      fingerprintSha256: 'aa',
      certificateLabel: 'ibmwebspheremqqm2',
      certificates: [],
      keyRepositoryFormat: 'p12',
      state: 'verified',
      createdBy: 'user:default/carol',
    });
    expect(rotation.state).toBe('verified');
    await t.sweep.run();
    expect(t.sent).toHaveLength(0);
    t.serials.QM2 = '99'; // someone changed the repository outside the portal
    await t.sweep.run();
    await t.sweep.run();
    expect(t.sent).toHaveLength(1);
    expect(t.sent[0].payload).toMatchObject({
      title: 'QM2: served certificate is not the verified one',
      severity: 'high',
    });
    expect(t.sent[0].recipients).toEqual({
      type: 'entity',
      entityRef: ['group:default/team-b'],
    });
    t.serials.QM2 = '02';
    await t.sweep.run();
    expect(
      (await t.store.getStatus('resource:default/qm2'))?.notifiedMismatchSerial,
    ).toBeUndefined();
  });

  it('times out a probe that hangs and records it as unreachable', async () => {
    const t = await setup();
    t.world.QM2 = 'hang';
    const result = await t.sweep.run();
    expect(result).toMatchObject({ probed: 2, unreachable: 1 });
    const summary = (await t.store.latestSnapshotSummaries()).get(
      'resource:default/qm2',
    );
    expect(summary?.error).toContain('took longer than');
  });
});
