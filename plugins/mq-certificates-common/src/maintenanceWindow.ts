import { InputError } from '@backstage/errors';
import { InstantInput, toEpochMs } from './instant';
import {
  validateTimeZone,
  wallClockAt,
  wallClockToInstant,
  WallClockResolution,
} from './timeZones';

// The window syntax and the DST rule are documented on parseMaintenanceWindow.

const DAY_LABELS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const DAY_NAMES = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
const FULL_DAY_NAMES = [
  'sunday',
  'monday',
  'tuesday',
  'wednesday',
  'thursday',
  'friday',
  'saturday',
];

/** One weekly recurring window. @public */
export interface MaintenanceWindowRule {
  /** Days of week the window starts on; 0 = Sunday. */
  days: number[];
  /** Start, minutes after local midnight. */
  startMinute: number;
  /** End, minutes after local midnight (may be ≤ start: ends next day). */
  endMinute: number;
  /** IANA zone. */
  timeZone: string;
}

/** A parsed maintenance window. @public */
export interface MaintenanceWindow {
  /** The text it was parsed from, normalised. */
  text: string;
  rules: MaintenanceWindowRule[];
}

/** A concrete occurrence of a window. @public */
export interface WindowOccurrence {
  /** ISO UTC start. */
  start: string;
  /** ISO UTC end. */
  end: string;
  startMs: number;
  endMs: number;
  /** How the start's wall-clock time mapped to an instant (DST). */
  resolution: WallClockResolution;
  /** The rule's zone. */
  timeZone: string;
}

function parseDay(token: string, text: string): number {
  const t = token.toLowerCase();
  let i = DAY_NAMES.indexOf(t);
  if (i < 0) i = FULL_DAY_NAMES.indexOf(t);
  if (i < 0) {
    throw new InputError(
      `maintenance window '${text}': '${token}' is not a day; use Mon, Tue, Wed, Thu, Fri, Sat, Sun, a range like Mon-Fri, or daily`,
    );
  }
  return i;
}

function parseDays(spec: string, text: string): number[] {
  const lower = spec.toLowerCase();
  if (lower === 'daily' || lower === '*') return [0, 1, 2, 3, 4, 5, 6];
  const days = new Set<number>();
  for (const part of spec.split(',')) {
    const p = part.trim();
    if (!p) continue;
    const range = p.split('-');
    if (range.length === 2) {
      const from = parseDay(range[0], text);
      const to = parseDay(range[1], text);
      for (let d = from; ; d = (d + 1) % 7) {
        days.add(d);
        if (d === to) break;
      }
    } else if (range.length === 1) {
      days.add(parseDay(p, text));
    } else {
      throw new InputError(
        `maintenance window '${text}': '${p}' is not a day or a day range like Mon-Fri`,
      );
    }
  }
  if (days.size === 0) {
    throw new InputError(`maintenance window '${text}': no days given`);
  }
  return Array.from(days).sort();
}

function parseClock(token: string, text: string): number {
  const m = /^(\d{1,2}):(\d{2})$/.exec(token);
  if (!m || Number(m[1]) > 24 || Number(m[2]) > 59) {
    throw new InputError(
      `maintenance window '${text}': '${token}' is not a 24-hour time like 02:00`,
    );
  }
  const minutes = Number(m[1]) * 60 + Number(m[2]);
  if (minutes > 24 * 60) {
    throw new InputError(
      `maintenance window '${text}': '${token}' is after 24:00`,
    );
  }
  return minutes;
}

