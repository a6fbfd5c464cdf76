import {
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { NotAllowedError } from '@backstage/errors';
import { permissionRules as catalogPermissionRules } from '@backstage/plugin-catalog-backend/alpha';
import {
  AuthorizeResult,
  PermissionCondition,
  PermissionCriteria,
  ResourcePermission,
} from '@backstage/plugin-permission-common';
import {
  createConditionAuthorizer,
  PermissionRule,
  PermissionRuleset,
} from '@backstage/plugin-permission-node';
import {
  mqCertificateReadPermission,
  mqCertificateRotatePermission,
  mqRefreshApprovePermission,
} from '@mqcert/plugin-mq-certificates-common';

/** What each permission lets a user do, for NotAllowedError messages. */
const PURPOSE: Record<string, string> = {
  [mqCertificateReadPermission.name]: 'see the certificates of',
  [mqCertificateRotatePermission.name]: 'rotate or refresh the certificate of',
  [mqRefreshApprovePermission.name]: 'approve refreshes of',
};

/**
 * The catalog's own permission rules (isEntityOwner, hasAnnotation, ...) as a
 * ruleset, so a conditional decision on `catalog-entity` can be applied to
 * the entities the fleet endpoint already holds, in memory, instead of one
 * permission round trip per entity.
 */
const catalogRuleset: PermissionRuleset<Entity> = (() => {
  const byName = new Map<string, PermissionRule<Entity, unknown, string>>(
    Object.values(catalogPermissionRules).map(rule => [
      rule.name,
      rule as unknown as PermissionRule<Entity, unknown, string>,
    ]),
  );
  return {
    getRuleByName(name: string) {
      const rule = byName.get(name);
      if (!rule) {
        throw new Error(
          `the permission policy returned a condition with rule '${name}', which the catalog does not define`,
        );
      }
      return rule;
    },
  };
})();
const applyCatalogConditions = createConditionAuthorizer(catalogRuleset);

/** An entity with every field a catalog rule reads, for validating a condition. */
const STUB_ENTITY: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'stub',
    namespace: 'default',
    annotations: {},
    labels: {},
    tags: [],
  },
  spec: {},
  relations: [],
};

/**
 * Compiles catalog conditions into one predicate for many entities. The
 * framework's authorizer validates each rule's parameters on every call
 * (a zod parse per entity and condition), which dominated the fleet
 * endpoint at 10,000 entities; here each condition is validated once, by
 * the framework itself on a stub entity, and the rules' `apply` run
 * directly afterwards with the same all/any/not semantics.
 */
function compileCatalogConditions(
  criteria: PermissionCriteria<PermissionCondition>,
): (entity: Entity) => boolean {
  if ('allOf' in criteria) {
    const parts = criteria.allOf.map(compileCatalogConditions);
    return entity => parts.every(part => part(entity));
  }
  if ('anyOf' in criteria) {
    const parts = criteria.anyOf.map(compileCatalogConditions);
    return entity => parts.some(part => part(entity));
  }
  if ('not' in criteria) {
    const inner = compileCatalogConditions(criteria.not);
    return entity => !inner(entity);
  }
  applyCatalogConditions(
    {
      result: AuthorizeResult.CONDITIONAL,
      pluginId: 'catalog',
      resourceType: 'catalog-entity',
      conditions: criteria,
    },
    STUB_ENTITY,
  ); // throws InputError for invalid parameters, as the framework would
  const rule = catalogRuleset.getRuleByName(criteria.rule);
  const params = criteria.params ?? {};
  return entity => rule.apply(entity, params);
}

/**
 * Which entities a caller may read. `cacheKey` is equal for callers with
 * the same decision, so the fleet can reuse a computed visibility.
 */
export type ReadableEntities = ((entity: Entity) => boolean) & {
  cacheKey: string;
};
const knownRuleNames = new Set(
  Object.values(catalogPermissionRules).map(rule => rule.name),
);

/** Whether every condition in the criteria uses a catalog rule known here. */
function usesOnlyKnownRules(
  criteria: PermissionCriteria<PermissionCondition>,
): boolean {
  if ('allOf' in criteria) return criteria.allOf.every(usesOnlyKnownRules);
  if ('anyOf' in criteria) return criteria.anyOf.every(usesOnlyKnownRules);
  if ('not' in criteria) return usesOnlyKnownRules(criteria.not);
  return knownRuleNames.has(criteria.rule);
}

/** Permission checks of the mq-certificates routes. */
export class MqCertificatesAuthorizer {
  constructor(private readonly permissions: PermissionsService) {}

  /**
   * Checks one permission on one queue-manager entity the caller already
   * read from the catalog. A conditional decision on catalog entities is
   * applied to that entity here with the catalog's own rules (as the fleet
   * list does); a condition using a rule this plugin does not know (a
   * custom catalog rule) is sent to the permission framework with the
   * resourceRef instead, which asks the catalog. Throws NotAllowedError
   * naming what was refused.
   */
  async authorizeEntity(
    credentials: BackstageCredentials,
    permission: ResourcePermission<'catalog-entity'>,
    entity: Entity,
  ): Promise<void> {
    const entityRef = stringifyEntityRef(entity).toLocaleLowerCase('en-US');
    const [decision] = await this.permissions.authorizeConditional(
      [{ permission }],
      { credentials },
    );
    let allowed: boolean;
    if (decision.result !== AuthorizeResult.CONDITIONAL) {
      allowed = decision.result === AuthorizeResult.ALLOW;
    } else if (
      decision.resourceType === 'catalog-entity' &&
      usesOnlyKnownRules(decision.conditions)
    ) {
      allowed = applyCatalogConditions(decision, entity);
    } else {
      const [definitive] = await this.permissions.authorize(
        [{ permission, resourceRef: entityRef }],
        { credentials },
      );
      allowed = definitive.result === AuthorizeResult.ALLOW;
    }
    if (!allowed) {
      throw new NotAllowedError(
        `you may not ${
          PURPOSE[permission.name] ?? 'change'
        } ${entityRef} (permission ${
          permission.name
        }); ask its owner or your Backstage administrator`,
      );
    }
  }

  /**
   * A predicate telling which entities the caller may read, from ONE
   * conditional authorization. Throws NotAllowedError when the policy denies
   * reading queue-manager certificates outright.
   */
  async readableEntities(
    credentials: BackstageCredentials,
  ): Promise<ReadableEntities> {
    const [decision] = await this.permissions.authorizeConditional(
      [{ permission: mqCertificateReadPermission }],
      { credentials },
    );
    if (decision.result === AuthorizeResult.ALLOW) {
      return Object.assign(() => true, { cacheKey: 'allow' });
    }
    if (decision.result !== AuthorizeResult.CONDITIONAL) {
      throw new NotAllowedError(
        `you may not see queue-manager certificates (permission ${mqCertificateReadPermission.name}); ask your Backstage administrator`,
      );
    }
    if (decision.resourceType !== 'catalog-entity') {
      throw new NotAllowedError(
        `the permission policy answered ${mqCertificateReadPermission.name} with conditions on '${decision.resourceType}', not on catalog entities; fix the policy`,
      );
    }
    if (!usesOnlyKnownRules(decision.conditions)) {
      throw new NotAllowedError(
        `the permission policy answered ${mqCertificateReadPermission.name} with a catalog rule this plugin cannot apply to a list; use the catalog's built-in rules (e.g. isEntityOwner) for this permission`,
      );
    }
    return Object.assign(compileCatalogConditions(decision.conditions), {
      cacheKey: JSON.stringify(decision.conditions),
    });
  }
}
