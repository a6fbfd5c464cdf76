import { EntityProvider } from '@backstage/plugin-catalog-react';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import { ResponseError } from '@backstage/errors';
import {
  TestApiProvider,
  mockApis,
  renderInTestApp,
} from '@backstage/test-utils';
import { identityApiRef } from '@backstage/core-plugin-api';
import { cleanup, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  mqCertificateReadPermission,
  mqCertificateRotatePermission,
  mqRefreshApprovePermission,
} from '@mqcert/plugin-mq-certificates-common';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import type { QueueManagerDetail } from '@mqcert/plugin-mq-certificates-common';
import { mqCertificatesApiRef } from '../../api';
import { MqCertificatesTimeZoneProvider } from '../common/DateTime';
import {
  NEW_SERIAL,
  SERVED_SERIAL,
  plainEntity,
  qmDetail,
  qmEntity,
  waitingJob,
} from '../../testing/fixtures';
import { mockMqApi, permissionApiAllowing } from '../../testing/mocks';
import { EntityMqCertificatesContent } from './EntityMqCertificatesContent';

const ALL = [
  mqCertificateReadPermission.name,
  mqCertificateRotatePermission.name,
  mqRefreshApprovePermission.name,
];

// usePermission caches answers per (permission, entity ref) across renders;
// a fresh entity per test keeps one test's permissions out of the next.
let entityCounter = 0;

async function renderContent(
  options: {
    detail?: QueueManagerDetail | (() => Promise<QueueManagerDetail>);
    allow?: string[];
    entity?: Entity;
    timeZone?: string;
    /** The signed-in user (default: the test app's). */
    user?: string;
  } = {},
) {
  entityCounter++;
  const entity = options.entity ?? {
    ...qmEntity,
    metadata: { ...qmEntity.metadata, name: `qm1-t${entityCounter}` },
  };
  const ref = stringifyEntityRef(entity);
  const detail = options.detail ?? qmDetail();
  const api = mockMqApi({
    getQueueManager:
      typeof detail === 'function'
        ? detail
        : async () => ({ ...structuredClone(detail), entityRef: ref }),
  });
  const permissions = permissionApiAllowing(options.allow ?? ALL);
  let content = <EntityMqCertificatesContent />;
  if (options.timeZone) {
    content = (
      <MqCertificatesTimeZoneProvider timeZone={options.timeZone}>
        {content}
      </MqCertificatesTimeZoneProvider>
    );
  }
  await renderInTestApp(
    <TestApiProvider
      apis={[
        [mqCertificatesApiRef, api],
        [permissionApiRef, permissions.api],
        ...(options.user
          ? [
              [
                identityApiRef,
                mockApis.identity({ userEntityRef: options.user }),
              ] as const,
            ]
          : []),
      ]}
    >
      <EntityProvider entity={entity}>{content}</EntityProvider>
    </TestApiProvider>,
  );
  return { api, permissions, ref };
}

const rowValue = (name: string) =>
  within(screen.getByRole('table', { name: 'Served certificate' }))
    .getByRole('rowheader', { name })
    .closest('tr')!
    .querySelectorAll('td')[0];

