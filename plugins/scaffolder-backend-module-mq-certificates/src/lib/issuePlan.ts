import { InputError } from '@backstage/errors';
import {
  CertificatePolicy,
  QueueManagerSpec,
  requireSpecField,
} from '@mqcert/plugin-mq-certificates-common';
import { parsePkiRoleRef } from '@mqcert/plugin-mq-certificates-node';

/** The certificate one label of the key repository gets. */
export interface LabelCertificatePlan {
  label: string;
  commonName: string;
  altNames: string[];
}

/** What an issue step asks of Vault. */
export interface IssuePlan {
  role: { mount: string; role: string };
  /** Vault duration (`<n>h` or `<n>s`); absent means the role's ttl. */
  ttl?: string;
  certificates: LabelCertificatePlan[];
  keyGeneration: 'vault' | 'host';
}

/** Overrides a template may give (each only as far as the entity and policy allow). */
export interface IssueOverrides {
  names?: string[];
  ttl?: string;
  pkiRole?: string;
}

const DNS_NAME =
  /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

/** Parses `720h`, `30d`, `90m`, `3600s` or `3600` into seconds. */
export function parseTtlSeconds(value: string, field = 'ttl'): number {
  const m = /^(\d+)([smhd]?)$/.exec(value.trim());
  if (!m || Number(m[1]) === 0) {
    throw new InputError(
      `${field}: '${value}' is not a duration; write it like 720h, 30d or 3600 (seconds)`,
    );
  }
  return Number(m[1]) * UNIT_SECONDS[m[2] || 's'];
}

function ttlWithinPolicy(
  value: string,
  policy: Required<CertificatePolicy>,
): string {
  const seconds = parseTtlSeconds(value);
  const maxSeconds = policy.maxLifetimeDays * 86400;
  if (seconds > maxSeconds) {
    throw new InputError(
      `ttl: ${value} is longer than the certificate policy allows (${
        policy.maxLifetimeDays
      } days, mqCertificates.policy.maxLifetimeDays); ask for at most ${Math.floor(
        maxSeconds / 3600,
      )}h`,
    );
  }
  // Vault parses hours everywhere; days only in newer versions.
  return seconds % 3600 === 0 ? `${seconds / 3600}h` : `${seconds}s`;
}

function validateNames(names: string[], field: string): string[] {
  const out = names.map(n => String(n).trim().toLowerCase()).filter(Boolean);
  for (const n of out) {
    if (!DNS_NAME.test(n)) {
      throw new InputError(
        `${field}: '${n}' is not a DNS name; use names such as qm1.mq.example.test`,
      );
    }
  }
  return Array.from(new Set(out));
}

/** The DNS label a certificate label maps to (`qm2chl` → `qm2chl`, `App Chl` → `app-chl`). */
export function labelDnsPart(label: string): string {
  const part = label
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63)
    .replace(/-+$/, '');
  return part || 'label';
}

/**
 * Works out the certificates an issue step requests: one per label the key
 * repository needs (the queue manager's, then each channel's own CERTLABL).
 *
 * - Names: the entity's `mqcert.io/certificate-names`. An override may add
 *   SANs but must keep the entity's common name first: clients pin the
 *   queue manager's identity (SSLPEER), so a template cannot change it.
 * - Channel labels get `<label>.<common name>` as their common name (SANs:
 *   all the queue manager's names), because GSKit refuses two personal
 *   certificates with the same subject DN in one key repository.
 * - TTL: at most the policy's maximum lifetime.
 * - Role: the entity's (or the configured default); another only when
 *   listed in mqCertificates.scaffolder.allowedPkiRoles.
 */
export function planIssue(
  spec: QueueManagerSpec,
  overrides: IssueOverrides,
  options: {
    defaultPkiRole?: { mount: string; role: string };
    allowedPkiRoles: { mount: string; role: string }[];
    policy: Required<CertificatePolicy>;
  },
): IssuePlan {
  const entityRole = spec.vaultPkiRole ?? options.defaultPkiRole;
  let role: { mount: string; role: string };
  if (overrides.pkiRole) {
    role = parsePkiRoleRef(overrides.pkiRole, 'pkiRole');
    const same = (r?: { mount: string; role: string }) =>
      r && r.mount === role.mount && r.role === role.role;
    if (!same(entityRole) && !options.allowedPkiRoles.some(same)) {
      const allowed = [entityRole, ...options.allowedPkiRoles]
        .filter(Boolean)
        .map(r => `${r!.mount}/${r!.role}`);
      throw new InputError(
        `pkiRole: ${role.mount}/${role.role} may not be used for ${
          spec.entityRef
        }; leave pkiRole empty to use the entity's role${
          allowed.length ? ` (allowed: ${allowed.join(', ')})` : ''
        }, or ask an administrator to add it to mqCertificates.scaffolder.allowedPkiRoles`,
      );
    }
  } else if (entityRole) {
    role = entityRole;
  } else {
    role = requireSpecField(spec, 'vaultPkiRole', 'issuing a certificate');
  }

  let names = spec.certificateNames;
  if (overrides.names && overrides.names.length > 0) {
    const wanted = validateNames(overrides.names, 'names');
    if (names.length > 0 && wanted[0] !== names[0]) {
      throw new InputError(
        `names: the first name is the certificate's common name and must stay ${names[0]} (the entity's mqcert.io/certificate-names); list extra names after it, or change the entity's annotation`,
      );
    }
    names = wanted;
  }
  if (names.length === 0) {
    requireSpecField(spec, 'certificateNames', 'issuing a certificate');
  }
  const [commonName, ...sans] = names;

  const certificates: LabelCertificatePlan[] = [];
  const usedNames = new Set<string>([commonName]);
  for (const label of spec.certificateLabels) {
    if (certificates.length === 0) {
      certificates.push({ label, commonName, altNames: sans });
      continue;
    }
    let cn = `${labelDnsPart(label)}.${commonName}`;
    for (let i = 2; usedNames.has(cn); i++) {
      cn = `${labelDnsPart(label)}-${i}.${commonName}`;
    }
    if (!DNS_NAME.test(cn)) {
      throw new InputError(
        `names: the certificate for label '${label}' would be named ${cn}, which is not a valid DNS name; shorten the label or the common name`,
      );
    }
    usedNames.add(cn);
    certificates.push({ label, commonName: cn, altNames: names });
  }

  return {
    role,
    ttl: overrides.ttl
      ? ttlWithinPolicy(overrides.ttl, options.policy)
      : undefined,
    certificates,
    keyGeneration: spec.keyGeneration,
  };
}
