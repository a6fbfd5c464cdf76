import type {
  RefreshJob,
  Rotation,
} from '@mqcert/plugin-mq-certificates-common';
import { rotationSteps } from './rotationSteps';

const rotation = (over: Partial<Rotation>): Rotation => ({
  id: 'r1',
  entityRef: 'resource:default/qm1',
  queueManager: 'QM1',
  serialNumber: '1a:2b',
  notAfter: '2027-01-10T00:00:00Z',
  fingerprintSha256: 'AA',
  certificateLabel: 'ibmwebspheremqqm1',
  certificates: [],
  keyRepositoryFormat: 'p12',
  state: 'issued',
  createdBy: 'user:default/ann',
  createdAt: '2026-12-01T10:00:00Z',
  updatedAt: '2026-12-01T10:00:00Z',
  ...over,
});

const job = (over: Partial<RefreshJob>): RefreshJob => ({
  id: 'j1',
  rotationId: 'r1',
  entityRef: 'resource:default/qm1',
  mode: 'portal',
  runAt: '2026-12-02T02:00:00Z',
  approvalRequired: true,
  attempts: 0,
  state: 'awaiting-approval',
  createdBy: 'user:default/ann',
  createdAt: '2026-12-01T10:05:00Z',
  updatedAt: '2026-12-01T10:05:00Z',
  ...over,
});

const statuses = (r: Rotation, jobs: RefreshJob[]) =>
  rotationSteps(r, jobs).map(s => `${s.label}:${s.status}`);

describe('rotationSteps', () => {
  it('marks the steps before the current one done and the current one active', () => {
    expect(
      statuses(
        rotation({ state: 'awaiting-approval', stagedRevisionPath: 'x' }),
        [job({})],
      ),
    ).toEqual([
      'Issued:done',
      'Staged:done',
      'Awaiting approval:active',
      'Scheduled:pending',
      'Refreshing:pending',
      'Verified:pending',
    ]);
  });

  it('shows approval as skipped when the job does not need it', () => {
    const steps = rotationSteps(rotation({ state: 'refreshing' }), [
      job({
        approvalRequired: false,
        state: 'running',
        startedAt: '2026-12-02T02:00:01Z',
      }),
    ]);
    expect(steps.map(s => s.status)).toEqual([
      'done',
      'done',
      'skipped',
      'done',
      'active',
      'pending',
    ]);
    expect(steps[4].at).toBe('2026-12-02T02:00:01Z');
  });

  it('completes every step of a verified rotation and records who approved', () => {
    const steps = rotationSteps(rotation({ state: 'verified' }), [
      job({
        state: 'verified',
        approvedBy: 'user:default/bob',
        approvedAt: '2026-12-01T11:00:00Z',
        finishedAt: '2026-12-02T02:00:09Z',
      }),
    ]);
    expect(steps.every(s => s.status === 'done')).toBe(true);
    expect(steps[2].by).toBe('user:default/bob');
    expect(steps[5].at).toBe('2026-12-02T02:00:09Z');
  });

  it('times the scheduled step of a job that needs approval by its approval, never before it', () => {
    const waiting = rotationSteps(
      rotation({ state: 'awaiting-approval', stagedRevisionPath: 'x' }),
      [job({ runAt: '2026-12-01T10:04:00Z' })],
    );
    expect(waiting[3]).toEqual({ label: 'Scheduled', status: 'pending' });

    const approved = rotationSteps(
      rotation({ state: 'scheduled', stagedRevisionPath: 'x' }),
      [
        job({
          state: 'scheduled',
          runAt: '2026-12-01T10:04:00Z',
          approvedAt: '2026-12-01T10:06:00Z',
          approvedBy: 'user:default/bob',
        }),
      ],
    );
    expect(approved[2].at).toBe('2026-12-01T10:06:00Z');
    expect(approved[3].at).toBe('2026-12-01T10:06:00Z');
    expect(approved[3].at! >= approved[2].at!).toBe(true);
  });

  it('times the scheduled step of a job without approval by its run time', () => {
    const steps = rotationSteps(
      rotation({ state: 'scheduled', stagedRevisionPath: 'x' }),
      [job({ state: 'scheduled', approvalRequired: false })],
    );
    expect(steps[3].at).toBe('2026-12-02T02:00:00Z');
  });

  it('puts a rollback on the verify step and a failed refresh on the refresh step', () => {
    const ran = job({
      state: 'rolled-back',
      startedAt: '2026-12-02T02:00:01Z',
      approvedAt: 'x',
    });
    expect(
      statuses(rotation({ state: 'rolled-back' }), [ran]).slice(4),
    ).toEqual(['Refreshing:done', 'Verified:failed']);
    expect(
      statuses(rotation({ state: 'failed' }), [{ ...ran, state: 'failed' }])[4],
    ).toBe('Refreshing:failed');
  });

  it('places failures without a job at staging or scheduling', () => {
    expect(statuses(rotation({ state: 'failed' }), [])[1]).toBe(
      'Staged:failed',
    );
    expect(
      statuses(
        rotation({ state: 'failed', stagedRevisionPath: 'qm1/rev2' }),
        [],
      )[3],
    ).toBe('Scheduled:failed');
  });

  it('shows a cancellation where the job was waiting, and uses the newest job', () => {
    const old = job({
      id: 'old',
      state: 'cancelled',
      createdAt: '2026-12-01T10:00:00Z',
    });
    const newer = job({
      id: 'new',
      state: 'cancelled',
      approvalRequired: false,
      createdAt: '2026-12-01T12:00:00Z',
    });
    expect(statuses(rotation({ state: 'cancelled' }), [old, newer])).toEqual([
      'Issued:done',
      'Staged:done',
      'Awaiting approval:skipped',
      'Scheduled:cancelled',
      'Refreshing:pending',
      'Verified:pending',
    ]);
  });
});
