import { stringifyEntityRef } from '@backstage/catalog-model';
import { Progress, WarningPanel } from '@backstage/core-components';
import {
  MissingAnnotationEmptyState,
  useEntity,
} from '@backstage/plugin-catalog-react';
import { MQ_CERT_ANNOTATIONS } from '@mqcert/plugin-mq-certificates-common';
import { isMqCertificatesAvailable } from '../../conditions';
import {
  PERMISSION_NAMES,
  useQueueManagerPermissions,
} from '../../hooks/useQueueManagerPermissions';
import { useQueueManagerDetail } from '../../hooks/useQueueManagerDetail';
import { ErrorState } from '../common/ErrorState';
import { QueueManagerCertificates } from './QueueManagerCertificates';

/** Props of the Certificates tab. @public */
export interface EntityMqCertificatesContentProps {
  /** The rotate template, default `template:default/rotate-mq-certificate`. */
  templateRef?: string;
  /** Reload pause while a refresh is due or running, default 5000 ms. */
  pollIntervalMs?: number;
}

/** The "Certificates" tab of a managed queue manager entity. */
export function EntityMqCertificatesContent(
  props: EntityMqCertificatesContentProps,
) {
  const { entity } = useEntity();
  if (!isMqCertificatesAvailable(entity)) {
    return (
      <MissingAnnotationEmptyState
        annotation={MQ_CERT_ANNOTATIONS.queueManager}
      />
    );
  }
  return <Loaded entityRef={stringifyEntityRef(entity)} {...props} />;
}

function Loaded(
  props: EntityMqCertificatesContentProps & { entityRef: string },
) {
  const permissions = useQueueManagerPermissions(props.entityRef);
  const readable = permissions.read.allowed;
  const { value, error, retry } = useQueueManagerDetail(props.entityRef, {
    pollIntervalMs: props.pollIntervalMs,
    enabled: readable,
  });
  if (permissions.read.loading) return <Progress />;
  if (!readable) {
    return (
      <WarningPanel
        title="You are not allowed to see this queue manager's certificates"
        message={`Seeing them needs the ${PERMISSION_NAMES.read} permission on ${props.entityRef}. Ask the queue manager's owner or your Backstage administrator.`}
      />
    );
  }
  if (error && !value) {
    return (
      <ErrorState
        error={error}
        what={`the certificates of ${props.entityRef}`}
        onRetry={retry}
      />
    );
  }
  if (!value) return <Progress />;
  return (
    <>
      {error && (
        <ErrorState
          error={error}
          what={`the latest state of ${props.entityRef}`}
          onRetry={retry}
        />
      )}
      <QueueManagerCertificates
        detail={value}
        permissions={permissions}
        templateRef={props.templateRef}
        onChanged={retry}
      />
    </>
  );
}
