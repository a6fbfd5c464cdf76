import { badRequest, notFound } from '../http/vaultError';
import { str } from '../core/fields';
import { rfc3339Nano } from '../core/time';
import type { Handler, LogicalResponse, Route } from '../core/types';
import { listResponse, rawResponse } from '../core/responses';
import type { Issuer, LeafNotAfterBehavior } from './issuers';
import { issueCertificate } from './issue';
import type { PkiMount } from './pkiMount';
import { revoke, tidy, tidyStatus } from './revocation';
import { roleFromInput, roleResponse } from './roles';
import { serialFromHex, serialFromKey, serialKey } from './serial';

const PEM_CHAIN = 'application/pem-certificate-chain';
const PKIX_CERT = 'application/pkix-cert';

const raw = rawResponse;

function issuerData(mount: PkiMount, issuer: Issuer): Record<string, unknown> {
  const r = issuer.record;
  return {
    issuer_id: r.issuer_id,
    issuer_name: r.issuer_name,
    key_id: r.key_id,
    certificate: r.certificate,
    manual_chain: r.manual_chain,
    ca_chain: mount.chainOf(issuer).map(i => i.pem),
    leaf_not_after_behavior: r.leaf_not_after_behavior,
    usage: r.usage,
    revocation_signature_algorithm: '',
    revoked: false,
    issuing_certificates: [],
    crl_distribution_points: [],
    delta_crl_distribution_points: [],
    ocsp_servers: [],
    enable_aia_url_templating: false,
  };
}

function requireIssuerRef(mount: PkiMount, ref: string): Issuer {
  const issuer = mount.resolveIssuer(ref);
  if (!issuer)
    throw badRequest(`unable to find PKI issuer for reference: ${ref}`);
  return issuer;
}

function defaultChainPem(mount: PkiMount): string {
  const issuer = mount.defaultIssuer();
  return issuer
    ? mount
        .chainOf(issuer)
        .map(i => i.pem)
        .join('\n')
    : '';
}

function readCert(mount: PkiMount, serial: string) {
  const stored = mount.certs.get(serialKey(serial));
  if (stored) return { pem: stored.certificate, serial: stored.serial_number };
  // Issuer certificates are readable by serial too (they live in certs/ in Vault).
  const issuer = [...mount.issuers.values()].find(
    i => serialKey(serialFromHex(i.cert.serialNumber)) === serialKey(serial),
  );
  return issuer
    ? { pem: issuer.pem, serial: serialFromHex(issuer.cert.serialNumber) }
    : undefined;
}

const LEAF_BEHAVIORS: LeafNotAfterBehavior[] = ['err', 'truncate', 'permit'];

