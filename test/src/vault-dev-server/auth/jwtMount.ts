import crypto, { KeyObject } from 'node:crypto';
import { badRequest, forbidden, VaultHttpError } from '../http/vaultError';
import { durationSeconds, str, stringList } from '../core/fields';
import { listResponse } from '../core/responses';
import type { Backend, LogicalResponse, Route } from '../core/types';
import { globMatch } from '../pki/names';
import { JwtError, JwtSigner, verifyJwt } from './jwt';
import {
  issueLoginToken,
  LoginContext,
  parseTokenParams,
  TokenParams,
  tokenParamsResponse,
} from './tokenParams';

/** A role of the jwt/oidc or kubernetes auth method (fields of both, Vault's names). */
export interface JwtRole extends TokenParams {
  role_type?: string;
  bound_audiences: string[];
  bound_subject: string;
  user_claim: string;
  claim_mappings: Record<string, string>;
  expiration_leeway: number;
  bound_service_account_names: string[];
  bound_service_account_namespaces: string[];
  audience: string;
}

export interface JwtSnapshot {
  config: Record<string, unknown>;
  roles: Record<string, JwtRole>;
}

const forbiddenWith = (message: string) => new VaultHttpError(403, [message]);

function audiences(claims: Record<string, unknown>): string[] {
  const aud = claims.aud;
  if (aud === undefined) return [];
  return Array.isArray(aud) ? aud.map(String) : [String(aud)];
}

function serviceAccountOf(claims: Record<string, unknown>) {
  const projected = (claims['kubernetes.io'] ?? {}) as {
    namespace?: string;
    serviceaccount?: { name?: string; uid?: string };
    secret?: { name?: string };
  };
  return {
    namespace:
      projected.namespace ??
      str(claims['kubernetes.io/serviceaccount/namespace']),
    name:
      projected.serviceaccount?.name ??
      str(claims['kubernetes.io/serviceaccount/service-account.name']),
    uid:
      projected.serviceaccount?.uid ??
      str(claims['kubernetes.io/serviceaccount/service-account.uid']),
    secretName:
      projected.secret?.name ??
      str(claims['kubernetes.io/serviceaccount/secret.name']),
  };
}

function unverifiedClaims(jwt: string): Record<string, unknown> {
  try {
    return JSON.parse(
      Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString(),
    );
  } catch {
    return {};
  }
}

/**
 * The jwt (or oidc) and kubernetes auth methods. Both accept JWTs signed by
 * the dev signer key or by a key in the mount config (`jwt_validation_pubkeys`
 * for jwt, `pem_keys` for kubernetes) and check role, audience and expiry.
 * Kubernetes' TokenReview call is replaced by that local check.
 */
export class JwtMount implements Backend {
  readonly routes: Route[];
  readonly roles = new Map<string, JwtRole>();
  config: Record<string, unknown> = {};

  constructor(
    readonly type: 'jwt' | 'oidc' | 'kubernetes',
    private readonly ctx: () => LoginContext,
    private readonly signer: JwtSigner,
    snapshot?: JwtSnapshot,
  ) {
    if (snapshot) {
      this.config = snapshot.config;
      for (const [name, role] of Object.entries(snapshot.roles))
        this.roles.set(name, role);
    }
    this.routes = [
      {
        pattern: 'login',
        unauthenticated: true,
        write: req => this.login(req.body),
      },
      {
        pattern: 'config',
        read: () => ({ data: this.config }),
        write: req => {
          this.config = { ...this.config, ...req.body };
          return undefined;
        },
      },
      {
        pattern: 'role',
        list: () => listResponse([...this.roles.keys()].sort()),
      },
      {
        pattern: 'role/:name',
        exists: (_req, p) => this.roles.has(p.name),
        read: (_req, p) => {
          const r = this.roles.get(p.name);
          return r ? { data: { ...r, ...tokenParamsResponse(r) } } : undefined;
        },
        write: (req, p) => {
          this.upsertRole(p.name, req.body);
          return undefined;
        },
        delete: (_req, p) => {
          this.roles.delete(p.name);
          return undefined;
        },
      },
    ];
  }

  upsertRole(name: string, input: Record<string, unknown>): JwtRole {
    const role: JwtRole = {
      ...parseTokenParams(input),
      role_type:
        this.type === 'kubernetes' ? undefined : str(input.role_type, 'jwt'),
      bound_audiences: stringList(input.bound_audiences),
      bound_subject: str(input.bound_subject),
      user_claim: str(input.user_claim, 'sub'),
      claim_mappings: (input.claim_mappings as Record<string, string>) ?? {},
      expiration_leeway: durationSeconds(
        input.expiration_leeway,
        'expiration_leeway',
        150,
      ),
      bound_service_account_names: stringList(
        input.bound_service_account_names,
      ),
      bound_service_account_namespaces: stringList(
        input.bound_service_account_namespaces,
      ),
      audience: str(input.audience),
    };
    if (this.type === 'kubernetes') {
      if (role.bound_service_account_names.length === 0) {
        throw badRequest('"bound_service_account_names" can not be empty');
      }
      if (role.bound_service_account_namespaces.length === 0) {
        throw badRequest('"bound_service_account_namespaces" can not be empty');
      }
    }
    this.roles.set(name, role);
    return role;
  }

