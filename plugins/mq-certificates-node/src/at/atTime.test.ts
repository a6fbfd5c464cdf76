import {
  formatAtTimestamp,
  parseAtDate,
  roundUpToMinute,
  validateRunAt,
} from './atTime';

describe('at times', () => {
  it('rounds up to the minute, never down', () => {
    expect(
      roundUpToMinute(new Date('2026-12-03T20:15:00.000Z')).toISOString(),
    ).toBe('2026-12-03T20:15:00.000Z');
    expect(
      roundUpToMinute(new Date('2026-12-03T20:14:00.001Z')).toISOString(),
    ).toBe('2026-12-03T20:15:00.000Z');
  });

  it('formats CCYYMMDDhhmm in UTC', () => {
    expect(formatAtTimestamp(new Date('2026-01-02T03:04:00Z'))).toBe(
      '202601020304',
    );
  });

  it("parses at's and atq's dates as UTC", () => {
    expect(parseAtDate('Thu Dec  3 20:15:00 2026')?.toISOString()).toBe(
      '2026-12-03T20:15:00.000Z',
    );
    expect(parseAtDate('Tue Jan 12 00:00:00 2027')?.toISOString()).toBe(
      '2027-01-12T00:00:00.000Z',
    );
    expect(parseAtDate('2026-12-03 20:15')).toBeUndefined();
    expect(parseAtDate('Thu Foo  3 20:15:00 2026')).toBeUndefined();
  });

  it('refuses invalid dates', () => {
    expect(() => validateRunAt(new Date('nope'))).toThrow(
      'runAt: expected a valid time',
    );
    expect(() => validateRunAt('2026-12-03T20:15:00Z')).toThrow('runAt');
  });
});
