import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { createMqCertificateActions } from './actions';
import { createMqActionsEnvironment } from './lib/createEnvironment';

/**
 * The scaffolder module that registers the IBM MQ certificate actions:
 * mq:certificate:issue, mq:keystore:build, mq:keystore:deploy,
 * mq:refresh:schedule, mq:certificate:rotate and mq:vault-agent:render.
 *
 * @public
 */
export const scaffolderModuleMqCertificates = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'mq-certificates',
  register(env) {
    env.registerInit({
      deps: {
        scaffolder: scaffolderActionsExtensionPoint,
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        permissions: coreServices.permissions,
        auth: coreServices.auth,
        discovery: coreServices.discovery,
        catalog: catalogServiceRef,
      },
      async init({ scaffolder, ...deps }) {
        const environment = createMqActionsEnvironment(deps);
        scaffolder.addActions(...createMqCertificateActions(environment));
      },
    });
  },
});
