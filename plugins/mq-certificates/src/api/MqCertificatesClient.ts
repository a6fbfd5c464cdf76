import { parseEntityRef } from '@backstage/catalog-model';
import type { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { InputError, ResponseError } from '@backstage/errors';
import type {
  FleetQuery,
  FleetResponse,
  QueueManagerDetail,
} from '@mqcert/plugin-mq-certificates-common';
import type { MqCertificatesApi } from './MqCertificatesApi';

/** The backend plugin's id, as registered with the discovery API. */
const PLUGIN_ID = 'mq-certificates';

/**
 * Talks to the mq-certificates backend through the app's discovery and fetch
 * APIs, so requests carry the user's Backstage token.
 *
 * @public
 */
export class MqCertificatesClient implements MqCertificatesApi {
  private readonly discoveryApi: DiscoveryApi;
  private readonly fetchApi: FetchApi;

  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    this.discoveryApi = options.discoveryApi;
    this.fetchApi = options.fetchApi;
  }

  async getFleet(query: FleetQuery = {}): Promise<FleetResponse> {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) {
      if (value !== undefined && value !== '') params.set(key, String(value));
    }
    const qs = params.toString();
    return this.request('GET', `/v1/queue-managers${qs ? `?${qs}` : ''}`);
  }

  async getQueueManager(entityRef: string): Promise<QueueManagerDetail> {
    return this.request('GET', `/v1/queue-managers/${entityPath(entityRef)}`);
  }

  async approveRefreshJob(jobId: string): Promise<void> {
    await this.request('POST', `/v1/refresh-jobs/${jobPath(jobId)}/approve`);
  }

  async cancelRefreshJob(jobId: string): Promise<void> {
    await this.request('POST', `/v1/refresh-jobs/${jobPath(jobId)}/cancel`);
  }

  async runRefreshJobNow(jobId: string): Promise<void> {
    await this.request('POST', `/v1/refresh-jobs/${jobPath(jobId)}/run-now`);
  }

  async probeQueueManager(entityRef: string): Promise<void> {
    await this.request(
      'POST',
      `/v1/queue-managers/${entityPath(entityRef)}/probe`,
    );
  }

  private async request<T>(method: 'GET' | 'POST', path: string): Promise<T> {
    const baseUrl = await this.discoveryApi.getBaseUrl(PLUGIN_ID);
    const response = await this.fetchApi.fetch(`${baseUrl}${path}`, {
      method,
      headers: { Accept: 'application/json' },
    });
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    // Actions may answer 204; their callers only need to know they worked.
    if (response.status === 204) return undefined as T;
    const text = await response.text();
    return (text ? JSON.parse(text) : undefined) as T;
  }
}

/** `kind/namespace/name` of an entity ref, each part URL-encoded. */
export function entityPath(entityRef: string): string {
  let ref;
  try {
    ref = parseEntityRef(entityRef);
  } catch {
    throw new InputError(
      `entityRef: '${entityRef}' is not an entity reference; use the form kind:namespace/name, e.g. resource:default/qm1`,
    );
  }
  return [ref.kind.toLocaleLowerCase('en-US'), ref.namespace, ref.name]
    .map(encodeURIComponent)
    .join('/');
}

function jobPath(jobId: string): string {
  if (!jobId) {
    throw new InputError('jobId: a refresh job id is required');
  }
  return encodeURIComponent(jobId);
}
