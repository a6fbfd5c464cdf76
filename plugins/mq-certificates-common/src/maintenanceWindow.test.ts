import {
  currentWindow,
  nextWindow,
  nextWindowStart,
  parseMaintenanceWindow,
} from './maintenanceWindow';
import { validateTimeZone, wallClockToInstant } from './timeZones';

describe('parseMaintenanceWindow', () => {
  it('parses the documented forms', () => {
    expect(
      parseMaintenanceWindow('Sun 02:00-04:00 Europe/London').rules,
    ).toEqual([
      {
        days: [0],
        startMinute: 120,
        endMinute: 240,
        timeZone: 'Europe/London',
      },
    ]);
    expect(
      parseMaintenanceWindow('mon-fri 22:30-23:30 America/New_York').rules[0]
        .days,
    ).toEqual([1, 2, 3, 4, 5]);
    expect(
      parseMaintenanceWindow('Fri-Mon 01:00-02:00').rules[0],
    ).toMatchObject({ days: [0, 1, 5, 6], timeZone: 'UTC' });
    expect(
      parseMaintenanceWindow('daily 03:00-03:30 Europe/Oslo').rules[0].days,
    ).toHaveLength(7);
    expect(parseMaintenanceWindow('Saturday,Sunday 23:00-01:00 UTC').text).toBe(
      'Sun,Sat 23:00-01:00 UTC',
    );
    expect(
      parseMaintenanceWindow(
        'Tue 02:00-03:00 Europe/Oslo; Thu 02:00-03:00 Europe/Oslo',
      ).rules,
    ).toHaveLength(2);
  });

  it.each([
    ['', /empty/],
    ['Sun', /expected '<days> <HH:MM>-<HH:MM> \[<IANA zone>\]'/],
    ['Funday 02:00-04:00 UTC', /'Funday' is not a day/],
    ['Sun 2am-4am UTC', /'2am' is not a 24-hour time/],
    ['Sun 02:00-02:00 UTC', /give a window of at least one minute/],
    ['Sun 25:00-26:00 UTC', /not a 24-hour time/],
    [
      'Sun 02:00-04:00 Mars/Olympus',
      /'Mars\/Olympus' is not a known IANA time zone/,
    ],
    ['Sun 02:00 UTC', /not a time range/],
  ])('rejects %j', (text, message) => {
    expect(() => parseMaintenanceWindow(text)).toThrow(message);
  });
});

describe('nextWindowStart', () => {
  it('finds the next Sunday 02:00 in London (GMT and BST)', () => {
    // Wed 2026-01-07 → Sun 2026-01-11 02:00 GMT = 02:00Z
    expect(
      nextWindowStart(
        'Sun 02:00-04:00 Europe/London',
        '2026-01-07T12:00:00Z',
      ).toISOString(),
    ).toBe('2026-01-11T02:00:00.000Z');
    // In summer, 02:00 BST = 01:00Z
    expect(
      nextWindowStart(
        'Sun 02:00-04:00 Europe/London',
        '2026-07-01T12:00:00Z',
      ).toISOString(),
    ).toBe('2026-07-05T01:00:00.000Z');
  });

  it('returns a start equal to `from` and skips a window that already started', () => {
    const w = 'Sun 02:00-04:00 UTC';
    expect(nextWindowStart(w, '2026-01-11T02:00:00Z').toISOString()).toBe(
      '2026-01-11T02:00:00.000Z',
    );
    expect(nextWindowStart(w, '2026-01-11T02:00:01Z').toISOString()).toBe(
      '2026-01-18T02:00:00.000Z',
    );
  });

  it('02:30 Europe/Oslo on 2025-03-30 does not exist: starts when the gap ends (03:00 CEST = 01:00Z)', () => {
    const occ = nextWindow(
      'Sun 02:30-04:00 Europe/Oslo',
      '2025-03-29T12:00:00Z',
    );
    expect(occ.start).toBe('2025-03-30T01:00:00.000Z');
    expect(occ.resolution).toBe('gap');
    expect(occ.end).toBe('2025-03-30T02:00:00.000Z'); // 04:00 CEST
    // Not shifted by an hour to 03:30 CEST (01:30Z).
    expect(occ.start).not.toBe('2025-03-30T01:30:00.000Z');
  });

  it('02:30 Europe/Oslo on 2025-10-26 happens twice: the first occurrence (CEST, 00:30Z) is used', () => {
    const occ = nextWindow(
      'Sun 02:30-04:00 Europe/Oslo',
      '2025-10-25T12:00:00Z',
    );
    expect(occ.start).toBe('2025-10-26T00:30:00.000Z');
    expect(occ.resolution).toBe('overlap');
    expect(occ.end).toBe('2025-10-26T03:00:00.000Z'); // 04:00 CET
    // Once the first occurrence has passed, the next one is a week later, not the second 02:30.
    expect(
      nextWindowStart(
        'Sun 02:30-04:00 Europe/Oslo',
        '2025-10-26T00:31:00Z',
      ).toISOString(),
    ).toBe('2025-11-02T01:30:00.000Z');
  });

  it('handles windows that cross midnight and multiple rules', () => {
    const w = 'Sat 23:00-01:00 UTC; Wed 12:00-13:00 UTC';
    expect(nextWindowStart(w, '2026-01-05T00:00:00Z').toISOString()).toBe(
      '2026-01-07T12:00:00.000Z',
    );
    expect(nextWindowStart(w, '2026-01-08T00:00:00Z').toISOString()).toBe(
      '2026-01-10T23:00:00.000Z',
    );
    expect(
      currentWindow('Sat 23:00-01:00 UTC', '2026-01-11T00:30:00Z')?.start,
    ).toBe('2026-01-10T23:00:00.000Z');
    expect(
      currentWindow('Sat 23:00-01:00 UTC', '2026-01-11T01:00:00Z'),
    ).toBeUndefined();
  });

  it('works in zones east and west with half-hour offsets', () => {
    expect(
      nextWindowStart(
        'daily 02:00-03:00 Asia/Kolkata',
        '2026-03-01T00:00:00Z',
      ).toISOString(),
    ).toBe('2026-03-01T20:30:00.000Z');
    expect(
      nextWindowStart(
        'Mon 22:00-23:00 America/New_York',
        '2026-03-01T00:00:00Z',
      ).toISOString(),
    ).toBe('2026-03-03T03:00:00.000Z');
  });
  // Independence from the host's zone: hostZone.test.ts (jest's process.env
  // is a copy, so setting TZ here would not reach Node's clock).
});

