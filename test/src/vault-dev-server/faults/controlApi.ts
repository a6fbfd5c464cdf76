import type { IncomingMessage, ServerResponse } from 'node:http';
import { mintJwt } from '../auth/jwt';
import { bool, int, str } from '../core/fields';
import type { VaultCore } from '../core/vaultCore';
import { parseBody, readBody } from '../http/handleRequest';
import { VaultHttpError } from '../http/vaultError';
import { rotateIssuer } from '../pki/caLifecycle';
import { serialFromHex } from '../pki/serial';
import { FaultSpec, FaultSpecError } from './faults';

/** Base path of the control endpoint; outside /v1 so no Vault client reaches it by accident. */
export const CONTROL_PREFIX = '/_dev';

export interface ControlContext {
  core: VaultCore;
  /** What GET /_dev/credentials reports. */
  credentials(): Record<string, unknown>;
}

const ENDPOINTS = [
  'GET    /_dev/credentials                  address, root token, AppRole role_id/secret_id, CA chain',
  'POST   /_dev/seal | /_dev/unseal          seal or unseal (sealed: 503 on all but sys/health, sys/seal-status)',
  'POST   /_dev/health                       {initialized?, standby?, performance_standby?}',
  'POST   /_dev/faults                       {path, method?, count?, status?, errors?, retry_after?, latency_ms?, reset?}',
  'GET    /_dev/faults | DELETE /_dev/faults[/:id]',
  'POST   /_dev/tokens/expire                {token} or {accessor} or {path} (every token that login path made)',
  'POST   /_dev/pki/rotate                   {mount, ttl?, not_after?, key_type?, key_bits?, common_name?, issuer_name?, leaf_not_after_behavior?}',
  'POST   /_dev/jwt                          {subject?, audience?, issuer?, ttl_seconds?, kubernetes?, claims?, untrusted?}',
  'GET    /_dev/requests?since=N | DELETE /_dev/requests',
];

const fail = (message: string, status = 400) =>
  new VaultHttpError(status, [message]);

function json(res: ServerResponse, status: number, body?: unknown) {
  if (body === undefined) {
    res.writeHead(204);
    res.end();
    return;
  }
  res.writeHead(status, {
    'Content-Type': 'application/json',
    'Cache-Control': 'no-store',
  });
  res.end(JSON.stringify(body));
}

