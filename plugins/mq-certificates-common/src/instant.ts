import { InputError } from '@backstage/errors';

/** A point in time as callers hand it to us. @public */
export type InstantInput = Date | string | number;

/** Converts a Date, ISO string or epoch-ms number to epoch ms, or throws naming the field. */
export function toEpochMs(value: InstantInput, field: string): number {
  let ms: number;
  if (value instanceof Date) ms = value.getTime();
  else if (typeof value === 'number') ms = value;
  else ms = Date.parse(value);
  if (!Number.isFinite(ms)) {
    throw new InputError(
      `${field}: '${String(value)}' is not a valid date/time`,
    );
  }
  return ms;
}
