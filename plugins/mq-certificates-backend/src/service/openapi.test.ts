/*
 * Keeps src/schema/openapi.yaml honest: the router's routes and the spec's
 * operations are the same set, the zod request schemas accept the fields the
 * spec documents (and no others), and real responses of the running plugin
 * (successes and Backstage error bodies) validate against the spec's schemas.
 * Every documented operation must be exercised with a success here, so a new
 * route cannot be documented but untested, or served but undocumented.
 */
import fs from 'node:fs';
import path from 'node:path';
import { mockCredentials } from '@backstage/backend-test-utils';
import {
  MQ_CERT_ANNOTATIONS,
  QueueManagerSpec,
  ServedCertificate,
} from '@mqcert/plugin-mq-certificates-common';
import Ajv, { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import request, { Response } from 'supertest';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { issueLeaf, qmEntity, randomSerial } from '../__testUtils__/fakes';
import {
  asScaffolderFor,
  asUser,
  startPluginBackend,
} from '../__testUtils__/testBackend';
import { createRouter } from './router';
import {
  cancelRefreshJobSchema,
  createRefreshJobSchema,
  fleetQuerySchema,
  recordRotationSchema,
  updateRotationSchema,
} from './validation';

jest.setTimeout(30_000);

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;
const DAY = 86_400_000;
const api = '/api/mq-certificates';

interface Operation {
  parameters?: { name: string; in: string }[];
  requestBody?: { content: Record<string, { schema: object }> };
  responses: Record<
    string,
    { $ref?: string; content?: Record<string, { schema: object }> }
  >;
}
interface Spec {
  openapi: string;
  paths: Record<string, Record<string, Operation | unknown>>;
  components: {
    schemas: Record<string, { properties?: Record<string, unknown> }>;
    responses: Record<string, { content: Record<string, { schema: object }> }>;
  };
}

const spec: Spec = parseYaml(
  fs.readFileSync(path.resolve(__dirname, '../schema/openapi.yaml'), 'utf8'),
);

// OpenAPI 3.0 schemas are a JSON Schema subset; `example` is the one
// OpenAPI-only keyword used in them. Strict mode catches misspelt keywords.
const ajv = new Ajv({ allErrors: true, strict: true, strictRequired: false });
addFormats(ajv);
ajv.addKeyword('example');

/** The spec's refs ('#/components/schemas/X') as refs into the schema added below. */
function rewriteRefs<T>(value: T): T {
  return JSON.parse(
    JSON.stringify(value).replace(
      /"#\/components\/schemas\//g,
      '"openapi#/definitions/',
    ),
  );
}
ajv.addSchema(
  rewriteRefs({ $id: 'openapi', definitions: spec.components.schemas }),
);
function compile(schema: object): ValidateFunction {
  return ajv.compile(rewriteRefs(schema));
}

function operations(): { method: string; template: string; op: Operation }[] {
  const result = [];
  for (const [template, item] of Object.entries(spec.paths)) {
    for (const method of METHODS) {
      const op = item[method] as Operation | undefined;
      if (op) result.push({ method, template, op });
    }
  }
  return result;
}

function templateRegExp(template: string): RegExp {
  const source = template
    .split(/\{[^}]+\}/)
    .map(part => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('[^/]+');
  return new RegExp(`^${source}$`);
}

const exercised = new Set<string>();
const validators = new Map<string, ValidateFunction>();

/**
 * Asserts that a response of the running plugin is one the spec documents:
 * its status is listed for the operation, and its JSON body validates
 * against that status's schema. Returns the response for chaining.
 */
function conforms(res: Response): Response {
  const url = new URL(res.request.url);
  const method = res.request.method.toLowerCase();
  const local = url.pathname.slice(api.length);
  const match = operations().find(
    o => o.method === method && templateRegExp(o.template).test(local),
  );
  if (!match) {
    throw new Error(`${method.toUpperCase()} ${local} is not in openapi.yaml`);
  }
  const key = `${method} ${match.template} ${res.status}`;
  let response = match.op.responses[String(res.status)];
  if (!response) {
    throw new Error(
      `${method.toUpperCase()} ${match.template} answered ${
        res.status
      }, which openapi.yaml does not list: ${res.text}`,
    );
  }
  if (response.$ref) {
    response = spec.components.responses[response.$ref.split('/').pop()!];
  }
  let validate = validators.get(key);
  if (!validate) {
    validate = compile(response.content!['application/json'].schema);
    validators.set(key, validate);
  }
  if (!validate(res.body)) {
    throw new Error(
      `${key}: body does not match openapi.yaml: ${ajv.errorsText(
        validate.errors,
      )} ${JSON.stringify(
        validate.errors?.map(e => e.params),
      )}\n${JSON.stringify(res.body, null, 2)}`,
    );
  }
  if (res.status < 300) exercised.add(`${method} ${match.template}`);
  return res;
}

describe('openapi.yaml', () => {
  it('is OpenAPI 3 and its schemas compile', () => {
    expect(spec.openapi).toMatch(/^3\./);
    const schemas: object[] = [];
    for (const { op } of operations()) {
      for (const response of Object.values(op.responses)) {
        const r = response.$ref
          ? spec.components.responses[response.$ref.split('/').pop()!]
          : response;
        schemas.push(r.content!['application/json'].schema);
      }
      const body = op.requestBody?.content['application/json'].schema;
      if (body) schemas.push(body);
    }
    for (const schema of schemas) {
      expect(() => compile(schema)).not.toThrow();
    }
  });

  it('lists exactly the routes the router serves', async () => {
    const router = await createRouter({
      httpAuth: {} as any,
      auditor: {} as any,
      service: {} as any,
    });
    const served = (router.stack as any[])
      .filter(layer => layer.route)
      .flatMap(layer =>
        Object.keys(layer.route.methods).map(
          method =>
            `${method} ${String(layer.route.path).replace(
              /:([A-Za-z]+)/g,
              '{$1}',
            )}`,
        ),
      )
      .sort();
    const documented = operations()
      .map(o => `${o.method} ${o.template}`)
      .sort();
    expect(served).toEqual(documented);
  });

  it('documents each path parameter of each route', () => {
    for (const [template, item] of Object.entries(spec.paths)) {
      const inTemplate = [...template.matchAll(/\{([^}]+)\}/g)].map(m => m[1]);
      const shared = (
        (item.parameters as { $ref?: string; name?: string }[]) ?? []
      ).map(p => p.name ?? p.$ref!.split('/').pop());
      expect([template, shared.sort()]).toEqual([
        template,
        [...inTemplate].sort(),
      ]);
    }
  });

  it('documents the fields the request validators accept, and no others', () => {
    const bodyProps = (name: string) =>
      Object.keys(spec.components.schemas[name].properties ?? {}).sort();
    const zodKeys = (schema: z.AnyZodObject) =>
      Object.keys(schema.shape).sort();
    expect(bodyProps('RecordRotationRequest')).toEqual(
      zodKeys(recordRotationSchema),
    );
    expect(bodyProps('UpdateRotationRequest')).toEqual(
      zodKeys(updateRotationSchema),
    );
    expect(bodyProps('CreateRefreshJobRequest')).toEqual(
      zodKeys(createRefreshJobSchema),
    );
    expect(bodyProps('CancelRefreshJobRequest')).toEqual(
      zodKeys(cancelRefreshJobSchema),
    );
    const fleet = operations().find(
      o => o.method === 'get' && o.template === '/v1/queue-managers',
    )!;
    expect(
      fleet.op
        .parameters!.filter(p => p.in === 'query')
        .map(p => p.name)
        .sort(),
    ).toEqual(Object.keys(fleetQuerySchema.shape).sort());
  });

  describe('responses of the running plugin', () => {
    let started: Awaited<ReturnType<typeof startPluginBackend>>;
    let server: Awaited<ReturnType<typeof startPluginBackend>>['server'];
    const leaf = issueLeaf({ commonName: 'qm2.mq.example.test' });
    const ca = issueLeaf({ commonName: 'unused' }); // only for a chain entry

    function served(spec_: QueueManagerSpec): ServedCertificate {
      return {
        listener: `${spec_.listener?.host}:${spec_.listener?.port}`,
        probedAt: new Date().toISOString(),
        ...leaf.summary,
        chain: [ca.summary],
        trusted: true,
        channels: spec_.tlsChannels.map(c => ({
          channel: c.name,
          sniHostname: c.sniHostname,
          certificateLabel: c.certificateLabel ?? spec_.certificateLabel,
          serialNumber: leaf.serialNumber,
          fingerprintSha256: leaf.summary.fingerprintSha256,
          notAfter: leaf.summary.notAfter,
        })),
      };
    }

    beforeAll(async () => {
      started = await startPluginBackend({
        entities: [
          qmEntity('qm1', {
            title: 'Payments QM',
            annotations: {
              [MQ_CERT_ANNOTATIONS.refreshApproval]: 'required',
              [MQ_CERT_ANNOTATIONS.maintenanceWindow]: 'Sat 02:00-04:00 UTC',
              [MQ_CERT_ANNOTATIONS.tlsChannels]: 'APP.SVRCONN',
            },
          }),
          qmEntity('qm2'),
          qmEntity('broken', {
            annotations: { [MQ_CERT_ANNOTATIONS.keyRepositoryFormat]: 'zip' },
          }),
        ],
        runtime: { probeQueueManager: async s => served(s) },
      });
      server = started.server;
    });

    afterAll(async () => {
      await started.backend.stop();
    });

    const get = (url: string, auth = asUser('alice')) =>
      request(server).get(`${api}${url}`).set('Authorization', auth);
    const post = (url: string, body?: object, auth = asUser('alice')) => {
      const r = request(server).post(`${api}${url}`).set('Authorization', auth);
      return body ? r.send(body) : r;
    };

    function rotationBody(entity: string, overrides: object = {}) {
      return {
        entityRef: `resource:default/${entity}`,
        serialNumber: randomSerial(),
        notAfter: new Date(Date.now() + 47 * DAY).toISOString(),
        fingerprintSha256: 'ab'.repeat(32),
        certificateLabel: `ibmwebspheremq${entity}`,
        keyRepositoryFormat: 'p12',
        keystorePasswordRef: {
          mount: 'secret',
          path: `mq/${entity}`,
          version: 1,
        },
        deployTarget: 'hosts',
        stagedRevisionPath: `${entity}/ssl/key-20261203T000000Z-aa.p12`,
        taskId: 'task-1',
        ...overrides,
      };
    }

    it('health, fleet and queue managers', async () => {
      conforms(await request(server).get(`${api}/health`));
      conforms(await get('/v1/queue-managers', mockCredentials.none.header()));
      conforms(await post('/v1/queue-managers/resource/default/qm1/probe'));
      conforms(await post('/v1/queue-managers/resource/default/qm2/probe'));
      conforms(
        await post(
          '/v1/queue-managers/resource/default/qm2/probe',
          undefined,
          asUser('carol'),
        ),
      );
      for (const query of [
        '',
        '?sort=name&order=desc&limit=2&offset=1',
        '?state=ok,unknown&owner=team-a&q=qm',
        '?sort=daysLeft&maxDaysLeft=100',
        '?sort=age&limit=0',
      ]) {
        conforms(await get(`/v1/queue-managers${query}`));
      }
      conforms(await get('/v1/queue-managers', asUser('mallory')));
      const fleet = conforms(
        await get('/v1/queue-managers', mockCredentials.service.header()),
      );
      expect(fleet.body.totalCount).toBe(3);
      const limited = conforms(await get('/v1/queue-managers?maxDaysLeft=100'));
      expect(limited.body.items.map((i: { name: string }) => i.name)).toEqual(
        expect.arrayContaining(['qm1', 'qm2']),
      );
      expect(limited.body.totalCount).toBe(2); // broken: never probed

      const qm1 = conforms(
        await get('/v1/queue-managers/resource/default/qm1'),
      );
      expect(qm1.status).toBe(200);
      expect(qm1.body.served.chain).toHaveLength(1);
      conforms(
        await get('/v1/queue-managers/resource/default/qm1', asUser('carol')),
      );
      conforms(await get('/v1/queue-managers/resource/default/no such'));
      conforms(await get('/v1/queue-managers/resource/default/nothere'));
    });

    it('rotations and refresh jobs', async () => {
      const recorded = conforms(
        await post(
          '/v1/rotations',
          rotationBody('qm1'),
          asScaffolderFor('alice'),
        ),
      );
      expect(recorded.status).toBe(201);
      conforms(
        await post('/v1/rotations', rotationBody('qm1', { serialNumber: 'x' })),
      );
      conforms(
        await post('/v1/rotations', rotationBody('qm1'), asUser('carol')),
      );
      conforms(await post('/v1/rotations', rotationBody('broken')));
      const id = recorded.body.id;
      conforms(await get(`/v1/rotations/${id}`));
      conforms(await get('/v1/rotations/not-a-uuid'));
      conforms(await get('/v1/rotations/00000000-0000-4000-8000-000000000000'));

      const issued = conforms(
        await post(
          '/v1/rotations',
          rotationBody('qm2', {
            state: 'issued',
            stagedRevisionPath: undefined,
          }),
        ),
      );
      const patch = (rid: string, body: object) =>
        request(server)
          .patch(`${api}/v1/rotations/${rid}`)
          .set('Authorization', asUser('alice'))
          .send(body);
      conforms(
        await patch(issued.body.id, {
          state: 'staged',
          stagedRevisionPath: 'qm2/ssl/key-20261204T000000Z-bb.p12',
          stagedSslKeyRepository:
            '/var/mqm/qm2/ssl/key-20261204T000000Z-bb.p12',
        }),
      );
      conforms(await patch(issued.body.id, { state: 'bogus' }));

      // qm1 needs approval: create → approve (by bob) → run now → cancel.
      const job = conforms(await post('/v1/refresh-jobs', { rotationId: id }));
      expect(job.body.state).toBe('awaiting-approval');
      conforms(await post('/v1/refresh-jobs', { rotationId: id }));
      conforms(await post('/v1/refresh-jobs', { rotationId: 'nope' }));
      const jid = job.body.id;
      conforms(await post(`/v1/refresh-jobs/${jid}/run-now`));
      conforms(await post(`/v1/refresh-jobs/${jid}/approve`));
      const approved = conforms(
        await post(`/v1/refresh-jobs/${jid}/approve`, undefined, asUser('bob')),
      );
      expect(approved.body.approvedBy).toBe('user:default/bob');
      conforms(await get(`/v1/refresh-jobs/${jid}`));
      conforms(
        await get('/v1/refresh-jobs/00000000-0000-4000-8000-000000000000'),
      );
      // A far-future run time so the (mocked) scheduler's runner never starts it.
      conforms(await post(`/v1/refresh-jobs/${jid}/run-now`));
      conforms(
        await post(`/v1/refresh-jobs/${jid}/cancel`, { reason: 'freeze' }),
      );
      conforms(await post(`/v1/refresh-jobs/${jid}/cancel`, {}));
      conforms(await post(`/v1/refresh-jobs/${jid}/cancel`, { why: 1 }));

      const detail = conforms(
        await get('/v1/queue-managers/resource/default/qm1'),
      );
      expect(detail.body.rotations.length).toBeGreaterThan(0);
      expect(detail.body.jobs.length).toBeGreaterThan(0);
      expect(detail.body.events.length).toBeGreaterThan(0);
      const fleet = conforms(await get('/v1/queue-managers?q=qm1'));
      expect(fleet.body.items[0].latestRotation.state).toBe('cancelled');

      const qm2Job = conforms(
        await post('/v1/refresh-jobs', {
          rotationId: issued.body.id,
          runAt: new Date(Date.now() + DAY).toISOString(),
        }),
      );
      const pending = conforms(await get('/v1/queue-managers?q=qm2'));
      expect(pending.body.items[0].nextJob.id).toBe(qm2Job.body.id);
    });

    it('exercised every documented operation with a success (runs last)', () => {
      expect([...exercised].sort()).toEqual(
        operations()
          .map(o => `${o.method} ${o.template}`)
          .sort(),
      );
    });
  });
});
