import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import { TestApiProvider, renderInTestApp } from '@backstage/test-utils';
import { screen, within } from '@testing-library/react';
import {
  QueueManagerDetail,
  mqCertificateReadPermission,
} from '@mqcert/plugin-mq-certificates-common';
import { mqCertificatesApiRef } from '../../api';
import { plainEntity, qmDetail, qmEntity } from '../../testing/fixtures';
import { mockMqApi, permissionApiAllowing } from '../../testing/mocks';
import { EntityMqCertificatesCard } from './EntityMqCertificatesCard';

let n = 0;

async function renderCard(
  options: {
    detail?: () => Promise<QueueManagerDetail>;
    allow?: string[];
    entity?: Entity;
  } = {},
) {
  n++;
  // A fresh entity per test: permission answers are cached per entity ref.
  const entity = options.entity ?? {
    ...qmEntity,
    metadata: { ...qmEntity.metadata, name: `qm-card-${n}` },
  };
  const api = mockMqApi({
    getQueueManager: options.detail ?? (async () => qmDetail()),
  });
  const permissions = permissionApiAllowing(
    options.allow ?? [mqCertificateReadPermission.name],
  );
  await renderInTestApp(
    <TestApiProvider
      apis={[
        [mqCertificatesApiRef, api],
        [permissionApiRef, permissions.api],
      ]}
    >
      <EntityProvider entity={entity}>
        <EntityMqCertificatesCard />
      </EntityProvider>
    </TestApiProvider>,
  );
  return { api, ref: stringifyEntityRef(entity) };
}

const value = (name: string) =>
  within(screen.getByRole('table', { name: 'Certificate summary' }))
    .getByRole('rowheader', { name })
    .closest('tr')!
    .querySelector('td')!;

describe('EntityMqCertificatesCard', () => {
  it('shows the state badge, days left and the next scheduled refresh', async () => {
    const { api, ref } = await renderCard();
    await screen.findByRole('table', { name: 'Certificate summary' });
    expect(api.getQueueManager).toHaveBeenCalledWith(ref);
    expect(screen.getByText('MQ certificate · QM1')).toBeInTheDocument();
    expect(value('State')).toHaveTextContent('Renewal due');
    expect(value('State').querySelector('[data-state]')).toHaveAttribute(
      'data-state',
      'renew-due',
    );
    expect(value('Days left')).toHaveTextContent(/^7$/);
    expect(value('Expires').querySelector('time')).toHaveAttribute(
      'title',
      '2026-12-20 10:00:30 UTC',
    );
    const next = value('Next refresh');
    expect(next.querySelector('time')).toHaveAttribute(
      'title',
      '2030-01-06 02:00:00 UTC',
    );
    expect(next).toHaveTextContent('Awaiting approval');
  });

  it('says when nothing is scheduled and the QM was never probed', async () => {
    await renderCard({
      detail: async () =>
        qmDetail({ served: undefined, policy: undefined, jobs: [] }),
    });
    await screen.findByRole('table', { name: 'Certificate summary' });
    expect(value('State')).toHaveTextContent('Unknown');
    expect(value('Days left')).toHaveTextContent('Not probed yet');
    expect(value('Next refresh')).toHaveTextContent('None scheduled');
  });

  it('explains an unreachable backend inside the card', async () => {
    await renderCard({
      detail: async () => {
        throw new TypeError('Failed to fetch');
      },
    });
    expect(
      await screen.findByText(/MQ certificates backend could not be reached/),
    ).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Retry' })).toBeInTheDocument();
  });

  it('does not ask the backend when the user may not read', async () => {
    const { api } = await renderCard({ allow: [] });
    expect(
      await screen.findByText(
        /needs the mq-certificates.certificate.read permission/,
      ),
    ).toBeInTheDocument();
    expect(api.getQueueManager).not.toHaveBeenCalled();
  });

  it('shows the missing annotation for other entities', async () => {
    await renderCard({ entity: plainEntity });
    expect(await screen.findByText(/Missing Annotation/i)).toBeInTheDocument();
  });
});
