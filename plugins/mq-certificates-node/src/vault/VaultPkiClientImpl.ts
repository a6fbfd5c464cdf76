import type { X509Certificate } from 'node:crypto';
import { InputError } from '@backstage/errors';
import { normalizeSerialNumber } from '@mqcert/plugin-mq-certificates-common';
import { parseCertificates } from '../certificates/bundle';
import type {
  IssuedCertificate,
  IssueRequest,
  SecretRef,
  VaultPkiClient,
} from '../types';
import type { VaultOperation } from './hints';
import type { KeystorePasswordLocation } from './KeystorePasswordStore';
import { mapIssueResponse, vaultWarnings } from './issuedCertificate';
import {
  kvSecretPath,
  vaultMountPath,
  vaultPathSegment,
  vaultSerialPath,
} from './paths';
import { isVaultError, VaultError } from './VaultError';
import { VaultSession, type VaultConnectionOptions } from './VaultSession';
import type { VaultTokenInfo } from './VaultTokenManager';
import { readVaultFailure } from './vaultFailure';

type Json = Record<string, any>;

/** Options of the Vault PKI client. @public */
export interface VaultPkiClientOptions extends VaultConnectionOptions {
  /**
   * CA certificates (PEM) that complete a chain Vault returns without its
   * root (an intermediate set-signed without importing its root).
   */
  extraCaCertificatesPem?: string;
  /** Role used when an entity names none (`mqcert.io/vault-pki-role`). */
  defaultPkiRole?: { mount: string; role: string };
  /** Where generated keystore passwords are stored (KV v2). */
  keystorePasswords?: KeystorePasswordLocation;
}

/** A KV v2 secret as read. Secret values: never log them. @public */
export interface KvSecret {
  data: Record<string, string>;
  version: number;
}

const ISO = (unixSeconds: unknown): string | undefined =>
  typeof unixSeconds === 'number' && unixSeconds > 0
    ? new Date(unixSeconds * 1000).toISOString()
    : undefined;

/**
 * When a certificate was revoked. Both revoke and cert/:serial answers carry
 * `revocation_time` (whole seconds) and `revocation_time_rfc3339` (with
 * fractions); the finer one wins so both calls report the same instant.
 */
function revocationTime(data: Json): string | undefined {
  const rfc = data.revocation_time_rfc3339;
  if (typeof rfc === 'string' && rfc && !Number.isNaN(Date.parse(rfc))) {
    return new Date(rfc).toISOString();
  }
  return ISO(data.revocation_time);
}

function joinList(
  values: string[] | undefined,
  field: string,
): string | undefined {
  if (!values || values.length === 0) return undefined;
  for (const v of values) {
    if (typeof v !== 'string' || !v.trim() || v.includes(',')) {
      throw new InputError(`${field}: '${v}' is not a single name`);
    }
  }
  return values.map(v => v.trim()).join(',');
}

function stringData(data: unknown, operation: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (typeof data !== 'object' || data === null) return out;
  for (const [key, value] of Object.entries(data)) {
    if (typeof value !== 'string') {
      throw new VaultError({
        operation,
        kind: 'unexpected-response',
        vaultMessages: [],
        hint: `The secret's field '${key}' is not a string; this client stores and reads string fields only.`,
        attempts: 1,
      });
    }
    out[key] = value;
  }
  return out;
}

/**
 * The Vault PKI client on node-vault: issue, sign, read, list and revoke
 * certificates, read the CA chain and roles, and KV v2 for keystore
 * passwords; with token upkeep, bounded retries and VaultErrors that say
 * what failed and what to change.
 *
 * @public
 */
export class NodeVaultPkiClient implements VaultPkiClient {
  private readonly session: VaultSession;
  private readonly trustAnchors: X509Certificate[];
  readonly defaultPkiRole?: { mount: string; role: string };
  readonly keystorePasswords?: KeystorePasswordLocation;

  constructor(options: VaultPkiClientOptions) {
    this.session = new VaultSession(options);
    this.defaultPkiRole = options.defaultPkiRole;
    this.keystorePasswords = options.keystorePasswords;
    this.trustAnchors = options.extraCaCertificatesPem
      ? parseCertificates(
          options.extraCaCertificatesPem,
          'mqCertificates.vault.extraCaCertificatesFile',
        )
      : [];
  }

  issue(request: IssueRequest): Promise<IssuedCertificate> {
    return this.issueOrSign('issue', request);
  }

  async sign(
    csrPem: string,
    request: IssueRequest,
  ): Promise<IssuedCertificate> {
    if (
      typeof csrPem !== 'string' ||
      !/-----BEGIN (NEW )?CERTIFICATE REQUEST-----/.test(csrPem)
    ) {
      throw new InputError(
        'csr: expected a PEM certificate signing request (-----BEGIN CERTIFICATE REQUEST-----)',
      );
    }
    return this.issueOrSign('sign', request, csrPem);
  }

