/*
 * Issue 9, crash safety: the backend (its own process) is killed with
 * SIGKILL at each step boundary of a rotation in turn, then started again
 * on the same SQLite files. Whatever the moment, the queue manager serves
 * the old or the new valid certificate, the task resumes (scaffolder task
 * recovery) or fails cleanly, and no second certificate (Vault's LIST of
 * issued certificates) or second refresh job appears.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describeWithTools } from '../support/describeWithTools';
import { describeFindings } from '../support/secretAudit';
import type { ScaffolderTaskEvent } from '../support/scaffolderTasks';
import {
  eventually,
  QM1,
  ROTATE_TEMPLATE,
  startE2eStack,
  type E2eStack,
} from './e2eStack';
import { auditStack, keysOnTargets } from './stackAudit';

jest.setTimeout(240_000);

const KV_PASSWORDS = 'secret/data/mq/keystores';

/** Where in the rotation the backend dies. */
interface KillPoint {
  name: string;
  /** Arms faults that hold the next step, so the kill lands at the boundary. */
  arm?(e2e: E2eStack): Promise<void>;
  /** Resolves once the boundary is reached. */
  reached(e2e: E2eStack, taskId: string): Promise<void>;
}

async function stepCompleted(e2e: E2eStack, taskId: string, stepId: string) {
  let after: number | undefined;
  for (;;) {
    const events: ScaffolderTaskEvent[] = await e2e.tasks.events(taskId, after);
    for (const ev of events) {
      after = ev.id;
      if (ev.body.stepId === stepId && ev.body.status === 'completed') return;
      if (ev.type === 'completion') {
        throw new Error(
          `task ended before step ${stepId} completed: ${JSON.stringify(
            ev.body,
          )}`,
        );
      }
    }
  }
}

async function vaultIssued(e2e: E2eStack): Promise<string[]> {
  const res = await fetch(
    `${e2e.stack.vault.address}/v1/pki_int/certs?list=true`,
    { headers: { 'X-Vault-Token': e2e.stack.vault.rootToken } },
  );
  if (res.status === 404) return [];
  return ((await res.json()) as { data: { keys: string[] } }).data.keys;
}

/** Staged .p12 revisions of QM1 (not the initial repository). */
function stagedRevisions(e2e: E2eStack): string[] {
  const qm1 = e2e.stack.queueManagers.find(q => q.name === 'QM1')!;
  const dir = path.dirname(qm1.sslKeyRepository);
  return fs.readdirSync(dir).filter(f => /^key-.+\.p12$/.test(f));
}

const KILL_POINTS: KillPoint[] = [
  {
    name: 'after issue',
    // The build step's first write (the keystore password) is held.
    arm: e2e =>
      e2e.stack.vault.control
        .addLatency(KV_PASSWORDS, 8000, { count: 1 })
        .then(() => undefined),
    reached: (e2e, id) => stepCompleted(e2e, id, 'issue'),
  },
  {
    name: 'after build',
    reached: (e2e, id) => stepCompleted(e2e, id, 'build'),
  },
  {
    name: 'after deploy',
    reached: (e2e, id) => stepCompleted(e2e, id, 'deploy'),
  },
  {
    name: 'after the refresh job is claimed',
    // The runner's preflight reads the keystore password; hold that read.
    arm: async e2e => {
      await e2e.stack.vault.control.addLatency(KV_PASSWORDS, 8000, {
        count: 1,
        method: 'GET',
      });
    },
    reached: async e2e => {
      await eventually(
        'the refresh job is running',
        async () =>
          (await e2e.qm(QM1)).jobs.some(j => j.state === 'running')
            ? true
            : undefined,
        60_000,
        100,
      );
    },
  },
  {
    name: 'during the refresh (right after REFRESH SECURITY, while verifying)',
    reached: async e2e => {
      const control = e2e.stack.simulator.control;
      const before = control.state('QM1').refreshes;
      await eventually(
        'QM1 refreshed',
        async () =>
          control.state('QM1').refreshes > before ? true : undefined,
        90_000,
        10,
      );
    },
  },
];

