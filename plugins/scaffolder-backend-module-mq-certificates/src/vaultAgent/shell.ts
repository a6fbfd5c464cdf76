import { InputError } from '@backstage/errors';

/*
 * Values put into the rendered bundle are validated against narrow
 * character sets first, then quoted for their language (POSIX shell, HCL),
 * so no entity annotation or template input can change what the script or
 * the agent configuration does.
 */

const SAFE_PATH = /^\/(?:[A-Za-z0-9._@+-]+\/)*[A-Za-z0-9._@+-]+$/;

/** An absolute path of plain characters (no spaces, quotes or `..`). */
export function validateHostPath(value: unknown, field: string): string {
  if (
    typeof value !== 'string' ||
    value.length > 255 ||
    !SAFE_PATH.test(value) ||
    value.split('/').some(s => s === '..' || s === '.')
  ) {
    throw new InputError(
      `${field}: '${String(
        value,
      )}' must be an absolute path on the MQ host of letters, digits and . _ @ + - (no spaces or '..'), e.g. /etc/mqcert/qm1`,
    );
  }
  return value;
}

/** Single-quotes a value for POSIX shells. */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** Quotes a value as an HCL string. */
export function hclString(value: string): string {
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f]/.test(value)) {
    throw new InputError(`'${value}' has control characters`);
  }
  return JSON.stringify(value).replace(/\$\{/g, '$${').replace(/%\{/g, '%%{');
}
