import net from 'node:net';
import { KeyObject } from 'node:crypto';
import { badRequest } from '../http/vaultError';
import { randomBase62 } from '../core/ids';
import { bool, str, stringList } from '../core/fields';
import {
  DurationError,
  parseDuration,
  quoteGoDuration,
} from '../core/durations';
import { effectiveDefaultTtl, effectiveMaxTtl } from '../core/mounts';
import { rfc3339Nano, unixSeconds } from '../core/time';
import type { LogicalResponse } from '../core/types';
import type { Issuer } from './issuers';
import { commonNameAllowed, firstDisallowedName, globMatch } from './names';
import type { PkiMount } from './pkiMount';
import { PkiRole, roleExtKeyUsageOids } from './roles';
import { formatSerial, randomSerial } from './serial';
import { buildCertificate, encodeName, NameFields } from './x509/certificate';
import { CsrError, parseCsr } from './x509/csr';
import { toPem } from './x509/der';
import { generateKey, keyInfo, privateKeyDer } from './x509/keys';

/** Behaviour switches where Vault versions differ (see README, "Quirks"). */
export interface IssueQuirks {
  /**
   * Vault before the fix for vault#29928 let `not_after` pass the role's
   * max_ttl; fixed versions cap it. Default false (cap, like current Vault).
   */
  notAfterBypassesMaxTtl?: boolean;
}

const FORMATS = ['pem', 'der', 'pem_bundle'];

interface Subject {
  commonName: string;
  dns: string[];
  emails: string[];
  ips: string[];
  uris: string[];
}

function requireIssuer(mount: PkiMount, ref: string): Issuer {
  const issuer = mount.resolveIssuer(ref);
  if (!issuer) {
    throw badRequest(
      `could not fetch the CA certificate (was one set?): unable to find PKI issuer for reference: ${ref}`,
    );
  }
  if (!issuer.key) {
    throw badRequest(
      `could not fetch the CA certificate (was one set?): unable to fetch corresponding key for issuer ${issuer.id}; unable to use this issuer for signing`,
    );
  }
  return issuer;
}

/** Checks the CSR's key against the role (Vault's issuing.SignCert). */
function checkCsrKey(role: PkiRole, key: KeyObject) {
  const { type, bits } = keyInfo(key);
  if (role.key_type !== 'any' && role.key_type !== type) {
    throw badRequest(`role requires keys of type ${role.key_type}`);
  }
  // With key_type any, only Vault's floors apply (P-224, RSA 2048).
  const anyFloor: Record<string, number> = { ec: 224, rsa: 2048 };
  const minBits = role.key_type === 'any' ? anyFloor[type] ?? 0 : role.key_bits;
  if (type === 'rsa' && role.key_type === 'any' && bits < 2048) {
    throw badRequest('RSA keys < 2048 bits are unsafe and not supported');
  }
  if ((type === 'rsa' || type === 'ec') && bits < minBits) {
    throw badRequest(
      `role requires a minimum of a ${minBits}-bit key, but CSR's key is ${bits} bits`,
    );
  }
  if (type === 'rsa' && bits < 2048) {
    throw badRequest(
      `Vault requires a minimum of a 2048-bit key, but CSR's key is ${bits} bits`,
    );
  }
}

/** Names for the certificate, from the request or the CSR, checked against the role. */
function subjectFor(
  role: PkiRole,
  body: Record<string, unknown>,
  csr?: ReturnType<typeof parseCsr>,
): Subject {
  const fromCsrCn = csr && role.use_csr_common_name;
  const fromCsrSans = csr && role.use_csr_sans;
  const commonName = fromCsrCn ? csr.commonName : str(body.common_name);
  const dns: string[] = [];
  const emails: string[] = [];
  const altNames = fromCsrSans
    ? [...csr.dns, ...csr.emails]
    : stringList(body.alt_names);
  for (const n of altNames) (n.includes('@') ? emails : dns).push(n);
  const ips = fromCsrSans ? csr.ips : stringList(body.ip_sans);
  const uris = fromCsrSans ? csr.uris : stringList(body.uri_sans);

  if (!commonName && role.require_cn) {
    throw badRequest(
      'the common_name field is required, or must be provided in a CSR with "use_csr_common_name" set to true, unless "require_cn" is set to false',
    );
  }
  if (commonName && !commonNameAllowed(role, commonName)) {
    throw badRequest(`common name ${commonName} not allowed by this role`);
  }
  const badDns = firstDisallowedName(role, dns);
  if (badDns !== undefined)
    throw badRequest(
      `subject alternate name ${badDns} not allowed by this role`,
    );
  const badEmail = firstDisallowedName(role, emails);
  if (badEmail !== undefined)
    throw badRequest(`email address ${badEmail} not allowed by this role`);
  if (ips.length > 0) {
    if (!role.allow_ip_sans) {
      throw badRequest(
        `IP Subject Alternative Names are not allowed in this role, but was provided via ${
          fromCsrSans ? 'CSR' : 'the API'
        }`,
      );
    }
    for (const ip of ips) {
      if (!net.isIP(ip))
        throw badRequest(
          `the value ${JSON.stringify(ip)} is not a valid IP address`,
        );
    }
  }
  if (uris.length > 0) {
    const allowed = uris.every(u =>
      role.allowed_uri_sans.some(g => globMatch(g, u)),
    );
    if (!allowed) {
      throw badRequest(
        `URI Subject Alternative Names are not allowed in this role, but were provided via ${
          fromCsrSans ? 'CSR' : 'the API'
        }`,
      );
    }
  }
  const excludeCn = bool(
    body.exclude_cn_from_sans,
    'exclude_cn_from_sans',
    false,
  );
  if (commonName && !excludeCn) {
    if (commonName.includes('@')) {
      if (!emails.includes(commonName)) emails.unshift(commonName);
    } else if (net.isIP(commonName)) {
      if (!ips.includes(commonName)) ips.unshift(commonName);
    } else if (!dns.includes(commonName)) {
      dns.unshift(commonName);
    }
  }
  return { commonName, dns, emails, ips, uris };
}

