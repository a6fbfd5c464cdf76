import type { Capability } from '../core/types';
import { parsePolicy, PolicyRule } from './hcl';

/**
 * Vault's built-in `default` policy, trimmed to the endpoints this server
 * serves: every token may look itself up, renew and revoke itself.
 */
export const DEFAULT_POLICY = `
path "auth/token/lookup-self" { capabilities = ["read"] }
path "auth/token/renew-self" { capabilities = ["update"] }
path "auth/token/revoke-self" { capabilities = ["update"] }
path "sys/capabilities-self" { capabilities = ["update"] }
`;

interface Pattern {
  path: string;
  capabilities: Set<Capability>;
  prefix: boolean;
  segments: string[];
}

function compile(path: string, caps: Iterable<Capability>): Pattern {
  const prefix = path.endsWith('*');
  const body = prefix ? path.slice(0, -1) : path;
  return {
    path,
    capabilities: new Set(caps),
    prefix,
    segments: body.split('/'),
  };
}

function matches(p: Pattern, path: string): boolean {
  const parts = path.split('/');
  if (!p.prefix && parts.length !== p.segments.length) return false;
  if (p.prefix && parts.length < p.segments.length) return false;
  for (let i = 0; i < p.segments.length; i++) {
    const seg = p.segments[i];
    const isLast = i === p.segments.length - 1;
    if (seg === '+') continue;
    if (isLast && p.prefix) return parts[i].startsWith(seg);
    if (seg !== parts[i]) return false;
  }
  return true;
}

function firstWildcard(p: Pattern): number {
  const plus = p.path.indexOf('+');
  const star = p.prefix ? p.path.length - 1 : -1;
  const all = [plus, star].filter(i => i >= 0);
  return all.length ? Math.min(...all) : p.path.length;
}

/**
 * Vault's priority between two matching glob paths (docs "Priority matching"):
 * later first wildcard, no trailing `*`, fewer `+`, longer, then lexically larger wins.
 */
function higherPriority(a: Pattern, b: Pattern): boolean {
  const wa = firstWildcard(a);
  const wb = firstWildcard(b);
  if (wa !== wb) return wa > wb;
  if (a.prefix !== b.prefix) return !a.prefix;
  const pa = a.segments.filter(s => s === '+').length;
  const pb = b.segments.filter(s => s === '+').length;
  if (pa !== pb) return pa < pb;
  if (a.path.length !== b.path.length) return a.path.length > b.path.length;
  return a.path > b.path;
}

/** The capabilities a set of policies grants, as Vault's ACL resolves them. */
export class Acl {
  private readonly root: boolean;
  private readonly patterns: Pattern[];

  constructor(policyNames: string[], policies: Map<string, PolicyRule[]>) {
    this.root = policyNames.includes('root');
    const merged = new Map<string, Set<Capability>>();
    for (const name of policyNames) {
      for (const rule of policies.get(name) ?? []) {
        const caps = merged.get(rule.path) ?? new Set<Capability>();
        rule.capabilities.forEach(c => caps.add(c));
        merged.set(rule.path, caps);
      }
    }
    this.patterns = [...merged].map(([path, caps]) => compile(path, caps));
  }

  capabilities(path: string): Set<Capability> {
    if (this.root)
      return new Set([
        'create',
        'read',
        'update',
        'delete',
        'list',
        'patch',
        'sudo',
      ]);
    const exact = this.patterns.find(
      p => !p.prefix && !p.segments.includes('+') && p.path === path,
    );
    let best = exact;
    if (!best) {
      for (const p of this.patterns) {
        if (matches(p, path) && (!best || higherPriority(p, best))) best = p;
      }
    }
    if (!best || best.capabilities.has('deny')) return new Set();
    return best.capabilities;
  }

  allows(path: string, needed: Capability[]): boolean {
    const caps = this.capabilities(path);
    return needed.every(c => caps.has(c));
  }
}

export function parsePolicies(
  sources: Record<string, string>,
): Map<string, PolicyRule[]> {
  const out = new Map<string, PolicyRule[]>();
  out.set('default', parsePolicy(DEFAULT_POLICY));
  for (const [name, src] of Object.entries(sources))
    out.set(name, parsePolicy(src));
  return out;
}