export function pkiRoutes(mount: PkiMount): Route[] {
  const issue =
    (sign: boolean): Handler =>
    (req, p) =>
      issueCertificate(mount, req.body, {
        roleName: p.role,
        issuerRef: p.ref,
        sign,
        quirks: mount.quirks,
      });
  return [
    { pattern: 'issue/:role', write: issue(false) },
    { pattern: 'sign/:role', write: issue(true) },
    { pattern: 'issuer/:ref/issue/:role', write: issue(false) },
    { pattern: 'issuer/:ref/sign/:role', write: issue(true) },
    {
      pattern: 'ca',
      unauthenticated: true,
      read: () => raw(PKIX_CERT, mount.defaultIssuer()?.der ?? Buffer.alloc(0)),
    },
    {
      pattern: 'ca/pem',
      unauthenticated: true,
      read: () => raw(PEM_CHAIN, mount.defaultIssuer()?.pem ?? ''),
    },
    // Content-Type application/pkix-cert is what Vault sends here (sic).
    {
      pattern: 'ca_chain',
      unauthenticated: true,
      read: () => raw(PKIX_CERT, defaultChainPem(mount)),
    },
    {
      pattern: 'cert/ca_chain',
      unauthenticated: true,
      read: () => {
        const chain = defaultChainPem(mount);
        return {
          data: {
            certificate: chain,
            ca_chain: chain,
            revocation_time: 0,
            revocation_time_rfc3339: '',
          },
        };
      },
    },
    {
      pattern: 'cert/ca',
      unauthenticated: true,
      read: () => ({
        data: {
          certificate: mount.defaultIssuer()?.pem ?? '',
          revocation_time: 0,
          revocation_time_rfc3339: '',
        },
      }),
    },
    {
      pattern: 'cert/:serial/raw/pem',
      unauthenticated: true,
      read: (_req, p) => raw(PEM_CHAIN, readCert(mount, p.serial)?.pem ?? ''),
    },
    {
      pattern: 'cert/:serial/raw',
      unauthenticated: true,
      read: (_req, p) => {
        const found = readCert(mount, p.serial);
        return raw(
          PKIX_CERT,
          found
            ? Buffer.from(
                found.pem.replace(/-----[^-]+-----|\s/g, ''),
                'base64',
              )
            : Buffer.alloc(0),
        );
      },
    },
    {
      pattern: 'cert/:serial',
      unauthenticated: true,
      read: (_req, p) => {
        const found = readCert(mount, p.serial);
        if (!found) return undefined;
        const revoked = mount.revoked.get(serialKey(p.serial));
        const data: Record<string, unknown> = {
          certificate: found.pem,
          revocation_time: revoked ? revoked.revocation_time : 0,
          revocation_time_rfc3339: revoked
            ? rfc3339Nano(revoked.revocation_time_ms)
            : '',
        };
        if (revoked) data.issuer_id = revoked.issuer_id;
        return { data };
      },
    },
    {
      pattern: 'certs/revoked',
      list: () =>
        listResponse([...mount.revoked.keys()].sort().map(serialFromKey)),
    },
    {
      pattern: 'certs',
      list: () =>
        listResponse([...mount.certs.keys()].sort().map(serialFromKey)),
    },
    {
      pattern: 'issuers',
      unauthenticated: ['list'],
      list: () => {
        const keys = [...mount.issuers.keys()].sort();
        const info: Record<string, unknown> = {};
        for (const id of keys) {
          const i = mount.issuers.get(id)!;
          info[id] = {
            issuer_name: i.record.issuer_name,
            is_default: id === mount.defaultIssuerId,
            serial_number: serialFromHex(i.cert.serialNumber),
            has_private_key: Boolean(i.key),
          };
        }
        return listResponse(keys, info);
      },
    },
    {
      pattern: 'issuer/:ref/json',
      unauthenticated: true,
      read: (_req, p) => {
        const issuer = requireIssuerRef(mount, p.ref);
        return {
          data: {
            issuer_id: issuer.id,
            issuer_name: issuer.record.issuer_name,
            certificate: issuer.pem,
            ca_chain: mount.chainOf(issuer).map(i => i.pem),
          },
        };
      },
    },
    {
      pattern: 'issuer/:ref/pem',
      unauthenticated: true,
      read: (_req, p) => raw(PEM_CHAIN, requireIssuerRef(mount, p.ref).pem),
    },
    {
      pattern: 'issuer/:ref/der',
      unauthenticated: true,
      read: (_req, p) => raw(PKIX_CERT, requireIssuerRef(mount, p.ref).der),
    },
    {
      pattern: 'issuer/:ref',
      read: (_req, p) => ({
        data: issuerData(mount, requireIssuerRef(mount, p.ref)),
      }),
      write: (req, p) => updateIssuer(mount, p.ref, req.body),
      patch: (req, p) => updateIssuer(mount, p.ref, req.body),
    },
    {
      pattern: 'config/issuers',
      read: () => ({
        data: {
          default: mount.defaultIssuerId,
          default_follows_latest_issuer: false,
        },
      }),
      write: req => {
        const issuer = requireIssuerRef(mount, str(req.body.default));
        mount.defaultIssuerId = issuer.id;
        return {
          data: { default: issuer.id, default_follows_latest_issuer: false },
        };
      },
    },
    {
      pattern: 'roles',
      list: () => listResponse([...mount.roles.keys()].sort()),
    },
    {
      pattern: 'roles/:name',
      exists: (_req, p) => mount.roles.has(p.name),
      read: (_req, p) => {
        const role = mount.roles.get(p.name);
        return role ? { data: roleResponse(role) } : undefined;
      },
      write: (req, p) => {
        const role = roleFromInput(req.body);
        mount.roles.set(p.name, role);
        return { data: roleResponse(role) };
      },
      patch: (req, p) => {
        const existing = mount.roles.get(p.name);
        if (!existing) throw notFound();
        const role = roleFromInput(req.body, existing);
        mount.roles.set(p.name, role);
        return { data: roleResponse(role) };
      },
      delete: (_req, p) => {
        mount.roles.delete(p.name);
        return undefined;
      },
    },
    { pattern: 'revoke', write: req => revoke(mount, req.body) },
    { pattern: 'tidy', write: req => tidy(mount, req.body) },
    { pattern: 'tidy-status', read: () => tidyStatus(mount) },
  ];
}

function updateIssuer(
  mount: PkiMount,
  ref: string,
  body: Record<string, unknown>,
): LogicalResponse {
  const issuer = requireIssuerRef(mount, ref);
  if ('leaf_not_after_behavior' in body) {
    const value = str(body.leaf_not_after_behavior) as LeafNotAfterBehavior;
    if (!LEAF_BEHAVIORS.includes(value)) {
      throw badRequest(
        `Unknown value for field \`leaf_not_after_behavior\`. Possible values are \`err\`, \`truncate\`, and \`permit\`.`,
      );
    }
    issuer.record.leaf_not_after_behavior = value;
  }
  if ('issuer_name' in body) issuer.record.issuer_name = str(body.issuer_name);
  if ('usage' in body) issuer.record.usage = str(body.usage);
  return { data: issuerData(mount, issuer) };
}
