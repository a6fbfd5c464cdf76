import { parseQueueManagerEntity } from '@mqcert/plugin-mq-certificates-common';
import { qmEntity } from '../__testUtils__/fakes';
import { nextWholeMinute, resolveRunTime } from './runTime';

const spec = parseQueueManagerEntity(qmEntity('qm1'));
// A Wednesday in winter: London is on UTC.
const now = new Date('2026-12-02T10:15:20.000Z');

describe('resolveRunTime', () => {
  it('runs now, or at the next whole minute for at', () => {
    expect(resolveRunTime(spec, 'now', undefined, now).runAt).toEqual(now);
    expect(
      resolveRunTime(spec, 'now', undefined, now, { wholeMinutes: true }).runAt,
    ).toEqual(new Date('2026-12-02T10:16:00.000Z'));
    expect(nextWholeMinute(new Date('2026-12-02T10:15:40.000Z'))).toEqual(
      new Date('2026-12-02T10:17:00.000Z'),
    );
  });

  it("starts at the entity's next maintenance window, in exact UTC", () => {
    const r = resolveRunTime(spec, 'window', undefined, now);
    expect(r.runAt.toISOString()).toBe('2026-12-06T02:00:00.000Z');
    const summer = resolveRunTime(
      spec,
      'window',
      undefined,
      new Date('2026-07-01T00:00:00Z'),
    );
    // British Summer Time: 02:00 in London is 01:00 UTC.
    expect(summer.runAt.toISOString()).toBe('2026-07-05T01:00:00.000Z');
  });

  it('takes an ISO time with a zone in the future', () => {
    expect(
      resolveRunTime(spec, '2026-12-24T02:00:00+01:00', undefined, now).runAt,
    ).toEqual(new Date('2026-12-24T01:00:00.000Z'));
    expect(
      resolveRunTime(spec, 'at', '2026-12-24T02:00:00Z', now).runAt,
    ).toEqual(new Date('2026-12-24T02:00:00.000Z'));
  });

  it('refuses past times, missing zones, and windows the entity lacks', () => {
    expect(() =>
      resolveRunTime(spec, '2026-12-01T00:00:00Z', undefined, now),
    ).toThrow(/^when: 2026-12-01T00:00:00.000Z is in the past/);
    expect(() =>
      resolveRunTime(spec, '2026-12-24T02:00:00', undefined, now),
    ).toThrow(/^when: .* with a zone/);
    expect(() => resolveRunTime(spec, 'at', undefined, now)).toThrow(/^at: /);
    const noWindow = parseQueueManagerEntity(
      qmEntity('qm1', { 'mqcert.io/maintenance-window': '' }),
    );
    expect(() => resolveRunTime(noWindow, 'window', undefined, now)).toThrow(
      /mqcert\.io\/maintenance-window/,
    );
  });
});
