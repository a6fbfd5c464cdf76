import type {
  RefreshJob,
  Rotation,
} from '@mqcert/plugin-mq-certificates-common';
import { ROTATION_STEPS } from './stateText';

/** How one step of a rotation stands. */
export type StepStatus =
  | 'done'
  | 'active'
  | 'failed'
  | 'cancelled'
  | 'skipped'
  | 'pending';

/** One step of the rotation stepper. */
export interface RotationStepView {
  label: string;
  status: StepStatus;
  /** When it happened or will happen, ISO. */
  at?: string;
  /** Who did it (approval). */
  by?: string;
}

const index = (state: string) =>
  ROTATION_STEPS.findIndex(s => s.state === state);

/** The refresh job of a rotation: the newest one, since a cancelled job may be followed by another. */
export function jobOfRotation(
  rotation: Rotation,
  jobs: RefreshJob[],
): RefreshJob | undefined {
  return jobs
    .filter(j => j.rotationId === rotation.id)
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt))[0];
}

/**
 * Where a rotation that did not succeed stopped: the step that failed. The
 * rotation row only says `failed`; its job tells how far it had come.
 */
function stoppedAt(rotation: Rotation, job: RefreshJob | undefined): number {
  const jobStarted =
    job &&
    (Boolean(job.startedAt) ||
      ['running', 'failed', 'rolled-back', 'verified'].includes(job.state));
  if (rotation.state === 'rolled-back') {
    // The refresh ran but the listener did not serve the new certificate.
    return index('verified');
  }
  if (jobStarted) return index('refreshing');
  if (job) {
    return job.approvalRequired && !job.approvedAt
      ? index('awaiting-approval')
      : index('scheduled');
  }
  // No job: it stopped while staging, or while scheduling after staging.
  return rotation.stagedRevisionPath ? index('scheduled') : index('staged');
}

/** The six steps of a rotation with the status of each. */
export function rotationSteps(
  rotation: Rotation,
  jobs: RefreshJob[],
): RotationStepView[] {
  const job = jobOfRotation(rotation, jobs);
  const approvalNeeded = job
    ? job.approvalRequired
    : rotation.state === 'awaiting-approval';
  const failedState =
    rotation.state === 'failed' ||
    rotation.state === 'rolled-back' ||
    rotation.state === 'cancelled';
  const current = failedState
    ? stoppedAt(rotation, job)
    : index(rotation.state);

  return ROTATION_STEPS.map((step, i) => {
    const view: RotationStepView = { label: step.label, status: 'pending' };
    if (i < current) view.status = 'done';
    else if (i === current) {
      if (failedState) {
        view.status = rotation.state === 'cancelled' ? 'cancelled' : 'failed';
      } else {
        view.status = step.state === 'verified' ? 'done' : 'active';
      }
    }
    if (step.state === 'awaiting-approval' && !approvalNeeded) {
      view.status =
        i < current || view.status === 'pending' ? 'skipped' : view.status;
    }
    if (step.state === 'issued') {
      view.at = rotation.createdAt;
      view.by = rotation.createdBy;
    }
    if (step.state === 'awaiting-approval' && job?.approvedAt) {
      view.at = job.approvedAt;
      view.by = job.approvedBy;
    }
    if (step.state === 'scheduled' && job) {
      // A job that needs approval is scheduled only once it is approved: its
      // runAt is then when it will run, not when it was scheduled, and it
      // would read as happening before the approval.
      view.at = job.approvalRequired ? job.approvedAt : job.runAt;
    }
    if (step.state === 'refreshing' && job?.startedAt) view.at = job.startedAt;
    if (step.state === 'verified' && rotation.state === 'verified') {
      view.at = job?.finishedAt ?? rotation.updatedAt;
    }
    return view;
  });
}
