import {
  CertificatePolicy,
  CertificatePolicyState,
  CERTIFICATE_POLICY_STATES,
  evaluateCertificatePolicy,
  FleetResponse,
  FleetSortKey,
  MQ_CERT_ANNOTATIONS,
  QueueManagerSummary,
  RefreshJob,
  Rotation,
} from '@mqcert/plugin-mq-certificates-common';
import type {
  MqCertificatesStore,
  SnapshotSummary,
} from '../database/MqCertificatesStore';
import type {
  ManagedQueueManager,
  QueueManagerCatalog,
} from './QueueManagerCatalog';

/** A fleet row with what filtering and sorting need, computed once per build. */
export interface FleetRow {
  qm: ManagedQueueManager;
  summary: QueueManagerSummary;
  /** Lower-case text the `q` filter searches. */
  haystack: string;
  /** Owner refs and their bare names, lower case. */
  ownerKeys: Set<string>;
  severity: number;
  /** Infinity when unknown. */
  daysLeft: number;
}

export type FleetState = CertificatePolicyState | 'unknown';

/** Worst first: what needs attention soonest. */
const SEVERITY: Record<FleetState, number> = {
  expired: 4,
  expiring: 3,
  unknown: 2,
  'renew-due': 1,
  ok: 0,
};

export const FLEET_STATES: FleetState[] = [
  ...CERTIFICATE_POLICY_STATES,
  'unknown',
];

/** A built fleet: rows, and the same rows in each sort order (ascending). */
export interface FleetSnapshot {
  rows: FleetRow[];
  sorted: Record<FleetSortKey, FleetRow[]>;
  builtAt: number;
}

const PENDING_ORDER = ['running', 'scheduled', 'awaiting-approval'];

function nextJobPerEntity(jobs: RefreshJob[]): Map<string, RefreshJob> {
  const result = new Map<string, RefreshJob>();
  for (const job of jobs) {
    const current = result.get(job.entityRef);
    // Running beats scheduled beats awaiting approval; then the earliest.
    if (
      !current ||
      PENDING_ORDER.indexOf(job.state) < PENDING_ORDER.indexOf(current.state) ||
      (job.state === current.state && job.runAt < current.runAt)
    ) {
      result.set(job.entityRef, job);
    }
  }
  return result;
}

/** Builds one fleet row. Exported for the sweep's metrics, which use the same state logic. */
export function buildFleetRow(
  qm: ManagedQueueManager,
  snapshot: SnapshotSummary | undefined,
  rotation: Rotation | undefined,
  job: RefreshJob | undefined,
  policy: Required<CertificatePolicy>,
  now: number,
): FleetRow {
  const { entity, spec } = qm;
  let evaluation: QueueManagerSummary['policy'];
  if (snapshot?.notBefore && snapshot.notAfter && !snapshot.error) {
    try {
      evaluation = evaluateCertificatePolicy({
        notBefore: snapshot.notBefore,
        notAfter: snapshot.notAfter,
        now,
        policy,
      });
    } catch {
      evaluation = undefined; // a certificate with notAfter <= notBefore
    }
  }
  const state: FleetState = evaluation?.state ?? 'unknown';
  const listener = spec?.listener
    ? `${
        spec.listener.host.includes(':')
          ? `[${spec.listener.host}]`
          : spec.listener.host
      }:${spec.listener.port}`
    : undefined;
  const summary: QueueManagerSummary = {
    entityRef: qm.entityRef,
    name: entity.metadata.name,
    title: entity.metadata.title,
    owner: qm.owners[0],
    queueManager:
      spec?.queueManager ??
      entity.metadata.annotations?.[MQ_CERT_ANNOTATIONS.queueManager] ??
      '',
    listener,
    served: snapshot
      ? {
          serialNumber: snapshot.serialNumber,
          notBefore: snapshot.notBefore,
          notAfter: snapshot.notAfter,
          probedAt: snapshot.probedAt,
          error: snapshot.error,
        }
      : undefined,
    policy: evaluation,
    state,
    configError: qm.configError,
    latestRotation: rotation
      ? {
          id: rotation.id,
          state: rotation.state,
          serialNumber: rotation.serialNumber,
          updatedAt: rotation.updatedAt,
        }
      : undefined,
    nextJob: job
      ? {
          id: job.id,
          state: job.state,
          runAt: job.runAt,
          approvalRequired: job.approvalRequired,
        }
      : undefined,
  };
  const ownerKeys = new Set<string>();
  for (const o of qm.owners) {
    ownerKeys.add(o);
    ownerKeys.add(o.slice(o.indexOf('/') + 1));
  }
  return {
    qm,
    summary,
    haystack: [
      entity.metadata.name,
      entity.metadata.title ?? '',
      summary.queueManager,
      qm.entityRef,
    ]
      .join('\n')
      .toLocaleLowerCase('en-US'),
    ownerKeys,
    severity: SEVERITY[state],
    daysLeft: evaluation?.daysLeft ?? Infinity,
  };
}

function byName(a: FleetRow, b: FleetRow): number {
  if (a.qm.entityRef === b.qm.entityRef) return 0;
  return a.qm.entityRef < b.qm.entityRef ? -1 : 1;
}
function byDaysLeft(a: FleetRow, b: FleetRow): number {
  if (a.daysLeft === b.daysLeft) return byName(a, b);
  return a.daysLeft < b.daysLeft ? -1 : 1;
}
/** Ascending = best first; the default (descending) lists the worst first. */
const byState = (a: FleetRow, b: FleetRow) =>
  a.severity !== b.severity ? a.severity - b.severity : byDaysLeft(b, a);