  private async issueOrSign(
    kind: 'issue' | 'sign',
    request: IssueRequest,
    csrPem?: string,
  ): Promise<IssuedCertificate> {
    const mount = vaultMountPath(request.role?.mount, 'role.mount');
    const role = vaultPathSegment(request.role?.role, 'role.role');
    if (typeof request.commonName !== 'string' || !request.commonName.trim()) {
      throw new InputError('commonName: a certificate needs a common name');
    }
    const body: Json = {
      common_name: request.commonName.trim(),
      format: 'pem',
    };
    const altNames = joinList(request.altNames, 'altNames');
    if (altNames) body.alt_names = altNames;
    const ipSans = joinList(request.ipSans, 'ipSans');
    if (ipSans) body.ip_sans = ipSans;
    if (request.ttl !== undefined) {
      if (!/^\d+[smhd]?$/.test(request.ttl)) {
        throw new InputError(
          `ttl: '${request.ttl}' is not a duration such as 720h, 30d or 3600`,
        );
      }
      body.ttl = request.ttl;
    }
    if (csrPem) body.csr = csrPem;
    const op: VaultOperation = {
      description:
        kind === 'issue'
          ? `issue on role ${mount}/${role}`
          : `sign a CSR on role ${mount}/${role}`,
      path: `${mount}/${kind}/${role}`,
      area: 'pki',
      capabilities: ['update'],
      mount,
      role,
    };
    let response: Json;
    try {
      response = await this.session.execute(op, c => c.write(op.path, body));
    } catch (error) {
      if (isVaultError(error) && error.kind === 'not-allowed-by-role') {
        throw await this.explainRoleRefusal(error, mount, role);
      }
      throw error;
    }
    return mapIssueResponse(response, {
      operation: op.description,
      trustAnchors: this.trustAnchors,
    });
  }

  /** Adds what the role allows to a refusal, when the token may read the role. */
  private async explainRoleRefusal(
    error: VaultError,
    mount: string,
    role: string,
  ): Promise<VaultError> {
    let details: string;
    try {
      const r = await this.readRole(mount, role);
      const domains = Array.isArray(r.allowed_domains)
        ? (r.allowed_domains as unknown[]).join(', ')
        : String(r.allowed_domains ?? '');
      details = `The role allows: allowed_domains=[${domains}], allow_subdomains=${r.allow_subdomains}, allow_bare_domains=${r.allow_bare_domains}, allow_glob_domains=${r.allow_glob_domains}, allow_any_name=${r.allow_any_name}, allow_ip_sans=${r.allow_ip_sans}.`;
    } catch (readError) {
      details = isVaultError(readError)
        ? `(Its settings could not be read: ${
            readError.vaultMessages.join('; ') || readError.kind
          }; grant read on ${mount}/roles/${role} to see them here.)`
        : '';
    }
    return details ? error.withHint(`${error.hint} ${details}`) : error;
  }

  async readCertificate(
    mount: string,
    serial: string,
  ): Promise<{ certificatePem: string; revoked: boolean; revokedAt?: string }> {
    const m = vaultMountPath(mount);
    const s = vaultSerialPath(serial);
    const op: VaultOperation = {
      description: `read certificate ${s} from ${m}`,
      path: `${m}/cert/${s}`,
      area: 'pki',
      capabilities: ['read'],
      mount: m,
    };
    const res: Json = await this.session.execute(op, c => c.read(op.path));
    const data: Json = res?.data ?? {};
    if (typeof data.certificate !== 'string' || !data.certificate) {
      throw new VaultError({
        operation: op.description,
        kind: 'not-found',
        vaultMessages: [],
        hint: `Vault returned no certificate for serial ${s}.`,
        attempts: 1,
      });
    }
    const revokedAt = revocationTime(data);
    return {
      certificatePem: data.certificate,
      revoked: !!revokedAt,
      ...(revokedAt ? { revokedAt } : {}),
    };
  }

  async listCertificates(mount: string): Promise<string[]> {
    const m = vaultMountPath(mount);
    const op: VaultOperation = {
      description: `list certificates of ${m}`,
      path: `${m}/certs`,
      area: 'pki',
      capabilities: ['list'],
      mount: m,
    };
    try {
      const res: Json = await this.session.execute(op, c => c.list(op.path));
      const keys: unknown = res?.data?.keys;
      return Array.isArray(keys)
        ? keys
            .filter((k): k is string => typeof k === 'string')
            .map(k => normalizeSerialNumber(k))
        : [];
    } catch (error) {
      // Vault answers an empty LIST with 404 {"errors":[]}; an unknown mount
      // is 404 "no handler for route" and stays an error.
      if (
        isVaultError(error) &&
        error.kind === 'not-found' &&
        error.vaultMessages.length === 0
      ) {
        return [];
      }
      throw error;
    }
  }

