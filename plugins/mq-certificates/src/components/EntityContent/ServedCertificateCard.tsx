import { EmptyState, InfoCard } from '@backstage/core-components';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import {
  CertificatePolicyEvaluation,
  QueueManagerDetail,
  evaluateCertificatePolicy,
} from '@mqcert/plugin-mq-certificates-common';
import { ReactNode } from 'react';
import { DateTime } from '../common/DateTime';
import { DetailRows } from '../common/DetailRows';
import { LifetimeBar } from '../common/LifetimeBar';
import { StateBadge } from '../common/StateBadge';

/**
 * The backend's policy evaluation, or one made here from the served dates
 * with the default policy when the backend sent none.
 */
export function policyOf(
  detail: QueueManagerDetail,
): CertificatePolicyEvaluation | undefined {
  if (detail.policy) return detail.policy;
  const served = detail.served;
  if (!served?.notBefore || !served.notAfter || served.error) return undefined;
  try {
    return evaluateCertificatePolicy({
      notBefore: served.notBefore,
      notAfter: served.notAfter,
    });
  } catch {
    return undefined;
  }
}

function daysLeftText(policy: CertificatePolicyEvaluation): string {
  if (policy.msLeft <= 0) return `expired ${-policy.daysLeft} days ago`;
  return `${policy.daysLeft} ${policy.daysLeft === 1 ? 'day' : 'days'}`;
}

function complianceText(policy: CertificatePolicyEvaluation): string {
  const lifetime = policy.lifetimeDays.toFixed(1);
  const max = policy.policy.maxLifetimeDays;
  return policy.compliant
    ? `Complies: lifetime ${lifetime} days, maximum ${max} days`
    : `Does not comply: lifetime ${lifetime} days exceeds the ${max}-day maximum; the next rotation issues a shorter one`;
}

/** The certificate the listener served at the last probe. */
export function ServedCertificateCard(props: {
  detail: QueueManagerDetail;
  probeAction?: JSX.Element;
}) {
  const { detail } = props;
  const served = detail.served;
  if (!served) {
    return (
      <InfoCard title="Served certificate">
        <EmptyState
          missing="data"
          title="Not probed yet"
          description={`The listener of ${detail.queueManager}${
            detail.listener ? ` (${detail.listener})` : ''
          } has not been probed, so nobody knows which certificate it serves. The backend probes every managed queue manager on a schedule; probe now to see it at once.`}
          action={props.probeAction}
        />
      </InfoCard>
    );
  }

  const policy = policyOf(detail);
  const rows: [string, ReactNode][] = [
    ['Subject', served.subject ?? '—'],
    ['Issuer', served.issuer ?? '—'],
    [
      'Subject alternative names',
      served.subjectAltNames?.length ? served.subjectAltNames.join(', ') : '—',
    ],
    ['Serial number', <code>{served.serialNumber ?? '—'}</code>],
    ['SHA-256 fingerprint', <code>{served.fingerprintSha256 ?? '—'}</code>],
    ['Valid from', <DateTime value={served.notBefore} />],
    ['Valid until', <DateTime value={served.notAfter} />],
  ];
  if (policy) {
    rows.push(
      ['Days left', daysLeftText(policy)],
      [
        'Lifetime',
        <LifetimeBar
          policy={policy}
          notBefore={served.notBefore}
          notAfter={served.notAfter}
        />,
      ],
      ['Policy state', <StateBadge state={policy.state} />],
      ['Maximum lifetime', complianceText(policy)],
    );
  }
  if (served.trusted !== undefined) {
    rows.push([
      'Chain',
      served.trusted
        ? `Trusted (${served.chain.length} issuer certificate${
            served.chain.length === 1 ? '' : 's'
          } sent)`
        : `Not trusted: ${served.trustError ?? 'the chain does not verify'}`,
    ]);
  }
  rows.push(
    ['Listener', served.listener],
    ['Last probed', <DateTime value={served.probedAt} relative />],
  );

  return (
    <InfoCard title="Served certificate" action={props.probeAction}>
      {served.error && (
        <Alert severity="warning" role="alert">
          The last probe of {served.listener} failed: {served.error}. The values
          below are from the last successful probe, if any. Check that the
          listener is running and reachable from Backstage, then probe again.
        </Alert>
      )}
      <DetailRows label="Served certificate" rows={rows} />
      {detail.served?.channels.length === 0 &&
        detail.tlsChannels.length > 0 && (
          <Typography variant="caption" color="textSecondary">
            The TLS channels were not probed yet.
          </Typography>
        )}
    </InfoCard>
  );
}