function formatClock(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(
    minutes % 60,
  ).padStart(2, '0')}`;
}

function parseRule(part: string, full: string): MaintenanceWindowRule {
  const tokens = part.trim().split(/\s+/);
  if (tokens.length < 2 || tokens.length > 3) {
    throw new InputError(
      `maintenance window '${full}': expected '<days> <HH:MM>-<HH:MM> [<IANA zone>]', for example 'Sun 02:00-04:00 Europe/London'`,
    );
  }
  const [daySpec, timeSpec, zone = 'UTC'] = tokens;
  const days = parseDays(daySpec, full);
  const times = timeSpec.split('-');
  if (times.length !== 2) {
    throw new InputError(
      `maintenance window '${full}': '${timeSpec}' is not a time range like 02:00-04:00`,
    );
  }
  const startMinute = parseClock(times[0], full);
  const endMinute = parseClock(times[1], full);
  if (startMinute === 24 * 60) {
    throw new InputError(
      `maintenance window '${full}': a window cannot start at 24:00; use 00:00 on the next day`,
    );
  }
  if (startMinute === endMinute) {
    throw new InputError(
      `maintenance window '${full}': start and end are both ${formatClock(
        startMinute,
      )}; give a window of at least one minute`,
    );
  }
  validateTimeZone(zone, `maintenance window '${full}'`);
  return { days, startMinute, endMinute, timeZone: zone };
}

/**
 * Parses a maintenance window. Throws an InputError that quotes the text and
 * shows a valid example.
 *
 * Maintenance windows in a form an MQ administrator reads at a glance:
 *
 * ```
 * Sun 02:00-04:00 Europe/London
 * Mon-Fri 22:30-23:30 America/New_York
 * Sat,Sun 23:00-01:00 UTC          (crosses midnight: ends 01:00 next day)
 * daily 03:00-03:30 Europe/Oslo
 * Tue 02:00-03:00 Europe/Oslo; Thu 02:00-03:00 Europe/Oslo
 * ```
 *
 * - days: `Mon`…`Sun` (case-insensitive, full names too), lists with `,`,
 *   ranges with `-` (wrapping, e.g. `Fri-Mon`), or `daily` / `*`;
 * - times: 24-hour `HH:MM-HH:MM` wall-clock in the zone; an end at or before
 *   the start means the window ends on the next day;
 * - zone: an IANA name; omitted means UTC;
 * - several windows are separated by `;`.
 *
 * DST: a start time that does not exist that day (spring-forward gap) starts
 * when the gap ends; one that happens twice (fall-back) starts at its first
 * occurrence. End times follow the same rule. Nothing is shifted by the DST
 * hour: `Sun 02:30-04:00 Europe/Oslo` starts at 03:00 CEST (01:00Z) on
 * 2025-03-30 and at the first 02:30, CEST (00:30Z), on 2025-10-26. The
 * occurrence's `resolution` says which rule applied. See `wallClockToInstant`.
 *
 * @public
 */
export function parseMaintenanceWindow(text: string): MaintenanceWindow {
  if (typeof text !== 'string' || !text.trim()) {
    throw new InputError(
      `maintenance window: empty; write it like 'Sun 02:00-04:00 Europe/London'`,
    );
  }
  const rules = text
    .split(';')
    .map(p => p.trim())
    .filter(Boolean)
    .map(p => parseRule(p, text.trim()));
  return {
    text: rules
      .map(
        r =>
          `${r.days.map(d => DAY_LABELS[d]).join(',')} ${formatClock(
            r.startMinute,
          )}-${formatClock(r.endMinute)} ${r.timeZone}`,
      )
      .join('; '),
    rules,
  };
}

function addDays(year: number, month: number, day: number, n: number) {
  const d = new Date(Date.UTC(year, month - 1, day + n));
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    weekday: d.getUTCDay(),
  };
}

function occurrencesAround(
  rule: MaintenanceWindowRule,
  fromMs: number,
  daysAhead: number,
): WindowOccurrence[] {
  const today = wallClockAt(fromMs, rule.timeZone);
  const result: WindowOccurrence[] = [];
  // Start a day back so a window that began yesterday and is still open is seen.
  for (let i = -1; i <= daysAhead; i++) {
    const d = addDays(today.year, today.month, today.day, i);
    if (!rule.days.includes(d.weekday)) continue;
    const start = wallClockToInstant(
      {
        year: d.year,
        month: d.month,
        day: d.day,
        hour: Math.floor(rule.startMinute / 60),
        minute: rule.startMinute % 60,
      },
      rule.timeZone,
    );
    const endDay = rule.endMinute <= rule.startMinute ? 1 : 0;
    const ed = addDays(d.year, d.month, d.day, endDay);
    const end = wallClockToInstant(
      {
        year: ed.year,
        month: ed.month,
        day: ed.day,
        hour: Math.floor(rule.endMinute / 60),
        minute: rule.endMinute % 60,
      },
      rule.timeZone,
    );
    if (end.instantMs <= start.instantMs) continue; // window swallowed by a gap
    result.push({
      start: new Date(start.instantMs).toISOString(),
      end: new Date(end.instantMs).toISOString(),
      startMs: start.instantMs,
      endMs: end.instantMs,
      resolution: start.resolution,
      timeZone: rule.timeZone,
    });
  }
  return result;
}

function asWindow(window: MaintenanceWindow | string): MaintenanceWindow {
  return typeof window === 'string' ? parseMaintenanceWindow(window) : window;
}

/**
 * The next occurrence whose start is at or after `from`.
 *
 * @public
 */
export function nextWindow(
  window: MaintenanceWindow | string,
  from: InstantInput = Date.now(),
): WindowOccurrence {
  const w = asWindow(window);
  const fromMs = toEpochMs(from, 'from');
  const all = w.rules
    .flatMap(r => occurrencesAround(r, fromMs, 15))
    .filter(o => o.startMs >= fromMs)
    .sort((a, b) => a.startMs - b.startMs);
  if (!all.length) {
    throw new InputError(
      `maintenance window '${w.text}': no occurrence in the next two weeks`,
    );
  }
  return all[0];
}

/**
 * The exact UTC instant the next window starts, at or after `from`.
 *
 * @public
 */
export function nextWindowStart(
  window: MaintenanceWindow | string,
  from: InstantInput = Date.now(),
): Date {
  return new Date(nextWindow(window, from).startMs);
}

/**
 * The occurrence that contains `at` (start ≤ at < end), if any.
 *
 * @public
 */
export function currentWindow(
  window: MaintenanceWindow | string,
  at: InstantInput = Date.now(),
): WindowOccurrence | undefined {
  const w = asWindow(window);
  const atMs = toEpochMs(at, 'at');
  return w.rules
    .flatMap(r => occurrencesAround(r, atMs, 0))
    .find(o => o.startMs <= atMs && atMs < o.endMs);
}
