import {
  AuditorService,
  AuditorServiceEventSeverityLevel,
  BackstageCredentials,
  HttpAuthService,
} from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import type { JsonObject } from '@backstage/types';
import express, { Request } from 'express';
import Router from 'express-promise-router';
import { DEFAULT_ORDER, FleetState, fleetResponseJson } from './FleetIndex';
import { MqCertificatesService } from './MqCertificatesService';
import {
  cancelRefreshJobSchema,
  createRefreshJobSchema,
  entityPathSchema,
  fleetQuerySchema,
  idPathSchema,
  parseRequest,
  recordRotationSchema,
  updateRotationSchema,
} from './validation';

/**
 * Why JSON.parse refused a body, in words that never quote it: newer Node
 * versions put a snippet of the input into the message.
 */
function jsonSyntaxReason(message: string): string {
  const position = /at position (\d+)/.exec(message)?.[1];
  let what = 'it does not parse';
  if (/^Unexpected end of JSON input/.test(message)) {
    what = 'it ends before the JSON value is complete';
  } else if (/^Unexpected non-whitespace character after JSON/.test(message)) {
    what = 'text follows the JSON value';
  } else if (/^Unterminated string/.test(message)) {
    what = 'a string is not closed';
  } else if (/^Bad (control|escaped) character/.test(message)) {
    what = 'a string holds a character JSON does not allow';
  } else if (/^Expected ',' or/.test(message)) {
    what = "expected ',' or a closing bracket";
  } else if (/^Expected property name/.test(message)) {
    what = 'expected a property name in double quotes';
  } else if (/^Unexpected (token|character)/.test(message)) {
    what = 'unexpected character';
  }
  return position ? `${what} at position ${position}` : what;
}

/**
 * The REST API under /api/mq-certificates (documented in
 * src/schema/openapi.yaml). It only translates HTTP: validation errors are
 * InputErrors naming the field, everything else comes from the service as
 * @backstage/errors types that the framework's error handler maps to status
 * codes. Every route is authorized in the service with the caller's
 * credentials; mutations accept only user principals, so the scaffolder's
 * on-behalf-of token (the user who ran the template) is what is checked,
 * never a backend's own identity.
 */
