import fs from 'node:fs';
import path from 'node:path';
import {
  eventually,
  QM1,
  ROTATE_TEMPLATE,
  startE2eStack,
  type E2eStack,
} from '../e2e/e2eStack';
import { auditStack, keysOnTargets } from '../e2e/stackAudit';
import { ApiError } from '../support/backstageApi';
import type { ScaffolderTaskEvent } from '../support/scaffolderTasks';
import { describeFindings } from '../support/secretAudit';

/*
 * The example templates run on the demo backend (scaffolder, catalog, this
 * module and the mq-certificates plugin, one process, SQLite).
 *
 * Issue 7, recovery: the rotate-mq-certificate template runs on the demo
 * backend (scaffolder, catalog, this module and the mq-certificates
 * plugin); the backend process is stopped for good (SIGKILL) right after
 * the issue step, then started again on the same files, and scaffolder
 * task recovery resumes the task. The keys are still in the private folder
 * on this host, so the task must finish, with exactly one certificate
 * issued, one revision staged and one refresh job: the checkpoints keyed by
 * task and entity make the repeated issue step a no-op. (The crash-safety
 * e2e test kills at every boundary and also accepts a clean failure; this
 * one holds the issue boundary to the strict outcome.)
 */

jest.setTimeout(300_000);

/** The build step's first write: the keystore password in KV v2. */
const KV_PASSWORDS = 'secret/data/mq/keystores';

async function issueStepCompleted(e2e: E2eStack, taskId: string) {
  let after: number | undefined;
  for (;;) {
    const events: ScaffolderTaskEvent[] = await e2e.tasks.events(taskId, after);
    for (const ev of events) {
      after = ev.id;
      if (ev.body.stepId === 'issue' && ev.body.status === 'completed') return;
      if (ev.type === 'completion') {
        throw new Error(`the task ended before the issue step completed`);
      }
    }
    await new Promise(r => setTimeout(r, 50));
  }
}

/** Serials Vault's PKI has issued (LIST pki_int/certs). */
async function vaultIssued(e2e: E2eStack): Promise<string[]> {
  const res = await fetch(
    `${e2e.stack.vault.address}/v1/pki_int/certs?list=true`,
    { headers: { 'X-Vault-Token': e2e.stack.vault.rootToken } },
  );
  if (res.status === 404) return [];
  return ((await res.json()) as { data: { keys: string[] } }).data.keys;
}

function stagedRevisions(e2e: E2eStack): string[] {
  const qm1 = e2e.stack.queueManagers.find(q => q.name === 'QM1')!;
  return fs
    .readdirSync(path.dirname(qm1.sslKeyRepository))
    .filter(f => /^key-\d{8}T\d{6}Z-[0-9a-f]{8}\.p12$/.test(f));
}

