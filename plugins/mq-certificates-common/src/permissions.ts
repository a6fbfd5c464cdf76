import { createPermission } from '@backstage/plugin-permission-common';

/** The resource type of every permission here: the QM's catalog entity. */
const RESOURCE_TYPE_CATALOG_ENTITY = 'catalog-entity';

/**
 * See the certificate status, rotations, jobs and history of a queue manager.
 *
 * @public
 */
export const mqCertificateReadPermission = createPermission({
  name: 'mq-certificates.certificate.read',
  attributes: { action: 'read' },
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});

/**
 * Issue, stage and schedule a certificate rotation for a queue manager; also
 * run a refresh now, cancel a job or trigger a probe.
 *
 * @public
 */
export const mqCertificateRotatePermission = createPermission({
  name: 'mq-certificates.certificate.rotate',
  attributes: { action: 'update' },
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});

/**
 * Approve a refresh job that waits for approval. Kept apart from rotate so a
 * policy can require a second person.
 *
 * @public
 */
export const mqRefreshApprovePermission = createPermission({
  name: 'mq-certificates.refresh.approve',
  attributes: { action: 'update' },
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});

/** Every permission of the MQ certificate plugins. @public */
export const mqCertificatesPermissions = [
  mqCertificateReadPermission,
  mqCertificateRotatePermission,
  mqRefreshApprovePermission,
];
