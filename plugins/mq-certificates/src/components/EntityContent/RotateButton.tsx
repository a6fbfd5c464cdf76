import { LinkButton } from '@backstage/core-components';
import { useRouteRef } from '@backstage/core-plugin-api';
import Button from '@material-ui/core/Button';
import { parseEntityRef } from '@backstage/catalog-model';
import { useId } from 'react';
import { DEFAULT_TEMPLATE_PATH, rotateTemplateRouteRef } from '../../routes';
import { PermissionNote } from '../common/PermissionNote';
import {
  PERMISSION_NAMES,
  PermissionState,
} from '../../hooks/useQueueManagerPermissions';

/** The scaffolder template that rotates a queue manager's certificate. @public */
export const DEFAULT_ROTATE_TEMPLATE_REF =
  'template:default/rotate-mq-certificate';

/** Path of a template's scaffolder page when the app binds no route for it. */
function defaultTemplatePath(params: {
  namespace: string;
  templateName: string;
}) {
  return DEFAULT_TEMPLATE_PATH.replace(
    ':namespace',
    encodeURIComponent(params.namespace),
  ).replace(':templateName', encodeURIComponent(params.templateName));
}

/**
 * The link that opens the rotate template with this queue manager filled in:
 * `<template page>?formData={"queueManager":"resource:default/qm1"}`.
 */
export function useRotateLink(entityRef: string, templateRef: string): string {
  const templateRoute = useRouteRef(rotateTemplateRouteRef);
  const template = parseEntityRef(templateRef, {
    defaultKind: 'template',
    defaultNamespace: 'default',
  });
  const params = { namespace: template.namespace, templateName: template.name };
  const base = templateRoute
    ? templateRoute(params)
    : defaultTemplatePath(params);
  const formData = encodeURIComponent(
    JSON.stringify({ queueManager: entityRef }),
  );
  return `${base}?formData=${formData}`;
}

/** "Rotate certificate": opens the template, or says why the user may not. */
export function RotateButton(props: {
  entityRef: string;
  templateRef?: string;
  permission: PermissionState;
}) {
  const link = useRotateLink(
    props.entityRef,
    props.templateRef ?? DEFAULT_ROTATE_TEMPLATE_REF,
  );
  const noteId = useId();
  if (props.permission.allowed) {
    return (
      <LinkButton to={link} color="primary" variant="contained">
        Rotate certificate
      </LinkButton>
    );
  }
  return (
    <span>
      <Button
        color="primary"
        variant="contained"
        disabled
        aria-describedby={props.permission.loading ? undefined : noteId}
      >
        Rotate certificate
      </Button>
      {!props.permission.loading && (
        <PermissionNote id={noteId}>
          {`Rotating needs the ${PERMISSION_NAMES.rotate} permission on ${props.entityRef}; ask the queue manager's owner.`}
        </PermissionNote>
      )}
    </span>
  );
}
