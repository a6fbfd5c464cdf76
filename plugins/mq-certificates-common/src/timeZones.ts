import { InputError } from '@backstage/errors';

/*
 * Wall-clock <-> instant conversion for IANA zones using only Intl, so the
 * library stays isomorphic (browser and Node) with no time-zone dependency.
 */

const MINUTE = 60_000;
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(zone, f);
  }
  return f;
}

/**
 * Returns `zone` if it is an IANA zone this runtime knows (through Intl);
 * throws an InputError naming `field` and showing valid names otherwise.
 *
 * @public
 */
export function validateTimeZone(zone: string, field = 'time zone'): string {
  try {
    formatterFor(zone);
  } catch {
    throw new InputError(
      `${field}: '${zone}' is not a known IANA time zone; use a name like Europe/London, America/New_York or UTC`,
    );
  }
  return zone;
}

/** Wall-clock fields of an instant in a zone. */
export interface WallClock {
  year: number;
  month: number; // 1-12
  day: number;
  hour: number;
  minute: number;
  second: number;
}

export function wallClockAt(instantMs: number, zone: string): WallClock {
  const parts: Record<string, number> = {};
  for (const p of formatterFor(zone).formatToParts(new Date(instantMs))) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  }
  return {
    year: parts.year,
    month: parts.month,
    day: parts.day,
    hour: parts.hour === 24 ? 0 : parts.hour,
    minute: parts.minute,
    second: parts.second,
  };
}

/** The zone's UTC offset (ms, east positive) in force at an instant. */
export function zoneOffsetAt(instantMs: number, zone: string): number {
  const w = wallClockAt(instantMs, zone);
  const asUtc = Date.UTC(
    w.year,
    w.month - 1,
    w.day,
    w.hour,
    w.minute,
    w.second,
  );
  return asUtc - Math.floor(instantMs / 1000) * 1000;
}

/** How a wall-clock time mapped to an instant. @public */
export type WallClockResolution =
  | 'exact'
  /** The time fell in a spring-forward gap; the instant the gap ends was used. */
  | 'gap'
  /** The time happened twice (fall-back); the first occurrence was used. */
  | 'overlap';

/**
 * Converts a wall-clock time in a zone to a UTC instant.
 *
 * Rules (documented in the maintenance-window docs):
 * - a time that does not exist (spring-forward gap) resolves to the instant
 *   the gap ends, i.e. the first wall-clock time that exists after it
 *   (02:30 on 2025-03-30 in Europe/Oslo → 03:00 CEST = 01:00Z);
 * - a time that happens twice (fall-back overlap) resolves to its first
 *   occurrence (02:30 on 2025-10-26 in Europe/Oslo → 02:30 CEST = 00:30Z).
 *
 * Neither case shifts the time by the DST hour: 02:30 in the gap never
 * becomes 03:30, and 02:30 in the overlap never becomes the later 02:30.
 *
 * @public
 */
export function wallClockToInstant(
  wall: Omit<WallClock, 'second'> & { second?: number },
  zone: string,
): { instantMs: number; resolution: WallClockResolution } {
  const localMs = Date.UTC(
    wall.year,
    wall.month - 1,
    wall.day,
    wall.hour,
    wall.minute,
    wall.second ?? 0,
  );
  const day = 86_400_000;
  const offsetBefore = zoneOffsetAt(localMs - 2 * day, zone);
  const offsetAfter = zoneOffsetAt(localMs + 2 * day, zone);
  const candidates = Array.from(new Set([offsetBefore, offsetAfter]))
    .map(o => localMs - o)
    .filter(u => localMs - zoneOffsetAt(u, zone) === u)
    .sort((a, b) => a - b);
  if (candidates.length === 1) {
    return { instantMs: candidates[0], resolution: 'exact' };
  }
  if (candidates.length > 1) {
    return { instantMs: candidates[0], resolution: 'overlap' };
  }
  // Gap: the instant lies between localMs - offsetAfter (still on the old
  // offset) and localMs - offsetBefore (already on the new one). Find the
  // transition by bisection to the minute; zone transitions fall on minutes.
  let lo = localMs - offsetAfter;
  let hi = localMs - offsetBefore;
  while (hi - lo > MINUTE) {
    const mid = lo + Math.floor((hi - lo) / 2 / MINUTE) * MINUTE;
    if (zoneOffsetAt(mid, zone) === offsetBefore) lo = mid;
    else hi = mid;
  }
  return { instantMs: hi, resolution: 'gap' };
}