describeWithTools(
  ['openssl'],
  'crash safety: SIGKILL at each step boundary',
  () => {
    let e2e: E2eStack;
    const taskIds: string[] = [];
    // Deploy prunes old revisions: keep each scenario's keys for the audit.
    const keysSeen: string[] = [];

    beforeAll(async () => {
      e2e = await startE2eStack({
        config: {
          scaffolder: {
            // Resume tasks whose worker died (checkpoints make steps idempotent).
            taskRecovery: { enabled: true, staleTimeout: { seconds: 3 } },
          },
          mqCertificates: { refreshJobs: { claimTimeout: '5s' } },
        },
      });
    }, 240_000);

    afterAll(async () => {
      await e2e?.stop();
    }, 60_000);

    it.each(KILL_POINTS.map(k => [k.name, k] as const))(
      'SIGKILL %s: old or new certificate served, the task resumes or fails cleanly, one certificate, one job',
      async (_name, point) => {
        const servedBefore = await e2e.opensslSerial('QM1');
        const issuedBefore = await vaultIssued(e2e);
        const revisionsBefore = stagedRevisions(e2e);
        await point.arm?.(e2e);

        const taskId = await e2e.tasks.create(ROTATE_TEMPLATE, {
          queueManager: QM1,
          when: 'now',
        });
        taskIds.push(taskId);
        await point.reached(e2e, taskId);
        await e2e.stack.backend.kill('SIGKILL');

        // While the backend is down the listener serves a whole certificate:
        // the old one or the new one, never a broken repository.
        const issuedNow = (await vaultIssued(e2e)).filter(
          s => !issuedBefore.includes(s),
        );
        const whileDown = await e2e.opensslSerial('QM1');
        expect([servedBefore, ...issuedNow]).toContain(whileDown);

        await e2e.stack.vault.control.clearFaults();
        // Let the scheduler lock of a run that died expire (timeout 10 s), so
        // the janitor frees it when the backend starts.
        await new Promise(r => setTimeout(r, 8000));
        await e2e.stack.backend.start();
        // The guest token stays valid across the restart (same auth database).
        const task = await e2e.tasks.waitForEnd(taskId, 120_000);
        expect(['completed', 'failed']).toContain(task.status);

        const issued = (await vaultIssued(e2e)).filter(
          s => !issuedBefore.includes(s),
        );
        expect(issued.length).toBeLessThanOrEqual(1);
        const detail = await e2e.qm(QM1);
        const rotations = detail.rotations.filter(r => r.taskId === taskId);
        expect(rotations.length).toBeLessThanOrEqual(1);
        const rotation = rotations[0];
        const jobs = rotation
          ? detail.jobs.filter(j => j.rotationId === rotation.id)
          : [];
        expect(jobs.length).toBeLessThanOrEqual(1);
        expect(
          stagedRevisions(e2e).filter(f => !revisionsBefore.includes(f)).length,
        ).toBeLessThanOrEqual(1);

        // Resumed to the end, the rotation finishes (verified, or rolled
        // back with a reason); failed cleanly, nothing was cut over. Either
        // way the listener serves what the recorded state says.
        const completed = task.status === 'completed';
        const final = rotation
          ? (
              await e2e.waitForRotation(QM1, rotation.id, [
                'verified',
                'rolled-back',
                'failed',
                'cancelled',
                ...(completed ? [] : ['staged', 'issued']),
              ])
            ).rotation
          : undefined;
        const verified = final?.state === 'verified';
        expect({
          served: await e2e.opensslSerial('QM1'),
          reason:
            verified || !final ? 'none needed' : Boolean(final.stateReason),
          certificates: completed ? issued : 'not required',
          jobs: completed ? jobs.length : 'any',
        }).toEqual({
          served: verified ? rotation!.serialNumber : servedBefore,
          reason: verified || !final ? 'none needed' : true,
          certificates: completed ? [rotation?.serialNumber] : 'not required',
          jobs: completed ? 1 : 'any',
        });
        keysSeen.push(...(await keysOnTargets(e2e)));
      },
    );

    it('leaks no key or keystore password through task recovery, checkpoints or restarts', async () => {
      expect(taskIds).toHaveLength(KILL_POINTS.length);
      const audit = await auditStack(e2e, taskIds, keysSeen);
      expect(audit.keys.length).toBeGreaterThanOrEqual(KILL_POINTS.length);
      expect(describeFindings(audit.findings)).toBe('');
    });
  },
);
