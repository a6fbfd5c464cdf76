import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { TestApiProvider, renderInTestApp } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  EntityMqCertificatesCard,
  EntityMqCertificatesContent,
  MqCertificatesClient,
  MqCertificatesPage,
  isMqCertificatesAvailable,
  mqCertificatesApiRef,
  mqCertificatesPlugin,
} from './index';
import { rotateTemplateRouteRef } from './routes';
import { Route, Routes } from 'react-router-dom';
import { plainEntity, qmEntity } from './testing/fixtures';
import { smokeTestApis } from './testing/mocks';

const apis = smokeTestApis;

describe('mq-certificates plugin (legacy frontend system)', () => {
  it('is the mq-certificates plugin and provides its API client', () => {
    expect(mqCertificatesPlugin.getId()).toBe('mq-certificates');
    const factory = [...mqCertificatesPlugin.getApis()].find(
      f => f.api.id === mqCertificatesApiRef.id,
    )!;
    const client = factory.factory({
      discoveryApi: { getBaseUrl: async () => 'http://127.0.0.1/api/x' },
      fetchApi: { fetch: async () => new Response('{}') },
    });
    expect(client).toBeInstanceOf(MqCertificatesClient);
  });

  it('tells managed queue managers from other entities', () => {
    expect(isMqCertificatesAvailable(qmEntity)).toBe(true);
    expect(isMqCertificatesAvailable(plainEntity)).toBe(false);
  });

  it('renders the fleet page', async () => {
    const { api, pairs } = apis();
    await renderInTestApp(
      <TestApiProvider apis={pairs}>
        <Routes>
          <Route path="/*" element={<MqCertificatesPage />} />
        </Routes>
      </TestApiProvider>,
      {
        mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
      },
    );
    expect(await screen.findByText('MQ certificates')).toBeInTheDocument();
    expect(
      await screen.findByRole('link', { name: 'qm2' }),
    ).toBeInTheDocument();
    expect(api.getFleet).toHaveBeenCalled();
  });

  it('renders the entity tab and uses a bound template route for "Rotate certificate"', async () => {
    const { pairs } = apis();
    const entity = qmEntity;
    await renderInTestApp(
      <TestApiProvider apis={pairs}>
        <EntityProvider entity={entity}>
          <Routes>
            <Route path="/*" element={<EntityMqCertificatesContent />} />
          </Routes>
        </EntityProvider>
      </TestApiProvider>,
      {
        mountedRoutes: {
          '/self-service/templates/:namespace/:templateName':
            rotateTemplateRouteRef,
        },
      },
    );
    const rotate = await screen.findByRole('button', {
      name: 'Rotate certificate',
    });
    expect(rotate).toHaveAttribute(
      'href',
      `/self-service/templates/default/rotate-mq-certificate?formData=${encodeURIComponent(
        JSON.stringify({ queueManager: stringifyEntityRef(entity) }),
      )}`,
    );
  });

  it('renders the entity card', async () => {
    const { pairs } = apis();
    await renderInTestApp(
      <TestApiProvider apis={pairs}>
        <EntityProvider entity={qmEntity}>
          <EntityMqCertificatesCard />
        </EntityProvider>
      </TestApiProvider>,
    );
    expect(await screen.findByText('MQ certificate · QM1')).toBeInTheDocument();
  });
});
