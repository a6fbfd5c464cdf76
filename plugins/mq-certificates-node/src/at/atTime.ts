import { InputError } from '@backstage/errors';

const MONTHS = [
  'Jan',
  'Feb',
  'Mar',
  'Apr',
  'May',
  'Jun',
  'Jul',
  'Aug',
  'Sep',
  'Oct',
  'Nov',
  'Dec',
];

/**
 * `at` runs jobs on whole minutes. A time inside a minute is rounded up, so a
 * job never runs before the time asked for (a maintenance window's start).
 */
export function roundUpToMinute(time: Date): Date {
  const ms = time.getTime();
  return new Date(Math.ceil(ms / 60_000) * 60_000);
}

/** `CCYYMMDDhhmm` in UTC, the form `at -t` takes (with TZ=UTC). */
export function formatAtTimestamp(time: Date): string {
  const iso = time.toISOString(); // 2026-12-03T20:15:00.000Z
  return iso.slice(0, 16).replace(/[-T:]/g, '');
}

/**
 * Parses the time `at` and `atq` print with TZ=UTC, e.g.
 * `Thu Dec  3 20:15:00 2026` (the day padded with a space), as UTC.
 */
export function parseAtDate(text: string): Date | undefined {
  const m =
    /^\s*(?:[A-Z][a-z]{2}\s+)?([A-Z][a-z]{2})\s+(\d{1,2})\s+(\d{2}):(\d{2})(?::(\d{2}))?\s+(\d{4})\s*$/.exec(
      text,
    );
  if (!m) return undefined;
  const month = MONTHS.indexOf(m[1]);
  if (month === -1) return undefined;
  return new Date(
    Date.UTC(
      Number(m[6]),
      month,
      Number(m[2]),
      Number(m[3]),
      Number(m[4]),
      Number(m[5] ?? 0),
    ),
  );
}

/** Refuses anything but a valid Date. */
export function validateRunAt(runAt: unknown, field = 'runAt'): Date {
  if (!(runAt instanceof Date) || Number.isNaN(runAt.getTime())) {
    throw new InputError(`${field}: expected a valid time (UTC)`);
  }
  return runAt;
}
