import { InputError } from '@backstage/errors';
import { normalizeSerialNumber } from '@mqcert/plugin-mq-certificates-common';

/*
 * Vault API paths are built from configuration and entity annotations. Each
 * segment is checked against the characters Vault mount, role and KV path
 * names use in practice, so nothing user-supplied can add query strings,
 * climb with `..` or reach another endpoint.
 */
const SEGMENT = /^[A-Za-z0-9_.-]+$/;

function checkSegments(value: string, field: string, example: string): string {
  const trimmed = typeof value === 'string' ? value.trim() : '';
  const segments = trimmed.replace(/^\/+|\/+$/g, '').split('/');
  if (
    !trimmed ||
    segments.some(s => !SEGMENT.test(s) || s === '.' || s === '..')
  ) {
    throw new InputError(
      `${field}: '${value}' is not a valid Vault path; use letters, digits, '_', '-', '.' and '/' between segments (for example ${example})`,
    );
  }
  return segments.join('/');
}

/** A Vault mount path such as `pki_int` or `pki/intermediate` (no leading or trailing `/`). */
export function vaultMountPath(mount: string, field = 'mount'): string {
  return checkSegments(mount, field, 'pki_int');
}

/** One path segment such as a PKI role name. */
export function vaultPathSegment(value: string, field: string): string {
  const out = checkSegments(value, field, 'mq-queue-managers');
  if (out.includes('/')) {
    throw new InputError(
      `${field}: '${value}' must be a single name without '/'`,
    );
  }
  return out;
}

/** A path below a KV v2 mount, e.g. `mq/keystores/qm1`. */
export function kvSecretPath(path: string, field = 'path'): string {
  return checkSegments(path, field, 'mq/keystores/qm1');
}

/**
 * A `<mount>/<role>` reference as written in configuration and in the
 * `mqcert.io/vault-pki-role` annotation: the last segment is the role, the
 * rest the mount (which may itself contain `/`).
 */
export function parsePkiRoleRef(
  ref: string,
  field = 'role',
): { mount: string; role: string } {
  const path = checkSegments(ref, field, 'pki_int/mq-queue-managers');
  const cut = path.lastIndexOf('/');
  if (cut <= 0 || path.split('/').includes('roles')) {
    throw new InputError(
      `${field}: '${ref}' is not '<mount>/<role>' (for example pki_int/mq-queue-managers)`,
    );
  }
  return { mount: path.slice(0, cut), role: path.slice(cut + 1) };
}

/**
 * The serial form Vault's `cert/{serial}` and `revoke` accept: separated
 * lower-case hex. Vault refuses bare hex (404), so every accepted input
 * form is converted first.
 */
export function vaultSerialPath(serial: string, field = 'serial'): string {
  return normalizeSerialNumber(serial, field);
}