async function route(
  ctx: ControlContext,
  method: string,
  path: string,
  query: URLSearchParams,
  body: Record<string, unknown>,
): Promise<[number, unknown?]> {
  const { core } = ctx;
  const key = `${method} ${path}`;
  switch (key) {
    case 'GET /_dev':
    case 'GET /_dev/':
      return [200, { endpoints: ENDPOINTS }];
    case 'GET /_dev/credentials':
      return [200, ctx.credentials()];
    case 'POST /_dev/seal':
    case 'POST /_dev/unseal':
      core.status.sealed = path.endsWith('/seal');
      core.onChange();
      return [200, { sealed: core.status.sealed }];
    case 'POST /_dev/health':
      if ('initialized' in body)
        core.status.initialized = bool(body.initialized, 'initialized', true);
      if ('standby' in body)
        core.status.standby = bool(body.standby, 'standby', false);
      if ('performance_standby' in body) {
        core.status.performanceStandby = bool(
          body.performance_standby,
          'performance_standby',
          false,
        );
      }
      core.onChange();
      return [
        200,
        {
          initialized: core.status.initialized,
          sealed: core.status.sealed,
          standby: core.status.standby,
          performance_standby: core.status.performanceStandby,
        },
      ];
    case 'POST /_dev/faults':
      try {
        return [201, { fault: core.faults.add(body as unknown as FaultSpec) }];
      } catch (e) {
        if (e instanceof FaultSpecError) throw fail(e.message);
        throw e;
      }
    case 'GET /_dev/faults':
      return [200, { faults: core.faults.list() }];
    case 'DELETE /_dev/faults':
      core.faults.clear();
      return [204];
    case 'POST /_dev/tokens/expire': {
      // `path` expires every live token a login path created (e.g.
      // `auth/approle/login`): a test can end a client's token without
      // knowing it, as reaching its TTL would.
      const loginPath = str(body.path);
      if (loginPath) {
        const hit = core.tokens
          .snapshot()
          .filter(t => t.path.startsWith(loginPath));
        for (const t of hit) core.tokens.expireNow(t);
        core.onChange();
        return [200, { expired: hit.length }];
      }
      const id = str(body.token) || str(body.accessor);
      if (!id)
        throw fail(
          'token, accessor or path: required (path = a login path such as auth/approle/login)',
        );
      const token = core.findToken(id);
      if (!token) throw fail('no live token with that id or accessor', 404);
      core.tokens.expireNow(token);
      core.onChange();
      return [204];
    }
    case 'POST /_dev/pki/rotate': {
      const mountPath = str(body.mount);
      const mount = core.pki(mountPath);
      if (!mount) throw fail(`mount: "${mountPath}" is not a pki mount`, 404);
      const issuer = await rotateIssuer(mount, p => core.pki(p), {
        ttl: body.ttl as string | number | undefined,
        not_after: body.not_after ? str(body.not_after) : undefined,
        key_type: body.key_type as 'rsa' | 'ec' | undefined,
        key_bits:
          body.key_bits === undefined
            ? undefined
            : int(body.key_bits, 'key_bits', 0),
        common_name: body.common_name ? str(body.common_name) : undefined,
        issuer_name: body.issuer_name ? str(body.issuer_name) : undefined,
        leaf_not_after_behavior: body.leaf_not_after_behavior as
          | 'err'
          | 'truncate'
          | 'permit'
          | undefined,
      });
      core.onChange();
      return [
        200,
        {
          issuer_id: issuer.id,
          issuer_name: issuer.record.issuer_name,
          certificate: issuer.pem,
          serial_number: serialFromHex(issuer.cert.serialNumber),
          not_after: issuer.notAfter.toISOString(),
          ca_chain: mount.chainOf(issuer).map(i => i.pem),
        },
      ];
    }
    case 'POST /_dev/jwt': {
      const k8s = body.kubernetes as Record<string, string> | undefined;
      const jwt = mintJwt(core.signer, {
        subject: body.subject === undefined ? undefined : str(body.subject),
        audience: body.audience as string | string[] | undefined,
        issuer: body.issuer === undefined ? undefined : str(body.issuer),
        ttlSeconds:
          body.ttl_seconds === undefined
            ? undefined
            : int(body.ttl_seconds, 'ttl_seconds', 600),
        kubernetes: k8s
          ? {
              namespace: k8s.namespace,
              serviceAccount: k8s.service_account,
              uid: k8s.uid,
              secretName: k8s.secret_name,
            }
          : undefined,
        claims: body.claims as Record<string, unknown> | undefined,
        untrusted: bool(body.untrusted, 'untrusted', false),
      });
      return [200, { jwt }];
    }
    case 'GET /_dev/requests':
      return [
        200,
        {
          requests: core.log.list(
            int(query.get('since') ?? undefined, 'since', 0),
          ),
        },
      ];
    case 'DELETE /_dev/requests':
      core.log.clear();
      return [204];
    default: {
      const m = /^DELETE \/_dev\/faults\/([^/]+)$/.exec(key);
      if (m) {
        if (!core.faults.remove(m[1])) throw fail(`no fault ${m[1]}`, 404);
        return [204];
      }
      throw fail(
        `no control endpoint ${method} ${path}; GET ${CONTROL_PREFIX} lists them`,
        404,
      );
    }
  }
}

/** Serves the control endpoint (README, "Control endpoint"). */
export async function handleControlRequest(
  ctx: ControlContext,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://vault.invalid');
  try {
    const body = parseBody(await readBody(req), req.headers['content-type']);
    const [status, payload] = await route(
      ctx,
      req.method ?? 'GET',
      url.pathname,
      url.searchParams,
      body,
    );
    json(res, status, payload);
  } catch (e) {
    const err =
      e instanceof VaultHttpError ? e : fail((e as Error).message, 500);
    json(res, err.status, { errors: err.errors });
  }
}
