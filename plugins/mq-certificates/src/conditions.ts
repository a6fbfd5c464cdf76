import type { Entity } from '@backstage/catalog-model';
import { isMqQueueManagerEntity } from '@mqcert/plugin-mq-certificates-common';

/**
 * Whether the entity is a managed queue manager, i.e. has the
 * `mqcert.io/queue-manager` annotation. Use it as the `if` of the legacy
 * `EntityLayout.Route`.
 *
 * @public
 */
export function isMqCertificatesAvailable(entity: Entity): boolean {
  return isMqQueueManagerEntity(entity);
}

/**
 * The same test as an entity predicate, for the new frontend system's
 * entity content and card `filter`.
 *
 * @public
 */
export const mqQueueManagerEntityFilter = {
  // The path walker matches the longest key, so the dots in the annotation
  // name do not split it (MQ_CERT_ANNOTATIONS.queueManager).
  'metadata.annotations.mqcert.io/queue-manager': { $exists: true },
} as const;