describe('wallClockToInstant', () => {
  it('maps exact, gap and overlap times', () => {
    expect(
      wallClockToInstant(
        { year: 2025, month: 6, day: 1, hour: 12, minute: 0 },
        'Europe/Oslo',
      ),
    ).toEqual({
      instantMs: Date.UTC(2025, 5, 1, 10),
      resolution: 'exact',
    });
    expect(
      wallClockToInstant(
        { year: 2025, month: 3, day: 30, hour: 2, minute: 0 },
        'Europe/Oslo',
      ),
    ).toEqual({
      instantMs: Date.UTC(2025, 2, 30, 1),
      resolution: 'gap',
    });
    expect(
      wallClockToInstant(
        { year: 2025, month: 10, day: 26, hour: 2, minute: 59 },
        'Europe/Oslo',
      ),
    ).toEqual({
      instantMs: Date.UTC(2025, 9, 26, 0, 59),
      resolution: 'overlap',
    });
  });
});

// Issue 2's DST cases, through nextWindowStart itself (the function callers use).
describe('nextWindowStart across Europe/Oslo DST changes in 2025', () => {
  const w = 'Sun 02:30-04:00 Europe/Oslo';

  it('2025-03-30 02:30 does not exist: 03:00 CEST (01:00Z), not 03:30 CEST (01:30Z) or 02:30 CET (01:30Z)', () => {
    expect(nextWindowStart(w, '2025-03-24T00:00:00Z').toISOString()).toBe(
      '2025-03-30T01:00:00.000Z',
    );
  });

  it('2025-10-26 02:30 happens twice: the first one, CEST (00:30Z), not CET (01:30Z)', () => {
    expect(nextWindowStart(w, '2025-10-20T00:00:00Z').toISOString()).toBe(
      '2025-10-26T00:30:00.000Z',
    );
  });

  it('the weeks around them start at 02:30 local on the offset in force', () => {
    expect(nextWindowStart(w, '2025-03-17T00:00:00Z').toISOString()).toBe(
      '2025-03-23T01:30:00.000Z', // CET, UTC+1
    );
    expect(nextWindowStart(w, '2025-03-31T00:00:00Z').toISOString()).toBe(
      '2025-04-06T00:30:00.000Z', // CEST, UTC+2
    );
    expect(nextWindowStart(w, '2025-10-27T00:00:00Z').toISOString()).toBe(
      '2025-11-02T01:30:00.000Z', // CET again
    );
  });

  it('applies the same rule to an end time in the gap or the overlap', () => {
    const early = 'Sun 01:00-02:30 Europe/Oslo';
    expect(nextWindow(early, '2025-03-29T00:00:00Z')).toMatchObject({
      start: '2025-03-30T00:00:00.000Z', // 01:00 CET
      end: '2025-03-30T01:00:00.000Z', // 02:30 missing → 03:00 CEST
      resolution: 'exact',
    });
    expect(nextWindow(early, '2025-10-25T00:00:00Z')).toMatchObject({
      start: '2025-10-25T23:00:00.000Z', // 01:00 CEST
      end: '2025-10-26T00:30:00.000Z', // first 02:30, CEST
      resolution: 'exact',
    });
  });
});

describe('validateTimeZone', () => {
  it('returns IANA names and refuses others, naming the field', () => {
    expect(validateTimeZone('Europe/Oslo')).toBe('Europe/Oslo');
    expect(validateTimeZone('UTC')).toBe('UTC');
    expect(() => validateTimeZone('CEST+2', 'window zone')).toThrow(
      /^window zone: 'CEST\+2' is not a known IANA time zone/,
    );
  });
});
