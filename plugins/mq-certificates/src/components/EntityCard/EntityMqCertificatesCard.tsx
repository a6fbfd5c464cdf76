import { stringifyEntityRef } from '@backstage/catalog-model';
import { InfoCard, Progress } from '@backstage/core-components';
import {
  MissingAnnotationEmptyState,
  useEntity,
} from '@backstage/plugin-catalog-react';
import Typography from '@material-ui/core/Typography';
import {
  MQ_CERT_ANNOTATIONS,
  QueueManagerDetail,
} from '@mqcert/plugin-mq-certificates-common';
import { isMqCertificatesAvailable } from '../../conditions';
import {
  PERMISSION_NAMES,
  useQueueManagerPermissions,
} from '../../hooks/useQueueManagerPermissions';
import { useQueueManagerDetail } from '../../hooks/useQueueManagerDetail';
import { JOB_STATE_TEXT, PENDING_JOB_STATES } from '../../lib/stateText';
import { DateTime } from '../common/DateTime';
import { DetailRows } from '../common/DetailRows';
import { ErrorState } from '../common/ErrorState';
import { StateBadge } from '../common/StateBadge';
import { policyOf } from '../EntityContent/ServedCertificateCard';

function daysLeftText(detail: QueueManagerDetail): string {
  const policy = policyOf(detail);
  if (!detail.served) return 'Not probed yet';
  if (policy) return String(policy.daysLeft);
  return `Unknown: ${detail.served.error ?? 'no dates served'}`;
}

function Summary(props: { detail: QueueManagerDetail }) {
  const { detail } = props;
  const policy = policyOf(detail);
  const next = detail.jobs
    .filter(j => PENDING_JOB_STATES.includes(j.state))
    .sort((a, b) => a.runAt.localeCompare(b.runAt))[0];
  return (
    <DetailRows
      label="Certificate summary"
      rows={[
        ['State', <StateBadge state={policy?.state ?? 'unknown'} />],
        ['Days left', daysLeftText(detail)],
        ['Expires', <DateTime value={detail.served?.notAfter} />],
        [
          'Next refresh',
          next ? (
            <>
              <DateTime value={next.runAt} relative /> ·{' '}
              {JOB_STATE_TEXT[next.state]}
            </>
          ) : (
            'None scheduled'
          ),
        ],
      ]}
    />
  );
}

/** Overview card of a managed queue manager: state, days left, next refresh. */
export function EntityMqCertificatesCard() {
  const { entity } = useEntity();
  if (!isMqCertificatesAvailable(entity)) {
    return (
      <InfoCard title="MQ certificate">
        <MissingAnnotationEmptyState
          annotation={MQ_CERT_ANNOTATIONS.queueManager}
        />
      </InfoCard>
    );
  }
  return <CardBody entityRef={stringifyEntityRef(entity)} />;
}

function CardBody(props: { entityRef: string }) {
  const permissions = useQueueManagerPermissions(props.entityRef);
  const { value, error, retry } = useQueueManagerDetail(props.entityRef, {
    enabled: permissions.read.allowed,
  });
  let body;
  if (permissions.read.loading) body = <Progress />;
  else if (!permissions.read.allowed) {
    body = (
      <Typography variant="body2">
        Seeing this needs the {PERMISSION_NAMES.read} permission on{' '}
        {props.entityRef}.
      </Typography>
    );
  } else if (error && !value) {
    body = (
      <ErrorState
        error={error}
        what={`the certificate of ${props.entityRef}`}
        onRetry={retry}
      />
    );
  } else if (!value) body = <Progress />;
  else body = <Summary detail={value} />;
  return (
    <InfoCard
      title={
        value ? `MQ certificate · ${value.queueManager}` : 'MQ certificate'
      }
    >
      {body}
    </InfoCard>
  );
}
