import { mockCredentials } from '@backstage/backend-test-utils';
import {
  MQ_CERT_ANNOTATIONS,
  QueueManagerSpec,
  ServedCertificate,
} from '@mqcert/plugin-mq-certificates-common';
import request from 'supertest';
import { qmEntity, randomSerial } from '../__testUtils__/fakes';
import {
  asScaffolderFor,
  asUser,
  startPluginBackend,
} from '../__testUtils__/testBackend';

jest.setTimeout(30_000);

const DAY = 86_400_000;
const entities = [
  qmEntity('qm1', {
    title: 'Payments QM',
    annotations: { [MQ_CERT_ANNOTATIONS.refreshApproval]: 'required' },
  }),
  qmEntity('qm2'),
  qmEntity('qm3', { owner: 'group:default/team-b' }),
  qmEntity('broken', {
    annotations: { [MQ_CERT_ANNOTATIONS.keyRepositoryFormat]: 'zip' },
  }),
];

/** What each queue manager serves in these tests: days left until notAfter. */
const daysLeft: Record<string, number> = { QM1: 3, QM2: 40, QM3: -1 };

function servedFor(spec: QueueManagerSpec): ServedCertificate {
  const now = Date.now();
  const left = daysLeft[spec.queueManager];
  return {
    listener: `${spec.listener?.host}:${spec.listener?.port}`,
    probedAt: new Date(now).toISOString(),
    serialNumber: '0a:0b',
    notBefore: new Date(now + left * DAY - 47 * DAY).toISOString(),
    notAfter: new Date(now + left * DAY).toISOString(),
    chain: [],
    channels: [],
  };
}

function rotationBody(entity: string, overrides: object = {}) {
  const serial = randomSerial();
  return {
    entityRef: `resource:default/${entity}`,
    serialNumber: serial.toUpperCase().replace(/:/g, ''),
    notAfter: new Date(Date.now() + 47 * DAY).toISOString(),
    fingerprintSha256: 'AB'.repeat(32),
    certificateLabel: `ibmwebspheremq${entity}`,
    keyRepositoryFormat: 'p12',
    keystorePasswordRef: {
      mount: 'secret',
      path: `mq/keystores/${entity}`,
      version: 1,
    },
    deployTarget: 'hosts',
    stagedRevisionPath: `${entity}/ssl/key-20261203T000000Z-aa.p12`,
    taskId: 'task-1',
    ...overrides,
  };
}

