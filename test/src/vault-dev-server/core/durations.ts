/**
 * Vault takes durations as Go duration strings ("72h", "1h30m"), plain
 * seconds (3600 or "3600"), or (parseutil) days ("30d"), and prints them in
 * warnings with Go's time.Duration.String(). Everything here is milliseconds.
 */
const UNIT_MS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

export class DurationError extends Error {}

/** Milliseconds from a Vault duration value; undefined/empty gives undefined. */
export function parseDuration(value: unknown): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'number') {
    if (!Number.isFinite(value))
      throw new DurationError(`invalid duration ${value}`);
    return Math.round(value * 1000);
  }
  if (typeof value !== 'string')
    throw new DurationError(`invalid duration ${JSON.stringify(value)}`);
  const text = value.trim();
  if (/^-?\d+$/.test(text)) return Number(text) * 1000;
  const re = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h|d)/y;
  let total = 0;
  let pos = 0;
  let sign = 1;
  if (text.startsWith('-')) {
    sign = -1;
    pos = 1;
  }
  if (pos === text.length)
    throw new DurationError(`time: invalid duration "${text}"`);
  while (pos < text.length) {
    re.lastIndex = pos;
    const m = re.exec(text);
    if (!m) throw new DurationError(`time: invalid duration "${text}"`);
    total += Number(m[1]) * UNIT_MS[m[2]];
    pos = re.lastIndex;
  }
  return sign * total;
}

export function parseDurationSeconds(value: unknown): number | undefined {
  const ms = parseDuration(value);
  return ms === undefined ? undefined : Math.floor(ms / 1000);
}

function trimFraction(n: number, digits: number): string {
  return n.toFixed(digits).replace(/\.?0+$/, '');
}

/** Go's time.Duration.String() for a millisecond count: "720h0m0s", "1m30s", "1.5s", "300ms". */
export function formatGoDuration(ms: number): string {
  if (ms === 0) return '0s';
  const neg = ms < 0;
  let rest = Math.abs(ms);
  let out: string;
  if (rest < 1000) {
    out = `${trimFraction(rest, 6)}ms`;
  } else {
    const hours = Math.floor(rest / 3_600_000);
    rest -= hours * 3_600_000;
    const minutes = Math.floor(rest / 60_000);
    rest -= minutes * 60_000;
    const seconds = `${trimFraction(rest / 1000, 3)}s`;
    if (hours > 0) out = `${hours}h${minutes}m${seconds}`;
    else if (minutes > 0) out = `${minutes}m${seconds}`;
    else out = seconds;
  }
  return neg ? `-${out}` : out;
}

/** Go's %q of a duration: the String() form in double quotes. */
export function quoteGoDuration(ms: number): string {
  return JSON.stringify(formatGoDuration(ms));
}