describe('the example templates on the demo backend', () => {
  let e2e: E2eStack;

  beforeAll(async () => {
    e2e = await startE2eStack({
      config: {
        scaffolder: {
          taskRecovery: { enabled: true, staleTimeout: { seconds: 3 } },
        },
      },
    });
  }, 240_000);
  afterAll(async () => {
    await e2e?.stop();
  }, 60_000);

  it('rotate-mq-certificate stopped after the issue step and resumed: finishes with exactly one certificate, one revision and one job, and leaks nothing', async () => {
    const issuedBefore = await vaultIssued(e2e);
    const revisionsBefore = stagedRevisions(e2e);
    // Hold the build step's password write so the kill lands between the
    // issue and build steps.
    await e2e.stack.vault.control.addLatency(KV_PASSWORDS, 8000, { count: 1 });
    const taskId = await e2e.tasks.create(ROTATE_TEMPLATE, {
      queueManager: QM1,
      // The window is days away: the job stays scheduled, nothing cuts over.
      when: 'window',
    });
    await issueStepCompleted(e2e, taskId);
    await e2e.stack.backend.kill('SIGKILL');
    const afterKill = (await vaultIssued(e2e)).filter(
      s => !issuedBefore.includes(s),
    );
    expect(afterKill).toHaveLength(1);

    await e2e.stack.vault.control.clearFaults();
    await e2e.stack.backend.start();
    const task = await e2e.tasks.waitForEnd(taskId, 150_000);
    expect(task.status).toBe('completed');

    const issued = (await vaultIssued(e2e)).filter(
      s => !issuedBefore.includes(s),
    );
    expect(issued).toEqual(afterKill);
    const detail = await eventually(
      'the rotation and its job recorded',
      async () => {
        const d = await e2e.qm(QM1);
        return d.rotations.some(r => r.taskId === taskId) ? d : undefined;
      },
      30_000,
    );
    const rotations = detail.rotations.filter(r => r.taskId === taskId);
    expect(rotations).toHaveLength(1);
    expect(rotations[0].serialNumber.replace(/:/g, '').toLowerCase()).toBe(
      issued[0].replace(/[:-]/g, '').toLowerCase(),
    );
    expect(
      detail.jobs.filter(j => j.rotationId === rotations[0].id),
    ).toHaveLength(1);
    expect(
      stagedRevisions(e2e).filter(f => !revisionsBefore.includes(f)),
    ).toHaveLength(1);

    const audit = await auditStack(e2e, [taskId], await keysOnTargets(e2e));
    expect(audit.keys.length).toBeGreaterThanOrEqual(1);
    expect(describeFindings(audit.findings)).toBe('');
  });

  it("rotate-mq-certificate run again while the first run's job is pending: refused at the issue step, naming the job, with nothing issued", async () => {
    // The job of the run above (scheduled for the maintenance window).
    const before = await e2e.qm(QM1);
    const pending = before.jobs.find(j => j.state === 'scheduled');
    expect(pending).toBeDefined();
    const issuedBefore = await vaultIssued(e2e);
    const { task, taskId } = await e2e.tasks.run(
      ROTATE_TEMPLATE,
      { queueManager: QM1, when: 'window' },
      60_000,
    );
    expect(task.status).toBe('failed');
    const log = await e2e.tasks.logText(taskId);
    expect(log).toContain(
      `${QM1} already has refresh job ${pending!.id} (scheduled, run time ${
        pending!.runAt
      }) for rotation ${pending!.rotationId}`,
    );
    expect(log).toMatch(/cancel it on the queue manager's Certificates tab/);
    expect(await vaultIssued(e2e)).toEqual(issuedBefore);
    const after = await e2e.qm(QM1);
    expect(after.rotations.filter(r => r.taskId === taskId)).toEqual([]);
  });

  it('rotate-mq-certificate: the scaffolder refuses a malformed cut-over time naming at and what it expects; an entity that is not a queue manager is named as such', async () => {
    /** The scaffolder's validation messages for these values (400). */
    const refusal = async (values: Record<string, string>) => {
      const error = await e2e.tasks.create(ROTATE_TEMPLATE, values).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(ApiError);
      expect((error as ApiError).status).toBe(400);
      return (
        JSON.parse((error as ApiError).text) as {
          errors: { stack: string }[];
        }
      ).errors.map(e => e.stack);
    };
    const format = 'instance.at does not conform to the "date-time" format';
    expect(
      await refusal({ queueManager: QM1, when: 'at', at: 'tomorrow-ish' }),
    ).toEqual([format]);
    expect(
      await refusal({
        queueManager: QM1,
        when: 'at',
        at: '2026-12-24T02:00:00',
      }),
    ).toEqual([format]);
    expect(await refusal({ queueManager: QM1, when: 'at' })).toEqual([
      'instance requires property "at"',
    ]);

    const { task, taskId } = await e2e.tasks.run(
      ROTATE_TEMPLATE,
      { queueManager: 'group:default/mq-admins', when: 'now' },
      60_000,
    );
    expect(task.status).toBe('failed');
    const log = await e2e.tasks.logText(taskId);
    expect(log).toContain(
      'entityRef: group:default/mq-admins is not a managed queue manager; add the annotation mqcert.io/queue-manager to the entity',
    );
    expect(log).not.toMatch(/permission .* was denied/);
  });

  it('provision-vault-agent renders the bundle for QM1 from the entity and its deploy target, and publishes it (the demo lists it in the task log)', async () => {
    const issuedBefore = await vaultIssued(e2e);
    const { task, events, taskId } = await e2e.tasks.run(
      'template:default/provision-vault-agent',
      {
        queueManager: QM1,
        authMethod: 'approle',
        renewalThreshold: 0.75,
        variant: 'window',
        keepRevisions: 3,
      },
      60_000,
    );
    const log = await e2e.tasks.logText(taskId);
    expect({ status: task.status, log }).toMatchObject({
      status: 'completed',
    });
    const output = await e2e.tasks.output(taskId);
    const texts = JSON.stringify(output);
    expect(texts).toMatch(/vault-agent\/qm1/);
    expect(texts).toMatch(/agent\.hcl/);
    // The publish step saw the files in the workspace.
    const publish = events
      .filter(e => e.body.stepId === 'publish')
      .map(e => e.body.message ?? '')
      .join('\n');
    expect(publish).toMatch(/agent\.hcl/);
    expect(publish).toMatch(/mqcert-renew\.sh/);
    // Rendering touches neither Vault's PKI nor the backend's rotations.
    expect(await vaultIssued(e2e)).toEqual(issuedBefore);
    const detail = await e2e.qm(QM1);
    expect(detail.rotations.filter(r => r.taskId === taskId)).toEqual([]);
  });
});
