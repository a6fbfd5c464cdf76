import fs from 'node:fs';
import path from 'node:path';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  assertNoSecrets,
  createTestSetup,
  TestSetup,
} from '../__testUtils__/fakes';
import {
  createMqCertificateIssueAction,
  runIssueStep,
} from './certificateIssue';
import { runBuildStep } from './keystoreBuild';

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
