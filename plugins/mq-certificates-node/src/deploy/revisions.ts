import { InputError } from '@backstage/errors';
import { normalizeSerialNumber } from '@mqcert/plugin-mq-certificates-common';

/** `20261203T195200Z-cc3f3ee2`: UTC time of staging, then the serial's first hex digits. */
const REVISION_ID = /^\d{8}T\d{6}Z-[0-9a-f]{4,40}$/;

/** File suffixes of each key repository format, the main file first. @public */
export const KEY_REPOSITORY_SUFFIXES = {
  // The .sth beside a .p12 is its stash (read when KEYRPWD is blank).
  p12: ['.p12', '.sth'],
  kdb: ['.kdb', '.rdb', '.crl', '.sth'],
} as const;

const ALL_SUFFIXES: readonly string[] = [
  ...new Set([...KEY_REPOSITORY_SUFFIXES.p12, ...KEY_REPOSITORY_SUFFIXES.kdb]),
];

/**
 * A revision id for a new rotation: the UTC time and the first 8 hex digits
 * of the certificate serial, e.g. `20261203T195200Z-cc3f3ee2`. Sorting ids as
 * text sorts revisions by time.
 *
 * @public
 */
export function newRevisionId(
  serialNumber: string,
  at: Date = new Date(),
): string {
  const hex = normalizeSerialNumber(serialNumber, 'serial number').replace(
    /:/g,
    '',
  );
  const stamp = at
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/[-:]/g, '');
  return `${stamp}-${hex.slice(0, 8).padStart(4, '0')}`;
}

/** @public */
export function validateRevisionId(
  value: unknown,
  field = 'revisionId',
): string {
  if (typeof value !== 'string' || !REVISION_ID.test(value)) {
    throw new InputError(
      `${field}: '${String(
        value,
      )}' is not a revision id like 20261203T195200Z-cc3f3ee2 (UTC time, '-', 4–40 lower-case hex digits of the serial); make one with newRevisionId(serial)`,
    );
  }
  return value;
}

/** The file name of one file of a revision: `<base>-<revisionId><suffix>`. */
export function revisionFileName(
  base: string,
  revisionId: string,
  suffix: string,
): string {
  return `${base}-${revisionId}${suffix}`;
}

/** Recognises `<base>-<revisionId><suffix>`; anything else (the live file, temp files, other files) is not a revision. */
export function parseRevisionFileName(
  base: string,
  fileName: string,
): { revisionId: string; suffix: string } | undefined {
  if (!fileName.startsWith(`${base}-`)) return undefined;
  const rest = fileName.slice(base.length + 1);
  const dot = rest.lastIndexOf('.');
  if (dot === -1) return undefined;
  const revisionId = rest.slice(0, dot);
  const suffix = rest.slice(dot);
  if (!REVISION_ID.test(revisionId) || !ALL_SUFFIXES.includes(suffix)) {
    return undefined;
  }
  return { revisionId, suffix };
}

/**
 * Checks the file set of a key repository: a `.p12` (with or without its
 * `.sth` stash), or a `.kdb` with any of `.rdb`, `.crl`, `.sth`; no
 * duplicates. Returns the format.
 */
export function keyRepositoryFormatOf(
  suffixes: string[],
  field = 'files',
): 'p12' | 'kdb' {
  const unique = new Set(suffixes);
  const kdb: readonly string[] = KEY_REPOSITORY_SUFFIXES.kdb;
  const p12: readonly string[] = KEY_REPOSITORY_SUFFIXES.p12;
  if (unique.size !== suffixes.length) {
    throw new InputError(
      `${field}: a suffix appears twice (${suffixes.join(', ')})`,
    );
  }
  if (unique.has('.p12') && suffixes.every(s => p12.includes(s))) return 'p12';
  if (unique.has('.kdb') && suffixes.every(s => kdb.includes(s))) return 'kdb';
  throw new InputError(
    `${field}: expected a .p12 file (and its .sth stash), or a .kdb with its .rdb/.crl/.sth, but got ${
      suffixes.join(', ') || 'no files'
    }`,
  );
}
