import { TestDatabases } from '@backstage/backend-test-utils';
import type { ServedCertificate } from '@mqcert/plugin-mq-certificates-common';
import { DatabaseMqCertificatesStore } from './DatabaseMqCertificatesStore';
import { NewRotation } from './MqCertificatesStore';

const QM = 'resource:default/qm1';

function newRotation(overrides: Partial<NewRotation> = {}): NewRotation {
  return {
    entityRef: QM,
    queueManager: 'QM1',
    serialNumber: '1f:0a:9c',
    notAfter: '2027-01-10T00:00:00.000Z',
    fingerprintSha256: 'ab'.repeat(32),
    certificateLabel: 'ibmwebspheremqqm1',
    certificates: [
      {
        label: 'ibmwebspheremqqm1',
        serialNumber: '1f:0a:9c',
        notAfter: '2027-01-10T00:00:00.000Z',
        fingerprintSha256: 'ab'.repeat(32),
      },
    ],
    keyRepositoryFormat: 'p12',
    keystorePasswordRef: { mount: 'secret', path: 'mq/qm1', version: 3 },
    deployTarget: 'local-demo',
    stagedRevisionPath: 'qm1/ssl/key-20261203T000000Z-aa.p12',
    stagedSslKeyRepository: '/var/mqm/qm1/ssl/key-20261203T000000Z-aa.p12',
    state: 'staged',
    createdBy: 'user:default/alice',
    ...overrides,
  };
}

function served(serial: string, probedAt: string): ServedCertificate {
  return {
    listener: 'qm1.example.test:1414',
    probedAt,
    serialNumber: serial,
    notBefore: '2026-12-01T00:00:00.000Z',
    notAfter: '2027-01-17T00:00:00.000Z',
    chain: [],
    channels: [
      { channel: 'APP.SVRCONN', sniHostname: 'x', serialNumber: serial },
    ],
  };
}

