import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { TestApiProvider, renderInTestApp } from '@backstage/test-utils';
import {
  act,
  fireEvent,
  screen,
  waitFor,
  within,
} from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { FleetResponse } from '@mqcert/plugin-mq-certificates-common';
import type { FleetQuery } from '@mqcert/plugin-mq-certificates-common';
import { mqCertificatesApiRef } from '../../api';
import { fleetResponse, fleetRow } from '../../testing/fixtures';
import { mockMqApi } from '../../testing/mocks';
import { MqCertificatesPage } from './MqCertificatesPage';

/** A backend of `total` queue managers that pages, sorts by name and filters by state like the real one. */
function fakeFleet(total: number) {
  const all = Array.from({ length: total }, (_, i) =>
    fleetRow(i + 1, {
      state: i % 10 === 0 ? 'expiring' : 'ok',
      policy: undefined,
    }),
  );
  return async (query: FleetQuery = {}): Promise<FleetResponse> => {
    let rows = all;
    const counts = {
      ok: 0,
      'renew-due': 0,
      expiring: 0,
      expired: 0,
      unknown: 0,
    };
    for (const r of rows) counts[r.state]++;
    if (query.state) rows = rows.filter(r => r.state === query.state);
    if (query.sort === 'name' && query.order === 'desc')
      rows = [...rows].reverse();
    const offset = query.offset ?? 0;
    const limit = query.limit ?? 50;
    return fleetResponse(rows.slice(offset, offset + limit), {
      totalCount: rows.length,
      offset,
      limit,
      counts,
    });
  };
}

