import {
  createExtensionTester,
  renderInTestApp,
  renderTestApp,
} from '@backstage/frontend-test-utils';
import { ApiBlueprint } from '@backstage/frontend-plugin-api';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import { createTestEntityPage } from '@backstage/plugin-catalog-react/testUtils';
import { screen, waitFor } from '@testing-library/react';
import plugin, {
  mqCertificatesApi,
  mqCertificatesEntityCard,
  mqCertificatesEntityContent,
  mqCertificatesPage,
} from './alpha';
import { MqCertificatesClient } from './api';
import { plainEntity, qmEntity } from './testing/fixtures';
import { smokeTestApis } from './testing/mocks';

const apis = smokeTestApis;

describe('mq-certificates plugin (new frontend system)', () => {
  it('is a plugin with the API, page, entity content and card extensions', () => {
    expect(plugin.pluginId).toBe('mq-certificates');
    for (const id of [
      'api:mq-certificates',
      'page:mq-certificates',
      'entity-content:mq-certificates',
      'entity-card:mq-certificates',
    ] as const) {
      expect(plugin.getExtension(id)).toBeDefined();
    }
    const tester = createExtensionTester(mqCertificatesApi);
    const factory = tester.get(ApiBlueprint.dataRefs.factory);
    expect(factory.api.id).toBe('plugin.mq-certificates.client');
    const client = factory.factory({
      discoveryApi: { getBaseUrl: async () => 'http://127.0.0.1/api/x' },
      fetchApi: { fetch: async () => new Response('{}') },
    });
    expect(client).toBeInstanceOf(MqCertificatesClient);
  });

  it('renders the fleet page extension', async () => {
    const { api, pairs } = apis();
    renderInTestApp(
      createExtensionTester(mqCertificatesPage, { apis: pairs }).reactElement(),
      {
        apis: pairs,
        mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
      },
    );
    expect(
      await screen.findByRole('table', { name: 'Managed queue managers' }),
    ).toBeInTheDocument();
    expect(
      await screen.findByRole('link', { name: 'qm2' }),
    ).toBeInTheDocument();
    expect(api.getFleet).toHaveBeenCalled();
  });

  it('shows the Certificates tab on a managed queue manager', async () => {
    const { api, pairs } = apis();
    renderTestApp({
      extensions: [
        createTestEntityPage({ entity: qmEntity }),
        mqCertificatesEntityContent,
      ],
      apis: pairs,
    });
    expect(
      await screen.findByRole('table', { name: 'Served certificate' }),
    ).toBeInTheDocument();
    expect(api.getQueueManager).toHaveBeenCalledWith('resource:default/qm1');
    expect(
      await screen.findByRole('button', { name: 'Rotate certificate' }),
    ).toHaveAttribute(
      'href',
      `/create/templates/default/rotate-mq-certificate?formData=${encodeURIComponent(
        '{"queueManager":"resource:default/qm1"}',
      )}`,
    );
  });

  it('shows the card on a managed queue manager', async () => {
    const { pairs } = apis();
    renderTestApp({
      extensions: [
        createTestEntityPage({ entity: qmEntity }),
        mqCertificatesEntityCard,
      ],
      apis: pairs,
    });
    expect(await screen.findByText('MQ certificate · QM1')).toBeInTheDocument();
  });

  it('leaves other entities alone (entity predicate on the annotation)', async () => {
    const { api, pairs } = apis();
    renderTestApp({
      extensions: [
        createTestEntityPage({ entity: plainEntity }),
        mqCertificatesEntityCard,
      ],
      apis: pairs,
    });
    await waitFor(() => expect(document.body).toBeInTheDocument());
    // Give lazy loaders a chance; nothing of ours may appear.
    await new Promise(r => setTimeout(r, 200));
    expect(screen.queryByText(/MQ certificate/)).not.toBeInTheDocument();
    expect(api.getQueueManager).not.toHaveBeenCalled();
  });

  it('filters on the annotation with an entity predicate object', () => {
    const contentFilter = createExtensionTester(
      mqCertificatesEntityContent,
    ).get(EntityContentBlueprint.dataRefs.filterFunction);
    const cardFilter = createExtensionTester(mqCertificatesEntityCard).get(
      EntityCardBlueprint.dataRefs.filterFunction,
    );
    for (const matches of [contentFilter, cardFilter]) {
      expect(matches!(qmEntity)).toBe(true);
      expect(matches!(plainEntity)).toBe(false);
    }
  });
});
