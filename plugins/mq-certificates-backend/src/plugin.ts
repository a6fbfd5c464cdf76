import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { notificationService } from '@backstage/plugin-notifications-node';
import { mqCertificatesPermissions } from '@mqcert/plugin-mq-certificates-common';
import { readMqCertificatesBackendSettings } from './config';
import { DatabaseMqCertificatesStore } from './database/DatabaseMqCertificatesStore';
import { MqCertificatesMetrics } from './metrics';
import { RefreshJobRunner } from './runner/RefreshJobRunner';
import { createConfiguredRuntime } from './runtime/configuredRuntime';
import { mqCertificatesRuntimeExtensionPoint } from './runtime/extensionPoint';
import type { MqCertificatesRuntime } from './runtime/types';
import { MqCertificatesAuthorizer } from './service/authorization';
import { FleetIndex } from './service/FleetIndex';
import { Journal } from './service/Journal';
import { MqCertificatesService } from './service/MqCertificatesService';
import { QueueManagerCatalog } from './service/QueueManagerCatalog';
import { createRouter } from './service/router';
import { FleetSweep } from './sweep/FleetSweep';

/** Scheduler task ids (static per plugin, as the scheduler expects). */
export const REFRESH_JOBS_TASK_ID = 'refresh-jobs';
export const FLEET_SWEEP_TASK_ID = 'fleet-sweep';

/**
 * The mq-certificates backend plugin: REST API under /api/mq-certificates,
 * the refresh-job runner and the fleet sweep (global scheduled tasks).
 *
 * @public
 */
export const mqCertificatesPlugin = createBackendPlugin({
  pluginId: 'mq-certificates',
  register(env) {
    let overrides: Partial<MqCertificatesRuntime> = {};
    env.registerExtensionPoint(mqCertificatesRuntimeExtensionPoint, {
      setRuntime(parts) {
        overrides = { ...overrides, ...parts };
      },
    });

    env.registerInit({
      deps: {
        logger: coreServices.logger,
        config: coreServices.rootConfig,
        database: coreServices.database,
        scheduler: coreServices.scheduler,
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
        auth: coreServices.auth,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        auditor: coreServices.auditor,
        catalog: catalogServiceRef,
        notifications: notificationService,
      },
      async init({
        logger,
        config,
        database,
        scheduler,
        httpRouter,
        httpAuth,
        auth,
        permissions,
        permissionsRegistry,
        auditor,
        catalog,
        notifications,
      }) {
        const settings = readMqCertificatesBackendSettings(config);
        permissionsRegistry.addPermissions(mqCertificatesPermissions);

        const store = await DatabaseMqCertificatesStore.create({ database });
        // Built on first use, so a module's setRuntime() (registered before
        // init) and configuration errors surface where they matter.
        let runtime: MqCertificatesRuntime | undefined;
        const getRuntime = () =>
          (runtime ??= createConfiguredRuntime({ config, logger, overrides }));

        const qmCatalog = new QueueManagerCatalog({
          catalog,
          auth,
          logger,
          ttlMs: settings.fleet.catalogCacheTtlMs,
        });
        const fleet = new FleetIndex({
          catalog: qmCatalog,
          store,
          policy: settings.policy,
          ttlMs: settings.fleet.stateCacheTtlMs,
        });
        const metrics = new MqCertificatesMetrics();
        metrics.observeFleet(() => fleet.current()?.rows);
        const journal = new Journal({ store, auditor, logger });

        const runner = new RefreshJobRunner({
          store,
          runtime: getRuntime,
          settings,
          journal,
          logger: logger.child({ task: REFRESH_JOBS_TASK_ID }),
          metrics,
          onChange: () => fleet.invalidate(),
          resolveSpec: async entityRef => {
            const qm = await qmCatalog.get(
              entityRef,
              await auth.getOwnServiceCredentials(),
            );
            if (!qm.spec) {
              throw new InputError(
                `${entityRef} has invalid annotations: ${qm.configError}`,
              );
            }
            return qm.spec;
          },
        });
        await scheduler.scheduleTask({
          id: REFRESH_JOBS_TASK_ID,
          ...settings.refreshJobs.schedule,
          scope: 'global',
          fn: async signal => {
            const result = await runner.poll(signal);
            if (result.claimed || result.retired) {
              logger.info(
                `refresh jobs: ran ${result.claimed} (${JSON.stringify(
                  result.outcomes,
                )}), retired ${result.retired} superseded certificates`,
              );
            }
          },
        });

        if (settings.sweep.enabled) {
          const sweep = new FleetSweep({
            catalog: qmCatalog,
            store,
            runtime: getRuntime,
            settings,
            logger: logger.child({ task: FLEET_SWEEP_TASK_ID }),
            fleet,
            notifications,
            metrics,
          });
          await scheduler.scheduleTask({
            id: FLEET_SWEEP_TASK_ID,
            ...settings.sweep.schedule,
            scope: 'global',
            fn: async signal => {
              await sweep.run(signal);
            },
          });
        }

        const service = new MqCertificatesService({
          store,
          catalog: qmCatalog,
          fleet,
          authorizer: new MqCertificatesAuthorizer(permissions),
          journal,
          runtime: getRuntime,
          settings,
          logger,
          wakeRunner: () => {
            // Already running (or just ran) is fine: the job is claimed on
            // the next poll at the latest.
            Promise.resolve()
              .then(() => scheduler.triggerTask(REFRESH_JOBS_TASK_ID))
              .catch(() => {});
          },
        });
        httpRouter.use(await createRouter({ httpAuth, auditor, service }));
        httpRouter.addAuthPolicy({ path: '/health', allow: 'unauthenticated' });
      },
    });
  },
});
