import { badRequest, notFound, VaultHttpError } from '../http/vaultError';
import { bool, int } from '../core/fields';
import { rfc3339Nano } from '../core/time';
import type {
  Backend,
  LogicalResponse,
  Route,
  VaultRequest,
} from '../core/types';
import { listResponse } from '../core/responses';

interface KvVersion {
  data: Record<string, unknown> | null;
  created_time: string;
  deletion_time: string;
  destroyed: boolean;
}

interface KvSecret {
  versions: Record<number, KvVersion>;
  current_version: number;
  oldest_version: number;
  created_time: string;
  updated_time: string;
  cas_required: boolean;
  max_versions: number;
  custom_metadata: Record<string, string> | null;
}

export interface KvSnapshot {
  config: { cas_required: boolean; max_versions: number };
  secrets: Record<string, KvSecret>;
}

const INVALID_PATH =
  "Invalid path for a versioned K/V secrets engine. See the API docs for the appropriate API endpoints to use. If using the Vault CLI, use 'vault kv get' for this operation.";

function versionMetadata(v: KvVersion, version: number, secret: KvSecret) {
  return {
    created_time: v.created_time,
    custom_metadata: secret.custom_metadata,
    deletion_time: v.deletion_time,
    destroyed: v.destroyed,
    version,
  };
}

/** A KV version 2 secrets engine (data/, metadata/, config). */
export class KvMount implements Backend {
  readonly type = 'kv';
  readonly routes: Route[];
  private readonly secrets = new Map<string, KvSecret>();
  private readonly config = { cas_required: false, max_versions: 0 };

  constructor(snapshot?: KvSnapshot) {
    if (snapshot) {
      Object.assign(this.config, snapshot.config);
      for (const [k, v] of Object.entries(snapshot.secrets))
        this.secrets.set(k, v);
    }
    this.routes = [
      {
        pattern: 'config',
        read: () => ({ data: { ...this.config, delete_version_after: '0s' } }),
        write: req => this.writeConfig(req),
      },
      {
        pattern: 'data/*path',
        exists: (_req, p) => this.secrets.has(p.path),
        read: (req, p) => this.read(req, p.path),
        write: (req, p) => this.write(req.body, p.path),
        delete: (_req, p) => this.softDelete(p.path),
      },
      {
        pattern: 'metadata/*path',
        exists: (_req, p) => this.secrets.has(p.path),
        read: (_req, p) => this.readMetadata(p.path),
        list: (_req, p) => this.list(`${p.path}/`),
        write: (req, p) => this.writeMetadata(req.body, p.path),
        delete: (_req, p) => {
          this.secrets.delete(p.path);
          return undefined;
        },
      },
      { pattern: 'metadata', list: () => this.list('') },
      // Hitting a v2 mount without data/ or metadata/: 404 with Vault's hint.
      {
        pattern: '*any',
        read: () => {
          throw new VaultHttpError(404, [], [INVALID_PATH]);
        },
        write: () => {
          throw new VaultHttpError(404, [], [INVALID_PATH]);
        },
      },
    ];
  }

  /** Seeds a secret as version 1 (used by the seed loader). */
  put(path: string, data: Record<string, unknown>): void {
    this.write({ data }, path);
  }

  private read(req: VaultRequest, path: string): LogicalResponse | undefined {
    const secret = this.secrets.get(path);
    if (!secret) return undefined;
    const version =
      int(req.query.get('version') ?? undefined, 'version', 0) ||
      secret.current_version;
    const v = secret.versions[version];
    if (!v) return undefined;
    const data = {
      data: v.data,
      metadata: versionMetadata(v, version, secret),
    };
    // A deleted or destroyed version answers 404 but still carries its metadata.
    if (v.deletion_time || v.destroyed)
      return { status: 404, data: { ...data, data: null } };
    return { data };
  }

