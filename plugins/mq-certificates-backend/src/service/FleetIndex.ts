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
  /** Position in FleetSnapshot.rows (index into visibility masks). */
  index: number;
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

/**
 * A built fleet: rows, their row indices in each sort order (ascending), and
 * per row the state (index into FLEET_STATES) and days left as typed
 * arrays, so a request scans 10,000 numbers instead of 10,000 objects.
 */
export interface FleetSnapshot {
  rows: FleetRow[];
  order: Record<FleetSortKey, Int32Array>;
  stateCodes: Uint8Array;
  daysLeft: Float64Array;
  /** Owner key (ref or bare name, lower case) → its rows. */
  ownerIndex: Map<string, Int32Array>;
  /**
   * Every row's haystack joined with NUL (which no haystack contains), and
   * where each row's part starts: the `q` filter is one indexOf scan of a
   * flat string instead of 10,000 scattered string objects.
   */
  haystack: string;
  haystackStarts: Int32Array;
  builtAt: number;
  /**
   * Per permission decision (its cache key), which rows it lets read: one
   * byte per row. Callers with the same decision within one snapshot (a
   * team's members, every admin) reuse it instead of evaluating 10,000
   * entities again.
   */
  visibility: Map<string, Uint8Array>;
}

/** Rows built between two yields to the event loop. */
const BUILD_SLICE = 1000;

const yieldToEventLoop = () =>
  new Promise<void>(resolve => setImmediate(resolve));

/** Distinct decisions remembered per snapshot (10,000 rows: 10 kB each). */
const VISIBILITY_CACHE_SIZE = 256;