  async revoke(
    mount: string,
    serial: string,
  ): Promise<{ revokedAt?: string; warnings: string[] }> {
    const m = vaultMountPath(mount);
    const s = vaultSerialPath(serial);
    const op: VaultOperation = {
      description: `revoke certificate ${s} on ${m}`,
      path: `${m}/revoke`,
      area: 'pki',
      capabilities: ['update'],
      mount: m,
    };
    const res: Json = await this.session.execute(op, c =>
      c.write(op.path, { serial_number: s }),
    );
    const revokedAt = revocationTime(res?.data ?? {});
    return {
      ...(revokedAt ? { revokedAt } : {}),
      warnings: vaultWarnings(res),
    };
  }

  async readCaChain(mount: string): Promise<string[]> {
    const m = vaultMountPath(mount);
    const op: VaultOperation = {
      description: `read the CA chain of ${m}`,
      path: `${m}/cert/ca_chain`,
      area: 'pki',
      capabilities: ['read'],
      mount: m,
    };
    const res: Json = await this.session.execute(op, c => c.read(op.path));
    // One PEM string holding the whole chain, issuer first (not an array).
    const text = res?.data?.ca_chain || res?.data?.certificate;
    if (typeof text !== 'string' || !text.trim()) return [];
    return parseCertificates(text, `CA chain of ${m}`).map(c => c.toString());
  }

  async readRole(
    mount: string,
    role: string,
  ): Promise<Record<string, unknown>> {
    const m = vaultMountPath(mount);
    const r = vaultPathSegment(role, 'role');
    const op: VaultOperation = {
      description: `read role ${m}/roles/${r}`,
      path: `${m}/roles/${r}`,
      area: 'pki',
      capabilities: ['read'],
      mount: m,
      role: r,
    };
    const res: Json = await this.session.execute(op, c => c.read(op.path));
    return (res?.data ?? {}) as Record<string, unknown>;
  }

  async kvRead(
    mount: string,
    path: string,
    version?: number,
  ): Promise<KvSecret> {
    const m = vaultMountPath(mount);
    const p = kvSecretPath(path);
    if (version !== undefined && (!Number.isInteger(version) || version < 1)) {
      throw new InputError(
        `version: expected a whole number ≥ 1, got ${version}`,
      );
    }
    const op: VaultOperation = {
      description: `read secret ${m}/${p}${
        version ? ` version ${version}` : ''
      }`,
      path: `${m}/data/${p}`,
      area: 'kv',
      capabilities: ['read'],
      mount: m,
    };
    // A soft-deleted or destroyed version is a 404 whose body says which.
    let deleted: string | undefined;
    let res: Json;
    try {
      res = await this.session.execute(op, c =>
        c
          .read(version ? `${op.path}?version=${version}` : op.path)
          .catch((e: unknown) => {
            const meta = readVaultFailure(e)?.body?.data as Json | undefined;
            const md: Json | undefined = meta?.metadata;
            if (md?.destroyed === true) {
              deleted = `version ${md.version} was destroyed and cannot be read again`;
            } else if (
              typeof md?.deletion_time === 'string' &&
              md.deletion_time
            ) {
              deleted = `version ${md.version} was deleted at ${md.deletion_time}; vault kv undelete -versions=${md.version} ${m}/${p} restores it`;
            }
            throw e;
          }),
      );
    } catch (error) {
      if (isVaultError(error) && error.kind === 'not-found' && deleted) {
        throw error.withHint(`The secret's ${deleted}.`);
      }
      throw error;
    }
    return {
      data: stringData(res?.data?.data, op.description),
      version: Number(res?.data?.metadata?.version ?? version ?? 0),
    };
  }

  async kvWrite(
    mount: string,
    path: string,
    data: Record<string, string>,
    options: { cas?: number } = {},
  ): Promise<SecretRef> {
    const m = vaultMountPath(mount);
    const p = kvSecretPath(path);
    if (
      options.cas !== undefined &&
      (!Number.isInteger(options.cas) || options.cas < 0)
    ) {
      throw new InputError(
        `cas: expected a whole number ≥ 0, got ${options.cas}`,
      );
    }
    const op: VaultOperation = {
      description: `write secret ${m}/${p}`,
      path: `${m}/data/${p}`,
      area: 'kv',
      capabilities: ['create', 'update'],
      mount: m,
    };
    const body: Json = { data };
    if (options.cas !== undefined) body.options = { cas: options.cas };
    const res: Json = await this.session.execute(op, c =>
      c.write(op.path, body),
    );
    const version = Number(res?.data?.version);
    if (!Number.isInteger(version) || version < 1) {
      throw new VaultError({
        operation: op.description,
        kind: 'unexpected-response',
        vaultMessages: [],
        hint: `Vault did not return the new version: check that '${m}' is a KV version 2 mount (vault secrets enable -version=2 kv).`,
        attempts: 1,
      });
    }
    return { mount: m, path: p, version };
  }

  /** What Vault says about the backend's token (never the token itself). */
  lookupToken(): Promise<VaultTokenInfo> {
    return this.session.lookupToken();
  }
}