describe('EntityMqCertificatesContent', () => {
  it('shows the served certificate the backend reports', async () => {
    const { api, permissions, ref } = await renderContent();
    await screen.findByRole('table', { name: 'Served certificate' });
    expect(api.getQueueManager).toHaveBeenCalledWith(ref);
    expect(rowValue('Serial number')).toHaveTextContent(SERVED_SERIAL);
    expect(rowValue('Subject')).toHaveTextContent('CN=qm1.mq.example.test');
    expect(rowValue('Issuer')).toHaveTextContent('CN=MQ Intermediate CA');
    expect(rowValue('Subject alternative names')).toHaveTextContent(
      'qm1.mq.example.test, qm1-alt.mq.example.test',
    );
    expect(rowValue('SHA-256 fingerprint')).toHaveTextContent('9F:86:D0:81');
    expect(rowValue('Days left')).toHaveTextContent('7 days');
    expect(rowValue('Policy state')).toHaveTextContent('Renewal due');
    expect(rowValue('Maximum lifetime')).toHaveTextContent(
      'Complies: lifetime 47.0 days, maximum 47 days',
    );
    expect(rowValue('Chain')).toHaveTextContent(
      'Trusted (1 issuer certificate sent)',
    );
    // The lifetime bar reports its fill and the renew-at mark sits at 75 %.
    const bar = screen.getByRole('progressbar', {
      name: 'Certificate lifetime used',
    });
    expect(bar).toHaveAttribute('aria-valuenow', '83');
    expect(screen.getByTestId('renew-at-mark')).toHaveStyle({ left: '75%' });
    // Every permission was asked about this entity.
    expect(new Set(permissions.requests.map(r => r.resourceRef))).toEqual(
      new Set([ref]),
    );
  });

  it('gives every time in UTC on hover, independent of the runtime zone', async () => {
    await renderContent();
    await screen.findByRole('table', { name: 'Served certificate' });
    const until = rowValue('Valid until').querySelector('time')!;
    expect(until).toHaveAttribute('dateTime', '2026-12-20T10:00:30Z');
    expect(until).toHaveAttribute('title', '2026-12-20 10:00:30 UTC');
    const from = rowValue('Valid from').querySelector('time')!;
    expect(from).toHaveAttribute('title', '2026-11-03 09:59:30 UTC');
  });

  it('shows times in the chosen time zone', async () => {
    await renderContent({ timeZone: 'Asia/Tokyo' });
    await screen.findByRole('table', { name: 'Served certificate' });
    const until = rowValue('Valid until').querySelector('time')!;
    // 10:00:30 UTC is 19:00 in Tokyo (UTC+9).
    expect(until.textContent).toMatch(/19:00/);
    expect(until.textContent).toMatch(/GMT\+9/);
    expect(until).toHaveAttribute('title', '2026-12-20 10:00:30 UTC');
  });

  it('shows what each TLS channel served, including probe failures', async () => {
    await renderContent();
    const table = await screen.findByRole('table', {
      name: 'What each TLS channel served',
    });
    const app = within(table)
      .getByRole('rowheader', { name: 'APP.SVRCONN' })
      .closest('tr')!;
    expect(app).toHaveTextContent('app2e-svrconn.chl.mq.ibm.com');
    expect(app).toHaveTextContent('ibmwebspheremqqm1');
    expect(app).toHaveTextContent(SERVED_SERIAL);
    const toQm2 = within(table)
      .getByRole('rowheader', { name: 'TO.QM2' })
      .closest('tr')!;
    expect(toQm2).toHaveTextContent('qm2chl');
    expect(toQm2).toHaveTextContent(
      'Probe failed: handshake timed out after 5 s',
    );
  });

  it('flags a channel that serves another serial than the last verified rotation', async () => {
    const detail = qmDetail();
    detail.served!.channels[1] = {
      channel: 'TO.QM2',
      sniHostname: 'to2e-qm2.chl.mq.ibm.com',
      certificateLabel: 'qm2chl',
      serialNumber: '99:99',
    };
    await renderContent({ detail });
    const table = await screen.findByRole('table', {
      name: 'What each TLS channel served',
    });
    const row = within(table)
      .getByRole('rowheader', { name: 'TO.QM2' })
      .closest('tr')!;
    // The verified rotation issued 77:01 for label qm2chl.
    expect(row).toHaveTextContent('Serves 99:99, not the last verified 77:01');
  });

  it('shows the rotation in progress step by step with what to do next', async () => {
    await renderContent();
    expect(await screen.findByText('Rotation in progress')).toBeInTheDocument();
    const steps = Array.from(document.querySelectorAll('[data-step]')).map(
      el => `${el.getAttribute('data-step')}:${el.getAttribute('data-status')}`,
    );
    expect(steps).toEqual([
      'Issued:done',
      'Staged:done',
      'Awaiting approval:active',
      'Scheduled:pending',
      'Refreshing:pending',
      'Verified:pending',
    ]);
    expect(
      screen.getByText(/The refresh waits for someone allowed to approve it/),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/What to do: Approve the refresh job below/),
    ).toBeInTheDocument();
    expect(screen.getAllByText(NEW_SERIAL).length).toBeGreaterThan(0);
  });

  it('fits the rotation card when narrow: one wrapping serial line, a vertical stepper', async () => {
    await renderContent();
    await screen.findByText('Rotation in progress');
    const line = document.querySelector('[data-rotation-serial]')!;
    // One element in InfoCard's flex subheader, so "Serial" keeps its space
    // and the line wraps.
    expect(line.parentElement!.children).toHaveLength(1);
    expect(line.textContent).toMatch(
      new RegExp(`^Serial ${NEW_SERIAL}, started .+ by user:default/bob$`),
    );
    const serial = within(line as HTMLElement).getByText(NEW_SERIAL);
    expect(serial.tagName).toBe('CODE');
    expect(serial).toHaveStyle({ wordBreak: 'break-all' });
    // Not measured (no ResizeObserver here): vertical, so no step falls off.
    const stepper = screen.getByLabelText('Rotation steps');
    expect(stepper).toHaveAttribute('data-orientation', 'vertical');
    expect(stepper).toHaveClass('MuiStepper-vertical');
  });

  it('lays the stepper out horizontally once the card is wide enough', async () => {
    const original = (globalThis as any).ResizeObserver;
    (globalThis as any).ResizeObserver = class {
      constructor(private readonly callback: ResizeObserverCallback) {}
      observe() {
        this.callback(
          [{ contentRect: { width: 900 } } as ResizeObserverEntry],
          this as unknown as ResizeObserver,
        );
      }
      disconnect() {}
    };
    try {
      await renderContent();
      await screen.findByText('Rotation in progress');
      await waitFor(() =>
        expect(screen.getByLabelText('Rotation steps')).toHaveAttribute(
          'data-orientation',
          'horizontal',
        ),
      );
    } finally {
      (globalThis as any).ResizeObserver = original;
    }
  });

  it('explains a rollback in plain words with the next step', async () => {
    const detail = qmDetail();
    const rotation = detail.rotations[1];
    rotation.state = 'rolled-back';
    rotation.stateReason =
      'The listener still served serial 3f:a1:07:c2 after REFRESH SECURITY, so QM1 was switched back to qm1/ssl/key.r1.';
    detail.jobs[1] = {
      ...waitingJob,
      state: 'rolled-back',
      approvedAt: '2026-12-12T10:00:00Z',
      startedAt: '2026-12-12T10:00:01Z',
    };
    await renderContent({ detail });
    expect(await screen.findByText('Latest rotation')).toBeInTheDocument();
    const alert = screen
      .getAllByRole('alert')
      .find(a => a.textContent?.includes('Rolled back'))!;
    expect(alert).toHaveTextContent(
      'Reason: The listener still served serial 3f:a1:07:c2',
    );
    expect(alert).toHaveTextContent(
      'What to do: The queue manager serves the previous certificate again.',
    );
    expect(document.querySelector('[data-status="failed"]')).toHaveTextContent(
      'Verified',
    );
    expect(
      screen.queryByRole('table', { name: 'Scheduled refreshes' }),
    ).not.toBeInTheDocument();
  });

  it('lists scheduled jobs with their exact run time', async () => {
    await renderContent();
    const table = await screen.findByRole('table', {
      name: 'Scheduled refreshes',
    });
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows).toHaveLength(1);
    const runAt = rows[0].querySelector('time')!;
    expect(runAt).toHaveAttribute('title', '2030-01-06 02:00:00 UTC');
    expect(rows[0]).toHaveTextContent('Awaiting approval');
    expect(rows[0]).toHaveTextContent('Required, not yet given');
  });

  it('approves a job only after the user confirms the restart warning', async () => {
    const { api } = await renderContent();
    const approve = await screen.findByRole('button', {
      name: 'Approve the refresh at 2030-01-06T02:00:00.000Z',
    });
    await userEvent.click(approve);
    const dialog = await screen.findByRole('dialog', {
      name: 'Approve the refresh of QM1?',
    });
    expect(dialog).toHaveTextContent(
      'restarts every TLS channel of QM1 (APP.SVRCONN, TO.QM2)',
    );
    expect(dialog).toHaveTextContent(NEW_SERIAL);
    expect(api.approveRefreshJob).not.toHaveBeenCalled();
    const loadsBefore = api.getQueueManager.mock.calls.length;
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Approve' }),
    );
    await waitFor(() =>
      expect(api.approveRefreshJob).toHaveBeenCalledWith('job-2'),
    );
    // The dialog closes and the tab reloads to show the new state.
    await waitFor(() =>
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
    );
    await waitFor(() =>
      expect(api.getQueueManager.mock.calls.length).toBeGreaterThan(
        loadsBefore,
      ),
    );
  });

  it('disables Approve for the user who scheduled the job (four-eyes rule), unless self-approval is allowed', async () => {
    await renderContent({ user: 'user:default/bob' });
    const approve = await screen.findByRole('button', {
      name: 'Approve the refresh at 2030-01-06T02:00:00.000Z',
    });
    await waitFor(() => expect(approve).toBeDisabled());
    expect(approve).toHaveAccessibleDescription(
      /You scheduled the refresh waiting for approval, so someone else .* must approve it/,
    );
    cleanup();

    await renderContent({
      user: 'user:default/bob',
      detail: { ...qmDetail(), selfApprovalAllowed: true },
    });
    expect(
      await screen.findByRole('button', {
        name: 'Approve the refresh at 2030-01-06T02:00:00.000Z',
      }),
    ).toBeEnabled();
    cleanup();

    // Another owner may approve.
    await renderContent({ user: 'user:default/carol' });
    expect(
      await screen.findByRole('button', {
        name: 'Approve the refresh at 2030-01-06T02:00:00.000Z',
      }),
    ).toBeEnabled();
  });

  it('does nothing when the user backs out of the dialog', async () => {
    const { api } = await renderContent();
    await userEvent.click(
      await screen.findByRole('button', { name: /^Cancel the refresh at/ }),
    );
    const dialog = await screen.findByRole('dialog', {
      name: 'Cancel the refresh of QM1?',
    });
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Keep as is' }),
    );
    await waitFor(() =>
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
    );
    expect(api.cancelRefreshJob).not.toHaveBeenCalled();
  });

  it('runs a scheduled job now after confirmation, and shows a failure inside the dialog', async () => {
    const detail = qmDetail();
    detail.jobs[1] = {
      ...waitingJob,
      state: 'scheduled',
      approvalRequired: false,
    };
    detail.rotations[1].state = 'scheduled';
    const { api } = await renderContent({ detail });
    api.runRefreshJobNow.mockRejectedValueOnce(
      new Error('job-2 is already running'),
    );
    await userEvent.click(
      await screen.findByRole('button', { name: /^Run now the refresh at/ }),
    );
    const dialog = await screen.findByRole('dialog', {
      name: 'Refresh QM1 now?',
    });
    expect(dialog).toHaveTextContent('connected clients are disconnected');
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Run now' }),
    );
    expect(await within(dialog).findByRole('alert')).toHaveTextContent(
      'Run now failed: job-2 is already running',
    );
    expect(api.runRefreshJobNow).toHaveBeenCalledWith('job-2');
  });

  it('works from the keyboard: tab to Approve, Enter, confirm with Enter', async () => {
    const { api } = await renderContent();
    const approve = await screen.findByRole('button', {
      name: /^Approve the refresh/,
    });
    for (let i = 0; i < 40 && document.activeElement !== approve; i++) {
      await userEvent.tab();
    }
    expect(approve).toHaveFocus();
    await userEvent.keyboard('{Enter}');
    const dialog = await screen.findByRole('dialog');
    const confirm = within(dialog).getByRole('button', { name: 'Approve' });
    for (let i = 0; i < 5 && document.activeElement !== confirm; i++) {
      await userEvent.tab();
    }
    expect(confirm).toHaveFocus();
    await userEvent.keyboard('{Enter}');
    await waitFor(() =>
      expect(api.approveRefreshJob).toHaveBeenCalledWith('job-2'),
    );
  });

  it('disables actions with an explanation when the user lacks the permissions', async () => {
    await renderContent({ allow: [mqCertificateReadPermission.name] });
    const approve = await screen.findByRole('button', {
      name: /^Approve the refresh/,
    });
    expect(approve).toBeDisabled();
    expect(
      screen.getByRole('button', { name: /^Cancel the refresh/ }),
    ).toBeDisabled();
    expect(approve).toHaveAccessibleDescription(
      /needs the mq-certificates.refresh.approve permission/,
    );
    expect(
      screen.getByText(
        /Rotating needs the mq-certificates.certificate.rotate permission/,
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('button', { name: 'Rotate certificate' }),
    ).toBeDisabled();
    expect(
      screen.queryByRole('button', { name: 'Probe now' }),
    ).not.toBeInTheDocument();
  });

  it('lets a rotator who may not approve cancel but not approve', async () => {
    await renderContent({
      allow: [
        mqCertificateReadPermission.name,
        mqCertificateRotatePermission.name,
      ],
    });
    expect(
      await screen.findByRole('button', { name: /^Approve the refresh/ }),
    ).toBeDisabled();
    expect(
      screen.getByRole('button', { name: /^Cancel the refresh/ }),
    ).toBeEnabled();
    expect(
      screen.getByRole('button', { name: 'Rotate certificate' }),
    ).toHaveAttribute('href', expect.stringContaining('rotate-mq-certificate'));
  });

  it('links "Rotate certificate" to the template with the entity filled in', async () => {
    await renderContent({ entity: qmEntity });
    // A link styled as a button (MUI gives it the button role).
    const link = await screen.findByRole('button', {
      name: 'Rotate certificate',
    });
    expect(link).toHaveAttribute(
      'href',
      `/create/templates/default/rotate-mq-certificate?formData=${encodeURIComponent(
        '{"queueManager":"resource:default/qm1"}',
      )}`,
    );
  });

  it('says the user may not see anything without the read permission, and does not call the backend', async () => {
    const { api } = await renderContent({ allow: [] });
    expect(
      await screen.findByText(
        /not allowed to see this queue manager's certificates/,
      ),
    ).toBeInTheDocument();
    expect(api.getQueueManager).not.toHaveBeenCalled();
  });

  it('lists the history of rotations and refreshes with who, when and serials', async () => {
    await renderContent();
    const rotations = await screen.findByRole('table', { name: 'Rotations' });
    const rows = within(rotations).getAllByRole('row').slice(1);
    expect(rows[0]).toHaveTextContent('user:default/bob');
    // The rotation in progress replaces the serial the listener serves now.
    expect(rows[0]).toHaveTextContent(`${SERVED_SERIAL} → ${NEW_SERIAL}`);
    expect(rows[1]).toHaveTextContent('user:default/alice');
    expect(rows[1]).toHaveTextContent(SERVED_SERIAL);
    expect(rows[1]).not.toHaveTextContent('→');
    expect(rows[1]).toHaveTextContent('approved by user:default/carol');
    expect(rows[1].querySelector('time')).toHaveAttribute(
      'title',
      '2026-11-03 10:00:00 UTC',
    );
    const activity = screen.getByRole('table', { name: 'Activity' });
    const verified = within(activity)
      .getByText(/Refresh verified/)
      .closest('tr')!;
    // The event names only its job; the serial comes from the job's rotation.
    expect(verified).toHaveTextContent(SERVED_SERIAL);
  });

  it('shows which serial each rotation replaced, old → new', async () => {
    const detail = qmDetail();
    const [first, second] = [...detail.rotations].sort((a, b) =>
      a.createdAt.localeCompare(b.createdAt),
    );
    first.supersededSerialNumber = '0e:77';
    // Finished: the listener's serial says nothing about what it replaced, so
    // it is the previous verified rotation's serial.
    second.state = 'verified';
    detail.served!.serialNumber = NEW_SERIAL;
    await renderContent({ detail });
    const rotations = await screen.findByRole('table', { name: 'Rotations' });
    expect(
      within(rotations).getByRole('columnheader', { name: /Serial/ }),
    ).toHaveTextContent('Serial (old → new)');
    const rows = within(rotations).getAllByRole('row').slice(1);
    expect(rows[0]).toHaveTextContent(`${SERVED_SERIAL} → ${NEW_SERIAL}`);
    expect(rows[1]).toHaveTextContent(`0e:77 → ${SERVED_SERIAL}`);
  });

  it('shows the missing-annotation state for an entity that is not a queue manager', async () => {
    const { api } = await renderContent({ entity: plainEntity });
    expect(await screen.findByText(/Missing Annotation/i)).toBeInTheDocument();
    expect(
      screen.getByText('mqcert.io/queue-manager', { selector: 'code' }),
    ).toBeInTheDocument();
    expect(api.getQueueManager).not.toHaveBeenCalled();
  });

  it('explains a never-probed queue manager and probes on request', async () => {
    const { api, ref } = await renderContent({
      detail: qmDetail({ served: undefined, policy: undefined }),
    });
    expect(
      await screen.findByRole('heading', { name: 'Not probed yet' }),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/has not been probed, so nobody knows/),
    ).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Probe now' }));
    await waitFor(() =>
      expect(api.probeQueueManager).toHaveBeenCalledWith(ref),
    );
    await waitFor(() => expect(api.getQueueManager).toHaveBeenCalledTimes(2));
  });

  it('says when the last probe failed', async () => {
    const detail = qmDetail();
    detail.served!.error = 'connect ECONNREFUSED 127.0.0.1:1414';
    await renderContent({ detail });
    expect(
      await screen.findByText(
        /The last probe of qm1.mq.example.test:1414 failed: connect ECONNREFUSED/,
      ),
    ).toBeInTheDocument();
  });

  it('explains an unreachable backend and retries', async () => {
    let calls = 0;
    const { api } = await renderContent({
      detail: async () => {
        calls++;
        if (calls === 1) throw new TypeError('Failed to fetch');
        return qmDetail();
      },
    });
    const alert = await screen.findByText(
      /The MQ certificates backend could not be reached/,
    );
    expect(alert.closest('[data-error-kind]')).toHaveTextContent(
      'Details: Failed to fetch',
    );
    await userEvent.click(screen.getByRole('button', { name: 'Retry' }));
    expect(
      await screen.findByRole('table', { name: 'Served certificate' }),
    ).toBeInTheDocument();
    expect(api.getQueueManager).toHaveBeenCalledTimes(2);
  });

  it('passes on what the backend said when it refuses', async () => {
    const response = new Response(
      JSON.stringify({
        error: {
          name: 'NotFoundError',
          message: 'No queue manager resource:default/qm1',
        },
        request: {
          method: 'GET',
          url: '/v1/queue-managers/resource/default/qm1',
        },
        response: { statusCode: 404 },
      }),
      { status: 404, headers: { 'Content-Type': 'application/json' } },
    );
    const error = await ResponseError.fromResponse(response);
    await renderContent({ detail: async () => Promise.reject(error) });
    expect(
      await screen.findByText(
        /does not know the certificates of resource:default\/qm1-t\d+/,
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByText('Details: No queue manager resource:default/qm1'),
    ).toBeInTheDocument();
  });

  it('says which annotation is invalid and how to fix it when the backend refuses it', async () => {
    const message =
      'resource:default/qm2 has invalid annotations: annotation mqcert.io/listener: port \'notaport\' is not between 1 and 65535; for example mqcert.io/listener: "qm1.mq.example.test:1414"';
    const error = await ResponseError.fromResponse(
      new Response(
        JSON.stringify({
          error: { name: 'InputError', message },
          request: { method: 'GET', url: '/v1/queue-managers/x' },
          response: { statusCode: 400 },
        }),
        { status: 400, headers: { 'Content-Type': 'application/json' } },
      ),
    );
    await renderContent({ detail: async () => Promise.reject(error) });
    expect(
      await screen.findByText(
        /^The annotation mqcert.io\/listener is invalid, so the MQ certificates backend refused/,
      ),
    ).toBeInTheDocument();
    const fix = document.querySelector(
      '[data-annotation="mqcert.io/listener"]',
    )!;
    expect(fix).toHaveTextContent(
      "Annotation mqcert.io/listener: port 'notaport' is not between 1 and 65535",
    );
    expect(
      within(fix as HTMLElement).getByText(/^metadata:/, { selector: 'code' }),
    ).toHaveTextContent(
      'metadata: annotations: mqcert.io/listener: "qm1.mq.example.test:1414"',
    );
    expect(
      screen.getByText(
        /^Fix mqcert.io\/listener in the entity's catalog-info.yaml/,
      ),
    ).toBeInTheDocument();
    expect(screen.getByText(`Details: ${message}`)).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Retry' })).toBeInTheDocument();
  });
});
