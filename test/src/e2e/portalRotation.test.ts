/*
 * Issue 9, end to end through the demo stack (dev Vault, simulated QM1/QM2,
 * the Backstage backend as its own process): the rotation template run by
 * the guest user through the scaffolder's public API, the refresh job run
 * by the backend, and what the listener serves afterwards, read with
 * openssl s_client and with the product's probe. One stack for the file;
 * the tests run in order and the last one audits everything the earlier
 * ones produced for leaked keys and passwords.
 */
import { describeWithTools } from '../support/describeWithTools';
import { describeFindings } from '../support/secretAudit';
import {
  OWNER_GROUP,
  QM1,
  QM2,
  ROTATE_TEMPLATE,
  startE2eStack,
  type E2eStack,
} from './e2eStack';
import { auditStack } from './stackAudit';

jest.setTimeout(180_000);

/** Vault's LIST of issued certificates in pki_int (serials). */
async function issuedSerials(e2e: E2eStack): Promise<string[]> {
  const res = await fetch(
    `${e2e.stack.vault.address}/v1/pki_int/certs?list=true`,
    { headers: { 'X-Vault-Token': e2e.stack.vault.rootToken } },
  );
  if (res.status === 404) return [];
  return ((await res.json()) as { data: { keys: string[] } }).data.keys;
}