/** The rows `readable` lets read, computed once per snapshot and decision. */
export function visibilityOf(
  snapshot: FleetSnapshot,
  readable: ((entity: FleetRow['qm']['entity']) => boolean) & {
    cacheKey: string;
  },
): Uint8Array {
  let mask = snapshot.visibility.get(readable.cacheKey);
  if (!mask) {
    mask = new Uint8Array(snapshot.rows.length);
    for (const row of snapshot.rows) {
      mask[row.index] = readable(row.qm.entity) ? 1 : 0;
    }
    if (snapshot.visibility.size >= VISIBILITY_CACHE_SIZE) {
      // Maps iterate in insertion order: drop the oldest decision.
      snapshot.visibility.delete(snapshot.visibility.keys().next().value!);
    }
    snapshot.visibility.set(readable.cacheKey, mask);
  }
  return mask;
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
  index = 0,
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
    index,
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
    // Built in slices with the event loop let in between: a rebuild runs in
    // the background while requests are answered from the previous rows,
    // and must not hold them for the whole 10,000-entity build.
    const rows: FleetRow[] = new Array(items.length);
    for (let index = 0; index < items.length; index++) {
      const qm = items[index];
      rows[index] = buildFleetRow(
        qm,
        snapshots.get(qm.entityRef),
        rotations.get(qm.entityRef),
        nextJobs.get(qm.entityRef),
        policy,
        now,
        index,
      );
      if (index % BUILD_SLICE === BUILD_SLICE - 1) await yieldToEventLoop();
    }
    const indices = async (compare: (a: FleetRow, b: FleetRow) => number) => {
      await yieldToEventLoop();
      return Int32Array.from([...rows].sort(compare), row => row.index);
    };
    const order = {
      name: await indices(byName),
      daysLeft: await indices(byDaysLeft),
      state: await indices(byState),
    };
    const owners = new Map<string, number[]>();
    const haystackStarts = new Int32Array(rows.length);
    let offset = 0;
    for (const row of rows) {
      for (const key of row.ownerKeys) {
        let list = owners.get(key);
        if (!list) owners.set(key, (list = []));
        list.push(row.index);
      }
      haystackStarts[row.index] = offset;
      offset += row.haystack.length + 1;
    }
    return {
      rows,
      order,
      ownerIndex: new Map(
        [...owners].map(([key, list]) => [key, Int32Array.from(list)]),
      ),
      haystack: rows.map(row => row.haystack).join('\u0000'),
      haystackStarts,
      stateCodes: Uint8Array.from(rows, row =>
        FLEET_STATES.indexOf(row.summary.state),
      ),
      daysLeft: Float64Array.from(rows, row => row.daysLeft),
      builtAt: now,
      visibility: new Map(),
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

/** Rows whose haystack contains `q` (lower case), by one scan of the joined haystack. */
function textMatches(snapshot: FleetSnapshot, q: string): Uint8Array {
  const { haystack, haystackStarts } = snapshot;
  const matches = new Uint8Array(haystackStarts.length);
  // A NUL in q could match across two rows; no single haystack has one.
  if (q.includes('\u0000')) return matches;
  let from = 0;
  for (;;) {
    const at = haystack.indexOf(q, from);
    if (at < 0) break;
    // The row whose part holds `at`: the last start at or before it.
    let lo = 0;
    let hi = haystackStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (haystackStarts[mid] <= at) lo = mid;
      else hi = mid - 1;
    }
    matches[lo] = 1;
    if (lo + 1 >= haystackStarts.length) break;
    from = haystackStarts[lo + 1]; // one match per row is enough
  }
  return matches;
}

/** Rows owned by any of `owners` (lower case refs or bare names). */
function ownerMatches(snapshot: FleetSnapshot, owners: string[]): Uint8Array {
  const matches = new Uint8Array(snapshot.rows.length);
  for (const owner of owners) {
    for (const index of snapshot.ownerIndex.get(owner) ?? []) {
      matches[index] = 1;
    }
  }
  return matches;
}

/**
 * Filters, counts, sorts and pages a built fleet for one caller. `visible`
 * holds the caller's read permission per row (see visibilityOf).
 */
export function queryFleet(
  snapshot: FleetSnapshot,
  query: ParsedFleetQuery,
  visible: Uint8Array,
): FleetResponse {
  const { rows, stateCodes, daysLeft } = snapshot;
  const owners = query.owners?.map(o => o.toLocaleLowerCase('en-US'));
  const q = query.q?.toLocaleLowerCase('en-US');
  // Owner and text filters as row masks, so the loop reads only typed arrays.
  const byOwner = owners ? ownerMatches(snapshot, owners) : undefined;
  const byText = q ? textMatches(snapshot, q) : undefined;
  const { maxDaysLeft } = query;
  const wanted = new Uint8Array(FLEET_STATES.length).fill(query.states ? 0 : 1);
  for (const state of query.states ?? []) {
    wanted[FLEET_STATES.indexOf(state)] = 1;
  }
  const perState = new Uint32Array(FLEET_STATES.length);
  const order = snapshot.order[query.sort];
  const asc = query.order === 'asc';
  const last = order.length - 1;
  const end = query.offset + query.limit;
  // Only the requested page is collected; the rest is counted.
  const items: QueueManagerSummary[] = [];
  let totalCount = 0;
  for (let i = 0; i <= last; i++) {
    const index = order[asc ? i : last - i];
    if (visible[index] !== 1) continue;
    // Infinity (no known expiry) never passes: "at most N days" needs a date.
    if (maxDaysLeft !== undefined && !(daysLeft[index] <= maxDaysLeft)) {
      continue;
    }
    if (byOwner && byOwner[index] !== 1) continue;
    if (byText && byText[index] !== 1) continue;
    const code = stateCodes[index];
    perState[code] += 1;
    if (wanted[code] !== 1) continue;
    if (totalCount >= query.offset && totalCount < end) {
      items.push(rows[index].summary);
    }
    totalCount += 1;
  }
  const counts = Object.fromEntries(
    FLEET_STATES.map((state, code) => [state, perState[code]]),
  ) as Record<FleetState, number>;
  return {
    items,
    totalCount,
    offset: query.offset,
    limit: query.limit,
    counts,
  };
}

/**
 * Each fleet row's JSON, made once: rows are immutable for the life of their
 * snapshot and pages repeat the same rows, and serializing every page from
 * scratch was the largest cost left per request.
 */
const summaryJson = new WeakMap<QueueManagerSummary, string>();

/** `JSON.stringify(response)`, from the rows' cached JSON. */
export function fleetResponseJson(response: FleetResponse): string {
  const { items, ...rest } = response;
  const parts = items.map(item => {
    let json = summaryJson.get(item);
    if (json === undefined) {
      json = JSON.stringify(item);
      summaryJson.set(item, json);
    }
    return json;
  });
  return `{"items":[${parts.join(',')}],${JSON.stringify(rest).slice(1)}`;
}
