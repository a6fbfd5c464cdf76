import { formatGoDuration } from '../core/durations';
import { newAccessor, newTokenId, uuid } from '../core/ids';
import type { AuthBlock } from '../core/types';

/** A token as the dev server stores it (times in epoch milliseconds). */
export interface TokenEntry {
  id: string;
  accessor: string;
  policies: string[];
  path: string;
  displayName: string;
  meta: Record<string, string> | null;
  entityId: string;
  creationTime: number;
  /** TTL given at creation, in seconds (0 for root). */
  creationTtl: number;
  /** Expiry; null never expires (root). */
  expireTime: number | null;
  /** Hard limit renewals cannot pass; null for none. */
  maxExpireTime: number | null;
  /** TTL a renewal without increment uses, in seconds. */
  defaultTtl: number;
  explicitMaxTtl: number;
  renewable: boolean;
  orphan: boolean;
  numUses: number;
  /** The login mount's `mount_type` for auth responses. */
  mountType: string;
}

export interface NewToken {
  policies: string[];
  path: string;
  displayName: string;
  meta?: Record<string, string> | null;
  ttlSeconds: number;
  maxTtlSeconds: number;
  renewable?: boolean;
  orphan?: boolean;
  entityId?: string;
  mountType: string;
  explicitMaxTtl?: number;
}

export class RenewError extends Error {}

export class TokenStore {
  private readonly byId = new Map<string, TokenEntry>();

  constructor(entries: TokenEntry[] = []) {
    for (const e of entries) this.byId.set(e.id, e);
  }

  createRoot(id: string = newTokenId()): TokenEntry {
    const entry: TokenEntry = {
      id,
      accessor: newAccessor(),
      policies: ['root'],
      path: 'auth/token/root',
      displayName: 'root',
      meta: null,
      entityId: '',
      creationTime: Date.now(),
      creationTtl: 0,
      expireTime: null,
      maxExpireTime: null,
      defaultTtl: 0,
      explicitMaxTtl: 0,
      renewable: false,
      orphan: true,
      numUses: 0,
      mountType: 'token',
    };
    this.byId.set(id, entry);
    return entry;
  }

  create(t: NewToken): TokenEntry {
    const now = Date.now();
    const entry: TokenEntry = {
      id: newTokenId(),
      accessor: newAccessor(),
      policies: t.policies,
      path: t.path,
      displayName: t.displayName,
      meta: t.meta ?? null,
      entityId: t.entityId ?? '',
      creationTime: now,
      creationTtl: t.ttlSeconds,
      expireTime: t.ttlSeconds > 0 ? now + t.ttlSeconds * 1000 : null,
      maxExpireTime: t.maxTtlSeconds > 0 ? now + t.maxTtlSeconds * 1000 : null,
      defaultTtl: t.ttlSeconds,
      explicitMaxTtl: t.explicitMaxTtl ?? 0,
      renewable: t.renewable ?? true,
      orphan: t.orphan ?? true,
      numUses: 0,
      mountType: t.mountType,
    };
    this.byId.set(entry.id, entry);
    return entry;
  }

  /** A live token, or undefined when unknown, revoked or past its TTL. */
  lookup(id: string | undefined): TokenEntry | undefined {
    if (!id) return undefined;
    const entry = this.byId.get(id);
    if (!entry) return undefined;
    if (entry.expireTime !== null && Date.now() >= entry.expireTime) {
      this.byId.delete(id);
      return undefined;
    }
    return entry;
  }

  byAccessor(accessor: string): TokenEntry | undefined {
    for (const e of this.byId.values())
      if (e.accessor === accessor) return this.lookup(e.id);
    return undefined;
  }

  revoke(id: string): boolean {
    return this.byId.delete(id);
  }

  /** Ends a token's life now (fault injection and tests). */
  expireNow(entry: TokenEntry): void {
    entry.expireTime = Date.now() - 1;
  }

  /**
   * Vault's renewal (sdk/framework CalculateTTL): the new TTL counts from now,
   * defaults to the token's own TTL, and is capped at the token's max TTL with
   * a warning.
   */
  renew(
    entry: TokenEntry,
    incrementSeconds: number | undefined,
  ): { ttl: number; warnings: string[] } {
    if (!entry.renewable) throw new RenewError('lease is not renewable');
    const now = Date.now();
    const warnings: string[] = [];
    if (entry.maxExpireTime !== null && now >= entry.maxExpireTime) {
      throw new RenewError('past the max TTL, cannot renew');
    }
    let ttlMs =
      (incrementSeconds && incrementSeconds > 0
        ? incrementSeconds
        : entry.defaultTtl) * 1000;
    if (entry.maxExpireTime !== null && now + ttlMs > entry.maxExpireTime) {
      const leftMs = Math.floor((entry.maxExpireTime - now) / 1000) * 1000;
      warnings.push(
        `TTL of "${formatGoDuration(
          ttlMs,
        )}" exceeded the effective max_ttl of "${formatGoDuration(
          leftMs,
        )}"; TTL value is capped accordingly`,
      );
      ttlMs = leftMs;
    }
    entry.expireTime = now + ttlMs;
    return { ttl: Math.floor(ttlMs / 1000), warnings };
  }

  /** Remaining seconds of a token's TTL (0 for tokens that never expire). */
  remaining(entry: TokenEntry): number {
    if (entry.expireTime === null) return 0;
    return Math.max(0, Math.floor((entry.expireTime - Date.now()) / 1000));
  }

  /** The auth block of a login (lease = the TTL given) or a renewal (pass the new TTL). */
  authBlock(entry: TokenEntry, leaseDuration = entry.creationTtl): AuthBlock {
    return {
      client_token: entry.id,
      accessor: entry.accessor,
      policies: entry.policies,
      token_policies: entry.policies,
      metadata: entry.meta,
      lease_duration: leaseDuration,
      renewable: entry.renewable,
      entity_id: entry.entityId,
      token_type: 'service',
      orphan: entry.orphan,
      mfa_requirement: null,
      num_uses: entry.numUses,
    };
  }

  snapshot(): TokenEntry[] {
    return [...this.byId.values()].filter(e => this.lookup(e.id));
  }
}

/** A stable entity id per (mount, alias), as Vault's identity store would give. */
export class EntityIds {
  private readonly ids = new Map<string, string>();

  constructor(initial: Record<string, string> = {}) {
    for (const [k, v] of Object.entries(initial)) this.ids.set(k, v);
  }

  for(mountAccessor: string, aliasName: string): string {
    const key = `${mountAccessor}/${aliasName}`;
    let id = this.ids.get(key);
    if (!id) {
      id = uuid();
      this.ids.set(key, id);
    }
    return id;
  }

  snapshot(): Record<string, string> {
    return Object.fromEntries(this.ids);
  }
}
