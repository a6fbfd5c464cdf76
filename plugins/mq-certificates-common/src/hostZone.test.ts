import { spawnSync } from 'node:child_process';
import path from 'node:path';

jest.setTimeout(60_000);

/*
 * "All arithmetic in UTC": the results must not change with the host's time
 * zone. Setting process.env.TZ inside a jest test does not reach Node's clock
 * (jest hands each test file a copy of process.env), so each zone gets its
 * own Node process, started with TZ set, that loads this library's source.
 */

const REPO_ROOT = path.resolve(__dirname, '../../..');
const INDEX = path.join(__dirname, 'index.ts');

const SCRIPT = `
const lib = require(${JSON.stringify(INDEX)});
const oslo = 'Sun 02:30-04:00 Europe/Oslo';
const policy = lib.evaluateCertificatePolicy({
  notBefore: '2026-01-01T00:00:00',
  notAfter: '2026-02-10 00:00:00',
  now: '2026-01-11T00:00',
});
console.log(JSON.stringify({
  zone: Intl.DateTimeFormat().resolvedOptions().timeZone,
  localOffsetMinutes: new Date(Date.UTC(2026, 0, 1)).getTimezoneOffset(),
  london: lib.nextWindowStart('Sun 02:00-04:00 Europe/London', '2026-01-07T12:00:00Z').toISOString(),
  osloGap: lib.nextWindowStart(oslo, '2025-03-24T00:00:00Z').toISOString(),
  osloOverlap: lib.nextWindowStart(oslo, '2025-10-20T00:00:00Z').toISOString(),
  zonelessFrom: lib.nextWindowStart(oslo, '2025-03-24T00:00:00').toISOString(),
  lifetimeUsed: policy.lifetimeUsed,
  renewAt: policy.renewAt,
  daysLeft: policy.daysLeft,
}));
`;

function runIn(zone: string) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', SCRIPT], {
    cwd: REPO_ROOT,
    env: { ...process.env, TZ: zone },
    encoding: 'utf8',
  });
  if (r.status !== 0) {
    throw new Error(`node with TZ=${zone} failed: ${r.stderr}`);
  }
  return JSON.parse(r.stdout);
}

describe('results do not depend on the host time zone', () => {
  it.each([
    ['UTC', 0],
    ['America/New_York', 300],
    ['Asia/Tokyo', -540],
    ['Pacific/Auckland', -780],
  ])('TZ=%s', (zone, offset) => {
    const r = runIn(zone);
    // The child really runs in that zone, so the check below can fail.
    expect([r.zone, r.localOffsetMinutes]).toEqual([zone, offset]);
    expect(r).toMatchObject({
      london: '2026-01-11T02:00:00.000Z',
      osloGap: '2025-03-30T01:00:00.000Z',
      osloOverlap: '2025-10-26T00:30:00.000Z',
      // a date-time without Z or offset is UTC, not host-local
      zonelessFrom: '2025-03-30T01:00:00.000Z',
      lifetimeUsed: 0.25,
      renewAt: '2026-01-31T00:00:00.000Z',
      daysLeft: 30,
    });
  });
});
