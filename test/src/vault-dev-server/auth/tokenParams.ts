import { badRequest } from '../http/vaultError';
import { parseDurationSeconds } from '../core/durations';
import {
  effectiveDefaultTtl,
  effectiveMaxTtl,
  MountEntry,
} from '../core/mounts';
import { EntityIds, TokenEntry, TokenStore } from './tokenStore';
import { stringList, optionalBool } from '../core/fields';

/** The token_* fields every auth role has (Vault's tokenutil.TokenParams), TTLs in seconds. */
export interface TokenParams {
  token_ttl: number;
  token_max_ttl: number;
  token_explicit_max_ttl: number;
  token_policies: string[];
  token_no_default_policy: boolean;
}

function seconds(value: unknown, field: string): number {
  try {
    return parseDurationSeconds(value) ?? 0;
  } catch {
    throw badRequest(`error parsing ${field}: invalid duration`);
  }
}

export function parseTokenParams(
  input: Record<string, unknown>,
  base?: TokenParams,
): TokenParams {
  const p: TokenParams = base
    ? { ...base }
    : {
        token_ttl: 0,
        token_max_ttl: 0,
        token_explicit_max_ttl: 0,
        token_policies: [],
        token_no_default_policy: false,
      };
  if ('token_ttl' in input) p.token_ttl = seconds(input.token_ttl, 'token_ttl');
  if ('token_max_ttl' in input)
    p.token_max_ttl = seconds(input.token_max_ttl, 'token_max_ttl');
  if ('token_explicit_max_ttl' in input) {
    p.token_explicit_max_ttl = seconds(
      input.token_explicit_max_ttl,
      'token_explicit_max_ttl',
    );
  }
  if ('token_policies' in input)
    p.token_policies = stringList(input.token_policies);
  else if ('policies' in input) p.token_policies = stringList(input.policies);
  const noDefault = optionalBool(
    input.token_no_default_policy,
    'token_no_default_policy',
  );
  if (noDefault !== undefined) p.token_no_default_policy = noDefault;
  if (p.token_max_ttl > 0 && p.token_ttl > p.token_max_ttl) {
    throw badRequest(
      '"token_ttl" value must be less than "token_max_ttl" value',
    );
  }
  return p;
}

export function tokenParamsResponse(p: TokenParams): Record<string, unknown> {
  return {
    token_ttl: p.token_ttl,
    token_max_ttl: p.token_max_ttl,
    token_explicit_max_ttl: p.token_explicit_max_ttl,
    token_policies: p.token_policies,
    token_no_default_policy: p.token_no_default_policy,
    token_bound_cidrs: [],
    token_num_uses: 0,
    token_period: 0,
    token_type: 'default',
  };
}

/** Vault's policyutil.SanitizePolicies: trimmed, deduplicated, sorted, plus `default`. */
export function sanitizePolicies(
  policies: string[],
  addDefault: boolean,
): string[] {
  const set = new Set(
    policies.map(p => p.trim().toLowerCase()).filter(Boolean),
  );
  if (addDefault && !set.has('root')) set.add('default');
  return [...set].sort();
}

export interface LoginContext {
  tokens: TokenStore;
  entities: EntityIds;
  mount: MountEntry;
}

/** Mints the service token a successful login returns, with TTLs capped by the mount. */
export function issueLoginToken(
  ctx: LoginContext,
  params: TokenParams,
  who: { displayName: string; aliasName: string; meta: Record<string, string> },
): TokenEntry {
  const mountMax = effectiveMaxTtl(ctx.mount.config);
  let maxTtl =
    params.token_max_ttl > 0
      ? Math.min(params.token_max_ttl, mountMax)
      : mountMax;
  if (params.token_explicit_max_ttl > 0)
    maxTtl = Math.min(maxTtl, params.token_explicit_max_ttl);
  let ttl =
    params.token_ttl > 0
      ? params.token_ttl
      : effectiveDefaultTtl(ctx.mount.config);
  if (ttl > maxTtl) ttl = maxTtl;
  return ctx.tokens.create({
    policies: sanitizePolicies(
      params.token_policies,
      !params.token_no_default_policy,
    ),
    path: `${ctx.mount.path}login`,
    displayName: who.displayName,
    meta: who.meta,
    ttlSeconds: ttl,
    maxTtlSeconds: maxTtl,
    explicitMaxTtl: params.token_explicit_max_ttl,
    entityId: ctx.entities.for(ctx.mount.accessor, who.aliasName),
    mountType: ctx.mount.type,
  });
}