describe('DatabaseMqCertificatesStore (SQLite)', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

  async function createStore() {
    const knex = await databases.init('SQLITE_3');
    return DatabaseMqCertificatesStore.fromKnex(knex);
  }

  it('records a rotation and reads it back with every field', async () => {
    const store = await createStore();
    const created = await store.createRotation(newRotation());
    expect(created).toMatchObject({
      entityRef: QM,
      serialNumber: '1f:0a:9c',
      keystorePasswordRef: { mount: 'secret', path: 'mq/qm1', version: 3 },
      state: 'staged',
      certificates: [expect.objectContaining({ label: 'ibmwebspheremqqm1' })],
    });
    expect(created.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(await store.getRotation(created.id)).toEqual(created);
    expect(await store.getRotation('nope')).toBeUndefined();
  });

  it('updates a rotation only from the given states', async () => {
    const store = await createStore();
    const r = await store.createRotation(newRotation({ state: 'issued' }));
    expect(
      await store.updateRotation(
        r.id,
        { state: 'verified' },
        { fromStates: ['staged'] },
      ),
    ).toBeUndefined();
    const updated = await store.updateRotation(
      r.id,
      { state: 'staged', stateReason: 'why' },
      { fromStates: ['issued'] },
    );
    expect(updated).toMatchObject({ state: 'staged', stateReason: 'why' });
    const cleared = await store.updateRotation(r.id, { stateReason: null });
    expect(cleared?.stateReason).toBeUndefined();
    // Fields not in the patch are left alone.
    expect(cleared?.stagedRevisionPath).toBe(r.stagedRevisionPath);
  });

  it('finds the newest and the newest verified rotation per queue manager', async () => {
    const store = await createStore();
    const a = await store.createRotation(newRotation({ serialNumber: '01' }));
    await store.updateRotation(a.id, { state: 'verified' });
    await new Promise(r => setTimeout(r, 5));
    const b = await store.createRotation(newRotation({ serialNumber: '02' }));
    await store.createRotation(
      newRotation({ entityRef: 'resource:default/qm2', serialNumber: '03' }),
    );
    const latest = await store.latestRotations();
    expect(latest.get(QM)?.id).toBe(b.id);
    expect(latest.get('resource:default/qm2')?.serialNumber).toBe('03');
    const verified = await store.latestVerifiedRotations();
    expect(verified.get(QM)?.id).toBe(a.id);
    expect(verified.has('resource:default/qm2')).toBe(false);
    expect((await store.listRotations(QM)).map(r => r.id)).toEqual([
      b.id,
      a.id,
    ]);
  });

  it('claims a due job once, leases it, and lets a stale claim be taken over', async () => {
    const store = await createStore();
    const r = await store.createRotation(newRotation());
    const now = new Date('2026-12-03T10:00:00Z');
    const job = await store.createJob({
      rotationId: r.id,
      entityRef: QM,
      mode: 'portal',
      runAt: '2026-12-03T09:59:00Z',
      approvalRequired: false,
      state: 'scheduled',
      createdBy: 'user:default/alice',
    });
    const future = await store.createJob({
      rotationId: r.id,
      entityRef: QM,
      mode: 'portal',
      runAt: '2026-12-03T11:00:00Z',
      approvalRequired: false,
      state: 'scheduled',
      createdBy: 'user:default/alice',
    });
    const gated = await store.createJob({
      rotationId: r.id,
      entityRef: QM,
      mode: 'portal',
      runAt: '2026-12-03T09:00:00Z',
      approvalRequired: true,
      state: 'awaiting-approval',
      createdBy: 'user:default/alice',
    });
    expect(await store.findClaimableJobIds(now, 10)).toEqual([job.id]);

    const claimed = await store.claimJob(job.id, 'runner-a', now, 60_000);
    expect(claimed).toMatchObject({ state: 'running', attempts: 1 });
    expect(
      await store.claimJob(job.id, 'runner-b', now, 60_000),
    ).toBeUndefined();
    expect(
      await store.claimJob(future.id, 'runner-b', now, 60_000),
    ).toBeUndefined();
    expect(
      await store.claimJob(gated.id, 'runner-b', now, 60_000),
    ).toBeUndefined();

    // Within the lease nobody else may take it; after it, runner-b can.
    const later = new Date(now.getTime() + 61_000);
    expect(await store.findClaimableJobIds(later, 10)).toEqual([job.id]);
    const takenOver = await store.claimJob(job.id, 'runner-b', later, 60_000);
    expect(takenOver).toMatchObject({ state: 'running', attempts: 2 });
    // The first runner lost its claim: its writes no longer apply.
    expect(await store.extendClaim(job.id, 'runner-a', later)).toBe(false);
    expect(
      await store.updateJob(
        job.id,
        { state: 'verified' },
        { claimedBy: 'runner-a' },
      ),
    ).toBeUndefined();
    const done = await store.updateJob(
      job.id,
      {
        state: 'verified',
        finishedAt: later.toISOString(),
        releaseClaim: true,
      },
      { claimedBy: 'runner-b' },
    );
    expect(done).toMatchObject({
      state: 'verified',
      finishedAt: later.toISOString(),
    });
    expect(await store.pendingJobForRotation(r.id)).toBeDefined(); // future + gated
    expect((await store.pendingJobs()).map(j => j.id).sort()).toEqual(
      [future.id, gated.id].sort(),
    );
  });

  it('keeps snapshots, the latest per queue manager, and prunes old ones but never the latest', async () => {
    const store = await createStore();
    const old = await store.addSnapshot(
      QM,
      served('01', '2026-10-01T00:00:00.000Z'),
    );
    const latest = await store.addSnapshot(
      QM,
      served('02', '2026-12-01T00:00:00.000Z'),
    );
    const other = await store.addSnapshot(
      'resource:default/qm2',
      served('03', '2026-09-01T00:00:00.000Z'),
    );
    expect(latest).toBeGreaterThan(old);
    expect((await store.latestSnapshot(QM))?.serialNumber).toBe('02');
    const summaries = await store.latestSnapshotSummaries();
    expect(summaries.get(QM)).toMatchObject({
      snapshotId: latest,
      serialNumber: '02',
      notAfter: '2027-01-17T00:00:00.000Z',
    });
    expect(summaries.get('resource:default/qm2')?.snapshotId).toBe(other);
    // Both QM's old one and qm2's only one are older than November, but
    // qm2's is its latest, so only one row goes.
    expect(await store.pruneSnapshots(new Date('2026-11-01T00:00:00Z'))).toBe(
      1,
    );
    expect(
      (await store.latestSnapshot('resource:default/qm2'))?.serialNumber,
    ).toBe('03');
  });

  it('records events newest first and notification bookkeeping', async () => {
    const store = await createStore();
    const e1 = await store.addEvent({
      entityRef: QM,
      type: 'a',
      message: 'first',
    });
    const e2 = await store.addEvent({
      entityRef: QM,
      type: 'b',
      message: 'second',
      actor: 'user:default/alice',
    });
    expect(Number(e2.id)).toBeGreaterThan(Number(e1.id));
    expect((await store.listEvents(QM)).map(e => e.message)).toEqual([
      'second',
      'first',
    ]);
    await store.setNotified(QM, { state: 'renew-due' });
    await store.setNotified(QM, { mismatchSerial: 'aa' });
    expect(await store.getStatus(QM)).toMatchObject({
      notifiedState: 'renew-due',
      notifiedMismatchSerial: 'aa',
    });
    await store.setNotified(QM, { mismatchSerial: null });
    expect((await store.getStatus(QM))?.notifiedMismatchSerial).toBeUndefined();
  });

  it('lists rotations due for retirement', async () => {
    const store = await createStore();
    const r = await store.createRotation(newRotation());
    await store.updateRotation(r.id, {
      state: 'verified',
      supersededSerialNumber: '0a',
      supersededPkiMount: 'pki_int',
      retireAt: '2026-12-03T00:00:00.000Z',
    });
    expect(
      await store.rotationsDueForRetirement(
        new Date('2026-12-02T00:00:00Z'),
        5,
      ),
    ).toEqual([]);
    const due = await store.rotationsDueForRetirement(
      new Date('2026-12-04T00:00:00Z'),
      5,
    );
    expect(due.map(d => d.supersededSerialNumber)).toEqual(['0a']);
    await store.updateRotation(r.id, { retiredAt: '2026-12-04T00:00:00.000Z' });
    expect(
      await store.rotationsDueForRetirement(
        new Date('2026-12-05T00:00:00Z'),
        5,
      ),
    ).toEqual([]);
  });
});
