import type { NotificationPayload } from '@backstage/plugin-notifications-common';
import {
  CertificatePolicyEvaluation,
  CertificatePolicyState,
  Rotation,
  ServedCertificate,
  serialNumbersEqual,
} from '@mqcert/plugin-mq-certificates-common';
import type { QueueManagerStatus } from '../database/MqCertificatesStore';

const RANK: Record<CertificatePolicyState, number> = {
  ok: 0,
  'renew-due': 1,
  expiring: 2,
  expired: 3,
};

/** What to tell the owner after one probe, and what to remember. */
export interface NotificationDecision {
  /** The state the QM crossed into, when the owner should hear about it. */
  crossedInto?: Exclude<CertificatePolicyState, 'ok'>;
  /** The served serial that differs from the last verified rotation. */
  mismatchSerial?: string;
  /** New bookkeeping (undefined = unchanged; null clears the mismatch). */
  remember: { state?: string; mismatchSerial?: string | null };
}

/**
 * Decides notifications for one probed queue manager, remembering what was
 * sent so each crossing is announced once:
 * - a state crossing: into renew-due, expiring or expired, when that is
 *   worse than the last state the owner was told about (or first seen). A
 *   better state (after a rotation) is remembered silently; an unknown state
 *   (failed probe) changes nothing, so flaky probes do not re-notify.
 * - a mismatch: the listener serves another serial than the last verified
 *   rotation, once per served serial. Not raised while the served serial is
 *   that of the newest rotation (a cut-over in progress or being verified).
 */
export function decideNotifications(options: {
  status?: QueueManagerStatus;
  served: ServedCertificate;
  evaluation?: CertificatePolicyEvaluation;
  lastVerified?: Rotation;
  latest?: Rotation;
}): NotificationDecision {
  const { status, served, evaluation, lastVerified, latest } = options;
  const decision: NotificationDecision = { remember: {} };
  if (evaluation) {
    const state = evaluation.state;
    const known = status?.notifiedState as CertificatePolicyState | undefined;
    const worse = known === undefined || RANK[state] > (RANK[known] ?? -1);
    if (state !== 'ok' && worse) decision.crossedInto = state;
    if (state !== known) decision.remember.state = state;
  }
  if (!served.error && served.serialNumber && lastVerified) {
    const differs = !serialNumbersEqual(
      served.serialNumber,
      lastVerified.serialNumber,
    );
    const isNewest =
      latest && serialNumbersEqual(served.serialNumber, latest.serialNumber);
    if (differs && !isNewest) {
      if (
        !status?.notifiedMismatchSerial ||
        !serialNumbersEqual(status.notifiedMismatchSerial, served.serialNumber)
      ) {
        decision.mismatchSerial = served.serialNumber;
        decision.remember.mismatchSerial = served.serialNumber;
      }
    } else if (status?.notifiedMismatchSerial) {
      decision.remember.mismatchSerial = null;
    }
  }
  return decision;
}

function entityLink(entityRef: string): string {
  const [kind, rest] = entityRef.split(':');
  const [namespace, name] = rest.split('/');
  return `/catalog/${namespace}/${kind}/${name}`;
}

/** The notification for a state crossing. */
export function stateNotification(options: {
  entityRef: string;
  queueManager: string;
  state: Exclude<CertificatePolicyState, 'ok'>;
  served: ServedCertificate;
  evaluation: CertificatePolicyEvaluation;
}): NotificationPayload {
  const { entityRef, queueManager, state, served, evaluation } = options;
  const when =
    state === 'expired'
      ? `expired on ${served.notAfter}`
      : `expires on ${served.notAfter} (${evaluation.daysLeft} days left)`;
  const titles = {
    expired: `${queueManager}: TLS certificate expired`,
    expiring: `${queueManager}: TLS certificate expires soon`,
    'renew-due': `${queueManager}: TLS certificate due for renewal`,
  } as const;
  const severities = {
    expired: 'critical',
    expiring: 'high',
    'renew-due': 'normal',
  } as const;
  return {
    title: titles[state],
    description: `The certificate ${served.listener} serves (serial ${served.serialNumber}) ${when}. Rotate it from the queue manager's Certificates tab.`,
    link: entityLink(entityRef),
    severity: severities[state],
    topic: 'mq-certificates',
    // One notification per queue manager and state: the notifications
    // backend updates an existing one with the same scope instead of adding.
    scope: `mq-certificates:${entityRef}:${state}`,
  };
}

/** The notification for a served certificate that is not the verified one. */
export function mismatchNotification(options: {
  entityRef: string;
  queueManager: string;
  served: ServedCertificate;
  lastVerified: Rotation;
}): NotificationPayload {
  const { entityRef, queueManager, served, lastVerified } = options;
  return {
    title: `${queueManager}: served certificate is not the verified one`,
    description: `${served.listener} serves serial ${served.serialNumber}, but the last verified rotation installed ${lastVerified.serialNumber}. Someone may have changed SSLKEYR/CERTLABL or the key repository outside the portal; check the queue manager and rotate again if needed.`,
    link: entityLink(entityRef),
    severity: 'high',
    topic: 'mq-certificates',
    scope: `mq-certificates:${entityRef}:mismatch`,
  };
}
