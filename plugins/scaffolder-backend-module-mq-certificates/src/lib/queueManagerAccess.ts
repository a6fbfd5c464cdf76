import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import {
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { InputError, NotAllowedError, NotFoundError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  isMqQueueManagerEntity,
  MQ_CERT_ANNOTATIONS,
  mqCertificateRotatePermission,
  parseQueueManagerEntity,
  QueueManagerSpec,
} from '@mqcert/plugin-mq-certificates-common';
import type { MqActionsEnvironment } from './environment';
import type { StepContext } from './stepContext';

/** A queue manager the initiating user may rotate. */
export interface AuthorizedQueueManager {
  entity: Entity;
  spec: QueueManagerSpec;
  credentials: BackstageCredentials;
}

/** Normalises an entity ref input (kind required) or throws an InputError naming the field. */
export function normalizeQueueManagerRef(
  value: unknown,
  field = 'entityRef',
): string {
  if (typeof value !== 'string' || !value.trim()) {
    throw new InputError(
      `${field}: the queue manager's entity ref is required, for example resource:default/qm1`,
    );
  }
  try {
    const ref = parseEntityRef(value.trim(), { defaultKind: 'resource' });
    return stringifyEntityRef(ref);
  } catch (e) {
    throw new InputError(
      `${field}: '${value}' is not an entity ref (${
        (e as Error).message
      }); use kind:namespace/name, for example resource:default/qm1`,
    );
  }
}

/**
 * Reads the queue manager entity with the initiating user's credentials and
 * checks that it is a managed queue manager and that user's rotate
 * permission on it, before anything touches Vault, a host or the backend. Annotation problems surface as InputErrors that
 * name the annotation.
 */
export async function loadQueueManager(
  env: MqActionsEnvironment,
  step: StepContext,
  entityRefInput: unknown,
  field = 'entityRef',
): Promise<AuthorizedQueueManager> {
  const entityRef = normalizeQueueManagerRef(entityRefInput, field);
  const credentials = await step.getInitiatorCredentials();
  const entity = await env.catalog.getEntityByRef(entityRef, { credentials });
  if (!entity) {
    throw new NotFoundError(
      `${field}: ${entityRef} is not in the catalog, or you may not see it; check the ref or register the queue manager's entity`,
    );
  }
  // Checked before the permission: the rotate permission only applies to
  // queue managers, so for any other entity a denial would blame the user's
  // rights when the real problem is the entity (as the REST API says).
  if (!isMqQueueManagerEntity(entity)) {
    throw new InputError(
      `${field}: ${entityRef} is not a managed queue manager; add the annotation ${MQ_CERT_ANNOTATIONS.queueManager} to the entity, or choose a queue manager that has it`,
    );
  }
  const [decision] = await env.permissions.authorize(
    [{ permission: mqCertificateRotatePermission, resourceRef: entityRef }],
    { credentials },
  );
  if (decision.result !== AuthorizeResult.ALLOW) {
    throw new NotAllowedError(
      `You may not rotate the certificate of ${entityRef}: the permission ${mqCertificateRotatePermission.name} was denied. Ask an owner of ${entityRef} to run the template or to grant you that permission.`,
    );
  }
  return { entity, spec: parseQueueManagerEntity(entity), credentials };
}