describe('mq-certificates REST API', () => {
  let server: Awaited<ReturnType<typeof startPluginBackend>>['server'];
  let scheduler: Awaited<ReturnType<typeof startPluginBackend>>['scheduler'];

  beforeAll(async () => {
    ({ server, scheduler } = await startPluginBackend({
      entities,
      runtime: { probeQueueManager: async spec => servedFor(spec) },
    }));
  });

  const api = '/api/mq-certificates';

  it('answers /health without authentication', async () => {
    const res = await request(server).get(`${api}/health`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  it('requires authentication elsewhere', async () => {
    const res = await request(server)
      .get(`${api}/v1/queue-managers`)
      .set('Authorization', mockCredentials.none.header());
    expect(res.status).toBe(401);
  });

  describe('POST /v1/rotations', () => {
    it('records a rotation for the user the scaffolder acts for', async () => {
      const body = rotationBody('qm2');
      const res = await request(server)
        .post(`${api}/v1/rotations`)
        .set('Authorization', asScaffolderFor('alice'))
        .send(body);
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        entityRef: 'resource:default/qm2',
        queueManager: 'QM2',
        state: 'staged',
        createdBy: 'user:default/alice',
        certificates: [expect.objectContaining({ label: 'ibmwebspheremqqm2' })],
      });
      // Serial and fingerprint come back in the one canonical form.
      expect(res.body.serialNumber).toMatch(/^[0-9a-f]{2}(:[0-9a-f]{2})+$/);
      expect(res.body.fingerprintSha256).toBe(Array(32).fill('ab').join(':'));
    });

    it('names the field when the input is invalid', async () => {
      const res = await request(server)
        .post(`${api}/v1/rotations`)
        .set('Authorization', asUser('alice'))
        .send(
          rotationBody('qm2', {
            serialNumber: 'xyz',
            notAfter: 'tomorrow',
            extra: 1,
          }),
        );
      expect(res.status).toBe(400);
      expect(res.body.error.name).toBe('InputError');
      expect(res.body.error.message).toContain(
        "serialNumber: 'xyz' is not a hex serial number",
      );
      expect(res.body.error.message).toContain(
        "notAfter: 'tomorrow' is not an ISO 8601 date-time",
      );
      expect(res.body.error.message).toContain('unknown field extra');
    });

    it('says a malformed JSON body is not JSON without echoing it back', async () => {
      const pasted = '-----BEGIN PRIVATE KEY-----MIIEvQIBADANBgkq';
      for (const [text, reason] of [
        [`{"x": oops, "key": "${pasted}"}`, 'unexpected character'],
        [`{"key": "${pasted}`, 'a string is not closed at position'],
        [`{"key": "${pasted}"`, "expected ',' or a closing bracket"],
        ['{"key":', 'it ends before the JSON value is complete'],
        [`oops ${pasted}`, 'unexpected character'],
      ]) {
        const res = await request(server)
          .post(`${api}/v1/rotations`)
          .set('Authorization', asScaffolderFor('alice'))
          .set('Content-Type', 'application/json')
          .send(text);
        expect(res.status).toBe(400);
        expect(res.body.error.name).toBe('InputError');
        expect(res.body.error.message).toMatch(
          /^request body is not valid JSON \(/,
        );
        expect(res.body.error.message).toContain(reason);
        expect(res.text).not.toContain(pasted);
        expect(res.text).not.toContain('oops');
        expect(res.text).not.toContain('entity.parse.failed');
        expect(res.body.error).not.toHaveProperty('body');
      }
    });

    it('refuses users who may not rotate the queue manager', async () => {
      for (const user of ['mallory', 'carol']) {
        const res = await request(server)
          .post(`${api}/v1/rotations`)
          .set('Authorization', asScaffolderFor(user))
          .send(rotationBody('qm2'));
        expect(res.status).toBe(403);
        expect(res.body.error.message).toContain(
          'you may not rotate or refresh the certificate of resource:default/qm2',
        );
      }
    });

    it('refuses a backend acting on its own behalf for changes', async () => {
      const res = await request(server)
        .post(`${api}/v1/rotations`)
        .set('Authorization', mockCredentials.service.header())
        .send(rotationBody('qm2'));
      expect(res.status).toBe(403);
    });

    it('says which annotation to fix for a misconfigured entity', async () => {
      const res = await request(server)
        .post(`${api}/v1/rotations`)
        .set('Authorization', asUser('alice'))
        .send(rotationBody('broken'));
      expect(res.status).toBe(400);
      expect(res.body.error.message).toContain(
        MQ_CERT_ANNOTATIONS.keyRepositoryFormat,
      );
    });
  });

  describe('refresh jobs', () => {
    async function recordRotation(entity: string, user = 'alice') {
      const res = await request(server)
        .post(`${api}/v1/rotations`)
        .set('Authorization', asScaffolderFor(user))
        .send(rotationBody(entity));
      expect(res.status).toBe(201);
      return res.body as { id: string };
    }

    it('schedules, refuses a second one for the same queue manager, runs now and cancels', async () => {
      const rotation = await recordRotation('qm2');
      const runAt = new Date(Date.now() + DAY).toISOString();
      const created = await request(server)
        .post(`${api}/v1/refresh-jobs`)
        .set('Authorization', asScaffolderFor('alice'))
        .send({ rotationId: rotation.id, runAt });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({
        state: 'scheduled',
        runAt,
        approvalRequired: false,
        attempts: 0,
        mode: 'portal',
      });

      const second = await request(server)
        .post(`${api}/v1/refresh-jobs`)
        .set('Authorization', asUser('alice'))
        .send({ rotationId: (await recordRotation('qm2')).id });
      expect(second.status).toBe(409);
      expect(second.body.error.message).toContain(
        `refresh job ${created.body.id}`,
      );

      scheduler.triggerTask.mockClear();
      const now = await request(server)
        .post(`${api}/v1/refresh-jobs/${created.body.id}/run-now`)
        .set('Authorization', asUser('bob'));
      expect(now.status).toBe(200);
      expect(Date.parse(now.body.runAt)).toBeLessThanOrEqual(Date.now());
      expect(scheduler.triggerTask).toHaveBeenCalledWith('refresh-jobs');

      const denied = await request(server)
        .post(`${api}/v1/refresh-jobs/${created.body.id}/cancel`)
        .set('Authorization', asUser('carol'))
        .send({});
      expect(denied.status).toBe(403);
      const cancelled = await request(server)
        .post(`${api}/v1/refresh-jobs/${created.body.id}/cancel`)
        .set('Authorization', asUser('alice'))
        .send({ reason: 'change freeze' });
      expect(cancelled.status).toBe(200);
      expect(cancelled.body).toMatchObject({ state: 'cancelled' });
      expect(cancelled.body.lastError).toContain('change freeze');
      const again = await request(server)
        .post(`${api}/v1/refresh-jobs/${created.body.id}/cancel`)
        .set('Authorization', asUser('alice'))
        .send({});
      expect(again.status).toBe(409);

      const rotationAfter = await request(server)
        .get(`${api}/v1/rotations/${rotation.id}`)
        .set('Authorization', asUser('alice'));
      expect(rotationAfter.body).toMatchObject({ state: 'cancelled' });
    });

    it('refuses a run time long past, and accepts one a moment ago', async () => {
      const rotation = await recordRotation('qm2');
      const past = await request(server)
        .post(`${api}/v1/refresh-jobs`)
        .set('Authorization', asScaffolderFor('alice'))
        .send({
          rotationId: rotation.id,
          runAt: new Date(Date.now() - 10 * 60_000).toISOString(),
        });
      expect(past.status).toBe(400);
      expect(past.body.error.name).toBe('InputError');
      expect(past.body.error.message).toMatch(
        /^runAt: .* is more than 5 minutes in the past \(it is .*\); give a future time, or omit runAt to run now$/,
      );
      // Nothing was scheduled: the rotation is still staged.
      const after = await request(server)
        .get(`${api}/v1/rotations/${rotation.id}`)
        .set('Authorization', asUser('alice'));
      expect(after.body.state).toBe('staged');

      // The scaffolder works out "now" before its earlier steps finish.
      const recent = await request(server)
        .post(`${api}/v1/refresh-jobs`)
        .set('Authorization', asScaffolderFor('alice'))
        .send({
          rotationId: rotation.id,
          runAt: new Date(Date.now() - 60_000).toISOString(),
        });
      expect(recent.status).toBe(201);
      const cleanup = await request(server)
        .post(`${api}/v1/refresh-jobs/${recent.body.id}/cancel`)
        .set('Authorization', asUser('alice'))
        .send({});
      expect(cleanup.status).toBe(200);
    });

    it('refuses to schedule a rotation that is not staged (cancelled, failed) and says to rotate again', async () => {
      const cancelled = await recordRotation('qm2');
      const job = await request(server)
        .post(`${api}/v1/refresh-jobs`)
        .set('Authorization', asScaffolderFor('alice'))
        .send({ rotationId: cancelled.id });
      expect(job.status).toBe(201);
      await request(server)
        .post(`${api}/v1/refresh-jobs/${job.body.id}/cancel`)
        .set('Authorization', asUser('alice'))
        .send({});
      const again = await request(server)
        .post(`${api}/v1/refresh-jobs`)
        .set('Authorization', asScaffolderFor('alice'))
        .send({ rotationId: cancelled.id });
      expect(again.status).toBe(409);
      expect(again.body.error.name).toBe('ConflictError');
      expect(again.body.error.message).toContain(
        `rotation ${cancelled.id} is cancelled; only a staged rotation can be scheduled`,
      );
      expect(again.body.error.message).toContain('Rotate again');

      const failed = await recordRotation('qm2');
      const marked = await request(server)
        .patch(`${api}/v1/rotations/${failed.id}`)
        .set('Authorization', asScaffolderFor('alice'))
        .send({ state: 'failed', stateReason: 'deploy step failed' });
      expect(marked.status).toBe(200);
      const refused = await request(server)
        .post(`${api}/v1/refresh-jobs`)
        .set('Authorization', asScaffolderFor('alice'))
        .send({ rotationId: failed.id });
      expect(refused.status).toBe(409);
      expect(refused.body.error.message).toContain(
        `rotation ${failed.id} is failed`,
      );
    });

    it('answers a repeated request (a resumed scaffolder task) with the job it created', async () => {
      const rotation = await recordRotation('qm2');
      const runAt = new Date(Date.now() + DAY).toISOString();
      const send = (user: string, body: object) =>
        request(server)
          .post(`${api}/v1/refresh-jobs`)
          .set('Authorization', asScaffolderFor(user))
          .send({ rotationId: rotation.id, ...body });
      const first = await send('alice', { runAt });
      expect(first.status).toBe(201);
      const repeat = await send('alice', { runAt });
      expect(repeat.status).toBe(200);
      expect(repeat.body).toMatchObject({ id: first.body.id, runAt });
      // Not a repeat: another run time, or another user.
      const later = await send('alice', {
        runAt: new Date(Date.now() + 2 * DAY).toISOString(),
      });
      expect(later.status).toBe(409);
      expect(later.body.error.message).toContain('already has a refresh job');
      expect((await send('bob', { runAt })).status).toBe(409);

      const cleanup = await request(server)
        .post(`${api}/v1/refresh-jobs/${first.body.id}/cancel`)
        .set('Authorization', asUser('alice'))
        .send({});
      expect(cleanup.status).toBe(200);
    });

    it('gates a queue manager that requires approval on a second person', async () => {
      const rotation = await recordRotation('qm1');
      const created = await request(server)
        .post(`${api}/v1/refresh-jobs`)
        .set('Authorization', asScaffolderFor('alice'))
        .send({ rotationId: rotation.id });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({
        state: 'awaiting-approval',
        approvalRequired: true,
      });
      const id = created.body.id;

      const runNow = await request(server)
        .post(`${api}/v1/refresh-jobs/${id}/run-now`)
        .set('Authorization', asUser('alice'));
      expect(runNow.status).toBe(409);
      expect(runNow.body.error.message).toContain('needs approval first');

      const self = await request(server)
        .post(`${api}/v1/refresh-jobs/${id}/approve`)
        .set('Authorization', asUser('alice'));
      expect(self.status).toBe(403);
      expect(self.body.error.message).toContain('someone else must approve it');

      const outsider = await request(server)
        .post(`${api}/v1/refresh-jobs/${id}/approve`)
        .set('Authorization', asUser('carol'));
      expect(outsider.status).toBe(403);

      const approved = await request(server)
        .post(`${api}/v1/refresh-jobs/${id}/approve`)
        .set('Authorization', asUser('bob'));
      expect(approved.status).toBe(200);
      expect(approved.body).toMatchObject({
        state: 'scheduled',
        approvedBy: 'user:default/bob',
      });

      const twice = await request(server)
        .post(`${api}/v1/refresh-jobs/${id}/approve`)
        .set('Authorization', asUser('bob'));
      expect(twice.status).toBe(409);

      const job = await request(server)
        .get(`${api}/v1/refresh-jobs/${id}`)
        .set('Authorization', asUser('bob'));
      expect(job.body.approvedAt).toBeDefined();
      const cleanup = await request(server)
        .post(`${api}/v1/refresh-jobs/${id}/cancel`)
        .set('Authorization', asUser('bob'))
        .send({});
      expect(cleanup.status).toBe(200);
    });

    it('lets the scaffolder mark an issued rotation staged, and only then', async () => {
      const res = await request(server)
        .post(`${api}/v1/rotations`)
        .set('Authorization', asScaffolderFor('alice'))
        .send(
          rotationBody('qm2', {
            stagedRevisionPath: undefined,
            state: 'issued',
          }),
        );
      expect(res.body.state).toBe('issued');
      const job = await request(server)
        .post(`${api}/v1/refresh-jobs`)
        .set('Authorization', asUser('alice'))
        .send({ rotationId: res.body.id });
      expect(job.status).toBe(409);
      expect(job.body.error.message).toContain(
        'deploy the key repository first',
      );

      const staged = await request(server)
        .patch(`${api}/v1/rotations/${res.body.id}`)
        .set('Authorization', asScaffolderFor('alice'))
        .send({
          state: 'staged',
          stagedRevisionPath: 'qm2/ssl/key-20261204T000000Z-bb.p12',
          stagedSslKeyRepository:
            '/var/mqm/qm2/ssl/key-20261204T000000Z-bb.p12',
        });
      expect(staged.status).toBe(200);
      expect(staged.body).toMatchObject({
        state: 'staged',
        stagedSslKeyRepository: '/var/mqm/qm2/ssl/key-20261204T000000Z-bb.p12',
      });
      const badPath = await request(server)
        .patch(`${api}/v1/rotations/${res.body.id}`)
        .set('Authorization', asUser('alice'))
        .send({ stagedRevisionPath: '../etc/passwd' });
      expect(badPath.status).toBe(400);
      expect(badPath.body.error.message).toContain('stagedRevisionPath');
    });
  });

  describe('queue managers', () => {
    beforeAll(async () => {
      // Owners probe their own; carol probes qm3.
      for (const [name, user] of [
        ['qm1', 'alice'],
        ['qm2', 'alice'],
        ['qm3', 'carol'],
      ]) {
        const res = await request(server)
          .post(`${api}/v1/queue-managers/resource/default/${name}/probe`)
          .set('Authorization', asUser(user));
        if (res.status !== 200) {
          throw new Error(
            `probe of ${name} answered ${res.status}: ${res.text}`,
          );
        }
      }
    });

    it('shows one queue manager with its served certificate, policy, rotations, jobs and history', async () => {
      const res = await request(server)
        .get(`${api}/v1/queue-managers/resource/default/qm1`)
        .set('Authorization', asUser('bob'));
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        entityRef: 'resource:default/qm1',
        queueManager: 'QM1',
        listener: 'qm1.mq.example.test:1414',
        certificateLabel: 'ibmwebspheremqqm1',
        refreshApproval: 'required',
        served: { serialNumber: '0a:0b' },
        policy: { state: 'expiring', daysLeft: 2 },
      });
      expect(res.body.rotations.length).toBeGreaterThan(0);
      expect(res.body.jobs.length).toBeGreaterThan(0);
      expect(res.body.events.map((e: { type: string }) => e.type)).toEqual(
        expect.arrayContaining([
          'rotation-recorded',
          'refresh-job-approved',
          'probed',
        ]),
      );
    });

    it('refuses other teams and unknown entities', async () => {
      const other = await request(server)
        .get(`${api}/v1/queue-managers/resource/default/qm3`)
        .set('Authorization', asUser('alice'));
      expect(other.status).toBe(403);
      const bad = await request(server)
        .get(`${api}/v1/queue-managers/resource/default/no such`)
        .set('Authorization', asUser('alice'));
      expect(bad.status).toBe(400);
      expect(bad.body.error.message).toContain('name');
    });

    it('lists only the fleet the caller may read, with counts, filters, sorting and paging', async () => {
      const res = await request(server)
        .get(`${api}/v1/queue-managers`)
        .set('Authorization', asUser('alice'));
      expect(res.status).toBe(200);
      expect(res.body.totalCount).toBe(3); // qm1, qm2, broken: not team-b's qm3
      expect(res.body.items.map((i: { name: string }) => i.name)).toEqual([
        'qm1', // expiring
        'broken', // unknown (never probed, invalid annotations)
        'qm2', // ok
      ]);
      expect(res.body.counts).toEqual({
        ok: 1,
        'renew-due': 0,
        expiring: 1,
        expired: 0,
        unknown: 1,
      });
      const broken = res.body.items.find(
        (i: { name: string }) => i.name === 'broken',
      );
      expect(broken.configError).toContain(
        MQ_CERT_ANNOTATIONS.keyRepositoryFormat,
      );
      const qm1 = res.body.items[0];
      expect(qm1).toMatchObject({
        title: 'Payments QM',
        owner: 'group:default/team-a',
        state: 'expiring',
        latestRotation: expect.objectContaining({ state: 'cancelled' }),
      });

      const byState = await request(server)
        .get(`${api}/v1/queue-managers?state=ok,expired&sort=name`)
        .set('Authorization', asUser('alice'));
      expect(byState.body.items.map((i: { name: string }) => i.name)).toEqual([
        'qm2',
      ]);
      expect(byState.body.counts.expiring).toBe(1); // counts ignore the state filter

      const text = await request(server)
        .get(`${api}/v1/queue-managers?q=payments`)
        .set('Authorization', asUser('alice'));
      expect(text.body.items.map((i: { name: string }) => i.name)).toEqual([
        'qm1',
      ]);

      const paged = await request(server)
        .get(`${api}/v1/queue-managers?sort=daysLeft&limit=1&offset=1`)
        .set('Authorization', asUser('alice'));
      expect(paged.body).toMatchObject({ totalCount: 3, offset: 1, limit: 1 });
      expect(paged.body.items.map((i: { name: string }) => i.name)).toEqual([
        'qm2',
      ]);

      const carol = await request(server)
        .get(`${api}/v1/queue-managers?owner=team-b`)
        .set('Authorization', asUser('carol'));
      expect(carol.body.items.map((i: { state: string }) => i.state)).toEqual([
        'expired',
      ]);
    });

    it('denies the fleet outright to users the policy denies, and validates the query', async () => {
      const denied = await request(server)
        .get(`${api}/v1/queue-managers`)
        .set('Authorization', asUser('mallory'));
      expect(denied.status).toBe(403);
      const bad = await request(server)
        .get(`${api}/v1/queue-managers?sort=age&limit=9999`)
        .set('Authorization', asUser('alice'));
      expect(bad.status).toBe(400);
      expect(bad.body.error.message).toContain('sort:');
      expect(bad.body.error.message).toContain('limit:');
    });
  });
});
