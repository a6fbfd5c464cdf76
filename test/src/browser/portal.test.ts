/*
 * Issue 8, in a real browser: the demo portal (stack + frontend on free
 * ports) driven by Debian's Chromium as the guest user. What the pages show
 * is checked against the backend's REST API; every control on them must
 * have an accessible name; the approval works from the keyboard alone. The
 * tests run in order on one stack and one signed-in page, and save the
 * screenshots the README shows (docs/screenshots).
 */
import type { Browser, Page } from 'playwright-core';
import type { FleetResponse } from '@mqcert/plugin-mq-certificates-common';
import { describeWithTools } from '../support/describeWithTools';
import { ScaffolderTaskClient } from '../support/scaffolderTasks';
import {
  OWNER_GROUP,
  QM1,
  QM2,
  ROTATE_TEMPLATE,
  startE2eStack,
  type E2eStack,
} from '../e2e/e2eStack';
import {
  launchChromium,
  screenshot,
  signInAsGuest,
  tabTo,
  unnamedControls,
} from './browser';

jest.setTimeout(120_000);

const API = '/api/mq-certificates/v1';
const tabPath = (name: string) =>
  `/catalog/default/resource/${name}/mq-certificates`;

describeWithTools(['chromium'], 'the portal in Chromium (demo stack)', () => {
  let e2e: E2eStack;
  let browser: Browser;
  let page: Page;
  let portal: string;

  beforeAll(async () => {
    [e2e, browser] = await Promise.all([
      startE2eStack({ testUsers: true, frontend: true }),
      launchChromium(),
    ]);
    portal = e2e.stack.urls.frontend;
    // The sweep is off in the e2e runner settings; probe both queue
    // managers once so the pages have a served certificate to show.
    for (const name of ['qm1', 'qm2']) {
      await e2e.guest.json(
        'POST',
        `${API}/queue-managers/resource/default/${name}/probe`,
        {},
      );
    }
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    // A failing page should say why in the test output.
    page.on('pageerror', e => {
      // eslint-disable-next-line no-console
      console.error(`page error: ${e.message}`);
    });
    await signInAsGuest(page, portal);
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await e2e?.stop();
  }, 60_000);

  async function expectAllControlsNamed() {
    expect(await unnamedControls(page)).toEqual([]);
  }

  it("QM1's Certificates tab shows the serial the API reports as served", async () => {
    const detail = await e2e.qm(QM1);
    expect(detail.served?.serialNumber).toMatch(/^[0-9a-f]{2}(:[0-9a-f]{2})+$/);

    await page.goto(`${portal}${tabPath('qm1')}`);
    const served = page.getByRole('table', { name: 'Served certificate' });
    const serialRow = served.getByRole('row', { name: /^Serial number/ });
    await expect(serialRow.getByRole('cell').innerText()).resolves.toBe(
      detail.served!.serialNumber,
    );
    await expect(
      page.getByRole('heading', { name: 'Queue manager QM1' }).isVisible(),
    ).resolves.toBe(true);
    // "Rotate certificate" opens the template with QM1 filled in.
    const rotate = page.getByRole('button', { name: 'Rotate certificate' });
    const href = await rotate.getAttribute('href');
    expect(href).toBe(
      `/create/templates/default/rotate-mq-certificate?formData=${encodeURIComponent(
        JSON.stringify({ queueManager: QM1 }),
      )}`,
    );
    await screenshot(page, 'entity-tab', { fullPage: true });
    await expectAllControlsNamed();

    // The check itself: an icon button without a label is found.
    await page.evaluate(() => {
      const b = document.createElement('button');
      b.id = 'unnamed-probe';
      b.innerHTML = '<svg width="8" height="8"></svg>';
      document.body.appendChild(b);
    });
    await expect(unnamedControls(page)).resolves.toEqual([
      expect.stringContaining('id="unnamed-probe"'),
    ]);
    await page.evaluate(() =>
      document.getElementById('unnamed-probe')?.remove(),
    );
  });

  it('the overview card of QM1 shows its state badge and days left as the API computes them', async () => {
    const detail = await e2e.qm(QM1);
    const policy = detail.policy!;
    expect(policy.state).toBe('renew-due');

    await page.goto(`${portal}/catalog/default/resource/qm1`);
    const summary = page.getByRole('table', { name: 'Certificate summary' });
    await expect(
      summary
        .getByRole('row', { name: /^State/ })
        .getByRole('cell')
        .innerText(),
    ).resolves.toContain('Renewal due');
    await expect(
      summary
        .getByRole('row', { name: /^Days left/ })
        .getByRole('cell')
        .innerText(),
    ).resolves.toBe(String(policy.daysLeft));
    await expect(
      page.getByText('MQ certificate · QM1').isVisible(),
    ).resolves.toBe(true);
    await screenshot(page, 'entity-card');
    await expectAllControlsNamed();
  });

  it('approval: another owner requests a refresh of QM2, the guest approves it with the keyboard alone, and the page shows it verified', async () => {
    // Requested by owner2 through the API: the four-eyes rule refuses the
    // requester's own approval, so the guest may approve this one.
    const owner2 = await e2e.signInAs('user:default/owner2', [
      'user:default/owner2',
      OWNER_GROUP,
    ]);
    const run = await new ScaffolderTaskClient(owner2).run(
      ROTATE_TEMPLATE,
      { queueManager: QM2, when: 'now' },
      90_000,
    );
    expect(run.task.status).toBe('completed');
    const rotation = (await e2e.qm(QM2)).rotations.find(
      r => r.taskId === run.taskId,
    )!;
    const { job } = await e2e.waitForRotation(QM2, rotation.id, [
      'awaiting-approval',
    ]);
    expect(job).toMatchObject({
      state: 'awaiting-approval',
      createdBy: 'user:default/owner2',
    });

    await page.goto(`${portal}${tabPath('qm2')}`);
    const approveLabel = `Approve the refresh at ${new Date(
      job!.runAt,
    ).toISOString()}`;
    const approve = page.getByRole('button', { name: approveLabel });
    await approve.waitFor();
    await expectAllControlsNamed();

    // At 1400 px the rotation card holds its serial and all six steps, and
    // the scheduled step has no time while the job awaits approval.
    await page.setViewportSize({ width: 1400, height: 900 });
    await page.waitForFunction(() => {
      const stepper = document.querySelector('[aria-label="Rotation steps"]');
      return stepper?.getAttribute('data-orientation') === 'vertical';
    });
    const overflow = await page.evaluate(() => {
      const stepper = document.querySelector('[aria-label="Rotation steps"]')!;
      const card = stepper.closest('.MuiCard-root')!.getBoundingClientRect();
      const outside = (el: Element) => {
        const r = el.getBoundingClientRect();
        return r.left < card.left - 0.5 || r.right > card.right + 0.5;
      };
      const serial = document.querySelector('[data-rotation-serial]')!;
      return {
        serialLine: serial.textContent,
        clipped: [
          ...Array.from(document.querySelectorAll('[data-step]')),
          serial,
        ]
          .filter(outside)
          .map(el => el.getAttribute('data-step') ?? 'serial'),
        scheduledTime: !!document.querySelector('[data-step="Scheduled"] time'),
      };
    });
    expect(overflow.serialLine).toMatch(
      new RegExp(`^Serial ${rotation.serialNumber}, started `),
    );
    expect(overflow.clipped).toEqual([]);
    expect(overflow.scheduledTime).toBe(false);
    await screenshot(page, 'rotation-1400', { fullPage: true, docs: false });
    await page.setViewportSize({ width: 1280, height: 900 });

    // From the top of the page, by keyboard only.
    await page.evaluate(() => (document.activeElement as HTMLElement)?.blur());
    await tabTo(page, 'the Approve button', el => el.label === approveLabel);
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', {
      name: 'Approve the refresh of QM2?',
    });
    await dialog.waitFor();
    // The dialog fades in; picture it once the fade has ended.
    await page.waitForFunction(() => {
      const faded = (el: Element | null): boolean =>
        !!el &&
        (getComputedStyle(el).opacity !== '1' || faded(el.parentElement));
      const backdrop = document.querySelector('.MuiBackdrop-root');
      return (
        !faded(document.querySelector('[role="dialog"]')) && !faded(backdrop)
      );
    });
    await expect(dialog.innerText()).resolves.toContain(rotation.serialNumber);
    await screenshot(page, 'approval');
    await expectAllControlsNamed();
    await tabTo(
      page,
      "the dialog's Approve button",
      el => el.inDialog && el.text.toLowerCase() === 'approve',
      10,
    );
    await page.keyboard.press('Enter');
    await dialog.waitFor({ state: 'hidden' });

    // The tab reloads itself while the refresh runs.
    await page
      .getByRole('status')
      .filter({ hasText: /^Verified:/ })
      .waitFor({ timeout: 90_000 });
    const done = await e2e.waitForRotation(QM2, rotation.id, ['verified']);
    expect(done.job).toMatchObject({
      state: 'verified',
      approvedBy: 'user:development/guest',
    });
    await expect(
      page
        .getByRole('table', { name: 'Served certificate' })
        .getByRole('row', { name: /^Serial number/ })
        .getByRole('cell')
        .innerText(),
    ).resolves.toBe((await e2e.qm(QM2)).served?.serialNumber);
  });

  it('the fleet page lists both queue managers with the counts per state the API reports', async () => {
    const fleet = await e2e.guest.json<FleetResponse>(
      'GET',
      `${API}/queue-managers`,
    );
    expect(fleet.items.map(i => i.entityRef).sort()).toEqual([QM1, QM2]);

    await page.goto(`${portal}/mq-certificates`);
    const counts = page.getByRole('group', {
      name: 'Queue managers per certificate state',
    });
    await counts.getByRole('button', { name: 'All: 2' }).waitFor();
    const labels: Record<string, string> = {
      expired: 'Expired',
      expiring: 'Expiring',
      'renew-due': 'Renewal due',
      unknown: 'Unknown',
      ok: 'OK',
    };
    for (const [state, label] of Object.entries(labels)) {
      const count = fleet.counts[state as keyof FleetResponse['counts']] ?? 0;
      await expect(
        counts
          .getByRole('button', { name: `${label}: ${count}`, exact: true })
          .count(),
      ).resolves.toBe(1);
    }
    // After the approval QM2 serves a fresh certificate, QM1 is still due.
    expect(fleet.counts['renew-due']).toBe(1);
    expect(fleet.counts.ok).toBe(1);
    for (const qm of ['QM1', 'QM2']) {
      await expect(
        page.getByRole('link', { name: qm, exact: true }).count(),
      ).resolves.toBe(1);
    }
    await screenshot(page, 'fleet');
    await expectAllControlsNamed();
  });
});
