import type {
  RefreshJobState,
  RotationState,
} from '@mqcert/plugin-mq-certificates-common';
import type { FleetState } from '../api';

/** Order of fleet states from worst to best, for the counts bar. */
export const FLEET_STATES_WORST_FIRST: FleetState[] = [
  'expired',
  'expiring',
  'renew-due',
  'unknown',
  'ok',
];

/** Short labels and one-line meanings of certificate policy states. */
export const FLEET_STATE_TEXT: Record<
  FleetState,
  { label: string; meaning: string }
> = {
  ok: {
    label: 'OK',
    meaning: 'The served certificate is valid and not yet due for renewal.',
  },
  'renew-due': {
    label: 'Renewal due',
    meaning: 'The certificate has passed its renew-at point; rotate it soon.',
  },
  expiring: {
    label: 'Expiring',
    meaning: 'The certificate expires within days; rotate it now.',
  },
  expired: {
    label: 'Expired',
    meaning: 'The served certificate has expired; TLS clients are refusing it.',
  },
  unknown: {
    label: 'Unknown',
    meaning: 'The listener was never probed or the last probe failed.',
  },
};

/** The happy path of a rotation, in order. */
export const ROTATION_STEPS: {
  state: RotationState;
  label: string;
}[] = [
  { state: 'issued', label: 'Issued' },
  { state: 'staged', label: 'Staged' },
  { state: 'awaiting-approval', label: 'Awaiting approval' },
  { state: 'scheduled', label: 'Scheduled' },
  { state: 'refreshing', label: 'Refreshing' },
  { state: 'verified', label: 'Verified' },
];

/** What a rotation state means and what the user should do about it. */
export const ROTATION_STATE_TEXT: Record<
  RotationState,
  { label: string; meaning: string; next?: string }
> = {
  issued: {
    label: 'Issued',
    meaning: 'Vault issued the new certificate; it is not on the MQ host yet.',
    next: 'The rotation task stages it next. If the task stopped, run "Rotate certificate" again: it resumes where it stopped.',
  },
  staged: {
    label: 'Staged',
    meaning:
      'The new key repository is on the MQ host beside the live one. MQ still uses the old one.',
    next: 'A refresh job switches the queue manager over. If none is listed below, run "Rotate certificate" again to schedule one.',
  },
  'awaiting-approval': {
    label: 'Awaiting approval',
    meaning: 'The refresh waits for someone allowed to approve it.',
    next: 'Approve the refresh job below, or ask someone with the approval permission to do it.',
  },
  scheduled: {
    label: 'Scheduled',
    meaning: 'The refresh will run at the time shown below.',
    next: 'Nothing to do. Use "Run now" below to switch over earlier.',
  },
  refreshing: {
    label: 'Refreshing',
    meaning:
      'REFRESH SECURITY TYPE(SSL) is running; TLS channels are restarting.',
    next: 'Wait: the listener is probed when the refresh finishes.',
  },
  verified: {
    label: 'Verified',
    meaning: 'The listener serves the new certificate.',
  },
  failed: {
    label: 'Failed',
    meaning: 'The rotation stopped before the queue manager was switched over.',
    next: 'Fix the cause named above, then run "Rotate certificate" again. The live key repository was left as it was.',
  },
  'rolled-back': {
    label: 'Rolled back',
    meaning:
      'The queue manager did not serve the new certificate, so it was switched back to the previous key repository.',
    next: 'The queue manager serves the previous certificate again. Fix the cause named above, then run "Rotate certificate" again.',
  },
  cancelled: {
    label: 'Cancelled',
    meaning:
      'The refresh was cancelled; the staged key repository was never activated.',
    next: 'Run "Rotate certificate" again when you are ready.',
  },
};

/** Labels of refresh job states. */
export const JOB_STATE_TEXT: Record<RefreshJobState, string> = {
  'awaiting-approval': 'Awaiting approval',
  scheduled: 'Scheduled',
  running: 'Running',
  verified: 'Verified',
  failed: 'Failed',
  'rolled-back': 'Rolled back',
  cancelled: 'Cancelled',
};

/** Job states in which a job has not run yet and can still be acted on. */
export const PENDING_JOB_STATES: RefreshJobState[] = [
  'awaiting-approval',
  'scheduled',
  'running',
];
