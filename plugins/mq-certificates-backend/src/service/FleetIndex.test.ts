import { TestDatabases } from '@backstage/backend-test-utils';
import {
  DEFAULT_CERTIFICATE_POLICY,
  FleetSortKey,
  QueueManagerSummary,
} from '@mqcert/plugin-mq-certificates-common';
import { qmEntity } from '../__testUtils__/fakes';
import { DatabaseMqCertificatesStore } from '../database/DatabaseMqCertificatesStore';
import {
  DEFAULT_ORDER,
  FLEET_STATES,
  FleetIndex,
  fleetResponseJson,
  FleetRow,
  FleetState,
  ParsedFleetQuery,
  queryFleet,
  visibilityOf,
} from './FleetIndex';
import {
  ManagedQueueManager,
  toManagedQueueManager,
} from './QueueManagerCatalog';

jest.setTimeout(60_000);

const DAY = 86_400_000;
const N = 1500; // above the snapshot page size and the build slice

/**
 * The fleet query the plain way (filter row objects, sort, slice), to check
 * the indexed one against: same rows, same order, same counts.
 */
function naive(
  rows: FleetRow[],
  query: ParsedFleetQuery,
  visible: (row: FleetRow) => boolean,
) {
  const owners = query.owners?.map(o => o.toLowerCase());
  const q = query.q?.toLowerCase();
  const severity: Record<FleetState, number> = {
    expired: 4,
    expiring: 3,
    unknown: 2,
    'renew-due': 1,
    ok: 0,
  };
  const byName = (a: FleetRow, b: FleetRow) =>
    a.qm.entityRef < b.qm.entityRef ? -1 : 1;
  const byDays = (a: FleetRow, b: FleetRow) =>
    a.daysLeft === b.daysLeft ? byName(a, b) : a.daysLeft - b.daysLeft;
  const compare: Record<FleetSortKey, (a: FleetRow, b: FleetRow) => number> = {
    name: byName,
    daysLeft: byDays,
    state: (a, b) =>
      severity[a.summary.state] - severity[b.summary.state] || byDays(b, a),
  };
  const counts = Object.fromEntries(FLEET_STATES.map(s => [s, 0]));
  const sorted = rows
    .filter(row => !owners || owners.some(o => row.ownerKeys.has(o)))
    .filter(row => !q || row.haystack.includes(q))
    .filter(
      row =>
        query.maxDaysLeft === undefined || row.daysLeft <= query.maxDaysLeft,
    )
    .filter(visible)
    .sort(compare[query.sort]);
  if (query.order === 'desc') sorted.reverse();
  for (const row of sorted) counts[row.summary.state] += 1;
  const matches = sorted.filter(
    row => !query.states || query.states.includes(row.summary.state),
  );
  return {
    items: matches
      .slice(query.offset, query.offset + query.limit)
      .map(r => r.summary.entityRef),
    totalCount: matches.length,
    counts,
  };
}

describe('FleetIndex and queryFleet', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
  let items: ManagedQueueManager[];
  let index: FleetIndex;

  beforeAll(async () => {
    const knex = await databases.init('SQLITE_3');
    const store = await DatabaseMqCertificatesStore.fromKnex(knex);
    const now = Date.now();
    items = Array.from({ length: N }, (_, i) =>
      toManagedQueueManager(
        qmEntity(`qm${i}`, {
          owner: `group:default/team-${i % 7}`,
          title: i % 3 ? undefined : `Payments ${i}`,
        }),
      ),
    );
    await knex.transaction(async trx => {
      const s = await DatabaseMqCertificatesStore.fromKnex(trx, {
        migrate: false,
      });
      for (let i = 0; i < N; i++) {
        if (i % 11 === 0) continue; // never probed
        // Many ties in daysLeft, so the name tie-break is exercised.
        const notBefore = now - (i % 53) * DAY;
        await s.addSnapshot(items[i].entityRef, {
          listener: 'x:1414',
          probedAt: new Date(now).toISOString(),
          serialNumber: '0a',
          notBefore: new Date(notBefore).toISOString(),
          notAfter: new Date(notBefore + 47 * DAY).toISOString(),
          chain: [],
          channels: [],
        });
      }
    });
    index = new FleetIndex({
      catalog: { list: async () => items, generation: 1 } as any,
      store,
      policy: DEFAULT_CERTIFICATE_POLICY,
      ttlMs: 60_000,
    });
  });

  it('reads every snapshot across pages', async () => {
    const snapshot = await index.get();
    const probed = snapshot.rows.filter(r => r.summary.served).length;
    expect(probed).toBe(N - Math.ceil(N / 11));
  });

  it('answers like a plain filter, sort and slice for many queries', async () => {
    const snapshot = await index.get();
    const teamOf = (row: FleetRow) => row.qm.owners[0];
    const readable = Object.assign(
      (e: ManagedQueueManager['entity']) =>
        (e.spec as { owner: string }).owner !== 'group:default/team-6',
      { cacheKey: 'not-team-6' },
    );
    const mask = visibilityOf(snapshot, readable);
    const visible = (row: FleetRow) => teamOf(row) !== 'group:default/team-6';
    const queries: Partial<ParsedFleetQuery>[] = [
      {},
      { q: 'qm1' },
      { q: 'PAYMENTS 1' },
      { q: 'qm14\nqm' }, // spans two fields of one row
      { q: 'qm149\u0000' },
      { q: 'resource:default/qm7' },
      { owners: ['team-3'] },
      { owners: ['group:default/team-2', 'team-5'] },
      { owners: [] },
      { states: ['expired', 'unknown'] },
      { maxDaysLeft: 5 },
      { maxDaysLeft: -1, sort: 'daysLeft' },
      { q: 'qm', owners: ['team-1'], states: ['ok'], offset: 20, limit: 7 },
    ];
    for (const sort of ['state', 'daysLeft', 'name'] as FleetSortKey[]) {
      for (const order of ['asc', 'desc'] as const) {
        for (const partial of queries) {
          const query: ParsedFleetQuery = {
            sort,
            order: order ?? DEFAULT_ORDER[sort],
            offset: 3,
            limit: 40,
            ...partial,
          };
          const got = queryFleet(snapshot, query, mask);
          // Twice: the second from the rows' cached JSON.
          expect(fleetResponseJson(got)).toBe(JSON.stringify(got));
          expect(fleetResponseJson(got)).toBe(JSON.stringify(got));
          const want = naive(snapshot.rows, query, visible);
          expect({
            query,
            items: got.items.map((i: QueueManagerSummary) => i.entityRef),
            totalCount: got.totalCount,
            counts: got.counts,
          }).toEqual({ query, ...want });
        }
      }
    }
  });

  it('computes visibility once per snapshot and decision', async () => {
    const snapshot = await index.get();
    let calls = 0;
    const readable = Object.assign(
      () => {
        calls += 1;
        return true;
      },
      { cacheKey: 'counting' },
    );
    visibilityOf(snapshot, readable);
    visibilityOf(snapshot, readable);
    expect(calls).toBe(N);
  });
});