  private trustedKeys(): KeyObject[] {
    const configured = stringList(
      this.config.jwt_validation_pubkeys ?? this.config.pem_keys,
    );
    return [
      this.signer.publicKey,
      ...configured.map(pem => crypto.createPublicKey(pem)),
    ];
  }

  /** Signature and time checks; returns the claims or the error text. */
  private verify(
    jwt: string,
    leewaySeconds: number,
  ): Record<string, unknown> | string {
    let claims: Record<string, unknown>;
    try {
      claims = verifyJwt(jwt, this.trustedKeys());
    } catch (e) {
      if (e instanceof JwtError) return e.message;
      throw e;
    }
    const now = Math.floor(Date.now() / 1000);
    if (typeof claims.exp === 'number' && now > claims.exp + leewaySeconds) {
      return 'invalid expiration time (exp) claim: token is expired';
    }
    if (typeof claims.nbf === 'number' && now + leewaySeconds < claims.nbf) {
      return 'invalid not before (nbf) claim: token not yet valid';
    }
    return claims;
  }

  private login(body: Record<string, unknown>): LogicalResponse {
    return this.type === 'kubernetes'
      ? this.kubernetesLogin(body)
      : this.jwtLogin(body);
  }

  private jwtLogin(body: Record<string, unknown>): LogicalResponse {
    const roleName = str(body.role) || str(this.config.default_role);
    if (!roleName) throw badRequest('missing role');
    const role = this.roles.get(roleName);
    if (!role) throw badRequest(`role "${roleName}" could not be found`);
    const jwt = str(body.jwt);
    if (!jwt) throw badRequest('missing token');
    const claims = this.verify(jwt, role.expiration_leeway);
    if (typeof claims === 'string')
      throw badRequest(`error validating token: ${claims}`);
    const boundIssuer = str(this.config.bound_issuer);
    if (boundIssuer && claims.iss !== boundIssuer) {
      throw badRequest('error validating token: invalid issuer (iss) claim');
    }
    const aud = audiences(claims);
    if (
      role.bound_audiences.length > 0 &&
      !aud.some(a => role.bound_audiences.includes(a))
    ) {
      throw badRequest(
        'error validating token: invalid audience (aud) claim: audience claim does not match any expected audience',
      );
    }
    if (role.bound_audiences.length === 0 && aud.length > 0) {
      throw badRequest(
        'error validating token: audience claim found in JWT but no audiences bound to the role',
      );
    }
    if (role.bound_subject && claims.sub !== role.bound_subject) {
      throw badRequest('sub claim does not match bound subject');
    }
    const user = claims[role.user_claim];
    if (user === undefined || user === null || user === '') {
      throw badRequest(`claim "${role.user_claim}" not found in token`);
    }
    const meta: Record<string, string> = { role: roleName };
    for (const [claim, key] of Object.entries(role.claim_mappings)) {
      if (claims[claim] !== undefined) meta[key] = String(claims[claim]);
    }
    const token = issueLoginToken(this.ctx(), role, {
      displayName: `${this.type}-${String(user)}`,
      aliasName: String(user),
      meta,
    });
    return { auth: this.ctx().tokens.authBlock(token) };
  }

  private kubernetesLogin(body: Record<string, unknown>): LogicalResponse {
    const roleName = str(body.role);
    if (!roleName) throw badRequest('missing role');
    const role = this.roles.get(roleName);
    if (!role) throw badRequest(`invalid role name "${roleName}"`);
    const jwt = str(body.jwt);
    if (!jwt) throw badRequest('missing jwt');
    // Vault checks the service account against the role before asking the API server.
    const sa = serviceAccountOf(unverifiedClaims(jwt));
    if (
      !role.bound_service_account_names.some(
        n => n === '*' || globMatch(n, sa.name),
      )
    ) {
      throw forbiddenWith('service account name not authorized');
    }
    if (
      !role.bound_service_account_namespaces.some(
        n => n === '*' || globMatch(n, sa.namespace),
      )
    ) {
      throw forbiddenWith('namespace not authorized');
    }
    // TokenReview stand-in: a bad signature or an expired token is "permission denied".
    const claims = this.verify(jwt, 0);
    if (typeof claims === 'string') throw forbidden();
    if (role.audience && !audiences(claims).includes(role.audience)) {
      throw forbiddenWith(
        'invalid audience (aud) claim: audience claim does not match any expected audience',
      );
    }
    const token = issueLoginToken(this.ctx(), role, {
      displayName: `kubernetes-${sa.namespace}-${sa.name}`,
      aliasName: sa.uid || `${sa.namespace}/${sa.name}`,
      meta: {
        role: roleName,
        service_account_name: sa.name,
        service_account_namespace: sa.namespace,
        service_account_secret_name: sa.secretName,
        service_account_uid: sa.uid,
      },
    });
    return { auth: this.ctx().tokens.authBlock(token) };
  }

  snapshot(): JwtSnapshot {
    return { config: this.config, roles: Object.fromEntries(this.roles) };
  }
}