/**
 * Vault's getCertificateNotAfter + ApplyIssuerLeafNotAfterBehavior: ttl (or
 * not_after), falling back to the role and the mount, cut to max_ttl with a
 * warning, then checked against the issuer's expiry.
 */
function notAfterFor(
  mount: PkiMount,
  role: PkiRole,
  issuer: Issuer,
  body: Record<string, unknown>,
  warnings: string[],
  quirks: IssueQuirks,
): Date {
  let ttlMs: number;
  try {
    ttlMs = parseDuration(body.ttl) ?? 0;
  } catch (e) {
    if (e instanceof DurationError) {
      throw badRequest(
        `error converting input ${JSON.stringify(body.ttl)} for field "ttl": ${
          e.message
        }`,
      );
    }
    throw e;
  }
  const notAfterText = str(body.not_after);
  if (ttlMs > 0 && notAfterText) {
    throw badRequest(
      'Either ttl or not_after should be provided. Both should not be provided in the same request.',
    );
  }
  if (ttlMs === 0 && role.ttl > 0) ttlMs = role.ttl * 1000;
  const maxTtlMs =
    (role.max_ttl > 0 ? role.max_ttl : effectiveMaxTtl(mount.config)) * 1000;
  if (ttlMs === 0) ttlMs = effectiveDefaultTtl(mount.config) * 1000;
  if (ttlMs > maxTtlMs) {
    warnings.push(
      `TTL ${quoteGoDuration(
        ttlMs,
      )} is longer than permitted maxTTL ${quoteGoDuration(
        maxTtlMs,
      )}, so maxTTL is being used`,
    );
    ttlMs = maxTtlMs;
  }
  const now = Date.now();
  let notAfter: Date;
  const roleNotAfter =
    !notAfterText && !body.ttl && role.not_after ? role.not_after : '';
  const absolute = notAfterText || roleNotAfter;
  if (absolute) {
    notAfter = new Date(absolute);
    if (
      !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(
        absolute,
      ) ||
      isNaN(notAfter.getTime())
    ) {
      throw badRequest(
        `parsing time ${JSON.stringify(
          absolute,
        )} as "2006-01-02T15:04:05Z07:00": cannot parse ${JSON.stringify(
          absolute,
        )} as "2006"`,
      );
    }
    if (!quirks.notAfterBypassesMaxTtl && notAfter.getTime() > now + maxTtlMs) {
      warnings.push(
        `TTL ${quoteGoDuration(
          notAfter.getTime() - now,
        )} is longer than permitted maxTTL ${quoteGoDuration(
          maxTtlMs,
        )}, so maxTTL is being used`,
      );
      notAfter = new Date(now + maxTtlMs);
    }
  } else {
    notAfter = new Date(now + ttlMs);
  }
  if (notAfter > issuer.notAfter) {
    switch (issuer.record.leaf_not_after_behavior) {
      case 'permit':
        break;
      case 'truncate':
        notAfter = issuer.notAfter;
        break;
      default:
        throw badRequest(
          `cannot satisfy request, as TTL would result in notAfter of ${rfc3339Nano(
            notAfter,
          )} that is beyond the expiration of the CA certificate at ${rfc3339Nano(
            issuer.notAfter,
          )}`,
        );
    }
  }
  return notAfter;
}

function subjectName(role: PkiRole, commonName: string): Buffer {
  const fields: NameFields = {
    country: role.country,
    province: role.province,
    locality: role.locality,
    street_address: role.street_address,
    postal_code: role.postal_code,
    organization: role.organization,
    ou: role.ou,
    common_name: commonName ? [commonName] : [],
  };
  return encodeName(fields);
}

export interface IssueOptions {
  roleName: string;
  /** `issuer/:ref/...` paths name the issuer; `issue/:role` uses the role's issuer_ref. */
  issuerRef?: string;
  /** Set for `sign`: the CSR comes from the request body. */
  sign: boolean;
  quirks?: IssueQuirks;
}

