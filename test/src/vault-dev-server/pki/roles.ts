import { badRequest } from '../http/vaultError';
import { bool, durationSeconds, int, str, stringList } from '../core/fields';
import { defaultKeyBits, KeyType, validateKeyTypeLength } from './x509/keys';
import { EXT_KEY_USAGE_OIDS, KEY_USAGE_BITS } from './x509/certificate';

/** A PKI role with Vault's field names (TTLs in seconds), as `roles/:name` reads it. */
export interface PkiRole {
  ttl: number;
  max_ttl: number;
  allow_localhost: boolean;
  allowed_domains: string[];
  allowed_domains_template: boolean;
  allow_bare_domains: boolean;
  allow_subdomains: boolean;
  allow_glob_domains: boolean;
  allow_wildcard_certificates: boolean;
  allow_any_name: boolean;
  allow_token_displayname: boolean;
  enforce_hostnames: boolean;
  allow_ip_sans: boolean;
  allowed_uri_sans: string[];
  allowed_uri_sans_template: boolean;
  allowed_other_sans: string[];
  allowed_serial_numbers: string[];
  allowed_user_ids: string[];
  server_flag: boolean;
  client_flag: boolean;
  code_signing_flag: boolean;
  email_protection_flag: boolean;
  key_type: KeyType | 'any';
  key_bits: number;
  signature_bits: number;
  use_pss: boolean;
  key_usage: string[];
  ext_key_usage: string[];
  ext_key_usage_oids: string[];
  ou: string[];
  organization: string[];
  country: string[];
  locality: string[];
  province: string[];
  street_address: string[];
  postal_code: string[];
  no_store: boolean;
  require_cn: boolean;
  cn_validations: string[];
  policy_identifiers: string[];
  basic_constraints_valid_for_non_ca: boolean;
  not_before_duration: number;
  not_after: string;
  issuer_ref: string;
  generate_lease: boolean;
  use_csr_common_name: boolean;
  use_csr_sans: boolean;
}

/** Creation defaults (OpenBao/Vault path_roles.go). */
export function defaultRole(): PkiRole {
  return {
    ttl: 0,
    max_ttl: 0,
    allow_localhost: true,
    allowed_domains: [],
    allowed_domains_template: false,
    allow_bare_domains: false,
    allow_subdomains: false,
    allow_glob_domains: false,
    allow_wildcard_certificates: true,
    allow_any_name: false,
    allow_token_displayname: false,
    enforce_hostnames: true,
    allow_ip_sans: true,
    allowed_uri_sans: [],
    allowed_uri_sans_template: false,
    allowed_other_sans: [],
    allowed_serial_numbers: [],
    allowed_user_ids: [],
    server_flag: true,
    client_flag: true,
    code_signing_flag: false,
    email_protection_flag: false,
    key_type: 'rsa',
    key_bits: 0,
    signature_bits: 0,
    use_pss: false,
    key_usage: ['DigitalSignature', 'KeyAgreement', 'KeyEncipherment'],
    ext_key_usage: [],
    ext_key_usage_oids: [],
    ou: [],
    organization: [],
    country: [],
    locality: [],
    province: [],
    street_address: [],
    postal_code: [],
    no_store: false,
    require_cn: true,
    cn_validations: ['email', 'hostname'],
    policy_identifiers: [],
    basic_constraints_valid_for_non_ca: false,
    not_before_duration: 30,
    not_after: '',
    issuer_ref: 'default',
    generate_lease: false,
    use_csr_common_name: true,
    use_csr_sans: true,
  };
}

const LIST_FIELDS = [
  'allowed_domains',
  'allowed_uri_sans',
  'allowed_other_sans',
  'allowed_serial_numbers',
  'allowed_user_ids',
  'key_usage',
  'ext_key_usage',
  'ext_key_usage_oids',
  'ou',
  'organization',
  'country',
  'locality',
  'province',
  'street_address',
  'postal_code',
  'cn_validations',
  'policy_identifiers',
] as const;

