/*
 * Test-only: a scripted Vault behind node-vault's HTTP seam (the `transport`
 * option), answering with Vault-shaped bodies from
 * shared/reference/vault-api.md so node-vault's own response handling
 * produces the errors the client must recognise. Not exported by the package.
 */
import type { VaultClock } from '../callWithRetries';
import type { VaultTransport } from '../VaultSession';

/** An answer: an HTTP status and body, or a transport failure (axios-like `code`). */
export type ScriptedReply =
  | { status: number; body?: unknown }
  | { transportError: string; message?: string };

/** A request as the scripted Vault saw it. */
export interface SeenRequest {
  method: string;
  path: string;
  query: string;
  token?: string;
  namespace?: string;
  body?: any;
}

interface Route {
  method: string;
  path: string;
  replies: ScriptedReply[];
}

export const SEALED: ScriptedReply = {
  status: 503,
  body: { errors: ['Vault is sealed'] },
};
export const INVALID_TOKEN: ScriptedReply = {
  status: 403,
  body: {
    errors: [
      '2 errors occurred:\n\t* permission denied\n\t* invalid token\n\n',
    ],
  },
};
export const PERMISSION_DENIED: ScriptedReply = {
  status: 403,
  body: { errors: ['1 error occurred:\n\t* permission denied\n\n'] },
};

/** A login answer in Vault's shape (auth block, data null). */
export function loginReply(token: string, leaseSeconds = 3600): ScriptedReply {
  return {
    status: 200,
    body: {
      request_id: 'r',
      lease_id: '',
      renewable: false,
      lease_duration: 0,
      data: null,
      wrap_info: null,
      warnings: null,
      auth: {
        client_token: token,
        accessor: 'acc',
        policies: ['default', 'mq-portal'],
        token_policies: ['default', 'mq-portal'],
        metadata: { role_name: 'mq-portal' },
        lease_duration: leaseSeconds,
        renewable: true,
        entity_id: 'e',
        token_type: 'service',
        orphan: true,
      },
    },
  };
}

/** A scripted Vault: routes answer in order, the last answer repeats. */
export class ScriptedVault {
  readonly requests: SeenRequest[] = [];
  private readonly routes: Route[] = [];

  /** Answers `method path` (path below /v1, without query) with these replies in turn. */
  on(method: string, path: string, ...replies: ScriptedReply[]): this {
    this.routes.unshift({ method, path, replies: [...replies] });
    return this;
  }

  /** Requests to a path (below /v1). */
  seen(method: string, path: string): SeenRequest[] {
    return this.requests.filter(r => r.method === method && r.path === path);
  }

  readonly transport: VaultTransport = async request => {
    const url = new URL(request.uri);
    const path = url.pathname.replace(/^\/v1\//, '');
    this.requests.push({
      method: request.method,
      path,
      query: url.search,
      token: request.headers['X-Vault-Token'],
      namespace: request.headers['X-Vault-Namespace'],
      body: request.json,
    });
    const route = this.routes.find(
      r => r.method === request.method && r.path === path,
    );
    if (!route) {
      return {
        statusCode: 404,
        body: {
          errors: [`no handler for route "${path}". route entry not found.`],
        },
      };
    }
    const reply =
      route.replies.length > 1 ? route.replies.shift()! : route.replies[0];
    if ('transportError' in reply) {
      throw Object.assign(
        new Error(
          reply.message ?? `connect ${reply.transportError} 127.0.0.1:8200`,
        ),
        { code: reply.transportError, isAxiosError: true },
      );
    }
    return { statusCode: reply.status, body: reply.body ?? {} };
  };
}

/** A clock that only moves when told to, recording the delays slept. */
export class FakeClock implements VaultClock {
  current = 1_700_000_000_000;
  readonly slept: number[] = [];
  now = () => this.current;
  sleep = async (ms: number) => {
    this.slept.push(ms);
    this.current += ms;
  };
  advance(ms: number) {
    this.current += ms;
  }
}
