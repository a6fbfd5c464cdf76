import {
  createApiFactory,
  createComponentExtension,
  createPlugin,
  createRoutableExtension,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { MqCertificatesClient, mqCertificatesApiRef } from './api';
import {
  entityContentRouteRef,
  rootRouteRef,
  rotateTemplateRouteRef,
} from './routes';

/**
 * The MQ certificates plugin for the legacy frontend system.
 *
 * @public
 */
export const mqCertificatesPlugin = createPlugin({
  id: 'mq-certificates',
  apis: [
    createApiFactory({
      api: mqCertificatesApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new MqCertificatesClient({ discoveryApi, fetchApi }),
    }),
  ],
  routes: {
    root: rootRouteRef,
    entityContent: entityContentRouteRef,
  },
  externalRoutes: {
    rotateTemplate: rotateTemplateRouteRef,
  },
});

/**
 * The fleet page: every managed queue manager, with counts per state.
 *
 * @public
 */
export const MqCertificatesPage = mqCertificatesPlugin.provide(
  createRoutableExtension({
    name: 'MqCertificatesPage',
    component: () =>
      import('./components/FleetPage/MqCertificatesPage').then(
        m => m.MqCertificatesPage,
      ),
    mountPoint: rootRouteRef,
  }),
);

/**
 * The "Certificates" tab of a queue manager entity. Mount it with
 * `<EntityLayout.Route path="/certificates" title="Certificates" if={isMqCertificatesAvailable}>`.
 *
 * @public
 */
export const EntityMqCertificatesContent = mqCertificatesPlugin.provide(
  createRoutableExtension({
    name: 'EntityMqCertificatesContent',
    component: () =>
      import('./components/EntityContent/EntityMqCertificatesContent').then(
        m => m.EntityMqCertificatesContent,
      ),
    mountPoint: entityContentRouteRef,
  }),
);

/**
 * The overview card of a queue manager entity: state, days left, next refresh.
 *
 * @public
 */
export const EntityMqCertificatesCard = mqCertificatesPlugin.provide(
  createComponentExtension({
    name: 'EntityMqCertificatesCard',
    component: {
      lazy: () =>
        import('./components/EntityCard/EntityMqCertificatesCard').then(
          m => m.EntityMqCertificatesCard,
        ),
    },
  }),
);
