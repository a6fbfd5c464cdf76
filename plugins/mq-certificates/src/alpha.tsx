/**
 * The MQ certificates plugin for the new frontend system.
 *
 * @packageDocumentation
 */
import { convertLegacyRouteRefs } from '@backstage/core-compat-api';
import {
  ApiBlueprint,
  PageBlueprint,
  createFrontendPlugin,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/frontend-plugin-api';
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import VerifiedUserIcon from '@material-ui/icons/VerifiedUser';
import { MqCertificatesClient, mqCertificatesApiRef } from './api';
import { mqQueueManagerEntityFilter } from './conditions';
import { rootRouteRef, rotateTemplateRouteRef } from './routes';

/** The API client, as an API extension. @alpha */
export const mqCertificatesApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: mqCertificatesApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new MqCertificatesClient({ discoveryApi, fetchApi }),
    }),
});

/** The fleet page at `/mq-certificates`. @alpha */
export const mqCertificatesPage = PageBlueprint.make({
  params: {
    path: '/mq-certificates',
    title: 'MQ certificates',
    icon: <VerifiedUserIcon fontSize="inherit" />,
    routeRef: convertLegacyRouteRefs({ root: rootRouteRef }).root,
    loader: () =>
      import('./components/FleetPage/MqCertificatesPage').then(m => (
        <m.MqCertificatesFleetContent />
      )),
  },
});

/** The "Certificates" tab on managed queue manager entities. @alpha */
export const mqCertificatesEntityContent = EntityContentBlueprint.make({
  params: {
    path: 'mq-certificates',
    title: 'Certificates',
    filter: mqQueueManagerEntityFilter,
    loader: () =>
      import('./components/EntityContent/EntityMqCertificatesContent').then(
        m => <m.EntityMqCertificatesContent />,
      ),
  },
});

/** The overview card on managed queue manager entities. @alpha */
export const mqCertificatesEntityCard = EntityCardBlueprint.make({
  params: {
    filter: mqQueueManagerEntityFilter,
    loader: () =>
      import('./components/EntityCard/EntityMqCertificatesCard').then(m => (
        <m.EntityMqCertificatesCard />
      )),
  },
});

/**
 * The MQ certificates plugin: API, fleet page, entity tab and entity card.
 *
 * @alpha
 */
export default createFrontendPlugin({
  pluginId: 'mq-certificates',
  title: 'MQ certificates',
  icon: <VerifiedUserIcon fontSize="inherit" />,
  info: { packageJson: () => import('../package.json') },
  routes: convertLegacyRouteRefs({ root: rootRouteRef }),
  externalRoutes: convertLegacyRouteRefs({
    rotateTemplate: rotateTemplateRouteRef,
  }),
  extensions: [
    mqCertificatesApi,
    mqCertificatesPage,
    mqCertificatesEntityContent,
    mqCertificatesEntityCard,
  ],
});
