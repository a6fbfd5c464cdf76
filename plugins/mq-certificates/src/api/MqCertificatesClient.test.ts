import { ResponseError } from '@backstage/errors';
import { MqCertificatesClient, entityPath } from './MqCertificatesClient';

type Call = { url: string; method?: string };

function client(respond: (url: string) => Response) {
  const calls: Call[] = [];
  const api = new MqCertificatesClient({
    discoveryApi: {
      getBaseUrl: async (id: string) => `http://127.0.0.1:7007/api/${id}`,
    },
    fetchApi: {
      fetch: async (input: RequestInfo | URL, init?: RequestInit) => {
        const url = String(input);
        calls.push({ url, method: init?.method });
        return respond(url);
      },
    },
  });
  return { api, calls };
}

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json' },
  });

describe('MqCertificatesClient', () => {
  it('sends fleet filters, sort and page as query parameters and returns the body', async () => {
    const body = {
      items: [],
      totalCount: 0,
      offset: 50,
      limit: 25,
      counts: { ok: 1, 'renew-due': 0, expiring: 0, expired: 0, unknown: 2 },
    };
    const { api, calls } = client(() => json(body));
    const result = await api.getFleet({
      state: 'expiring',
      owner: 'group:default/mq admins',
      q: '',
      maxDaysLeft: 10,
      sort: 'daysLeft',
      order: 'asc',
      offset: 50,
      limit: 25,
    });
    expect(result).toEqual(body);
    const url = new URL(calls[0].url);
    expect(url.pathname).toBe('/api/mq-certificates/v1/queue-managers');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      state: 'expiring',
      owner: 'group:default/mq admins',
      maxDaysLeft: '10',
      sort: 'daysLeft',
      order: 'asc',
      offset: '50',
      limit: '25',
    });
    expect(calls[0].method).toBe('GET');
  });

  it('addresses a queue manager by kind/namespace/name of its entity ref', async () => {
    const { api, calls } = client(() => json({ entityRef: 'x' }));
    await api.getQueueManager('Resource:prod/qm1');
    expect(calls[0].url).toBe(
      'http://127.0.0.1:7007/api/mq-certificates/v1/queue-managers/resource/prod/qm1',
    );
  });

  it('posts job actions and probes, accepting empty 204 answers', async () => {
    const { api, calls } = client(() => new Response(null, { status: 204 }));
    await api.approveRefreshJob('job/1');
    await api.cancelRefreshJob('j2');
    await api.runRefreshJobNow('j3');
    await api.probeQueueManager('resource:default/qm1');
    expect(calls.map(c => `${c.method} ${new URL(c.url).pathname}`)).toEqual([
      'POST /api/mq-certificates/v1/refresh-jobs/job%2F1/approve',
      'POST /api/mq-certificates/v1/refresh-jobs/j2/cancel',
      'POST /api/mq-certificates/v1/refresh-jobs/j3/run-now',
      'POST /api/mq-certificates/v1/queue-managers/resource/default/qm1/probe',
    ]);
  });

  it('turns a failed response into a ResponseError carrying the backend message', async () => {
    const { api } = client(() =>
      json(
        {
          error: {
            name: 'NotAllowedError',
            message: 'You may not approve refreshes of resource:default/qm1',
          },
          request: { method: 'POST', url: '/x' },
          response: { statusCode: 403 },
        },
        403,
      ),
    );
    const error = await api.approveRefreshJob('j1').catch(e => e);
    expect(error).toBeInstanceOf(ResponseError);
    expect(error.statusCode).toBe(403);
    expect(error.cause.message).toBe(
      'You may not approve refreshes of resource:default/qm1',
    );
  });

  it('rejects an entity ref without a kind before sending anything', () => {
    expect(() => entityPath('qm1')).toThrow(/entityRef: 'qm1'/);
  });
});