  private write(body: Record<string, unknown>, path: string): LogicalResponse {
    const data = body.data;
    if (!data || typeof data !== 'object') throw badRequest('no data provided');
    const options = (body.options ?? {}) as Record<string, unknown>;
    const existing = this.secrets.get(path);
    const casRequired =
      this.config.cas_required || Boolean(existing?.cas_required);
    const hasCas = options.cas !== undefined && options.cas !== null;
    if (casRequired && !hasCas)
      throw badRequest('check-and-set parameter required for this call');
    if (hasCas) {
      const cas = int(options.cas, 'cas', 0);
      if (cas !== (existing?.current_version ?? 0)) {
        throw badRequest(
          'check-and-set parameter did not match the current version',
        );
      }
    }
    const now = rfc3339Nano(Date.now());
    const secret: KvSecret = existing ?? {
      versions: {},
      current_version: 0,
      oldest_version: 0,
      created_time: now,
      updated_time: now,
      cas_required: false,
      max_versions: 0,
      custom_metadata: null,
    };
    const version = secret.current_version + 1;
    secret.versions[version] = {
      data: data as Record<string, unknown>,
      created_time: now,
      deletion_time: '',
      destroyed: false,
    };
    secret.current_version = version;
    secret.updated_time = now;
    if (!secret.oldest_version) secret.oldest_version = 1;
    const max = secret.max_versions || this.config.max_versions || 10;
    for (const v of Object.keys(secret.versions).map(Number)) {
      if (v <= version - max) delete secret.versions[v];
    }
    secret.oldest_version = Math.min(
      ...Object.keys(secret.versions).map(Number),
    );
    this.secrets.set(path, secret);
    return { data: versionMetadata(secret.versions[version], version, secret) };
  }

  private softDelete(path: string): undefined {
    const secret = this.secrets.get(path);
    const v = secret?.versions[secret.current_version];
    if (v && !v.deletion_time) v.deletion_time = rfc3339Nano(Date.now());
    return undefined;
  }

  private readMetadata(path: string): LogicalResponse | undefined {
    const s = this.secrets.get(path);
    if (!s) return undefined;
    const versions: Record<string, unknown> = {};
    for (const [n, v] of Object.entries(s.versions)) {
      versions[n] = {
        created_time: v.created_time,
        deletion_time: v.deletion_time,
        destroyed: v.destroyed,
      };
    }
    return {
      data: {
        cas_required: s.cas_required,
        created_time: s.created_time,
        current_version: s.current_version,
        custom_metadata: s.custom_metadata,
        delete_version_after: '0s',
        max_versions: s.max_versions,
        oldest_version: s.oldest_version,
        updated_time: s.updated_time,
        versions,
      },
    };
  }

  private writeMetadata(
    body: Record<string, unknown>,
    path: string,
  ): undefined {
    const s = this.secrets.get(path);
    if (!s) {
      // Metadata may be written before any data; create an empty secret.
      const now = rfc3339Nano(Date.now());
      this.secrets.set(path, {
        versions: {},
        current_version: 0,
        oldest_version: 0,
        created_time: now,
        updated_time: now,
        cas_required: bool(body.cas_required, 'cas_required', false),
        max_versions: int(body.max_versions, 'max_versions', 0),
        custom_metadata:
          (body.custom_metadata as Record<string, string>) ?? null,
      });
      return undefined;
    }
    if ('cas_required' in body)
      s.cas_required = bool(body.cas_required, 'cas_required', false);
    if ('max_versions' in body)
      s.max_versions = int(body.max_versions, 'max_versions', 0);
    if ('custom_metadata' in body)
      s.custom_metadata =
        (body.custom_metadata as Record<string, string>) ?? null;
    return undefined;
  }

  private writeConfig(req: VaultRequest): undefined {
    if ('cas_required' in req.body)
      this.config.cas_required = bool(
        req.body.cas_required,
        'cas_required',
        false,
      );
    if ('max_versions' in req.body)
      this.config.max_versions = int(req.body.max_versions, 'max_versions', 0);
    return undefined;
  }

  /** Keys directly under a folder; sub-folders end with `/`. */
  private list(prefix: string): LogicalResponse {
    const keys = new Set<string>();
    for (const path of this.secrets.keys()) {
      if (!path.startsWith(prefix)) continue;
      const rest = path.slice(prefix.length);
      const slash = rest.indexOf('/');
      keys.add(slash < 0 ? rest : rest.slice(0, slash + 1));
    }
    if (keys.size === 0) throw notFound();
    return listResponse([...keys].sort());
  }

  snapshot(): KvSnapshot {
    return {
      config: { ...this.config },
      secrets: Object.fromEntries(this.secrets),
    };
  }
}
