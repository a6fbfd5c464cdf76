import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import {
  createAtScheduler,
  readHostRunmqscPath,
  renderCutoverJobScript,
} from '@mqcert/plugin-mq-certificates-node';
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
        const { config } = deps;
        // Host mode (`at` on the MQ host): the target's `at` settings
        // (mqCertificates.deployTargets.<name>.at) over its command runner,
        // read by the node library so the backend (which lists, cancels and
        // rolls back these jobs) reads them the same way.
        const environment = createMqActionsEnvironment({
          ...deps,
          hostMode: {
            atScheduler: target =>
              createAtScheduler(target.name, config, target.commands),
            renderCutoverScript: request =>
              renderCutoverJobScript({
                ...request,
                runmqscPath: request.deployTarget
                  ? readHostRunmqscPath(request.deployTarget, config)
                  : undefined,
              }),
          },
        });
        scaffolder.addActions(...createMqCertificateActions(environment));
      },
    });
  },
});
