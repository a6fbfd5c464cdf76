import fs from 'node:fs';
import path from 'node:path';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import {
  assertNoSecrets,
  createTestSetup,
  qmEntity,
  persistentCheckpoints,
  TestSetup,
} from '../__testUtils__/fakes';
import { runIssueStep } from './certificateIssue';
import {
  createMqCertificateRotateAction,
  runRotate,
} from './certificateRotate';
import { runBuildStep } from './keystoreBuild';
import { runDeployStep } from './keystoreDeploy';
import { runScheduleStep } from './refreshSchedule';
import { Pkcs12KeystoreFormat } from '@mqcert/plugin-mq-certificates-node';
import { ConflictError } from '@backstage/errors';

const QM1 = 'resource:default/qm1';

function listFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter(e => e.isFile())
    .map(e => path.relative(dir, path.join(e.parentPath, e.name)));
}

describe('a rotation through the four steps', () => {
  let t: TestSetup;
  beforeEach(() => {
    t = createTestSetup({ now: () => new Date('2026-12-02T10:15:20Z') });
  });
  afterEach(() => t.cleanup());

  it('issues, builds, stages and schedules; removes the keys; leaks nothing', async () => {
    const step = t.step();
    const issued = await runIssueStep(t.env, step, { entityRef: QM1 });
    const built = await runBuildStep(t.env, step, { entityRef: QM1 });
    // The step that consumed the private folder removed it.
    expect(fs.existsSync(t.env.privateFolders.pathFor(step.taskId, QM1))).toBe(
      false,
    );
    expect(built.keystoreFile).toMatch(
      /^mq-certificates\/resource-default-qm1-[0-9a-f]{8}\/key\.p12$/,
    );
    expect(built.passwordRef).toEqual({
      mount: 'secret',
      path: expect.stringMatching(/^mq\/keystores\/resource-default-qm1-/),
      version: 1,
    });
    const p12 = fs.readFileSync(path.join(t.workspacePath, built.keystoreFile));
    const inspection = await new Pkcs12KeystoreFormat().inspect(
      [{ suffix: '.p12', content: p12, sha256: built.sha256 }],
      t.vault.passwords[0],
    );
    expect(
      inspection.entries
        .filter(e => e.personal)
        .map(e => e.certificate.serialNumber),
    ).toEqual([issued.serialNumber]);

    const deployed = await runDeployStep(t.env, step, { entityRef: QM1 });
    expect(deployed.revisionPath).toMatch(
      /^qm1\/ssl\/key-20261202T101520Z-[0-9a-f]{8}\.p12$/,
    );
    expect(
      fs.readFileSync(path.join(t.targetRoot, deployed.revisionPath)),
    ).toEqual(p12);
    expect(deployed.liveSslKeyRepository).toBe(
      path.join(t.targetRoot, 'qm1/ssl/key.p12'),
    );
    expect(t.backend.rotations[0]).toMatchObject({
      entityRef: QM1,
      state: 'staged',
      serialNumber: issued.serialNumber,
      stagedRevisionPath: deployed.revisionPath,
      previousCertificateLabel: 'ibmwebspheremqqm1',
      keystorePasswordRef: built.passwordRef,
      taskId: 'task-1',
    });
    expect(t.backend.calls[0].subject).toBe('user:development/guest');

    const scheduled = await runScheduleStep(t.env, step, {
      entityRef: QM1,
      when: 'window',
    });
    expect(scheduled).toMatchObject({
      rotationId: deployed.rotationId,
      runAt: '2026-12-06T02:00:00.000Z',
      mode: 'portal',
      state: 'scheduled',
      approvalRequired: false,
    });
    expect(scheduled.commands).toEqual([
      `ALTER QMGR SSLKEYR('${deployed.sslKeyRepository}') CERTLABL('ibmwebspheremqqm1')`,
      'REFRESH SECURITY TYPE(SSL)',
    ]);

    assertNoSecrets(
      [
        ...t.logger.lines,
        JSON.stringify([issued, built, deployed, scheduled]),
        JSON.stringify([...t.checkpoints.store.entries()]),
        JSON.stringify(t.backend.calls),
        ...listFiles(t.workspacePath)
          .filter(f => f.endsWith('.json'))
          .map(f => fs.readFileSync(path.join(t.workspacePath, f), 'utf8')),
      ],
      { keys: t.vault.issuedKeys, passwords: t.vault.passwords },
    );
  });

  it('resumes after a crash following the issue step: one certificate, one revision, one job', async () => {
    const checkpoints = persistentCheckpoints();
    const step = t.step({ checkpoint: checkpoints.checkpoint });
    // First attempt: issue, then the build dies before it stored anything.
    await runIssueStep(t.env, step, { entityRef: QM1 });
    const broken = {
      ...t.env,
      passwords: () => {
        throw new Error('backend killed');
      },
    };
    await expect(
      runBuildStep(broken, step, { entityRef: QM1 }),
    ).rejects.toThrow('backend killed');
    // The failed build removed the keys: the resumed task must not re-issue.
    const resumed = runRotate(t.env, step, { entityRef: QM1 });
    await expect(resumed).rejects.toThrow(/run the rotation again/);
    expect(t.vault.issueCount).toBe(1);
    expect(t.vault.writeCount).toBe(1);
    expect(t.backend.jobs).toHaveLength(0);

    // A crash (no finally) after issue, then a resume: everything once.
    const t2 = createTestSetup();
    try {
      const cps = persistentCheckpoints();
      const s2 = t2.step({ checkpoint: cps.checkpoint, taskId: 'task-2' });
      await runIssueStep(t2.env, s2, { entityRef: QM1 });
      await runRotate(t2.env, s2, { entityRef: QM1, when: 'now' });
      await runRotate(t2.env, s2, { entityRef: QM1, when: 'now' });
      expect(t2.vault.issueCount).toBe(1);
      expect(
        fs
          .readdirSync(path.join(t2.targetRoot, 'qm1/ssl'))
          .filter(f => /^key-.*\.p12$/.test(f)),
      ).toHaveLength(1);
      expect(t2.backend.rotations).toHaveLength(1);
      expect(t2.backend.jobs).toHaveLength(1);
    } finally {
      t2.cleanup();
    }
  });

  it('rotates in one action with the same outputs, and removes the private folder whatever the outcome', async () => {
    const action = createMqCertificateRotateAction(t.env);
    const ctx = createMockActionContext({
      input: { entityRef: 'resource:default/qm2', when: 'now', approval: true },
      workspacePath: t.workspacePath,
      logger: t.logger,
    });
    await action.handler(ctx as any);
    const outputs = Object.fromEntries(
      (ctx.output as jest.Mock).mock.calls.map(([k, v]) => [k, v]),
    );
    expect(outputs).toMatchObject({
      entityRef: 'resource:default/qm2',
      labels: ['ibmwebspheremqqm2', 'qm2chl'],
      format: 'p12',
      state: 'awaiting-approval',
      approvalRequired: true,
      mode: 'portal',
    });
    for (const key of [
      'serialNumber',
      'passwordRef',
      'rotationId',
      'jobId',
      'runAt',
      'revisionPath',
    ]) {
      expect(outputs[key]).toBeDefined();
    }
    expect(t.backend.rotations[0].certificates.map(c => c.label)).toEqual([
      'ibmwebspheremqqm2',
      'qm2chl',
    ]);
    expect(listFiles(t.privateDirectory)).toEqual([]);

    // A failure after staging marks the rotation failed and still cleans up.
    const failing = createTestSetup();
    try {
      failing.env.backend.createRefreshJob = async () => {
        throw new Error('conflict: a job is pending');
      };
      await expect(
        runRotate(failing.env, failing.step(), { entityRef: QM1 }),
      ).rejects.toThrow('conflict: a job is pending');
      expect(failing.backend.rotations[0]).toMatchObject({
        state: 'failed',
        stateReason: expect.stringMatching(/a job is pending/),
      });
      // Marked once, by the schedule step (not again by the composite).
      expect(
        failing.backend.calls.filter(
          c =>
            c.method === 'updateRotation' &&
            (c.body as { state?: string }).state === 'failed',
        ),
      ).toHaveLength(1);
      expect(listFiles(failing.privateDirectory)).toEqual([]);
    } finally {
      failing.cleanup();
    }
  });

  it.each([
    [
      'the backend refuses the job',
      {},
      /^Scheduling the cut-over failed: The mq-certificates backend refused to schedule the refresh of rotation .*: resource:default\/qm1 already has refresh job/,
    ],
    [
      'the run time is in the past',
      { when: 'at', at: '2020-01-01T00:00:00Z' },
      /^Scheduling the cut-over failed: at: 2020-01-01T00:00:00\.000Z is in the past/,
    ],
  ])(
    'run as a separate step, a schedule step that fails because %s marks the staged rotation failed with the reason',
    async (_what, input, reason) => {
      t.env.backend.createRefreshJob = async () => {
        throw new ConflictError(
          'The mq-certificates backend refused to schedule the refresh of rotation r: resource:default/qm1 already has refresh job j (scheduled) for rotation q; cancel it first to schedule another',
        );
      };
      const step = t.step();
      await runIssueStep(t.env, step, { entityRef: QM1 });
      await runBuildStep(t.env, step, { entityRef: QM1 });
      const deployed = await runDeployStep(t.env, step, { entityRef: QM1 });
      expect(t.backend.rotations[0].state).toBe('staged');
      await expect(
        runScheduleStep(t.env, step, {
          entityRef: QM1,
          rotationId: deployed.rotationId,
          ...input,
        }),
      ).rejects.toThrow();
      expect(t.backend.rotations[0]).toMatchObject({
        id: deployed.rotationId,
        state: 'failed',
        stateReason: expect.stringMatching(reason),
      });
      // Without rotationId it finds the one the deploy step recorded.
      t.backend.rotations[0].state = 'staged';
      await expect(
        runScheduleStep(t.env, step, { entityRef: QM1, ...input }),
      ).rejects.toThrow();
      expect(t.backend.rotations[0].state).toBe('failed');
    },
  );

  it('a dry-run schedule step that fails marks nothing', async () => {
    await expect(
      runScheduleStep(t.env, t.step({ isDryRun: true }), {
        entityRef: QM1,
        rotationId: 'r1',
        when: 'at',
        at: '2020-01-01T00:00:00Z',
      }),
    ).rejects.toThrow(/in the past/);
    expect(t.backend.calls).toEqual([]);
  });

  it('is never silent during a slow Vault, deploy target or backend: a progress line every interval', async () => {
    t.env.settings = { ...t.env.settings, progressIntervalMs: 20 };
    const slow =
      <A extends unknown[], R>(fn: (...a: A) => Promise<R>) =>
      async (...a: A) => {
        await new Promise(r => setTimeout(r, 70));
        return fn(...a);
      };
    const vault = t.vault;
    vault.issue = slow(vault.issue.bind(vault));
    vault.kvWrite = slow(vault.kvWrite.bind(vault));
    t.env.backend.recordRotation = slow(
      t.backend.recordRotation.bind(t.backend),
    );
    t.env.backend.createRefreshJob = slow(
      t.backend.createRefreshJob.bind(t.backend),
    );
    const openTarget = t.env.openDeployTarget;
    t.env.openDeployTarget = async name => {
      const target = await openTarget(name);
      target.stage = slow(target.stage.bind(target));
      return target;
    };
    const mqsc = t.mqsc;
    t.env.mqscRunner = () => ({ run: slow(mqsc.run.bind(mqsc)) });
    await runRotate(t.env, t.step(), { entityRef: QM1, when: 'now' });
    const still = t.logger.lines.filter(l => l.startsWith('info: Still '));
    for (const what of [
      /Still waiting for Vault to issue the certificate for ibmwebspheremqqm1/,
      /Still waiting for Vault to store the keystore password/,
      /Still waiting for DISPLAY QMGR SSLKEYR CERTLABL on QM1/,
      /Still staging the key repository on local-mq/,
      /Still waiting for the mq-certificates backend to record the rotation/,
      /Still waiting for the mq-certificates backend to record the refresh job/,
    ]) {
      expect(still.some(l => what.test(l))).toBe(true);
    }
  });

  it('a failed deploy still removes the stash from the private folder; nothing is recorded', async () => {
    const step = t.step();
    await runIssueStep(t.env, step, { entityRef: QM1 });
    await runBuildStep(t.env, step, { entityRef: QM1 });
    // The PKCS#12's stash waits in the private folder for the deploy.
    expect(listFiles(t.privateDirectory)).toEqual([
      expect.stringMatching(/\.sth$/),
    ]);
    t.env.openDeployTarget = async () => {
      throw new Error('local-mq: connection refused');
    };
    await expect(
      runDeployStep(t.env, step, { entityRef: QM1 }),
    ).rejects.toThrow('connection refused');
    expect(listFiles(t.privateDirectory)).toEqual([]);
    expect(t.backend.calls).toEqual([]);
  });

  it('schedules at an ISO time in exact UTC, and waits for approval when the entity requires it even if the run does not ask', async () => {
    const approving = createTestSetup({
      entities: [qmEntity('qm1', { 'mqcert.io/refresh-approval': 'required' })],
      now: () => new Date('2026-12-02T10:15:20Z'),
    });
    try {
      const step = approving.step();
      await runIssueStep(approving.env, step, { entityRef: QM1 });
      await runBuildStep(approving.env, step, { entityRef: QM1 });
      await runDeployStep(approving.env, step, { entityRef: QM1 });
      const out = await runScheduleStep(approving.env, step, {
        entityRef: QM1,
        when: '2026-12-24T03:30:00+01:00',
        approval: false,
      });
      expect(out).toMatchObject({
        runAt: '2026-12-24T02:30:00.000Z',
        approvalRequired: true,
        state: 'awaiting-approval',
      });
      expect(approving.backend.jobs[0]).toMatchObject({
        runAt: '2026-12-24T02:30:00.000Z',
        approvalRequired: true,
      });
      // Host mode cannot wait for anyone: refused, naming the annotation.
      await expect(
        runScheduleStep(approving.env, approving.step({ taskId: 'task-h' }), {
          entityRef: QM1,
          mode: 'host',
        }),
      ).rejects.toThrow(/^mode: .*mqcert\.io\/refresh-approval/);
    } finally {
      approving.cleanup();
    }
  });

  it("builds with the entity's PKCS#12 profile unless the run chooses one", async () => {
    const entityProfile = createTestSetup({
      entities: [
        qmEntity('qm1', { 'mqcert.io/pkcs12-profile': 'compat-3des' }),
      ],
    });
    try {
      const step = entityProfile.step();
      await runIssueStep(entityProfile.env, step, { entityRef: QM1 });
      const built = await runBuildStep(entityProfile.env, step, {
        entityRef: QM1,
      });
      expect(built.profile).toBe('compat-3des');
      const overridden = entityProfile.step({ taskId: 'task-2' });
      await runIssueStep(entityProfile.env, overridden, { entityRef: QM1 });
      const chosen = await runBuildStep(entityProfile.env, overridden, {
        entityRef: QM1,
        profile: 'aes256',
      });
      expect(chosen.profile).toBe('aes256');
    } finally {
      entityProfile.cleanup();
    }
    // Without the annotation: the default.
    const step = t.step();
    await runIssueStep(t.env, step, { entityRef: QM1 });
    expect((await runBuildStep(t.env, step, { entityRef: QM1 })).profile).toBe(
      'aes256',
    );
  });

  it('writes nothing anywhere in a dry run, and reports the whole plan', async () => {
    const out = await runRotate(t.env, t.step({ isDryRun: true }), {
      entityRef: QM1,
      when: 'window',
    });
    expect(t.vault.requests).toEqual([]);
    expect(t.backend.calls).toEqual([]);
    expect(listFiles(t.targetRoot)).toEqual([]);
    expect(listFiles(t.workspacePath)).toEqual([]);
    expect(fs.existsSync(t.privateDirectory)).toBe(false);
    expect(out.runAt).toBe('2026-12-06T02:00:00.000Z');
    const plan = out.plan!.join('\n');
    expect(plan).toMatch(/POST pki_int\/issue\/mq-queue-managers/);
    expect(plan).toMatch(/Vault KV v2 at mq\/keystores\/resource-default-qm1-/);
    expect(plan).toMatch(
      /deploy target local-mq as a new revision qm1\/ssl\/key-/,
    );
    expect(plan).toMatch(/DISPLAY QMGR SSLKEYR CERTLABL/);
    expect(plan).toMatch(/REFRESH SECURITY TYPE\(SSL\)/);
    expect(plan).toMatch(/2026-12-06T02:00:00.000Z/);
  });

  it('schedules a host cut-over with at and records it, and refuses host mode with approval', async () => {
    const step = t.step();
    await runIssueStep(t.env, step, { entityRef: QM1 });
    await runBuildStep(t.env, step, { entityRef: QM1 });
    const deployed = await runDeployStep(t.env, step, { entityRef: QM1 });
    await expect(
      runScheduleStep(t.env, step, {
        entityRef: QM1,
        mode: 'host',
        approval: true,
      }),
    ).rejects.toThrow(/^mode: a host cut-over .* cannot wait for approval/);
    const out = await runScheduleStep(t.env, step, {
      entityRef: QM1,
      mode: 'host',
      when: 'now',
    });
    expect(out).toMatchObject({
      mode: 'host',
      hostJobId: '1',
      runAt: '2026-12-02T10:16:00.000Z',
    });
    expect(t.at.jobs[0].script).toContain(deployed.sslKeyRepository);
    expect(t.at.jobs[0].logFile).toBe(
      path.join(t.targetRoot, 'qm1/ssl/mqcert-cutover.log'),
    );
    expect(t.backend.jobs[0]).toMatchObject({ mode: 'host', hostJobId: '1' });
  });
});
