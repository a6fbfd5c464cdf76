/*
 * Issue 9, end to end through the demo stack (dev Vault, simulated QM1/QM2,
 * the Backstage backend as its own process): the rotation template run by
 * the guest user through the scaffolder's public API, the refresh job run
 * by the backend, and what the listener serves afterwards, read with
 * openssl s_client and with the product's probe. One stack for the file;
 * the tests run in order and the last one audits everything the earlier
 * ones produced for leaked keys and passwords.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describeWithTools } from '../support/describeWithTools';
import { privateKeysFromPkcs12, readKvSecrets } from '../support/issuedSecrets';
import {
  describeFindings,
  filesAsSources,
  SecretAuditor,
  type AuditSource,
} from '../support/secretAudit';
import type { ScaffolderTaskEvent } from '../support/scaffolderTasks';
import {
  OWNER_GROUP,
  QM1,
  QM2,
  ROTATE_TEMPLATE,
  startE2eStack,
  type E2eStack,
} from './e2eStack';

jest.setTimeout(180_000);

/** The part of better-sqlite3 used here (the package ships no types). */
interface SqliteDatabase {
  prepare(sql: string): { all(): unknown[] };
  close(): void;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const Database: new (
  file: string,
  options: { readonly: boolean; fileMustExist: boolean },
) => SqliteDatabase = require('better-sqlite3');

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
      const { stack } = e2e;
      // The secrets, from where they legitimately live: passwords in Vault
      // KV, keys in the staged PKCS#12 revisions opened with them.
      const kv = await readKvSecrets({
        address: stack.vault.address,
        token: stack.vault.rootToken,
        prefix: 'mq/keystores',
      });
      const passwords = kv.map(v => v.value);
      expect(passwords.length).toBeGreaterThanOrEqual(3);
      const keys: string[] = [];
      for (const qm of stack.queueManagers) {
        for (const f of filesAsSources(qm.targetRoot)) {
          if (!f.name.endsWith('.p12')) continue;
          const opened = privateKeysFromPkcs12(
            path.join(qm.targetRoot, f.name.slice(qm.targetRoot.length + 1)),
            passwords,
          );
          for (const k of opened ?? []) keys.push(k.pem);
        }
      }
      // QM1 twice (one label), QM2 once (two labels).
      expect(keys.length).toBeGreaterThanOrEqual(4);
      const auditor = new SecretAuditor({ privateKeysPem: keys, passwords });
      // The instrument works: it sees a planted key and password.
      expect(auditor.scan({ name: 'planted', content: keys[0] })).not.toEqual(
        [],
      );
      expect(
        auditor.scan({ name: 'planted', content: `x${passwords[0]}x` }),
      ).not.toEqual([]);

      const sources: AuditSource[] = [];
      for (const id of taskIds) {
        const events: ScaffolderTaskEvent[] = await e2e.tasks.events(id);
        const task = await e2e.tasks.get(id);
        sources.push({
          name: `task ${id} events`,
          content: JSON.stringify(events),
        });
        sources.push({ name: `task ${id}`, content: JSON.stringify(task) });
      }
      sources.push({
        name: 'HTTP responses',
        content: e2e.responses.map(r => r.body).join('\n'),
      });
      // Database files (raw bytes, WAL included) and every row, decoded.
      const dbDir = path.join(stack.dataDir, 'db');
      const dbFiles = filesAsSources(dbDir, 'db');
      expect(dbFiles.some(f => /scaffolder/.test(f.name))).toBe(true);
      expect(dbFiles.some(f => /mq-certificates/.test(f.name))).toBe(true);
      sources.push(...dbFiles);
      for (const file of fs.readdirSync(dbDir)) {
        if (!/\.sqlite$/.test(file)) continue;
        const db = new Database(path.join(dbDir, file), {
          readonly: true,
          fileMustExist: true,
        });
        try {
          const tables = db
            .prepare("SELECT name FROM sqlite_master WHERE type = 'table'")
            .all() as { name: string }[];
          for (const { name } of tables) {
            const rows = db.prepare(`SELECT * FROM "${name}"`).all();
            sources.push({
              name: `${file}:${name}`,
              content: JSON.stringify(rows, (_k, v) =>
                Buffer.isBuffer(v) ? v.toString('base64') : v,
              ),
            });
          }
        } finally {
          db.close();
        }
      }
      // The backend's whole output: logs, task logs and its audit events.
      const backendLog = stack.backend.output();
      expect(backendLog).toMatch(/refresh-job-approve|rotation-record/);
      sources.push({ name: 'backend output', content: backendLog });
      // Nothing left behind in the actions' private folder.
      sources.push(
        ...filesAsSources(path.join(stack.dataDir, 'private'), 'private'),
      );

      const findings = auditor.scanAll(sources);
      expect(describeFindings(findings)).toBe('');
    });
  },
);
