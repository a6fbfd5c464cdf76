import { formatInZone, formatRelative, formatUtc } from './time';

describe('time formatting', () => {
  const iso = '2026-12-03T14:05:09.000Z';

  it('formats UTC the same way whatever the runtime zone', () => {
    expect(formatUtc(iso)).toBe('2026-12-03 14:05:09 UTC');
  });

  it('renders the wall clock of the requested zone, with its name', () => {
    expect(formatInZone(iso, 'Asia/Tokyo', 'en-GB')).toBe(
      '3 Dec 2026, 23:05 GMT+9',
    );
    expect(formatInZone(iso, 'America/New_York', 'en-US')).toBe(
      'Dec 3, 2026, 09:05 EST',
    );
    // Crossing midnight changes the date, not only the hour.
    expect(formatInZone('2026-12-03T23:30:00Z', 'Europe/Oslo', 'en-GB')).toBe(
      '4 Dec 2026, 00:30 CET',
    );
  });

  it('leaves text that is not a date as it is', () => {
    expect(formatUtc('soon')).toBe('soon');
    expect(formatInZone('soon', 'UTC')).toBe('soon');
  });

  it('says how far away an instant is', () => {
    const now = Date.parse(iso);
    expect(formatRelative('2026-12-06T15:00:00Z', now)).toBe('in 3 days');
    expect(formatRelative('2026-12-03T12:00:00Z', now)).toBe('2 hours ago');
    expect(formatRelative(iso, now)).toBe('in less than a minute');
  });
});
