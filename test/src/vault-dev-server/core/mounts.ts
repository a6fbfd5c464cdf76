import type { Backend } from './types';

/** Vault's system defaults for lease TTLs (32 days), used where a mount sets none. */
export const SYSTEM_DEFAULT_LEASE_TTL = 768 * 3600;
export const SYSTEM_MAX_LEASE_TTL = 768 * 3600;

export interface MountConfig {
  /** Seconds; 0 means the system default. */
  default_lease_ttl: number;
  max_lease_ttl: number;
}

export interface MountEntry {
  /** With trailing slash: `pki_int/`, `auth/approle/`. */
  path: string;
  type: string;
  accessor: string;
  uuid: string;
  description: string;
  config: MountConfig;
  options: Record<string, string>;
  backend: Backend;
}

export function effectiveMaxTtl(config: MountConfig): number {
  return config.max_lease_ttl || SYSTEM_MAX_LEASE_TTL;
}

export function effectiveDefaultTtl(config: MountConfig): number {
  return Math.min(
    config.default_lease_ttl || SYSTEM_DEFAULT_LEASE_TTL,
    effectiveMaxTtl(config),
  );
}

/** Mounted engines and auth methods, matched by longest path prefix like Vault's router. */
export class MountTable {
  private readonly entries = new Map<string, MountEntry>();

  add(entry: MountEntry): void {
    this.entries.set(entry.path, entry);
  }

  all(): MountEntry[] {
    return [...this.entries.values()];
  }

  get(path: string): MountEntry | undefined {
    return this.entries.get(path.endsWith('/') ? path : `${path}/`);
  }

  /** The mount a request path falls under, with the path inside it. */
  match(path: string): { mount: MountEntry; rest: string } | undefined {
    let best: MountEntry | undefined;
    for (const entry of this.entries.values()) {
      const bare = entry.path.slice(0, -1);
      if (
        (path === bare || path.startsWith(entry.path)) &&
        (!best || entry.path.length > best.path.length)
      ) {
        best = entry;
      }
    }
    if (!best) return undefined;
    return { mount: best, rest: path.slice(best.path.length) };
  }
}
