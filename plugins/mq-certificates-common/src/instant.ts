import { InputError } from '@backstage/errors';

/**
 * A point in time as callers hand it to us: a Date, epoch milliseconds, or a
 * date/time string. A string without a zone (`2026-01-11T00:00:00`, or SQL's
 * `2026-01-11 00:00:00`) is read as UTC.
 *
 * @public
 */
export type InstantInput = Date | string | number;

// ISO-8601 / SQL date-times with no `Z` or offset. JavaScript would read
// these as host-local time, which would make policy and window results depend
// on the server's TZ; every instant in this library is UTC.
const ZONELESS_DATE_TIME =
  /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)$/;

/** Converts a Date, date/time string or epoch-ms number to epoch ms, or throws naming the field. */
export function toEpochMs(value: InstantInput, field: string): number {
  let ms: number;
  if (value instanceof Date) ms = value.getTime();
  else if (typeof value === 'number') ms = value;
  else if (typeof value === 'string') {
    const zoneless = ZONELESS_DATE_TIME.exec(value.trim());
    ms = Date.parse(zoneless ? `${zoneless[1]}T${zoneless[2]}Z` : value);
  } else ms = NaN;
  if (!Number.isFinite(ms)) {
    throw new InputError(
      `${field}: '${String(
        value,
      )}' is not a valid date/time; give an ISO-8601 UTC time such as 2026-01-11T02:00:00Z`,
    );
  }
  return ms;
}
