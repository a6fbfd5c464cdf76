import { InputError } from '@backstage/errors';

const SEGMENT = /^[A-Za-z0-9._@+-]+$/;

/**
 * Validates a path relative to a deploy target's root, before any file
 * system sees it: not absolute, no `..`, `.` or empty segments, no
 * backslashes, only `A–Z a–z 0–9 . _ @ + -` in names. Symbolic links that
 * leave the root are caught later, by resolving real paths on the target.
 *
 * @public
 */
export function validateRelativePath(value: unknown, field: string): string {
  const text = typeof value === 'string' ? value : '';
  const problem = relativePathProblem(text);
  if (problem) {
    throw new InputError(`${field}: '${String(value)}' ${problem}`);
  }
  return text;
}

function relativePathProblem(text: string): string | undefined {
  if (!text) return 'is empty';
  if (text.startsWith('/') || /^[A-Za-z]:/.test(text)) {
    return 'is absolute; give it relative to the deploy target root';
  }
  const segments = text.split('/');
  if (segments.includes('..')) {
    return "contains '..'; paths must stay inside the deploy target root";
  }
  if (segments.some(s => s === '' || s === '.')) {
    return "contains empty or '.' segments";
  }
  if (!segments.every(s => SEGMENT.test(s))) {
    return "may only contain letters, digits, '.', '_', '@', '+', '-' and '/'";
  }
  return undefined;
}

/**
 * Validates a configured root folder: absolute, without `.`/`..` segments or
 * control characters; a trailing slash is dropped.
 *
 * @public
 */
export function validateRootFolder(value: unknown, field: string): string {
  const text = typeof value === 'string' ? value.trim() : '';
  // eslint-disable-next-line no-control-regex
  const bad = /[\u0000-\u001f\u007f]/.test(text);
  const segments = text.split('/').slice(1);
  if (
    !text.startsWith('/') ||
    bad ||
    segments.some(s => s === '..' || s === '.')
  ) {
    throw new InputError(
      `${field}: '${text}' must be an absolute folder path without '.', '..' or control characters, e.g. /var/mqm/qmgrs/QM1/ssl`,
    );
  }
  return text.length > 1 ? text.replace(/\/+$/, '') : text;
}

/** Joins a validated root and relative path with `/`. */
export function joinTargetPath(root: string, relative: string): string {
  if (!relative) return root;
  return root === '/' ? `/${relative}` : `${root}/${relative}`;
}

/** Whether `candidate` is `root` or lies below it (both real, absolute paths). */
export function isInsideFolder(root: string, candidate: string): boolean {
  if (root === '/') return candidate.startsWith('/');
  return candidate === root || candidate.startsWith(`${root}/`);
}

/** Splits `a/b/key` into `{ dir: 'a/b', base: 'key' }` (dir `''` at the root). */
export function splitRelativePath(relative: string): {
  dir: string;
  base: string;
} {
  const i = relative.lastIndexOf('/');
  return i === -1
    ? { dir: '', base: relative }
    : { dir: relative.slice(0, i), base: relative.slice(i + 1) };
}
