import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { optionalBool } from '../core/fields';
import { uuid } from '../core/ids';
import type { VaultCore } from '../core/vaultCore';
import type {
  AuthBlock,
  HandlerResult,
  RequestOperation,
  VaultRequest,
} from '../core/types';
import { redactHeaders } from '../faults/requestLog';
import { LIST_VERB_HEADER, ListVerbSocket } from './listVerbSocket';
import { badRequest, multiError, VaultHttpError } from './vaultError';

const MAX_BODY_BYTES = 4 * 1024 * 1024;

export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        reject(new VaultHttpError(413, ['request body too large']));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export function parseBody(
  raw: Buffer,
  contentType: string | undefined,
): Record<string, unknown> {
  const text = raw.toString('utf8').trim();
  if (!text) return {};
  if (contentType?.includes('application/x-www-form-urlencoded')) {
    return Object.fromEntries(new URLSearchParams(text));
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw badRequest(`failed to parse JSON input: ${(e as Error).message}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw badRequest('failed to parse JSON input: expected a JSON object');
  }
  return parsed as Record<string, unknown>;
}

/** Go's path.Clean for URL paths, keeping a trailing slash (net/http cleanPath). */
export function cleanPath(p: string): string {
  const out: string[] = [];
  for (const seg of p.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') out.pop();
    else out.push(seg);
  }
  let cleaned = `/${out.join('/')}`;
  if (p.endsWith('/') && cleaned !== '/') cleaned += '/';
  return cleaned;
}

function clientTokenOf(req: IncomingMessage): string | undefined {
  const header = req.headers['x-vault-token'];
  if (typeof header === 'string' && header) return header;
  const auth = req.headers.authorization;
  if (auth?.startsWith('Bearer ')) return auth.slice(7).trim();
  return undefined;
}

function operationOf(method: string, query: URLSearchParams): RequestOperation {
  switch (method) {
    case 'GET':
    case 'HEAD': {
      const list = query.get('list');
      return list !== null && optionalBool(list, 'list') ? 'list' : 'read';
    }
    case 'LIST':
      return 'list';
    case 'POST':
    case 'PUT':
      return 'write';
    case 'DELETE':
      return 'delete';
    case 'PATCH':
      return 'patch';
    default:
      throw new VaultHttpError(405, [multiError(['unsupported operation'])]);
  }
}

function send(
  res: ServerResponse,
  status: number,
  headers: Record<string, string>,
  body?: string | Buffer,
) {
  const head = res.req.method === 'HEAD';
  const payload = status === 204 || body === undefined ? undefined : body;
  // Content-Length like Go's net/http for small bodies (not chunked).
  const length =
    payload === undefined
      ? {}
      : { 'Content-Length': String(Buffer.byteLength(payload)) };
  res.writeHead(status, { 'Cache-Control': 'no-store', ...length, ...headers });
  res.end(head ? undefined : payload);
}

export function sendError(
  res: ServerResponse,
  err: VaultHttpError,
  extraHeaders: Record<string, string> = {},
) {
  const body: Record<string, unknown> = { errors: err.errors };
  if (err.warnings.length) body.warnings = err.warnings;
  send(
    res,
    err.status,
    { 'Content-Type': 'application/json', ...extraHeaders },
    JSON.stringify(body),
  );
  return err.status;
}

/** Wraps a handler result in Vault's response envelope (or sends it raw). */
function sendResult(
  res: ServerResponse,
  req: VaultRequest,
  result: HandlerResult,
  mountType: string,
): number {
  if (result && result.kind === 'raw') {
    const headers: Record<string, string> = result.contentType
      ? { 'Content-Type': result.contentType }
      : {};
    send(res, result.status, headers, result.body);
    return result.status;
  }
  const r = result ?? {};
  const warnings = r.warnings && r.warnings.length ? r.warnings : null;
  const hasContent = r.data !== undefined || r.auth || warnings;
  if (!hasContent && !r.status) {
    send(res, 204, {});
    return 204;
  }
  const status = r.status ?? 200;
  const envelope = {
    request_id: req.id,
    lease_id: r.leaseId ?? '',
    renewable: r.renewable ?? false,
    lease_duration: r.leaseDuration ?? 0,
    data: r.data ?? null,
    wrap_info: null,
    warnings,
    auth: (r.auth as AuthBlock | undefined) ?? null,
    mount_type: mountType,
  };
  send(
    res,
    status,
    { 'Content-Type': 'application/json' },
    JSON.stringify(envelope),
  );
  return status;
}

/** Handles one `/v1/...` request: faults, dispatch, response, request log. */
export async function handleVaultRequest(
  core: VaultCore,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const started = Date.now();
  const url = new URL(req.url ?? '/', 'http://vault.invalid');
  const method = req.headers[LIST_VERB_HEADER] ? 'LIST' : req.method ?? 'GET';
  const requestId = uuid();
  let status = 500;
  let applied: string[] = [];
  const finish = () =>
    core.log.add({
      time: new Date(started).toISOString(),
      request_id: requestId,
      method,
      path: url.pathname,
      query: url.search.replace(/^\?/, ''),
      status,
      duration_ms: Date.now() - started,
      headers: redactHeaders(req.headers),
      faults: applied,
    });
  try {
    const rawBody = await readBody(req);
    // Vault sits behind Go's http.ServeMux, which answers unclean paths
    // (`//`, `/./`, `/../`) with a 301 to the cleaned path (node-vault#271).
    const clean = cleanPath(url.pathname);
    if (clean !== url.pathname) {
      status = 301;
      res.writeHead(301, { Location: `${clean}${url.search}` });
      res.end();
      finish();
      return;
    }
    if (!url.pathname.startsWith('/v1/')) throw new VaultHttpError(404, []);
    let path = decodeURIComponent(url.pathname.slice(4));
    const operation = operationOf(method, url.searchParams);
    if (operation === 'list' && !path.endsWith('/')) path += '/';

    const plan = core.faults.take(method, path);
    if (plan) {
      applied = plan.applied;
      if (plan.latencyMs > 0) await sleep(plan.latencyMs);
      if (plan.reset) {
        status = 0;
        finish();
        const socket = req.socket as unknown;
        if (socket instanceof ListVerbSocket) socket.reset();
        else req.socket.destroy();
        return;
      }
      if (plan.status !== undefined) {
        const headers: Record<string, string> =
          plan.retryAfter !== undefined
            ? { 'Retry-After': String(plan.retryAfter) }
            : {};
        status = sendError(
          res,
          new VaultHttpError(plan.status, plan.errors ?? []),
          headers,
        );
        finish();
        return;
      }
    }

    const vreq: VaultRequest = {
      id: requestId,
      method,
      operation,
      path,
      query: url.searchParams,
      body: parseBody(rawBody, req.headers['content-type']),
      headers: req.headers,
    };
    const { result, mountType } = await core.dispatch(vreq, clientTokenOf(req));
    status = sendResult(res, vreq, result, mountType);
    if (operation !== 'read' && operation !== 'list' && status < 400)
      core.onChange();
  } catch (e) {
    if (e instanceof VaultHttpError) {
      status = sendError(res, e);
    } else {
      // eslint-disable-next-line no-console
      console.error(`vault-dev-server: ${method} ${url.pathname} failed:`, e);
      status = sendError(
        res,
        new VaultHttpError(500, [multiError(['internal error'])]),
      );
    }
  }
  finish();
}
