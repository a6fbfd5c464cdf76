import { NotAllowedError } from '@backstage/errors';
import request from 'supertest';
import { FakeRuntime, qmEntity, randomSerial } from '../__testUtils__/fakes';
import {
  asScaffolderFor,
  asUser,
  startPluginBackend,
} from '../__testUtils__/testBackend';

jest.setTimeout(30_000);

/*
 * Cancelling a host-mode refresh job through the REST API: the at job on
 * the MQ host must be gone (atq, atrm through the deploy target) before the
 * job is called cancelled; when that cannot be done, nothing is cancelled
 * and the history says why.
 */

const api = '/api/mq-certificates';
const DAY = 86_400_000;
const AT_ID = '17';
const ENTITY = 'resource:default/qm1';

describe('POST /v1/refresh-jobs/{id}/cancel of a host-mode (at) job', () => {
  let server: Awaited<ReturnType<typeof startPluginBackend>>['server'];
  let runtime: FakeRuntime;

  beforeAll(async () => {
    runtime = new FakeRuntime();
    ({ server } = await startPluginBackend({
      entities: [qmEntity('qm1')],
      runtime: runtime.parts(),
    }));
  });

  beforeEach(() => {
    runtime.at.jobs.clear();
    runtime.at.removed.length = 0;
    runtime.at.listFailure = undefined;
    runtime.at.cancelFailure = undefined;
    runtime.targetFailure = undefined;
    runtime.target.hostClock = undefined;
    runtime.target.closed = 0;
  });

  /** Records a staged rotation and its host-mode job, with the at job queued on the fake host. */
  async function hostJob(runAt = new Date(Date.now() + 3_600_000)) {
    const rotation = await request(server)
      .post(`${api}/v1/rotations`)
      .set('Authorization', asScaffolderFor('alice'))
      .send({
        entityRef: ENTITY,
        serialNumber: randomSerial(),
        notAfter: new Date(Date.now() + 47 * DAY).toISOString(),
        fingerprintSha256: 'AB'.repeat(32),
        certificateLabel: 'ibmwebspheremqqm1',
        keyRepositoryFormat: 'p12',
        keystorePasswordRef: {
          mount: 'secret',
          path: 'mq/keystores/qm1',
          version: 1,
        },
        deployTarget: 'hosts',
        stagedRevisionPath: 'qm1/ssl/key-20261203T000000Z-aa.p12',
        taskId: 'task-1',
      });
    expect(rotation.status).toBe(201);
    runtime.at.jobs.set(AT_ID, {
      id: AT_ID,
      runAt: runAt.toISOString(),
      queue: 'a',
    });
    const job = await request(server)
      .post(`${api}/v1/refresh-jobs`)
      .set('Authorization', asScaffolderFor('alice'))
      .send({
        rotationId: rotation.body.id,
        runAt: runAt.toISOString(),
        mode: 'host',
        hostJobId: AT_ID,
      });
    expect(job.status).toBe(201);
    return job.body as { id: string; rotationId: string };
  }

  const cancel = (id: string) =>
    request(server)
      .post(`${api}/v1/refresh-jobs/${id}/cancel`)
      .set('Authorization', asUser('alice'))
      .send({ reason: 'not today' });

  const stateOf = async (id: string) =>
    (
      await request(server)
        .get(`${api}/v1/refresh-jobs/${id}`)
        .set('Authorization', asUser('alice'))
    ).body.state;

  const events = async () =>
    (
      await request(server)
        .get(`${api}/v1/queue-managers/resource/default/qm1`)
        .set('Authorization', asUser('alice'))
    ).body.events as { type: string; message: string; jobId?: string }[];

  /** Cancels the job after a failed test so the next one can schedule. */
  async function cleanUp(id: string) {
    runtime.at.listFailure = undefined;
    runtime.at.cancelFailure = undefined;
    runtime.targetFailure = undefined;
    runtime.at.jobs.set(AT_ID, {
      id: AT_ID,
      runAt: new Date(Date.now() + 3_600_000).toISOString(),
    });
    expect((await cancel(id)).status).toBe(200);
  }

  it('refuses run-now for a host-mode job: the at job decides when the cut-over runs', async () => {
    const runAt = new Date(Date.now() + 3_600_000);
    const job = await hostJob(runAt);
    const res = await request(server)
      .post(`${api}/v1/refresh-jobs/${job.id}/run-now`)
      .set('Authorization', asUser('alice'));
    expect(res.status).toBe(409);
    expect(res.body.error.message).toContain(
      `is an at job (${AT_ID}) on the queue manager's host`,
    );
    expect(res.body.error.message).toContain(
      "rotate again (rotate-mq-certificate) with when 'now'",
    );
    const after = await request(server)
      .get(`${api}/v1/refresh-jobs/${job.id}`)
      .set('Authorization', asUser('alice'));
    expect(after.body).toMatchObject({
      state: 'scheduled',
      runAt: runAt.toISOString(),
    });
    await cleanUp(job.id);
  });

  it('removes the at job on the host (atrm), then marks the job and rotation cancelled', async () => {
    const job = await hostJob();
    const res = await cancel(job.id);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ state: 'cancelled' });
    expect(runtime.at.removed).toEqual([AT_ID]);
    expect(runtime.at.jobs.has(AT_ID)).toBe(false);
    expect(runtime.target.closed).toBe(1);
    const rotation = await request(server)
      .get(`${api}/v1/rotations/${job.rotationId}`)
      .set('Authorization', asUser('alice'));
    expect(rotation.body.state).toBe('cancelled');
    const cancelled = (await events()).find(
      e => e.type === 'refresh-job-cancelled' && e.jobId === job.id,
    );
    expect(cancelled?.message).toContain(
      `at job ${AT_ID} removed from deploy target hosts (atrm)`,
    );
  });

  it('does not cancel when the host cannot be reached, and says what to do', async () => {
    const job = await hostJob();
    runtime.targetFailure = new Error(
      'SSH host mqm@mq1.example.test:22 did not complete connect, handshake and login within 10000 ms',
    );
    const res = await cancel(job.id);
    expect(res.status).toBe(503);
    expect(res.body.error.name).toBe('ServiceUnavailableError');
    const message: string = res.body.error.message;
    expect(message).toContain(
      `could not reach deploy target hosts to remove at job ${AT_ID}: SSH host mqm@mq1.example.test:22`,
    );
    expect(message).toContain('Nothing was cancelled');
    expect(message).toContain(`atrm ${AT_ID}`);
    expect(await stateOf(job.id)).toBe('scheduled');
    expect(runtime.at.jobs.has(AT_ID)).toBe(true);
    expect(
      (await events()).find(
        e => e.type === 'refresh-job-cancel-failed' && e.jobId === job.id,
      )?.message,
    ).toContain('could not reach deploy target hosts');
    await cleanUp(job.id);
  });

  it('does not cancel when atrm fails on the host', async () => {
    const job = await hostJob();
    runtime.at.cancelFailure = new NotAllowedError(
      `at job ${AT_ID} on SSH host mqm@mq1:22 belongs to another user (Not owner); cancel it as that user`,
    );
    const res = await cancel(job.id);
    expect(res.status).toBe(503);
    expect(res.body.error.message).toContain(
      `removing at job ${AT_ID} on deploy target hosts failed: at job ${AT_ID} on SSH host mqm@mq1:22 belongs to another user`,
    );
    expect(await stateOf(job.id)).toBe('scheduled');
    await cleanUp(job.id);
  });

  it('refuses with a conflict when the at job already ran (gone from atq after its run time)', async () => {
    const job = await hostJob();
    runtime.at.jobs.delete(AT_ID);
    // The host's clock is past the run time: atd has run it.
    runtime.target.hostClock = new Date(Date.now() + 2 * 3_600_000);
    const res = await cancel(job.id);
    expect(res.status).toBe(409);
    expect(res.body.error.name).toBe('ConflictError');
    expect(res.body.error.message).toContain(
      `at job ${AT_ID} is no longer queued on deploy target hosts`,
    );
    expect(res.body.error.message).toContain('so it already ran');
    expect(res.body.error.message).toContain('will be verified');
    expect(await stateOf(job.id)).toBe('scheduled');
    expect(runtime.at.removed).toEqual([]);
    await cleanUp(job.id);
  });

  it('refuses when the at job is running on the host now', async () => {
    const job = await hostJob();
    runtime.at.jobs.set(AT_ID, {
      id: AT_ID,
      runAt: new Date().toISOString(),
      queue: '=',
    });
    const res = await cancel(job.id);
    expect(res.status).toBe(409);
    expect(res.body.error.message).toContain(`at job ${AT_ID} is running`);
    expect(runtime.at.removed).toEqual([]);
    await cleanUp(job.id);
  });

  it('cancels a job whose at job was removed on the host before its run time (it cannot have run)', async () => {
    const job = await hostJob();
    runtime.at.jobs.delete(AT_ID);
    runtime.target.hostClock = new Date();
    const res = await cancel(job.id);
    expect(res.status).toBe(200);
    expect(res.body.state).toBe('cancelled');
    expect(
      (await events()).find(
        e => e.type === 'refresh-job-cancelled' && e.jobId === job.id,
      )?.message,
    ).toContain('before its run time (removed on the host), so it did not run');
  });
});
