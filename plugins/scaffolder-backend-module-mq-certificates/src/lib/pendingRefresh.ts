import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import { ConflictError } from '@backstage/errors';
import type {
  RefreshJob,
  RefreshJobState,
} from '@mqcert/plugin-mq-certificates-common';
import type { MqActionsEnvironment } from './environment';

/**
 * Job states the backend counts as "one unfinished refresh per queue
 * manager": while one exists, it refuses to schedule another.
 */
export const PENDING_REFRESH_STATES: RefreshJobState[] = [
  'awaiting-approval',
  'scheduled',
  'running',
];

/**
 * The queue manager's pending refresh job that belongs to another task, if
 * any. A job whose rotation this task recorded is its own (a resumed task
 * runs its steps again), so it never blocks the task.
 */
export async function findBlockingRefreshJob(
  env: MqActionsEnvironment,
  entityRef: string,
  taskId: string,
  credentials: BackstageCredentials,
): Promise<RefreshJob | undefined> {
  const detail = await env.backend.getQueueManager(entityRef, credentials);
  const ownRotations = new Set(
    detail.rotations.filter(r => r.taskId === taskId).map(r => r.id),
  );
  return detail.jobs.find(
    j =>
      PENDING_REFRESH_STATES.includes(j.state) &&
      !ownRotations.has(j.rotationId),
  );
}

/** What the user can do about a pending job, by its state. */
function remedy(job: RefreshJob): string {
  switch (job.state) {
    case 'awaiting-approval':
      return `approve it (a second person) and let it run, or cancel it, on the queue manager's Certificates tab`;
    case 'scheduled':
      return `let it run (at ${job.runAt}) or cancel it on the queue manager's Certificates tab`;
    default:
      return 'wait until it finishes (it is running now)';
  }
}

/** Plain words on a pending job, for the error and for a dry run's plan. */
export function describeBlockingJob(
  entityRef: string,
  job: RefreshJob,
): string {
  return `${entityRef} already has refresh job ${job.id} (${
    job.state
  }, run time ${job.runAt}) for rotation ${
    job.rotationId
  }, and the backend schedules only one refresh per queue manager at a time; ${remedy(
    job,
  )}, then run the template again`;
}

/** The refusal issued before anything is issued while a job is pending. */
export function blockingJobConflict(
  entityRef: string,
  job: RefreshJob,
): ConflictError {
  return new ConflictError(
    `entityRef: ${describeBlockingJob(
      entityRef,
      job,
    )}. Nothing was issued or staged.`,
  );
}
