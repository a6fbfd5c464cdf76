import { badRequest } from '../http/vaultError';
import { DurationError, parseDuration } from './durations';

/**
 * Field decoding like Vault's framework.FieldData: values may come as JSON
 * types or as strings (form posts, query parameters).
 */

/** TypeCommaStringSlice: an array or a comma-separated string. */
export function stringList(value: unknown): string[] {
  if (value === undefined || value === null || value === '') return [];
  if (Array.isArray(value))
    return value.map(v => String(v).trim()).filter(Boolean);
  return String(value)
    .split(',')
    .map(v => v.trim())
    .filter(Boolean);
}

/** strconv.ParseBool semantics. */
export function optionalBool(
  value: unknown,
  field: string,
): boolean | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value !== 0;
  const s = String(value).toLowerCase();
  if (['1', 't', 'true'].includes(s)) return true;
  if (['0', 'f', 'false'].includes(s)) return false;
  throw badRequest(
    `error converting input ${JSON.stringify(
      value,
    )} for field "${field}": strconv.ParseBool: parsing ${JSON.stringify(
      String(value),
    )}: invalid syntax`,
  );
}

export function bool(
  value: unknown,
  field: string,
  fallback: boolean,
): boolean {
  return optionalBool(value, field) ?? fallback;
}

export function str(value: unknown, fallback = ''): string {
  if (value === undefined || value === null) return fallback;
  return String(value);
}

export function int(value: unknown, field: string, fallback: number): number {
  if (value === undefined || value === null || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n)) {
    throw badRequest(
      `error converting input ${JSON.stringify(value)} for field "${field}"`,
    );
  }
  return n;
}

/** TypeDurationSecond, in seconds. */
export function durationSeconds(
  value: unknown,
  field: string,
  fallback: number,
): number {
  try {
    const ms = parseDuration(value);
    return ms === undefined ? fallback : Math.floor(ms / 1000);
  } catch (e) {
    if (e instanceof DurationError) {
      throw badRequest(
        `error converting input ${JSON.stringify(
          value,
        )} for field "${field}": ${e.message}`,
      );
    }
    throw e;
  }
}