describeWithTools(
  ['openssl'],
  'rotation through the portal (demo stack)',
  () => {
    let e2e: E2eStack;
    const taskIds: string[] = [];

    beforeAll(async () => {
      e2e = await startE2eStack({ testUsers: true });
    }, 240_000);

    afterAll(async () => {
      await e2e?.stop();
    }, 60_000);

    async function runTemplate(values: Record<string, string | boolean>) {
      const run = await e2e.tasks.run(ROTATE_TEMPLATE, values, 120_000);
      taskIds.push(run.taskId);
      if (run.task.status !== 'completed') {
        throw new Error(
          `task ${run.task.status}:\n${await e2e.tasks.logText(run.taskId)}`,
        );
      }
      const detail = await e2e.qm(String(values.queueManager));
      const rotation = detail.rotations.find(r => r.taskId === run.taskId);
      if (!rotation) throw new Error(`no rotation recorded for ${run.taskId}`);
      return { ...run, rotation };
    }

    it('now: the template rotates QM1 and the listener serves the new serial (openssl and the probe), verified in the API', async () => {
      const qm1 = e2e.stack.queueManagers.find(q => q.name === 'QM1')!;
      const initial = qm1.initialSerials[qm1.certificateLabel];
      expect(await e2e.opensslSerial('QM1')).toBe(initial);
      const vaultBefore = await issuedSerials(e2e);

      const { rotation, taskId } = await runTemplate({
        queueManager: QM1,
        when: 'now',
      });
      expect(rotation.serialNumber).not.toBe(initial);
      const { rotation: done, job } = await e2e.waitForRotation(
        QM1,
        rotation.id,
        ['verified', 'rolled-back', 'failed'],
      );
      expect({ state: done.state, reason: done.stateReason }).toEqual({
        state: 'verified',
        reason: undefined,
      });
      expect(job?.state).toBe('verified');

      // An independent TLS client and the product's probe agree.
      expect(await e2e.opensslSerial('QM1')).toBe(rotation.serialNumber);
      const probed = await e2e.productProbe(QM1);
      expect(probed.error).toBeUndefined();
      expect(probed.serialNumber).toBe(rotation.serialNumber);
      expect(probed.trusted).toBe(true);
      for (const channel of probed.channels) {
        expect(channel.serialNumber).toBe(rotation.serialNumber);
      }
      // The API reports what the runner verified.
      const detail = await e2e.qm(QM1);
      expect(detail.served?.serialNumber).toBe(rotation.serialNumber);
      expect(detail.rotations[0]).toMatchObject({
        id: rotation.id,
        state: 'verified',
        taskId,
        previousSslKeyRepository: qm1.sslKeyRepository,
      });
      // Exactly one new certificate in Vault, and it is the one served.
      const vaultAfter = await issuedSerials(e2e);
      expect(vaultAfter.filter(s => !vaultBefore.includes(s))).toEqual([
        rotation.serialNumber,
      ]);
    });

    it('approval: QM2 waits in awaiting-approval with the listener unchanged; an outsider and the requester are refused; another owner approves; verified', async () => {
      const qm2 = e2e.stack.queueManagers.find(q => q.name === 'QM2')!;
      const detailBefore = await e2e.qm(QM2);
      expect(detailBefore.refreshApproval).toBe('required');
      const channel = detailBefore.tlsChannels.find(c => c.certificateLabel)!;
      expect(channel).toMatchObject({
        name: 'QM1.TO.QM2',
        certificateLabel: 'qm2chl',
      });
      const servedBefore = await e2e.opensslSerial('QM2');
      const channelBefore = await e2e.opensslSerial('QM2', channel.sniHostname);
      expect(servedBefore).toBe(qm2.initialSerials.qm2cert);
      expect(channelBefore).toBe(qm2.initialSerials.qm2chl);
      const refreshesBefore =
        e2e.stack.simulator.control.state('QM2').refreshes;

      const { rotation } = await runTemplate({
        queueManager: QM2,
        when: 'now',
      });
      const waiting = await e2e.waitForRotation(QM2, rotation.id, [
        'awaiting-approval',
      ]);
      expect(waiting.job).toMatchObject({
        state: 'awaiting-approval',
        approvalRequired: true,
      });
      expect(waiting.job?.approvedBy).toBeUndefined();
      const jobId = waiting.job!.id;

      // Several runner polls later nothing has touched the queue manager.
      await new Promise(r => setTimeout(r, 6000));
      expect(e2e.stack.simulator.control.state('QM2').refreshes).toBe(
        refreshesBefore,
      );
      expect(await e2e.opensslSerial('QM2')).toBe(servedBefore);
      expect(await e2e.opensslSerial('QM2', channel.sniHostname)).toBe(
        channelBefore,
      );

      const approvePath = `/api/mq-certificates/v1/refresh-jobs/${jobId}/approve`;
      const outsider = await e2e.signInAs('user:default/outsider', [
        'user:default/outsider',
        'group:default/app-team',
      ]);
      const refused = await outsider.request('POST', approvePath, {});
      expect(refused.status).toBe(403);
      // Four eyes: the guest scheduled it, so the guest may not approve it.
      const self = await e2e.guest.request('POST', approvePath, {});
      expect(self.status).toBe(403);
      expect(self.text).toContain('someone else must approve');
      expect((await e2e.qm(QM2)).jobs.find(j => j.id === jobId)?.state).toBe(
        'awaiting-approval',
      );

      const owner2 = await e2e.signInAs('user:default/owner2', [
        'user:default/owner2',
        OWNER_GROUP,
      ]);
      const approved = await owner2.json<{ state: string; approvedBy: string }>(
        'POST',
        approvePath,
        {},
      );
      expect(approved.approvedBy).toBe('user:default/owner2');
      const done = await e2e.waitForRotation(QM2, rotation.id, [
        'verified',
        'rolled-back',
        'failed',
      ]);
      expect({
        state: done.rotation.state,
        reason: done.rotation.stateReason,
      }).toEqual({
        state: 'verified',
        reason: undefined,
      });
      const channelSerial = rotation.certificates.find(
        c => c.label === 'qm2chl',
      )?.serialNumber;
      expect(channelSerial).toBeDefined();
      expect(await e2e.opensslSerial('QM2')).toBe(rotation.serialNumber);
      expect(await e2e.opensslSerial('QM2', channel.sniHostname)).toBe(
        channelSerial,
      );
    });

    it('failure: the label is missing after the refresh → verification fails → rolled back; the old certificate is served and the API says why', async () => {
      const before = await e2e.opensslSerial('QM1');
      const sslkeyrBefore =
        e2e.stack.simulator.control.state('QM1').attributes.SSLKEYR;
      e2e.stack.simulator.control.setFaults('QM1', {
        labelMissingAfterRefresh: true,
      });
      try {
        const { rotation } = await runTemplate({
          queueManager: QM1,
          when: 'now',
        });
        const done = await e2e.waitForRotation(QM1, rotation.id, [
          'verified',
          'rolled-back',
          'failed',
        ]);
        expect(done.rotation.state).toBe('rolled-back');
        expect(done.job?.state).toBe('rolled-back');
        // The reason names what was seen and what was done.
        expect(done.rotation.stateReason).toMatch(/verification failed/i);
        expect(done.rotation.stateReason).toContain('Rolled back');
        expect(done.rotation.stateReason).toContain(before);
        expect(done.job?.lastError).toBeTruthy();
        const detail = await e2e.qm(QM1);
        expect(
          detail.events.some(
            ev => ev.rotationId === rotation.id && /roll/i.test(ev.type),
          ),
        ).toBe(true);
        // The listener serves the certificate it served before.
        expect(await e2e.opensslSerial('QM1')).toBe(before);
        expect((await e2e.productProbe(QM1)).serialNumber).toBe(before);
        expect(
          e2e.stack.simulator.control.state('QM1').attributes.SSLKEYR,
        ).toBe(sslkeyrBefore);
      } finally {
        e2e.stack.simulator.control.clearFaults('QM1');
      }
    });

    it('secret audit: no private key, key fragment or keystore password in task events, outputs, checkpoints, databases, HTTP responses, audit events or process output', async () => {
      expect(taskIds.length).toBeGreaterThanOrEqual(3);
      const audit = await auditStack(e2e, taskIds);
      expect(audit.passwords.length).toBeGreaterThanOrEqual(3);
      // QM1 twice (one label), QM2 once (two labels).
      expect(audit.keys.length).toBeGreaterThanOrEqual(4);
      // The instrument works: it sees a planted key and password.
      expect(
        audit.auditor.scan({ name: 'planted', content: audit.keys[0] }),
      ).not.toEqual([]);
      expect(
        audit.auditor.scan({
          name: 'planted',
          content: `x${audit.passwords[0]}x`,
        }),
      ).not.toEqual([]);
      // It searched what it should: both plugins' databases, the audit
      // events in the backend's output.
      const names = audit.sources.map(s => s.name).join('\n');
      expect(names).toMatch(/scaffolder.*\.sqlite:tasks/);
      expect(names).toMatch(/mq-certificates.*\.sqlite/);
      expect(
        audit.sources.find(s => s.name === 'backend output')?.content,
      ).toMatch(/refresh-job-approve|rotation-record/);
      expect(describeFindings(audit.findings)).toBe('');
    });
  },
);
