import { badRequest, invalidToken } from '../http/vaultError';
import { bool, durationSeconds, str, stringList } from '../core/fields';
import {
  effectiveDefaultTtl,
  effectiveMaxTtl,
  MountConfig,
} from '../core/mounts';
import { rfc3339Nano, unixSeconds } from '../core/time';
import type {
  Backend,
  LogicalResponse,
  Route,
  VaultRequest,
} from '../core/types';
import { sanitizePolicies } from './tokenParams';
import { RenewError, TokenEntry, TokenStore } from './tokenStore';

function lookupData(store: TokenStore, t: TokenEntry): Record<string, unknown> {
  return {
    accessor: t.accessor,
    creation_time: unixSeconds(t.creationTime),
    creation_ttl: t.creationTtl,
    display_name: t.displayName,
    entity_id: t.entityId,
    expire_time: t.expireTime === null ? null : rfc3339Nano(t.expireTime),
    explicit_max_ttl: t.explicitMaxTtl,
    id: t.id,
    issue_time: rfc3339Nano(t.creationTime),
    meta: t.meta,
    num_uses: t.numUses,
    orphan: t.orphan,
    path: t.path,
    policies: t.policies,
    renewable: t.renewable,
    ttl: store.remaining(t),
    type: 'service',
  };
}

/** The built-in `auth/token/` method: lookup, renewal, revocation and child tokens. */
export class TokenBackend implements Backend {
  readonly type = 'token';
  readonly routes: Route[];

  constructor(
    private readonly store: TokenStore,
    private readonly config: () => MountConfig,
  ) {
    const self = (req: VaultRequest) => {
      if (!req.token) throw invalidToken();
      return req.token;
    };
    this.routes = [
      {
        pattern: 'lookup-self',
        read: req => ({ data: lookupData(store, self(req)) }),
        write: req => ({ data: lookupData(store, self(req)) }),
      },
      {
        pattern: 'renew-self',
        write: req => this.renew(self(req), req.body.increment),
      },
      {
        pattern: 'revoke-self',
        write: req => {
          store.revoke(self(req).id);
          return undefined;
        },
      },
      { pattern: 'create', write: req => this.create(self(req), req.body) },
      {
        pattern: 'lookup',
        write: req => {
          const t = store.lookup(str(req.body.token));
          if (!t) throw badRequest('bad token');
          return { data: lookupData(store, t) };
        },
      },
      {
        pattern: 'lookup-accessor',
        write: req => {
          const t = store.byAccessor(str(req.body.accessor));
          if (!t) throw badRequest('invalid accessor');
          return { data: { ...lookupData(store, t), id: '' } };
        },
      },
    ];
  }

  private renew(token: TokenEntry, increment: unknown): LogicalResponse {
    const seconds = durationSeconds(increment, 'increment', 0);
    try {
      const { ttl, warnings } = this.store.renew(token, seconds);
      return { auth: this.store.authBlock(token, ttl), warnings };
    } catch (e) {
      if (e instanceof RenewError) throw badRequest(e.message);
      throw e;
    }
  }

  private create(
    parent: TokenEntry,
    body: Record<string, unknown>,
  ): LogicalResponse {
    const isRoot = parent.policies.includes('root');
    const requested =
      'policies' in body ? stringList(body.policies) : parent.policies;
    const noDefault = bool(body.no_default_policy, 'no_default_policy', false);
    const policies = sanitizePolicies(requested, !noDefault);
    if (
      !isRoot &&
      policies.some(p => p !== 'default' && !parent.policies.includes(p))
    ) {
      throw badRequest('child policies must be subset of parent');
    }
    const config = this.config();
    const explicitMax = durationSeconds(
      body.explicit_max_ttl,
      'explicit_max_ttl',
      0,
    );
    let maxTtl = effectiveMaxTtl(config);
    if (explicitMax > 0) maxTtl = Math.min(maxTtl, explicitMax);
    let ttl =
      durationSeconds(body.ttl, 'ttl', 0) || effectiveDefaultTtl(config);
    const warnings: string[] = [];
    if (ttl > maxTtl) ttl = maxTtl;
    const entry = this.store.create({
      policies: policies.includes('root') ? ['root'] : policies,
      path: 'auth/token/create',
      displayName: `token${
        str(body.display_name) ? `-${str(body.display_name)}` : ''
      }`,
      meta: (body.meta as Record<string, string>) ?? null,
      ttlSeconds: ttl,
      maxTtlSeconds: maxTtl,
      explicitMaxTtl: explicitMax,
      renewable: bool(body.renewable, 'renewable', true),
      orphan: false,
      mountType: 'token',
    });
    return { auth: this.store.authBlock(entry), warnings };
  }

  snapshot(): unknown {
    return null;
  }
}
