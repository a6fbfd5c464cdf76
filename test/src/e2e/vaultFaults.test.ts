/*
 * Issue 9, Vault faults during a rotation, injected through the dev
 * server's control API while the template runs: 429 then OK and 500 then
 * OK are retried (a bounded number of times) and the rotation completes
 * with one certificate; an expired token is replaced by one new login; a
 * sealed Vault fails the task clearly, with nothing staged or scheduled and
 * the listener untouched.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describeWithTools } from '../support/describeWithTools';
import { QM1, ROTATE_TEMPLATE, startE2eStack, type E2eStack } from './e2eStack';

jest.setTimeout(180_000);

const ISSUE_PATH = 'pki_int/issue/mq-queue-managers';

describeWithTools(['openssl'], 'Vault faults during a rotation', () => {
  let e2e: E2eStack;

  beforeAll(async () => {
    e2e = await startE2eStack();
  }, 240_000);

  afterAll(async () => {
    await e2e?.stop();
  }, 60_000);

  async function issued(): Promise<string[]> {
    const res = await fetch(
      `${e2e.stack.vault.address}/v1/pki_int/certs?list=true`,
      { headers: { 'X-Vault-Token': e2e.stack.vault.rootToken } },
    );
    if (res.status === 404) return [];
    return ((await res.json()) as { data: { keys: string[] } }).data.keys;
  }

  function revisions(): string[] {
    const qm1 = e2e.stack.queueManagers.find(q => q.name === 'QM1')!;
    return fs
      .readdirSync(path.dirname(qm1.sslKeyRepository))
      .filter(f => /^key-.+\.p12$/.test(f));
  }

  /** Runs the template for QM1 now; the task and, when recorded, its rotation's end state. */
  async function rotate() {
    const before = await issued();
    const run = await e2e.tasks.run(
      ROTATE_TEMPLATE,
      { queueManager: QM1, when: 'now' },
      150_000,
    );
    const fresh = (await issued()).filter(s => !before.includes(s));
    const rotation = (await e2e.qm(QM1)).rotations.find(
      r => r.taskId === run.taskId,
    );
    return { ...run, fresh, rotation };
  }

  async function expectVerified(r: Awaited<ReturnType<typeof rotate>>) {
    if (r.task.status !== 'completed') {
      throw new Error(await e2e.tasks.logText(r.taskId));
    }
    expect(r.fresh).toEqual([r.rotation!.serialNumber]);
    const done = await e2e.waitForRotation(QM1, r.rotation!.id, [
      'verified',
      'rolled-back',
      'failed',
    ]);
    expect(done.rotation.state).toBe('verified');
    expect(await e2e.opensslSerial('QM1')).toBe(r.rotation!.serialNumber);
  }

  it('rotates normally first (the backend holds a Vault token afterwards)', async () => {
    const r = await rotate();
    expect(r.task.status).toBe('completed');
    await expectVerified(r);
  });

  it.each([
    [429, 2],
    [500, 1],
  ])(
    '%i then OK on the issue call: retried, one certificate, verified',
    async (status, count) => {
      const since = (await e2e.stack.vault.control.requests()).at(-1)?.seq;
      await e2e.stack.vault.control.failNext(ISSUE_PATH, status, {
        count,
        method: 'POST',
        retryAfterSeconds: status === 429 ? 1 : undefined,
      });
      const r = await rotate();
      await expectVerified(r);
      const calls = await e2e.stack.vault.control.requests({
        since,
        pathPrefix: `/v1/${ISSUE_PATH}`,
      });
      // The failures, then exactly one successful issue: bounded retries.
      expect(calls.map(c => c.status)).toEqual([
        ...Array(count).fill(status),
        200,
      ]);
      expect(await e2e.stack.vault.control.faults()).toEqual([]);
    },
  );

  it('expired token: one new login, then the rotation completes', async () => {
    const since = (await e2e.stack.vault.control.requests()).at(-1)?.seq;
    const expired = await e2e.stack.vault.control.expireTokensFrom(
      'auth/approle/login',
    );
    expect(expired).toBeGreaterThan(0);
    await expectVerified(await rotate());
    const logins = await e2e.stack.vault.control.requests({
      since,
      pathPrefix: '/v1/auth/approle/login',
    });
    // One new login per Vault client of the backend (the scaffolder actions'
    // and the plugin's runtime each hold a token), no login loop.
    expect(logins.length).toBeGreaterThanOrEqual(1);
    expect(logins.length).toBeLessThanOrEqual(2);
    expect(logins.every(l => l.status === 200)).toBe(true);
  });

  it('sealed: the task fails clearly and soon; nothing issued, staged or scheduled; the listener is untouched', async () => {
    const served = await e2e.opensslSerial('QM1');
    const revisionsBefore = revisions();
    const issuedBefore = await issued();
    const jobsBefore = (await e2e.qm(QM1)).jobs.length;
    await e2e.stack.vault.control.seal();
    let run;
    const started = Date.now();
    try {
      run = await e2e.tasks.run(
        ROTATE_TEMPLATE,
        { queueManager: QM1, when: 'now' },
        150_000,
      );
    } finally {
      await e2e.stack.vault.control.unseal();
    }
    expect(run.task.status).toBe('failed');
    expect(Date.now() - started).toBeLessThan(120_000);
    expect(await e2e.tasks.logText(run.taskId)).toMatch(/sealed/i);
    expect(await issued()).toEqual(issuedBefore);
    const detail = await e2e.qm(QM1);
    expect(detail.rotations.filter(r => r.taskId === run.taskId)).toEqual([]);
    expect(detail.jobs).toHaveLength(jobsBefore);
    expect(revisions()).toEqual(revisionsBefore);
    expect(await e2e.opensslSerial('QM1')).toBe(served);
  });
});
