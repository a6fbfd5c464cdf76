import type { VaultFailureKind } from './vaultFailure';

/** One call to Vault, described for error messages and hints. */
export interface VaultOperation {
  /** What was asked, in the user's terms: `issue on role pki_int/mq-queue-managers`. */
  description: string;
  /** API path below /v1 (relative to the namespace): `pki_int/issue/mq-queue-managers`. */
  path: string;
  /** What part of Vault it touches (changes which hints apply). */
  area: 'pki' | 'kv' | 'auth' | 'token';
  /** Policy capabilities the path needs, e.g. `['update']`. */
  capabilities: string[];
  /** Secrets engine or auth mount. */
  mount?: string;
  /** PKI role or auth role. */
  role?: string;
}

/** What the client knows about its setup, for hints. */
export interface VaultHintContext {
  address: string;
  namespace?: string;
  authMethod: 'token' | 'approle' | 'kubernetes' | 'jwt';
  timeoutMs: number;
  attempts: number;
  /** For role refusals: what the role allows, when it could be read. */
  roleDetails?: string;
}

function policyStanza(op: VaultOperation): string {
  const caps = op.capabilities.map(c => `"${c}"`).join(', ');
  return `path "${op.path}" { capabilities = [${caps}] }`;
}

function inNamespace(ctx: VaultHintContext): string {
  return ctx.namespace ? ` in namespace '${ctx.namespace}'` : '';
}

/**
 * What to do about a failure, in the terms of the person who reads it: the
 * Vault setting, policy path or configuration key to change.
 */
export function vaultHint(
  kind: VaultFailureKind,
  op: VaultOperation,
  ctx: VaultHintContext,
  code?: string,
): string {
  // A login sends no token, so any 403 on it is about the login itself
  // (an auth mount path that does not exist answers 403 as well).
  if (
    op.area === 'auth' &&
    (kind === 'invalid-token' || kind === 'permission-denied')
  ) {
    return `Vault refused the ${ctx.authMethod} login at auth/${
      op.mount
    }/login${inNamespace(
      ctx,
    )}: check mqCertificates.vault.auth.mountPath (auth/${
      op.mount
    } must be an auth mount of type ${ctx.authMethod}), and that the role '${
      op.role ?? ''
    }' exists and accepts this identity (service account and namespace bindings, JWT audience and claims).`;
  }
  switch (kind) {
    case 'sealed':
      return `Vault at ${ctx.address} is sealed: an operator must unseal it (vault operator unseal) before it can answer; nothing was changed.`;
    case 'invalid-token':
      return ctx.authMethod === 'token'
        ? 'The configured Vault token (mqCertificates.vault.auth.token) has expired or was revoked: configure a new one, or use approle, kubernetes or jwt auth so the backend can log in again by itself.'
        : `A fresh ${ctx.authMethod} login was refused as well: check the auth role's token_ttl, token_max_ttl and token_policies in Vault.`;
    case 'permission-denied':
      return `The Vault token's policies do not grant ${op.capabilities.join(
        ' and ',
      )} on '${op.path}'${inNamespace(ctx)}: add ${policyStanza(
        op,
      )} to the policy of the ${
        ctx.authMethod
      } role or token this backend uses.`;
    case 'not-allowed-by-role': {
      const base = `The PKI role ${op.mount}/roles/${op.role} does not allow this name: add its domain to the role's allowed_domains and set allow_subdomains=true for names below that domain (allow_bare_domains=true for the domain itself, allow_glob_domains for patterns, allow_ip_sans for IP addresses).`;
      return ctx.roleDetails ? `${base} ${ctx.roleDetails}` : base;
    }
    case 'unknown-role':
      return `There is no role '${op.role}' on the PKI mount '${
        op.mount
      }'${inNamespace(ctx)}: create it (vault write ${op.mount}/roles/${
        op.role
      } ...) or correct the role in the entity's mqcert.io/vault-pki-role annotation or in mqCertificates.vault.defaultPkiRole.`;
    case 'ca-expiry':
      return `The issuing CA of '${op.mount}' expires before the requested notAfter: request a shorter ttl, rotate the intermediate CA, or set the issuer's leaf_not_after_behavior=truncate.`;
    case 'unknown-mount':
      return `Nothing is mounted at '${op.mount}/' in Vault${inNamespace(
        ctx,
      )}: check the mount name (vault secrets list) in the entity's annotation or in the mqCertificates.vault configuration, and the namespace.`;
    case 'not-found':
      if (op.area === 'kv') {
        return `There is no secret at ${op.path} (or that version was deleted or destroyed): check the reference, or store the secret again.`;
      }
      if (op.area === 'pki') {
        return `Vault has nothing at '${op.path}': a certificate from a role with no_store=true is never stored, and a serial must be the one Vault issued.`;
      }
      return `Vault has nothing at '${op.path}'.`;
    case 'conflict':
      return `The secret at ${op.path} was changed since it was read (check-and-set did not match): read it again and retry with its current version.`;
    case 'bad-request':
      if (op.area === 'auth') {
        return ctx.authMethod === 'approle'
          ? `Check mqCertificates.vault.auth.roleId and secretId (a secret ID expires and may have a limited number of uses).`
          : `Check the ${ctx.authMethod} auth settings in mqCertificates.vault.auth (role and mount path) against Vault's auth/${op.mount} configuration.`;
      }
      return `Vault refused the request as invalid: correct what Vault's message names and try again.`;
    case 'rate-limited':
      return `Vault's rate-limit quota refused the request ${ctx.attempts} time(s): try again later, or ask the Vault operators to raise the quota.`;
    case 'server-error':
      return 'Vault failed internally: check the Vault server log, then try again.';
    case 'unavailable':
      return 'Vault (or a service it depends on) is unavailable: try again later.';
    case 'timeout':
      return `Vault at ${ctx.address} did not answer within ${ctx.timeoutMs} ms: check Vault's load and the network, or raise mqCertificates.vault.timeoutMs.`;
    case 'connection':
      return `Cannot reach Vault at ${ctx.address}${
        code ? ` (${code})` : ''
      }: check mqCertificates.vault.address and that Vault is running and reachable from the backend.`;
    case 'tls':
      return `The TLS connection to Vault at ${ctx.address} failed${
        code ? ` (${code})` : ''
      }: set mqCertificates.vault.tls.caFile to the CA that signed Vault's certificate, and tls.clientCertFile/clientKeyFile when Vault asks for a client certificate.`;
    case 'unexpected-response':
    default:
      return `Vault answered in a form this client does not understand: check that mqCertificates.vault.address points at Vault's API.`;
  }
}