async function renderPage(getFleet = fakeFleet(1234)) {
  const api = mockMqApi({ getFleet });
  await renderInTestApp(
    <TestApiProvider apis={[[mqCertificatesApiRef, api]]}>
      <MqCertificatesPage />
    </TestApiProvider>,
    { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
  );
  return api;
}

const bodyRows = () =>
  within(screen.getByRole('table', { name: 'Managed queue managers' }))
    .getAllByRole('row')
    .slice(1);

const lastQuery = (api: ReturnType<typeof mockMqApi>) =>
  api.getFleet.mock.calls[api.getFleet.mock.calls.length - 1][0]!;

describe('MqCertificatesPage (fleet)', () => {
  it('shows one page of a large fleet with counts per state', async () => {
    const api = await renderPage();
    await screen.findByRole('table', { name: 'Managed queue managers' });
    expect(bodyRows()).toHaveLength(25);
    expect(lastQuery(api)).toEqual({
      sort: 'daysLeft',
      order: 'asc',
      offset: 0,
      limit: 25,
    });
    expect(screen.getByRole('button', { name: 'All: 1234' })).toHaveAttribute(
      'aria-pressed',
      'true',
    );
    expect(
      screen.getByRole('button', { name: 'Expiring: 124' }),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('button', { name: 'OK: 1110' }),
    ).toBeInTheDocument();
    expect(screen.getByText('1-25 of 1234')).toBeInTheDocument();
    const first = bodyRows()[0];
    expect(within(first).getByRole('link', { name: 'qm1' })).toHaveAttribute(
      'href',
      '/catalog/default/resource/qm1',
    );
    expect(first).toHaveTextContent('QM1');
    expect(first).toHaveTextContent('Expiring');
    expect(first.querySelectorAll('time')[0]).toHaveAttribute(
      'title',
      '2027-01-17 00:00:00 UTC',
    );
  });

  it('pages on the server', async () => {
    const api = await renderPage();
    await screen.findByRole('table', { name: 'Managed queue managers' });
    await userEvent.click(screen.getByRole('button', { name: 'Next page' }));
    await waitFor(() => expect(lastQuery(api).offset).toBe(25));
    await waitFor(() =>
      expect(screen.getByText('26-50 of 1234')).toBeInTheDocument(),
    );
    expect(bodyRows()[0]).toHaveTextContent('QM26');
  });

  it('sorts by a column on the server, toggling the order', async () => {
    const api = await renderPage();
    await screen.findByRole('table', { name: 'Managed queue managers' });
    const byName = screen.getByRole('button', { name: 'Queue manager' });
    await userEvent.click(byName);
    await waitFor(() =>
      expect(lastQuery(api)).toMatchObject({ sort: 'name', order: 'asc' }),
    );
    await userEvent.click(byName);
    await waitFor(() =>
      expect(lastQuery(api)).toMatchObject({
        sort: 'name',
        order: 'desc',
        offset: 0,
      }),
    );
    await waitFor(() => expect(bodyRows()[0]).toHaveTextContent('QM1234'));
    expect(
      screen.getByRole('columnheader', { name: /Queue manager/ }),
    ).toHaveAttribute('aria-sort', 'descending');
  });

  it('filters by state from the counts and goes back to page one', async () => {
    const api = await renderPage();
    await screen.findByRole('table', { name: 'Managed queue managers' });
    await userEvent.click(screen.getByRole('button', { name: 'Next page' }));
    await waitFor(() => expect(lastQuery(api).offset).toBe(25));
    await userEvent.click(
      screen.getByRole('button', { name: 'Expiring: 124' }),
    );
    await waitFor(() =>
      expect(lastQuery(api)).toMatchObject({ state: 'expiring', offset: 0 }),
    );
    await waitFor(() =>
      expect(screen.getByText('1-25 of 124')).toBeInTheDocument(),
    );
    expect(
      screen.getByRole('button', { name: 'Expiring: 124' }),
    ).toHaveAttribute('aria-pressed', 'true');
    expect(bodyRows().every(r => r.textContent?.includes('Expiring'))).toBe(
      true,
    );
  });

  it('sends owner, text and days-left filters after the user stops typing', async () => {
    const api = await renderPage();
    await screen.findByRole('table', { name: 'Managed queue managers' });
    fireEvent.change(screen.getByLabelText('Owner'), {
      target: { value: 'group:default/mq-admins' },
    });
    fireEvent.change(screen.getByLabelText('Search'), {
      target: { value: 'qm12' },
    });
    fireEvent.change(screen.getByLabelText('At most days left'), {
      target: { value: '10' },
    });
    await waitFor(() =>
      expect(lastQuery(api)).toMatchObject({
        owner: 'group:default/mq-admins',
        q: 'qm12',
        maxDaysLeft: 10,
        offset: 0,
      }),
    );
  });

  it('filters by state from the select, by keyboard', async () => {
    const api = await renderPage();
    await screen.findByRole('table', { name: 'Managed queue managers' });
    const select = screen.getByRole('button', { name: 'State All states' });
    act(() => select.focus());
    await userEvent.keyboard('{Enter}');
    const listbox = await screen.findByRole('listbox');
    expect(
      within(listbox).getByRole('option', { name: 'All states' }),
    ).toHaveFocus();
    await userEvent.keyboard('{ArrowDown}');
    expect(
      within(listbox).getByRole('option', { name: 'Expired' }),
    ).toHaveFocus();
    await userEvent.keyboard('{Enter}');
    await waitFor(() =>
      expect(lastQuery(api)).toMatchObject({ state: 'expired' }),
    );
  });

  it('explains an unreachable backend and retries', async () => {
    let calls = 0;
    const good = fakeFleet(3);
    const api = await renderPage(async q => {
      calls++;
      if (calls === 1) throw new TypeError('Failed to fetch');
      return good(q);
    });
    expect(
      await screen.findByText(
        /could not be reached while loading the queue manager fleet/,
      ),
    ).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Retry' }));
    await waitFor(() => expect(bodyRows()).toHaveLength(3));
    expect(api.getFleet).toHaveBeenCalledTimes(2);
  });

  it('says when nothing matches and when a QM was never probed', async () => {
    await renderPage(async () =>
      fleetResponse([fleetRow(7, { state: 'unknown', served: undefined })]),
    );
    const row = (await screen.findAllByRole('row'))[1];
    expect(row).toHaveTextContent('Not probed yet');
    expect(row).toHaveTextContent('Unknown');
  });

  it('gives an annotation problem its own wrapping cell and keeps the state on one line', async () => {
    const problem =
      'annotation mqcert.io/listener: port \'notaport\' is not between 1 and 65535; for example mqcert.io/listener: "qm1.mq.example.test:1414"';
    await renderPage(async () =>
      fleetResponse([
        fleetRow(2, { state: 'renew-due', configError: problem }),
        fleetRow(1),
      ]),
    );
    await screen.findByRole('link', { name: 'qm2' });
    const rows = bodyRows();
    expect(rows).toHaveLength(3);
    // The QM cell holds only the name, not the long problem text.
    expect(
      within(rows[0]).getByRole('rowheader', { name: 'qm2 (QM2)' }),
    ).toBeInTheDocument();
    expect(rows[0]).not.toHaveTextContent('Annotation problem');
    const cell = within(rows[1]).getByRole('cell');
    expect(cell).toHaveAttribute('colspan', '8');
    expect(cell).toHaveTextContent(`Annotation problem of qm2: ${problem}`);
    expect(cell).toHaveStyle({ overflowWrap: 'anywhere' });
    const badge = rows[0].querySelector('[data-state="renew-due"]')!;
    expect(badge.closest('td')).toHaveStyle({ whiteSpace: 'nowrap' });
    expect(
      within(rows[2]).getByRole('rowheader', { name: 'qm1 (QM1)' }),
    ).toBeInTheDocument();
  });
});
