import { mockServices } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  createMqActionsEnvironment,
  createMqCertificateActions,
  type MqActionsEnvironmentOverrides,
} from '@mqcert/plugin-scaffolder-backend-module-mq-certificates';

/**
 * The module's actions built the way the module builds them (from
 * configuration), with mock Backstage services around them. Used by the
 * scaffolder tests in this folder (not a test file itself).
 */
export function moduleActions(
  options: {
    config?: object;
    entities?: Entity[];
    permissions?: ReturnType<typeof mockServices.permissions.mock>;
    overrides?: MqActionsEnvironmentOverrides;
  } = {},
) {
  const env = createMqActionsEnvironment({
    config: mockServices.rootConfig({ data: options.config ?? {} }),
    logger: mockServices.logger.mock(),
    auth: mockServices.auth(),
    discovery: mockServices.discovery(),
    permissions: options.permissions ?? mockServices.permissions(),
    catalog: catalogServiceMock({ entities: options.entities ?? [] }),
    overrides: options.overrides,
  });
  const actions = createMqCertificateActions(env);
  return {
    env,
    actions,
    byId: (id: string) => {
      const a = actions.find(x => x.id === id);
      if (!a) throw new Error(`no action ${id}`);
      return a;
    },
  };
}
