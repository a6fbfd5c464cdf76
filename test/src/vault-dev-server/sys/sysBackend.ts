import { badRequest, VaultHttpError } from '../http/vaultError';
import { optionalBool, str, stringList } from '../core/fields';
import type { MountEntry } from '../core/mounts';
import { rawJson } from '../core/responses';
import type {
  Backend,
  Capability,
  LogicalResponse,
  RawResponse,
  Route,
  VaultRequest,
} from '../core/types';

/** Server state that sys/health and sys/seal-status report. */
export interface ServerStatus {
  initialized: boolean;
  sealed: boolean;
  standby: boolean;
  performanceStandby: boolean;
  version: string;
  clusterName: string;
  clusterId: string;
  unsealKey: string;
}

export interface SysContext {
  status: ServerStatus;
  mounts(): MountEntry[];
  capabilities(req: VaultRequest, path: string): Capability[];
  onSealChange(): void;
}

const HEALTH_CODES = {
  activecode: 200,
  standbycode: 429,
  drsecondarycode: 472,
  performancestandbycode: 473,
  sealedcode: 503,
  uninitcode: 501,
};

function healthCode(req: VaultRequest, status: ServerStatus): number {
  const codes: Record<string, number> = { ...HEALTH_CODES };
  for (const key of Object.keys(codes)) {
    const value = req.query.get(key);
    if (value === null) continue;
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1)
      throw badRequest(`bad code value ${JSON.stringify(value)} for ${key}`);
    codes[key] = n;
  }
  // A flag given without a value (?standbyok) counts as true.
  const flag = (name: string) => {
    const value = req.query.get(name);
    if (value === null) return false;
    return value === '' ? true : optionalBool(value, name) ?? false;
  };
  if (!status.initialized) return codes.uninitcode;
  if (status.sealed) return codes.sealedcode;
  if (status.performanceStandby)
    return flag('perfstandbyok')
      ? codes.activecode
      : codes.performancestandbycode;
  if (status.standby)
    return flag('standbyok') ? codes.activecode : codes.standbycode;
  return codes.activecode;
}

/** An uninitialised Vault is sealed too. */
const isSealed = (status: ServerStatus) => status.sealed || !status.initialized;

function cluster(status: ServerStatus) {
  return isSealed(status)
    ? {}
    : { cluster_name: status.clusterName, cluster_id: status.clusterId };
}

function healthBody(status: ServerStatus) {
  return {
    initialized: status.initialized,
    sealed: isSealed(status),
    // Vault reports a sealed node as standby.
    standby: isSealed(status) || status.standby,
    performance_standby: status.performanceStandby,
    replication_performance_mode: 'disabled',
    replication_dr_mode: 'disabled',
    server_time_utc: Math.floor(Date.now() / 1000),
    version: status.version,
    enterprise: false,
    echo_duration_ms: 0,
    clock_skew_ms: 0,
    ...cluster(status),
  };
}

function sealStatus(status: ServerStatus) {
  return {
    type: 'shamir',
    initialized: status.initialized,
    sealed: isSealed(status),
    t: 1,
    n: 1,
    progress: 0,
    nonce: '',
    version: status.version,
    build_date: '2025-01-01T00:00:00Z',
    migration: false,
    recovery_seal: false,
    storage_type: 'inmem',
    ...cluster(status),
  };
}

function mountInfo(m: MountEntry) {
  return {
    type: m.type,
    description: m.description,
    accessor: m.accessor,
    uuid: m.uuid,
    config: {
      default_lease_ttl: m.config.default_lease_ttl,
      max_lease_ttl: m.config.max_lease_ttl,
      force_no_cache: false,
    },
    options: Object.keys(m.options).length ? m.options : null,
    local: false,
    seal_wrap: false,
    external_entropy_access: false,
    plugin_version: '',
  };
}

/** The `sys/` backend: health, seal status, seal/unseal, mounts, capabilities-self. */
export class SysBackend implements Backend {
  readonly type = 'system';
  readonly routes: Route[];

  constructor(ctx: SysContext) {
    const { status } = ctx;
    this.routes = [
      {
        pattern: 'health',
        unauthenticated: true,
        read: (req): RawResponse =>
          rawJson(healthCode(req, status), healthBody(status)),
      },
      {
        pattern: 'seal-status',
        unauthenticated: true,
        read: () => rawJson(200, sealStatus(status)),
      },
      {
        pattern: 'seal',
        sudo: true,
        write: () => {
          status.sealed = true;
          ctx.onSealChange();
          return undefined;
        },
      },
      {
        pattern: 'unseal',
        unauthenticated: true,
        write: req => {
          if (req.body.reset !== true) {
            if (str(req.body.key) !== status.unsealKey) {
              throw new VaultHttpError(400, ['Unseal failed, invalid key']);
            }
            status.sealed = false;
            ctx.onSealChange();
          }
          return rawJson(200, sealStatus(status));
        },
      },
      {
        pattern: 'mounts',
        read: () => ({
          data: Object.fromEntries(
            ctx
              .mounts()
              .filter(m => !m.path.startsWith('auth/'))
              .map(m => [m.path, mountInfo(m)]),
          ),
        }),
      },
      {
        pattern: 'auth',
        read: () => ({
          data: Object.fromEntries(
            ctx
              .mounts()
              .filter(m => m.path.startsWith('auth/'))
              .map(m => [m.path.slice(5), mountInfo(m)]),
          ),
        }),
      },
      {
        pattern: 'capabilities-self',
        write: (req): LogicalResponse => {
          const paths = stringList(req.body.paths ?? req.body.path);
          const data: Record<string, unknown> = {};
          const all = new Set<string>();
          for (const p of paths) {
            const caps = ctx.capabilities(req, p);
            const shown = caps.length ? [...caps].sort() : ['deny'];
            data[p] = shown;
            shown.forEach(c => all.add(c));
          }
          data.capabilities = [...all].sort();
          return { data };
        },
      },
    ];
  }

  snapshot(): unknown {
    return null;
  }
}