/** `issue/:role`, `sign/:role` and their `issuer/:ref/` forms. */
export async function issueCertificate(
  mount: PkiMount,
  body: Record<string, unknown>,
  opts: IssueOptions,
): Promise<LogicalResponse> {
  const role = mount.roles.get(opts.roleName);
  if (!role) throw badRequest(`unknown role: ${opts.roleName}`);
  const format = str(body.format, 'pem') || 'pem';
  if (!FORMATS.includes(format)) {
    throw badRequest(
      'the "format" path parameter must be "pem", "der", or "pem_bundle"',
    );
  }
  const keyFormat = str(body.private_key_format, 'der') || 'der';
  if (!['der', 'pem', 'pkcs8'].includes(keyFormat)) {
    throw badRequest(
      'the "private_key_format" field must be "der", "pem", or "pkcs8"',
    );
  }
  if (!opts.sign && role.key_type === 'any') {
    throw badRequest(
      'role key type "any" not allowed for issuing certificates, only signing',
    );
  }
  const issuer = requireIssuer(mount, opts.issuerRef ?? role.issuer_ref);

  const warnings: string[] = [];
  let csr: ReturnType<typeof parseCsr> | undefined;
  if (opts.sign) {
    try {
      csr = parseCsr(str(body.csr));
    } catch (e) {
      if (e instanceof CsrError) throw badRequest(e.message);
      throw e;
    }
    checkCsrKey(role, csr.publicKey);
  }
  const subject = subjectFor(role, body, csr);
  const notAfter = notAfterFor(
    mount,
    role,
    issuer,
    body,
    warnings,
    opts.quirks ?? {},
  );
  if (csr && !csr.signatureValid) throw badRequest('request signature invalid');
  if (csr?.hasBasicConstraints) {
    warnings.push(
      'specified CSR contained a Basic Constraints extension that was ignored during issuance',
    );
  }

  const keyPair = csr
    ? undefined
    : await generateKey(
        role.key_type as 'rsa' | 'ec' | 'ed25519',
        role.key_bits,
      );
  const publicKey = csr ? csr.publicKey : keyPair!.publicKey;
  const serial = randomSerial();
  const der = buildCertificate({
    serial,
    subject: subjectName(role, subject.commonName),
    issuer: issuer.subject,
    notBefore: new Date(Date.now() - role.not_before_duration * 1000),
    notAfter,
    publicKey,
    signingKey: issuer.key!,
    authorityKeyId: issuer.keyId,
    keyUsage: role.key_usage,
    extKeyUsageOids: roleExtKeyUsageOids(role),
    altNames: subject,
  });
  if (!role.no_store) mount.storeCert(der, issuer.id);

  const chain = mount.chainOf(issuer);
  const shownChain = bool(
    body.remove_roots_from_chain,
    'remove_roots_from_chain',
    false,
  )
    ? chain.filter(i => !i.selfSigned)
    : chain;
  const certPem = toPem(der, 'CERTIFICATE');
  const data: Record<string, unknown> = {
    expiration: unixSeconds(notAfter.getTime()),
    serial_number: formatSerial(serial),
  };
  const key = keyPair
    ? privateKeyDer(keyPair.privateKey, keyFormat === 'pkcs8' ? 'pkcs8' : 'der')
    : undefined;
  const keyType = keyPair ? keyInfo(keyPair.privateKey).type : undefined;
  if (format === 'der') {
    data.certificate = der.toString('base64');
    data.issuing_ca = issuer.der.toString('base64');
    if (shownChain.length)
      data.ca_chain = shownChain.map(i => i.der.toString('base64'));
    if (key) data.private_key = key.der.toString('base64');
  } else {
    data.issuing_ca = issuer.pem;
    if (shownChain.length) data.ca_chain = shownChain.map(i => i.pem);
    if (key) data.private_key = toPem(key.der, key.label);
    if (format === 'pem_bundle') {
      // CertBundle.ToPEMBundle: the key in its default (PKCS#1/SEC 1) form, the
      // certificate, then the whole chain, even with remove_roots_from_chain.
      const pkcs1 = keyPair
        ? privateKeyDer(keyPair.privateKey, 'der')
        : undefined;
      const bundleKey = pkcs1 ? toPem(pkcs1.der, pkcs1.label) : undefined;
      data.certificate = [bundleKey, certPem, ...chain.map(i => i.pem)]
        .filter(Boolean)
        .join('\n');
    } else {
      data.certificate = certPem;
    }
  }
  if (keyType) data.private_key_type = keyType;
  if (opts.sign) {
    if (role.use_csr_common_name && str(body.common_name)) {
      warnings.push(
        'the common_name field was provided but the role is set with "use_csr_common_name" set to true',
      );
    }
    if (role.use_csr_sans && str(body.alt_names)) {
      warnings.push(
        'the alt_names field was provided but the role is set with "use_csr_sans" set to true',
      );
    }
  }
  const response: LogicalResponse = { data, warnings };
  if (role.generate_lease) {
    response.leaseId = `${mount.path}${opts.sign ? 'sign' : 'issue'}/${
      opts.roleName
    }/${randomBase62(24)}`;
    response.leaseDuration = Math.max(
      0,
      unixSeconds(notAfter.getTime() - Date.now()),
    );
  }
  return response;
}
