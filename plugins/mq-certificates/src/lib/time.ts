/*
 * Date/time display. Instants arrive as ISO-8601 UTC strings; users read them
 * in their own time zone, with UTC one hover away, because MQ logs, `at` jobs
 * and Vault all speak UTC.
 */

/** The browser's IANA time zone (UTC when the runtime cannot tell). */
export function browserTimeZone(): string {
  try {
    return new Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch {
    return 'UTC';
  }
}

function parse(iso: string): Date | undefined {
  const d = new Date(iso);
  return Number.isFinite(d.getTime()) ? d : undefined;
}

/** `2026-12-03 14:05:09 UTC`; the same text in every time zone and locale. */
export function formatUtc(iso: string): string {
  const d = parse(iso);
  if (!d) return iso;
  return `${d.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** `3 Dec 2026, 15:05 CET` in the given zone (the user's by default). */
export function formatInZone(
  iso: string,
  timeZone: string = browserTimeZone(),
  locale?: string,
): string {
  const d = parse(iso);
  if (!d) return iso;
  return new Intl.DateTimeFormat(locale, {
    timeZone,
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    timeZoneName: 'short',
  }).format(d);
}

/** `in 3 days`, `2 hours ago`: coarse, for scanning a table. */
export function formatRelative(iso: string, now: number = Date.now()): string {
  const d = parse(iso);
  if (!d) return iso;
  const diff = d.getTime() - now;
  const abs = Math.abs(diff);
  const units: [number, string][] = [
    [86_400_000, 'day'],
    [3_600_000, 'hour'],
    [60_000, 'minute'],
  ];
  for (const [ms, unit] of units) {
    if (abs >= ms) {
      const n = Math.floor(abs / ms);
      const text = `${n} ${unit}${n === 1 ? '' : 's'}`;
      return diff >= 0 ? `in ${text}` : `${text} ago`;
    }
  }
  return diff >= 0 ? 'in less than a minute' : 'just now';
}
