import fs from 'node:fs';
import path from 'node:path';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  assertNoSecrets,
  createTestSetup,
  qmEntity,
  TestSetup,
} from '../__testUtils__/fakes';
import {
  createMqCertificateIssueAction,
  runIssueStep,
} from './certificateIssue';
import { runBuildStep } from './keystoreBuild';
import { runDeployStep } from './keystoreDeploy';
import { runScheduleStep } from './refreshSchedule';

const QM1 = 'resource:default/qm1';

describe('mq:certificate:issue', () => {
  let t: TestSetup;
  beforeEach(() => {
    t = createTestSetup();
  });
  afterEach(() => t.cleanup());

  it('issues one certificate per label, keeps the keys in the private folder and outputs no key material', async () => {
    const action = createMqCertificateIssueAction(t.env);
    const ctx = {
      ...createMockActionContext({
        input: { entityRef: 'resource:default/qm2', ttl: '240h' },
        workspacePath: t.workspacePath,
        logger: t.logger,
      }),
      // The mock ignores a given checkpoint; keep the values to audit them.
      checkpoint: t.checkpoints.checkpoint as any,
    };
    await action.handler(ctx as any);
    const outputs = Object.fromEntries(
      (ctx.output as jest.Mock).mock.calls.map(([k, v]) => [k, v]),
    );
    expect(t.vault.issueCount).toBe(2);
    expect(outputs.certificates.map((c: any) => c.label)).toEqual([
      'ibmwebspheremqqm2',
      'qm2chl',
    ]);
    expect(outputs.serialNumber).toBe(outputs.certificates[0].serialNumber);
    expect(outputs.subject).toBe('CN=qm2.mq.example.test');
    expect(outputs.subjectAltNames).toContain('DNS:qm2.mq.example.test');
    expect(outputs.warnings).toEqual(['TTL "240h" noted']);
    expect(outputs.pkiRole).toBe('pki_int/mq-queue-managers');
    expect(outputs.notAfter).toMatch(/^\d{4}-\d\d-\d\dT/);

    const dir = t.env.privateFolders.pathFor(
      ctx.task.id,
      'resource:default/qm2',
    );
    expect(dir.startsWith(t.privateDirectory)).toBe(true);
    expect(fs.statSync(dir).mode & 0o777).toBe(0o700);
    expect(fs.readFileSync(path.join(dir, '0.key.pem'), 'utf8')).toBe(
      `${t.vault.issuedKeys[0].trim()}\n`,
    );
    // Nothing in the workspace.
    expect(fs.readdirSync(t.workspacePath)).toEqual([]);
    assertNoSecrets(
      [
        ...t.logger.lines,
        JSON.stringify(outputs),
        JSON.stringify([...t.checkpoints.store.values()]),
      ],
      { keys: t.vault.issuedKeys, passwords: [] },
    );
  });

  it('issues nothing more when a task resumes after the issue checkpoint', async () => {
    const step = t.step();
    const first = await runIssueStep(t.env, step, {
      entityRef: 'resource:default/qm1',
    });
    const again = await runIssueStep(t.env, step, {
      entityRef: 'resource:default/qm1',
    });
    expect(t.vault.issueCount).toBe(1);
    expect(again.serialNumber).toBe(first.serialNumber);
  });

  it('fails cleanly, without re-issuing, when a resumed task no longer finds its private folder', async () => {
    const step = t.step();
    await runIssueStep(t.env, step, { entityRef: 'resource:default/qm1' });
    // The task resumes on another machine: the folder is not there.
    await t.env.privateFolders.remove(step.taskId, 'resource:default/qm1');
    await runIssueStep(t.env, step, { entityRef: 'resource:default/qm1' });
    await expect(
      runBuildStep(t.env, step, { entityRef: 'resource:default/qm1' }),
    ).rejects.toThrow(
      /are no longer in the private folder .*Nothing was staged from them: run the rotation again/,
    );
    expect(t.vault.issueCount).toBe(1);
    expect(t.vault.writeCount).toBe(1); // the issue; no password was stored
  });

  it('refuses a user without the rotate permission before any Vault call', async () => {
    const denied = createTestSetup({ permission: AuthorizeResult.DENY });
    try {
      await expect(
        runIssueStep(denied.env, denied.step(), {
          entityRef: 'resource:default/qm1',
        }),
      ).rejects.toThrow(
        /^You may not rotate the certificate of resource:default\/qm1: the permission mq-certificates\.certificate\.rotate was denied/,
      );
      expect(denied.vault.requests).toEqual([]);
    } finally {
      denied.cleanup();
    }
  });

  it('names the field, the role and its allowed domains when the Vault role refuses a name', async () => {
    const refused = runIssueStep(t.env, t.step(), {
      entityRef: 'resource:default/qm1',
      names: ['qm1.mq.example.test', 'qm1.elsewhere.test'],
    });
    await expect(refused).rejects.toMatchObject({ name: 'InputError' });
    await expect(refused).rejects.toThrow(
      /^names: Vault role pki_int\/mq-queue-managers does not allow qm1\.elsewhere\.test; its allowed domains are mq\.example\.test \(their subdomains\)\. Use names under those domains/,
    );
    // Only the refused name is blamed, not the entity's own.
    await expect(refused).rejects.toThrow(
      /does not allow qm1\.elsewhere\.test;/,
    );
    // Nothing was kept for a build step.
    expect(
      fs.existsSync(
        t.env.privateFolders.pathFor('task-1', 'resource:default/qm1'),
      ),
    ).toBe(false);

    // A token that may not read the role: Vault's own words, still by field.
    t.vault.readRole = async () => {
      throw new Error('permission denied');
    };
    await expect(
      runIssueStep(t.env, t.step({ taskId: 'task-2' }), {
        entityRef: 'resource:default/qm1',
        names: ['qm1.mq.example.test', 'qm1.elsewhere.test'],
      }),
    ).rejects.toThrow(
      /^names: Vault role pki_int\/mq-queue-managers does not allow qm1\.mq\.example\.test, qm1\.elsewhere\.test\. .*not allowed by this role/,
    );
  });

  it('keys its checkpoint by task and entity: another entity or task issues its own', async () => {
    const step = t.step();
    await runIssueStep(t.env, step, { entityRef: 'resource:default/qm1' });
    await runIssueStep(t.env, step, { entityRef: 'resource:default/qm2' });
    expect(t.vault.issueCount).toBe(3); // qm1: 1 label, qm2: 2 labels
    await runIssueStep(t.env, t.step({ taskId: 'task-2' }), {
      entityRef: 'resource:default/qm1',
    });
    expect(t.vault.issueCount).toBe(4);
    const keys = [...t.checkpoints.store.keys()];
    expect(keys).toEqual([
      'mq-certificates.issue.v1.task-1.resource:default/qm1',
      'mq-certificates.issue.v1.task-1.resource:default/qm2',
      'mq-certificates.issue.v1.task-2.resource:default/qm1',
    ]);
  });

  it('reports the plan in a dry run and calls nothing', async () => {
    const out = await runIssueStep(t.env, t.step({ isDryRun: true }), {
      entityRef: 'resource:default/qm2',
    });
    expect(t.vault.requests).toEqual([]);
    expect(fs.existsSync(t.privateDirectory)).toBe(false);
    expect(out.plan?.[0]).toMatch(
      /^label ibmwebspheremqqm2: POST pki_int\/issue\/mq-queue-managers for qm2\.mq\.example\.test/,
    );
    expect(out.plan?.[1]).toMatch(
      /^label qm2chl: .*qm2chl\.qm2\.mq\.example\.test/,
    );
    expect(t.logger.lines.join('\n')).toMatch(
      /Dry run: issue for resource:default\/qm2/,
    );
  });

  describe('checks what the schedule step would refuse, before any Vault call', () => {
    const now = new Date('2026-12-02T10:15:20Z');
    beforeEach(() => {
      t.cleanup();
      t = createTestSetup({ now: () => now });
    });

    it.each([
      [
        'a past at',
        { when: 'at', at: '2020-01-01T00:00:00Z' },
        /^at: 2020-01-01T00:00:00\.000Z is in the past \(it is 2026-12-02T10:15:20\.000Z\); give a future time, or use 'now'$/,
      ],
      [
        'a missing at',
        { when: 'at' },
        /^at: give the date-time of the cut-over \(ISO 8601 with a zone/,
      ],
      [
        'an at that is no date-time',
        { when: 'at', at: 'tomorrow-ish' },
        /^at: 'tomorrow-ish' is not an ISO 8601 date-time with a zone; give one such as 2026-12-24T02:00:00Z/,
      ],
      [
        'an at without a zone',
        { when: 'at', at: '2026-12-24T02:00:00' },
        /^at: '2026-12-24T02:00:00' has no zone; .*add Z for UTC .*\(for example 2026-12-24T02:00:00Z\)$/,
      ],
      [
        'a past when',
        { when: '2026-12-01T00:00:00Z' },
        /^when: 2026-12-01T00:00:00\.000Z is in the past/,
      ],
    ])(
      'refuses %s with the message mq:refresh:schedule gives',
      async (_what, input, message) => {
        const issue = runIssueStep(t.env, t.step(), {
          entityRef: QM1,
          ...input,
        });
        await expect(issue).rejects.toMatchObject({ name: 'InputError' });
        await expect(issue).rejects.toThrow(message);
        // The same words as the schedule step (one function decides both).
        await expect(
          runScheduleStep(t.env, t.step({ isDryRun: true }), {
            entityRef: QM1,
            ...input,
          }),
        ).rejects.toThrow(message);
        expect(t.vault.requests).toEqual([]);
        expect(t.backend.calls).toEqual([]);
        expect(fs.existsSync(t.privateDirectory)).toBe(false);
      },
    );

    it("refuses when: window for an entity without a maintenance window, and takes the entity's window and a future at", async () => {
      const noWindow = createTestSetup({
        now: () => now,
        entities: [qmEntity('qm1', { 'mqcert.io/maintenance-window': '' })],
      });
      try {
        await expect(
          runIssueStep(noWindow.env, noWindow.step(), {
            entityRef: QM1,
            when: 'window',
          }),
        ).rejects.toThrow(/mqcert\.io\/maintenance-window/);
        expect(noWindow.vault.requests).toEqual([]);
      } finally {
        noWindow.cleanup();
      }
      await runIssueStep(t.env, t.step(), { entityRef: QM1, when: 'window' });
      await runIssueStep(t.env, t.step({ taskId: 'task-2' }), {
        entityRef: QM1,
        when: 'at',
        at: '2026-12-24T02:00:00Z',
      });
      expect(t.vault.issueCount).toBe(2);
    });
  });

  describe('a refresh job already pending for the queue manager', () => {
    /** Another task's rotation of QM1, staged and scheduled. */
    async function pendingJobOfAnotherTask(approvalRequired: boolean) {
      const other = t.step({ taskId: 'task-0' });
      await runIssueStep(t.env, other, { entityRef: QM1 });
      await runBuildStep(t.env, other, { entityRef: QM1 });
      await runDeployStep(t.env, other, { entityRef: QM1 });
      await runScheduleStep(t.env, other, {
        entityRef: QM1,
        when: 'now',
        approval: approvalRequired,
      });
      return t.backend.jobs[0];
    }

    it('is refused before issuing, with the job, its state and what to do', async () => {
      const job = await pendingJobOfAnotherTask(true);
      const issuedBefore = t.vault.issueCount;
      const writesBefore = t.backend.calls.length;
      const issue = runIssueStep(t.env, t.step(), { entityRef: QM1 });
      await expect(issue).rejects.toMatchObject({ name: 'ConflictError' });
      await expect(issue).rejects.toThrow(
        new RegExp(
          `^entityRef: resource:default/qm1 already has refresh job ${job.id} \\(awaiting-approval, run time .*\\) for rotation ${job.rotationId}.*; approve it .* or cancel it, on the queue manager's Certificates tab, then run the template again\\. Nothing was issued or staged\\.$`,
        ),
      );
      expect(t.vault.issueCount).toBe(issuedBefore);
      expect(t.backend.calls).toHaveLength(writesBefore);
      // Asked on behalf of the user, like every backend call of the actions.
      expect(t.backend.reads.at(-1)).toEqual({
        method: 'getQueueManager',
        entityRef: QM1,
        subject: 'user:development/guest',
      });
    });

    it('names a scheduled job and its run time; a finished job does not block', async () => {
      const job = await pendingJobOfAnotherTask(false);
      await expect(
        runIssueStep(t.env, t.step(), { entityRef: QM1 }),
      ).rejects.toThrow(
        `(scheduled, run time ${job.runAt}) for rotation ${job.rotationId}, and the backend schedules only one refresh per queue manager at a time; let it run (at ${job.runAt}) or cancel it`,
      );
      job.state = 'verified';
      await runIssueStep(t.env, t.step(), { entityRef: QM1 });
    });

    it('is reported in the plan of a dry run, which still calls nothing', async () => {
      const job = await pendingJobOfAnotherTask(true);
      const requests = t.vault.requests.length;
      const out = await runIssueStep(t.env, t.step({ isDryRun: true }), {
        entityRef: QM1,
      });
      expect(out.plan?.[0]).toMatch(
        new RegExp(
          `^a real run would be refused before issuing: resource:default/qm1 already has refresh job ${job.id} \\(awaiting-approval`,
        ),
      );
      expect(t.vault.requests).toHaveLength(requests);
    });

    it('never refuses a resumed task because of its own job', async () => {
      const step = t.step();
      await runIssueStep(t.env, step, { entityRef: QM1, when: 'now' });
      await runBuildStep(t.env, step, { entityRef: QM1 });
      await runDeployStep(t.env, step, { entityRef: QM1 });
      await runScheduleStep(t.env, step, { entityRef: QM1, when: 'now' });
      expect(t.backend.jobs[0].state).toBe('scheduled');
      // The task resumes and runs its steps again: all checkpointed no-ops.
      await runIssueStep(t.env, step, { entityRef: QM1, when: 'now' });
      await runScheduleStep(t.env, step, { entityRef: QM1, when: 'now' });
      expect(t.vault.issueCount).toBe(1);
      expect(t.backend.jobs).toHaveLength(1);
    });
  });

  it('says an entity that is not a managed queue manager is one, before the permission', async () => {
    const group = {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Group',
      metadata: { name: 'mq-admins', namespace: 'default' },
      spec: { type: 'team', children: [] },
    };
    // Denied: the rotate permission only means anything for queue managers.
    const denied = createTestSetup({
      permission: AuthorizeResult.DENY,
      entities: [group],
    });
    try {
      const issue = runIssueStep(denied.env, denied.step(), {
        entityRef: 'group:default/mq-admins',
      });
      await expect(issue).rejects.toMatchObject({ name: 'InputError' });
      await expect(issue).rejects.toThrow(
        /^entityRef: group:default\/mq-admins is not a managed queue manager; add the annotation mqcert\.io\/queue-manager to the entity/,
      );
      expect(denied.vault.requests).toEqual([]);
    } finally {
      denied.cleanup();
    }
  });
});
