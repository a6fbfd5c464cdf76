import { randomBase62 } from '../core/ids';
import { SEALED } from '../http/vaultError';

/** A fault as the control endpoint takes it (see README, "Control endpoint"). */
export interface FaultSpec {
  /** Vault path prefix, e.g. `pki_int/issue` (a leading `/v1/` is ignored). */
  path: string;
  /** Only requests with this HTTP method (as sent: GET, POST, LIST...). */
  method?: string;
  /** How many matching requests it hits; -1 until cleared. Default 1. */
  count?: number;
  /** Answer with this status and Vault-style `{"errors":[...]}`. */
  status?: number;
  /** Error texts for `status`; a per-status default otherwise. */
  errors?: string[];
  /** `Retry-After` header (seconds) to send with `status`. */
  retry_after?: number;
  /** Delay before the request is handled (or failed). */
  latency_ms?: number;
  /** Drop the connection with a TCP reset instead of answering. */
  reset?: boolean;
}

export interface FaultRule extends Required<Pick<FaultSpec, 'path'>> {
  id: string;
  method?: string;
  remaining: number;
  status?: number;
  errors?: string[];
  retry_after?: number;
  latency_ms?: number;
  reset?: boolean;
}

/** What to do with one request: summed latency, then at most one terminal action. */
export interface FaultPlan {
  latencyMs: number;
  reset: boolean;
  status?: number;
  errors?: string[];
  retryAfter?: number;
  applied: string[];
}

export class FaultSpecError extends Error {}

/** Default texts: Vault's own for 429 (quota), 502 (upstream) and 503 (sealed). */
export function defaultErrors(status: number, path: string): string[] {
  switch (status) {
    case 429:
      return [
        `request path ${JSON.stringify(path)}: rate limit quota exceeded`,
      ];
    case 500:
      return ['internal error'];
    case 502:
      return ['upstream rate limited'];
    case 503:
      return [SEALED];
    default:
      return [`injected status ${status}`];
  }
}

function normalisePath(path: string): string {
  return path.replace(/^\/?v1\//, '').replace(/^\//, '');
}

/** Injected faults, matched by path prefix in the order they were added. */
export class FaultInjector {
  private rules: FaultRule[] = [];

  add(spec: FaultSpec): FaultRule {
    if (typeof spec.path !== 'string')
      throw new FaultSpecError(
        'path: required, a Vault path prefix such as pki_int/issue',
      );
    if (
      spec.status !== undefined &&
      (!Number.isInteger(spec.status) || spec.status < 400 || spec.status > 599)
    ) {
      throw new FaultSpecError(
        'status: must be an HTTP error status (400-599), e.g. 429, 500, 502 or 503',
      );
    }
    if (
      spec.latency_ms !== undefined &&
      !(spec.latency_ms >= 0 && spec.latency_ms <= 120_000)
    ) {
      throw new FaultSpecError('latency_ms: must be between 0 and 120000');
    }
    if (
      spec.status === undefined &&
      !spec.reset &&
      spec.latency_ms === undefined
    ) {
      throw new FaultSpecError(
        'give at least one of status, latency_ms or reset',
      );
    }
    const count = spec.count ?? 1;
    if (!Number.isInteger(count) || (count < 1 && count !== -1)) {
      throw new FaultSpecError(
        'count: a positive whole number, or -1 for "until cleared"',
      );
    }
    const rule: FaultRule = {
      id: randomBase62(10),
      path: normalisePath(spec.path),
      method: spec.method?.toUpperCase(),
      remaining: count,
      status: spec.status,
      errors: spec.errors,
      retry_after: spec.retry_after,
      latency_ms: spec.latency_ms,
      reset: spec.reset,
    };
    this.rules.push(rule);
    return rule;
  }

  list(): FaultRule[] {
    return this.rules.map(r => ({ ...r }));
  }

  remove(id: string): boolean {
    const before = this.rules.length;
    this.rules = this.rules.filter(r => r.id !== id);
    return this.rules.length !== before;
  }

  clear(): void {
    this.rules = [];
  }

  /** Consumes one use of every rule matching this request and merges their effects. */
  take(method: string, path: string): FaultPlan | undefined {
    const matching = this.rules.filter(
      r =>
        r.remaining !== 0 &&
        path.startsWith(r.path) &&
        (!r.method || r.method === method),
    );
    if (matching.length === 0) return undefined;
    const plan: FaultPlan = { latencyMs: 0, reset: false, applied: [] };
    for (const r of matching) {
      if (r.remaining > 0) r.remaining--;
      plan.applied.push(r.id);
      plan.latencyMs += r.latency_ms ?? 0;
      if (plan.reset || plan.status !== undefined) continue;
      if (r.reset) plan.reset = true;
      else if (r.status !== undefined) {
        plan.status = r.status;
        plan.errors = r.errors ?? defaultErrors(r.status, path);
        plan.retryAfter = r.retry_after;
      }
    }
    this.rules = this.rules.filter(r => r.remaining !== 0);
    return plan;
  }
}