const BOOL_FIELDS = [
  'allowed_domains_template',
  'allow_localhost',
  'allow_bare_domains',
  'allow_subdomains',
  'allow_glob_domains',
  'allow_wildcard_certificates',
  'allow_any_name',
  'allow_token_displayname',
  'enforce_hostnames',
  'allow_ip_sans',
  'allowed_uri_sans_template',
  'server_flag',
  'client_flag',
  'code_signing_flag',
  'email_protection_flag',
  'use_pss',
  'no_store',
  'require_cn',
  'basic_constraints_valid_for_non_ca',
  'generate_lease',
  'use_csr_common_name',
  'use_csr_sans',
] as const;

/**
 * Builds a role from a `roles/:name` write. A POST replaces the role (fields
 * not sent take their defaults, as Vault's data.Get does); a PATCH passes the
 * existing role so unsent fields keep their values.
 */
export function roleFromInput(
  input: Record<string, unknown>,
  existing?: PkiRole,
): PkiRole {
  const role: PkiRole = { ...(existing ?? defaultRole()) };
  if ('ttl' in input) role.ttl = durationSeconds(input.ttl, 'ttl', 0);
  if ('max_ttl' in input)
    role.max_ttl = durationSeconds(input.max_ttl, 'max_ttl', 0);
  if ('not_before_duration' in input) {
    role.not_before_duration = durationSeconds(
      input.not_before_duration,
      'not_before_duration',
      30,
    );
  }
  for (const f of LIST_FIELDS) if (f in input) role[f] = stringList(input[f]);
  for (const f of BOOL_FIELDS)
    if (f in input) role[f] = bool(input[f], f, role[f]);
  if ('key_type' in input)
    role.key_type = str(input.key_type, 'rsa') as PkiRole['key_type'];
  if ('key_bits' in input) role.key_bits = int(input.key_bits, 'key_bits', 0);
  if ('signature_bits' in input)
    role.signature_bits = int(input.signature_bits, 'signature_bits', 0);
  if ('not_after' in input) role.not_after = str(input.not_after);
  if ('issuer_ref' in input)
    role.issuer_ref = str(input.issuer_ref, 'default') || 'default';

  if (role.max_ttl > 0 && role.ttl > role.max_ttl) {
    throw badRequest('"ttl" value must be less than "max_ttl" value');
  }
  if (role.key_type !== 'any') {
    role.key_bits = role.key_bits || defaultKeyBits(role.key_type);
  } else {
    role.key_bits = 0;
  }
  const keyError = validateKeyTypeLength(role.key_type, role.key_bits);
  if (keyError) throw badRequest(keyError);
  if (role.key_type === 'rsa' && role.signature_bits === 0)
    role.signature_bits = 256;
  for (const usage of role.key_usage) {
    if (KEY_USAGE_BITS[usage.toLowerCase()] === undefined) {
      throw badRequest(`unrecognized key usage ${usage}`);
    }
  }
  for (const usage of role.ext_key_usage) {
    if (!EXT_KEY_USAGE_OIDS[usage.toLowerCase()]) {
      throw badRequest(`unrecognized ext key usage ${usage}`);
    }
  }
  return role;
}

/** The role as `GET roles/:name` returns it. */
export function roleResponse(role: PkiRole): Record<string, unknown> {
  return { ...role };
}

/** Extended key usage OIDs a leaf gets from the role's flags and lists. */
export function roleExtKeyUsageOids(role: PkiRole): string[] {
  const oids: string[] = [];
  if (role.server_flag) oids.push(EXT_KEY_USAGE_OIDS.serverauth);
  if (role.client_flag) oids.push(EXT_KEY_USAGE_OIDS.clientauth);
  if (role.code_signing_flag) oids.push(EXT_KEY_USAGE_OIDS.codesigning);
  if (role.email_protection_flag) oids.push(EXT_KEY_USAGE_OIDS.emailprotection);
  for (const u of role.ext_key_usage)
    oids.push(EXT_KEY_USAGE_OIDS[u.toLowerCase()]);
  oids.push(...role.ext_key_usage_oids);
  return [...new Set(oids)];
}
