import type { PkiRole } from './roles';

/** Vault's hostnameRegex (builtin/logical/pki/cert_util.go). */
const HOSTNAME =
  /^(([a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])\.)*([A-Za-z0-9]|[A-Za-z0-9][A-Za-z0-9-]*[A-Za-z0-9])\.?$/;

function globToRegex(glob: string): RegExp {
  const body = glob.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*');
  return new RegExp(`^${body}$`, 'i');
}

export function globMatch(glob: string, value: string): boolean {
  return globToRegex(glob).test(value);
}

/** A name whose first label holds a `*` (e.g. `*.example.com`, `foo*.example.com`). */
function splitWildcard(
  name: string,
): { wildcardLabel: string; rest: string } | undefined {
  const dot = name.indexOf('.');
  const first = dot < 0 ? name : name.slice(0, dot);
  if (!first.includes('*')) return undefined;
  return { wildcardLabel: first, rest: dot < 0 ? '' : name.slice(dot + 1) };
}

function validWildcardLabel(label: string): boolean {
  // RFC 6125: at most one `*` in the left-most label.
  return label.split('*').length === 2;
}

function equalFold(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

/**
 * Vault's validateNames: returns the first name the role does not allow, or
 * undefined when all are allowed. Emails are checked on their domain part.
 */
export function firstDisallowedName(
  role: PkiRole,
  names: string[],
): string | undefined {
  for (const name of names) {
    let reduced = name;
    let emailDomain = name;
    let isEmail = false;
    if (reduced.includes('@')) {
      const parts = reduced.split('@');
      if (parts.length !== 2) return name;
      reduced = parts[1];
      emailDomain = parts[1];
      isEmail = true;
    }
    const wildcard = splitWildcard(reduced);
    if (wildcard) {
      if (!role.allow_wildcard_certificates) return name;
      reduced = wildcard.rest;
    }
    if (isEmail && wildcard) return name;
    if (role.enforce_hostnames) {
      if (reduced !== '' && !HOSTNAME.test(reduced)) return name;
      if (wildcard && !validWildcardLabel(wildcard.wildcardLabel)) return name;
    }
    if (role.allow_any_name) continue;

    if (role.allow_localhost) {
      if (
        ['localhost', 'localdomain'].includes(reduced) ||
        (isEmail && ['localhost', 'localdomain'].includes(emailDomain))
      ) {
        continue;
      }
      if (role.allow_subdomains) {
        if (
          reduced.endsWith('.localhost') ||
          (wildcard && reduced === 'localhost')
        )
          continue;
        if (
          reduced.endsWith('.localdomain') ||
          (wildcard && reduced === 'localdomain')
        )
          continue;
      }
    }

    let valid = false;
    for (const domain of role.allowed_domains) {
      if (!domain) continue;
      if (
        role.allow_bare_domains &&
        (equalFold(name, domain) || (isEmail && equalFold(emailDomain, domain)))
      ) {
        valid = true;
        break;
      }
      if (role.allow_subdomains) {
        if (
          reduced.toLowerCase().endsWith(`.${domain.toLowerCase()}`) ||
          (wildcard && equalFold(reduced, domain))
        ) {
          valid = true;
          break;
        }
      }
      if (
        role.allow_glob_domains &&
        domain.includes('*') &&
        globMatch(domain, name)
      ) {
        valid = true;
        break;
      }
    }
    if (!valid) return name;
  }
  return undefined;
}

/**
 * Vault's validateCommonName: cn_validations decides whether the CN must be
 * a hostname, an email, or is not checked (`disabled`).
 */
export function commonNameAllowed(role: PkiRole, cn: string): boolean {
  const validations = role.cn_validations.length
    ? role.cn_validations
    : ['email', 'hostname'];
  if (validations.includes('disabled')) return true;
  if (firstDisallowedName(role, [cn]) !== undefined) return false;
  const looksEmail = cn.includes('@');
  if (looksEmail) return validations.includes('email');
  return validations.includes('hostname');
}
