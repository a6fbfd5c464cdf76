import type {
  AuthService,
  BackstageCredentials,
  DiscoveryService,
} from '@backstage/backend-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import type {
  CreateRefreshJobRequest,
  QueueManagerDetail,
  RecordRotationRequest,
  RefreshJob,
  Rotation,
  UpdateRotationRequest,
} from '@mqcert/plugin-mq-certificates-common';

/**
 * What the actions ask of the mq-certificates backend plugin. Every call is
 * made on behalf of the user who runs the template, so the backend
 * authorizes that user, not the scaffolder.
 *
 * @public
 */
export interface MqCertificatesBackendApi {
  recordRotation(
    request: RecordRotationRequest,
    credentials: BackstageCredentials,
  ): Promise<Rotation>;
  updateRotation(
    id: string,
    request: UpdateRotationRequest,
    credentials: BackstageCredentials,
  ): Promise<Rotation>;
  createRefreshJob(
    request: CreateRefreshJobRequest,
    credentials: BackstageCredentials,
  ): Promise<RefreshJob>;
  /**
   * `GET /v1/queue-managers/{kind}/{namespace}/{name}`: the queue manager's
   * recent rotations and refresh jobs (read before issuing, to refuse a
   * rotation that could never be scheduled).
   */
  getQueueManager(
    entityRef: string,
    credentials: BackstageCredentials,
  ): Promise<QueueManagerDetail>;
}

const PLUGIN_ID = 'mq-certificates';

async function errorFrom(response: Response, what: string): Promise<Error> {
  let message = `HTTP ${response.status}`;
  try {
    const body = (await response.json()) as {
      error?: { message?: string };
    };
    if (body?.error?.message) message = body.error.message;
  } catch {
    // Not a Backstage error body; the status says enough.
  }
  const text = `The mq-certificates backend refused to ${what}: ${message}`;
  switch (response.status) {
    case 400:
      return new InputError(text);
    case 401:
    case 403:
      return new NotAllowedError(text);
    case 404:
      return new NotFoundError(text);
    case 409:
      return new ConflictError(text);
    default:
      return new ServiceUnavailableError(
        `${text}. Check that the mq-certificates backend plugin is installed and healthy, then run the task again.`,
      );
  }
}

/**
 * Calls `/api/mq-certificates/v1` with an on-behalf-of token for the
 * initiating user (auth.getPluginRequestToken).
 *
 * @public
 */
export class HttpMqCertificatesBackendClient
  implements MqCertificatesBackendApi
{
  constructor(
    private readonly options: {
      auth: AuthService;
      discovery: DiscoveryService;
      fetch?: typeof fetch;
    },
  ) {}

  recordRotation(
    request: RecordRotationRequest,
    credentials: BackstageCredentials,
  ): Promise<Rotation> {
    return this.send(
      'POST',
      '/v1/rotations',
      request,
      credentials,
      `record the rotation of ${request.entityRef}`,
    );
  }

  updateRotation(
    id: string,
    request: UpdateRotationRequest,
    credentials: BackstageCredentials,
  ): Promise<Rotation> {
    return this.send(
      'PATCH',
      `/v1/rotations/${encodeURIComponent(id)}`,
      request,
      credentials,
      `update rotation ${id}`,
    );
  }

  createRefreshJob(
    request: CreateRefreshJobRequest,
    credentials: BackstageCredentials,
  ): Promise<RefreshJob> {
    return this.send(
      'POST',
      '/v1/refresh-jobs',
      request,
      credentials,
      `schedule the refresh of rotation ${request.rotationId}`,
    );
  }

  getQueueManager(
    entityRef: string,
    credentials: BackstageCredentials,
  ): Promise<QueueManagerDetail> {
    const { kind, namespace, name } = parseEntityRef(entityRef);
    return this.send(
      'GET',
      `/v1/queue-managers/${[kind, namespace, name]
        .map(encodeURIComponent)
        .join('/')}`,
      undefined,
      credentials,
      `read the refresh jobs of ${entityRef}`,
    );
  }

  private async send<T>(
    method: string,
    path: string,
    body: unknown,
    credentials: BackstageCredentials,
    what: string,
  ): Promise<T> {
    const { token } = await this.options.auth.getPluginRequestToken({
      onBehalfOf: credentials,
      targetPluginId: PLUGIN_ID,
    });
    const baseUrl = await this.options.discovery.getBaseUrl(PLUGIN_ID);
    const doFetch = this.options.fetch ?? fetch;
    let response: Response;
    try {
      response = await doFetch(`${baseUrl}${path}`, {
        method,
        // A GET may not carry a body (fetch refuses one).
        headers: {
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          authorization: `Bearer ${token}`,
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (e) {
      throw new ServiceUnavailableError(
        `Could not reach the mq-certificates backend at ${baseUrl} to ${what}: ${
          (e as Error).message
        }. Check that the backend plugin is installed, then run the task again.`,
      );
    }
    if (!response.ok) throw await errorFrom(response, what);
    return (await response.json()) as T;
  }
}