/**
 * The fleet rows, rebuilt from the (cached) catalog list and three database
 * reads at most every `ttlMs`, or on the next read after `invalidate()` (a
 * write in this process). Between rebuilds a request only filters and slices
 * pre-sorted arrays, which keeps the fleet endpoint fast at 10,000 entities.
 * Policy states are computed at build time; with a few seconds' ttl that is
 * as current as the day-granular `daysLeft` needs.
 */
export class FleetIndex {
  private snapshot?: FleetSnapshot;
  private builtFromGeneration = -1;
  private dirty = true;
  private building?: Promise<FleetSnapshot>;

  constructor(
    private readonly options: {
      catalog: QueueManagerCatalog;
      store: MqCertificatesStore;
      policy: Required<CertificatePolicy>;
      ttlMs: number;
      now?: () => number;
    },
  ) {}

  private now() {
    return this.options.now?.() ?? Date.now();
  }

  /** The last built rows, without building (for metrics). */
  current(): FleetSnapshot | undefined {
    return this.snapshot;
  }

  /** Marks the rows stale after a write; the next get() rebuilds first. */
  invalidate() {
    this.dirty = true;
  }

  async get(): Promise<FleetSnapshot> {
    const items = await this.options.catalog.list();
    const current = this.snapshot;
    const catalogChanged =
      this.builtFromGeneration !== this.options.catalog.generation;
    if (!current || this.dirty || catalogChanged) {
      return this.build(items);
    }
    if (this.now() - current.builtAt > this.options.ttlMs) {
      this.build(items).catch(() => {}); // serve the old rows meanwhile
    }
    return current;
  }

  private build(items: ManagedQueueManager[]): Promise<FleetSnapshot> {
    if (!this.building) {
      this.dirty = false;
      const generation = this.options.catalog.generation;
      this.building = this.read(items)
        .then(snapshot => {
          this.snapshot = snapshot;
          this.builtFromGeneration = generation;
          return snapshot;
        })
        .catch(e => {
          this.dirty = true;
          throw e;
        })
        .finally(() => {
          this.building = undefined;
        });
    }
    return this.building;
  }

  private async read(items: ManagedQueueManager[]): Promise<FleetSnapshot> {
    const { store, policy } = this.options;
    const [snapshots, rotations, jobs] = await Promise.all([
      store.latestSnapshotSummaries(),
      store.latestRotations(),
      store.pendingJobs(),
    ]);
    const nextJobs = nextJobPerEntity(jobs);
    const now = this.now();
    const rows = items.map(qm =>
      buildFleetRow(
        qm,
        snapshots.get(qm.entityRef),
        rotations.get(qm.entityRef),
        nextJobs.get(qm.entityRef),
        policy,
        now,
      ),
    );
    return {
      rows,
      sorted: {
        name: [...rows].sort(byName),
        daysLeft: [...rows].sort(byDaysLeft),
        state: [...rows].sort(byState),
      },
      builtAt: now,
    };
  }
}

/** A validated fleet query. */
export interface ParsedFleetQuery {
  states?: FleetState[];
  owners?: string[];
  q?: string;
  /** Only rows with at most this many whole days left (unknown expiry excluded). */
  maxDaysLeft?: number;
  sort: FleetSortKey;
  order: 'asc' | 'desc';
  offset: number;
  limit: number;
}

/** Default order per sort key: the most useful end first. */
export const DEFAULT_ORDER: Record<FleetSortKey, 'asc' | 'desc'> = {
  state: 'desc',
  daysLeft: 'asc',
  name: 'asc',
};

/**
 * Filters, counts, sorts and pages a built fleet for one caller. `visible`
 * is the caller's read permission per row.
 */
export function queryFleet(
  snapshot: FleetSnapshot,
  query: ParsedFleetQuery,
  visible: (row: FleetRow) => boolean,
): FleetResponse {
  const counts = Object.fromEntries(FLEET_STATES.map(s => [s, 0])) as Record<
    FleetState,
    number
  >;
  const owners = query.owners?.map(o => o.toLocaleLowerCase('en-US'));
  const q = query.q?.toLocaleLowerCase('en-US');
  const states = query.states ? new Set(query.states) : undefined;
  const ordered = snapshot.sorted[query.sort];
  const matches: FleetRow[] = [];
  for (let i = 0; i < ordered.length; i++) {
    const row = ordered[query.order === 'asc' ? i : ordered.length - 1 - i];
    if (owners && !owners.some(o => row.ownerKeys.has(o))) continue;
    if (q && !row.haystack.includes(q)) continue;
    // Infinity (no known expiry) never passes: "at most N days" needs a date.
    if (query.maxDaysLeft !== undefined && !(row.daysLeft <= query.maxDaysLeft))
      continue;
    if (!visible(row)) continue;
    counts[row.summary.state] += 1;
    if (states && !states.has(row.summary.state)) continue;
    matches.push(row);
  }
  return {
    items: matches
      .slice(query.offset, query.offset + query.limit)
      .map(r => r.summary),
    totalCount: matches.length,
    offset: query.offset,
    limit: query.limit,
    counts,
  };
}