export async function createRouter(options: {
  httpAuth: HttpAuthService;
  auditor: AuditorService;
  service: MqCertificatesService;
}): Promise<express.Router> {
  const { httpAuth, auditor, service } = options;
  const router = Router();
  router.use(express.json({ limit: '256kb' }));
  // body-parser's SyntaxError carries the raw request body (`body`), which the
  // error handler would serialize back to the caller (and into logs): a
  // half-pasted key would be echoed. Answer with a short reason instead.
  router.use(
    (
      error: unknown,
      _req: Request,
      _res: express.Response,
      next: express.NextFunction,
    ) => {
      if ((error as { type?: unknown })?.type === 'entity.parse.failed') {
        next(
          new InputError(
            `request body is not valid JSON (${jsonSyntaxReason(
              (error as Error).message,
            )}); send a JSON object as documented in the OpenAPI schema`,
          ),
        );
        return;
      }
      next(error);
    },
  );

  /**
   * Runs a route inside an auditor event (reads `low`, writes `medium`),
   * failing the event with the error when the route throws.
   */
  async function audited<T>(
    req: Request,
    eventId: string,
    severityLevel: AuditorServiceEventSeverityLevel,
    meta: JsonObject,
    fn: () => Promise<T>,
  ): Promise<T> {
    const event = await auditor.createEvent({
      eventId,
      severityLevel,
      request: req,
      meta,
    });
    try {
      const result = await fn();
      await event.success();
      return result;
    } catch (error) {
      await event.fail({ error: error as Error });
      throw error;
    }
  }

  const reader = (req: Request): Promise<BackstageCredentials> =>
    httpAuth.credentials(req, { allow: ['user', 'service'] });
  const writer = (req: Request): Promise<BackstageCredentials> =>
    httpAuth.credentials(req, { allow: ['user'] });

  function entityRefOf(req: Request): string {
    const p = parseRequest(entityPathSchema, req.params, 'path');
    return `${p.kind}:${p.namespace}/${p.name}`;
  }

  router.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });

  router.get('/v1/queue-managers', async (req, res) => {
    const query = parseRequest(fleetQuerySchema, req.query, 'query');
    const result = await audited(req, 'fleet-read', 'low', {}, async () =>
      service.getFleet(await reader(req), {
        states: query.state as FleetState[] | undefined,
        owners: query.owner,
        q: query.q,
        maxDaysLeft: query.maxDaysLeft,
        sort: query.sort,
        order: query.order ?? DEFAULT_ORDER[query.sort],
        offset: query.offset,
        limit: query.limit,
      }),
    );
    res.type('application/json').send(fleetResponseJson(result));
  });

  router.get('/v1/queue-managers/:kind/:namespace/:name', async (req, res) => {
    const entityRef = entityRefOf(req);
    const result = await audited(
      req,
      'queue-manager-read',
      'low',
      { entityRef },
      async () => service.getQueueManager(await reader(req), entityRef),
    );
    res.json(result);
  });

  router.post(
    '/v1/queue-managers/:kind/:namespace/:name/probe',
    async (req, res) => {
      const entityRef = entityRefOf(req);
      const result = await audited(
        req,
        'queue-manager-probe',
        'low',
        { entityRef },
        async () => service.probe(await writer(req), entityRef),
      );
      res.json(result);
    },
  );

  router.post('/v1/rotations', async (req, res) => {
    const body = parseRequest(recordRotationSchema, req.body, 'request body');
    const result = await audited(
      req,
      'rotation-record',
      'medium',
      { entityRef: body.entityRef, serialNumber: body.serialNumber },
      async () => service.recordRotation(await writer(req), body),
    );
    res.status(201).json(result);
  });

  router.get('/v1/rotations/:id', async (req, res) => {
    const { id } = parseRequest(idPathSchema, req.params, 'path');
    const result = await audited(
      req,
      'rotation-read',
      'low',
      { id },
      async () => service.getRotation(await reader(req), id),
    );
    res.json(result);
  });

  router.patch('/v1/rotations/:id', async (req, res) => {
    const { id } = parseRequest(idPathSchema, req.params, 'path');
    const body = parseRequest(updateRotationSchema, req.body, 'request body');
    const result = await audited(
      req,
      'rotation-update',
      'medium',
      { id, ...(body.state ? { state: body.state } : {}) },
      async () => service.updateRotation(await writer(req), id, body),
    );
    res.json(result);
  });

  router.post('/v1/refresh-jobs', async (req, res) => {
    const body = parseRequest(createRefreshJobSchema, req.body, 'request body');
    const result = await audited(
      req,
      'refresh-job-create',
      'medium',
      { rotationId: body.rotationId },
      async () => service.createRefreshJob(await writer(req), body),
    );
    // 200 for a repeat of the request that created the pending job.
    res.status(result.created ? 201 : 200).json(result.job);
  });

  router.get('/v1/refresh-jobs/:id', async (req, res) => {
    const { id } = parseRequest(idPathSchema, req.params, 'path');
    const result = await audited(
      req,
      'refresh-job-read',
      'low',
      { id },
      async () => service.getJob(await reader(req), id),
    );
    res.json(result);
  });

  router.post('/v1/refresh-jobs/:id/approve', async (req, res) => {
    const { id } = parseRequest(idPathSchema, req.params, 'path');
    const result = await audited(
      req,
      'refresh-job-approve',
      'medium',
      { id },
      async () => service.approveJob(await writer(req), id),
    );
    res.json(result);
  });

  router.post('/v1/refresh-jobs/:id/cancel', async (req, res) => {
    const { id } = parseRequest(idPathSchema, req.params, 'path');
    const body = parseRequest(cancelRefreshJobSchema, req.body, 'request body');
    const result = await audited(
      req,
      'refresh-job-cancel',
      'medium',
      { id },
      async () => service.cancelJob(await writer(req), id, body.reason),
    );
    res.json(result);
  });

  router.post('/v1/refresh-jobs/:id/run-now', async (req, res) => {
    const { id } = parseRequest(idPathSchema, req.params, 'path');
    const result = await audited(
      req,
      'refresh-job-run-now',
      'medium',
      { id },
      async () => service.runJobNow(await writer(req), id),
    );
    res.json(result);
  });

  return router;
}
