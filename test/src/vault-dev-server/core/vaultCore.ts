import { AppRoleMount, AppRoleSnapshot } from '../auth/approle';
import { JwtSigner } from '../auth/jwt';
import { JwtMount, JwtSnapshot } from '../auth/jwtMount';
import { TokenBackend } from '../auth/tokenBackend';
import type { LoginContext } from '../auth/tokenParams';
import { EntityIds, TokenEntry, TokenStore } from '../auth/tokenStore';
import { FaultInjector } from '../faults/faults';
import { RequestLog } from '../faults/requestLog';
import {
  forbidden,
  invalidToken,
  noHandler,
  notFound,
  sealedError,
  unsupportedOperation,
  unsupportedPath,
} from '../http/vaultError';
import { KvMount, KvSnapshot } from '../kv/kvMount';
import type { IssueQuirks } from '../pki/issue';
import { PkiMount, PkiSnapshot } from '../pki/pkiMount';
import { Acl, parsePolicies } from '../policy/acl';
import { parsePolicy, PolicyRule } from '../policy/hcl';
import { ServerStatus, SysBackend } from '../sys/sysBackend';
import { newAccessor, uuid } from './ids';
import { MountConfig, MountEntry, MountTable } from './mounts';
import { matchRoute } from './routing';
import type {
  Backend,
  Capability,
  HandlerResult,
  Operation,
  VaultRequest,
} from './types';

/** Paths a sealed Vault still answers. */
const SEALED_OK = new Set(['sys/health', 'sys/seal-status', 'sys/unseal']);

export interface MountSpec {
  path: string;
  type: string;
  description?: string;
  config?: Partial<MountConfig>;
  options?: Record<string, string>;
  accessor?: string;
  uuid?: string;
}

export interface DispatchResult {
  result: HandlerResult;
  mountType: string;
}

/**
 * The Vault core: mount table, tokens, policies and seal state. It turns a
 * parsed request into a handler result, enforcing seal, authentication and
 * ACLs in Vault's order; HTTP details live in http/handleRequest.ts.
 */
export class VaultCore {
  readonly mounts = new MountTable();
  readonly faults = new FaultInjector();
  readonly log = new RequestLog();
  readonly sys: SysBackend;
  private policyRules = new Map<string, PolicyRule[]>();
  /** Called after every change worth persisting (the state folder hooks in here). */
  onChange: () => void = () => {};

  constructor(
    readonly status: ServerStatus,
    readonly tokens: TokenStore,
    readonly entities: EntityIds,
    readonly signer: JwtSigner,
    public rootToken: string,
    private policySources: Record<string, string>,
    readonly quirks: IssueQuirks = {},
  ) {
    this.policyRules = parsePolicies(policySources);
    this.sys = new SysBackend({
      status,
      mounts: () => this.mounts.all(),
      capabilities: (req, path) => this.capabilitiesOf(req.token, path),
      onSealChange: () => this.onChange(),
    });
    this.mount({
      path: 'auth/token/',
      type: 'token',
      description: 'token based credentials',
    });
  }

  get policies(): Record<string, string> {
    return { ...this.policySources };
  }

  setPolicy(name: string, source: string): void {
    parsePolicy(source);
    this.policySources = { ...this.policySources, [name]: source };
    this.policyRules = parsePolicies(this.policySources);
  }

  /** Mounts a secrets engine or auth method (restoring its state when given). */
  mount(spec: MountSpec, state?: unknown): MountEntry {
    const path = spec.path.endsWith('/') ? spec.path : `${spec.path}/`;
    const entry: MountEntry = {
      path,
      type: spec.type,
      accessor:
        spec.accessor ??
        `${spec.type}_${newAccessor().slice(0, 8).toLowerCase()}`,
      uuid: spec.uuid ?? uuid(),
      description: spec.description ?? '',
      config: { default_lease_ttl: 0, max_lease_ttl: 0, ...spec.config },
      options: spec.options ?? {},
      backend: undefined as unknown as Backend,
    };
    entry.backend = this.createBackend(entry, state);
    this.mounts.add(entry);
    return entry;
  }

  private createBackend(entry: MountEntry, state: unknown): Backend {
    const login = (): LoginContext => ({
      tokens: this.tokens,
      entities: this.entities,
      mount: entry,
    });
    switch (entry.type) {
      case 'pki': {
        const pki = new PkiMount(
          entry.path,
          entry.config,
          state as PkiSnapshot | undefined,
        );
        pki.quirks = this.quirks;
        return pki;
      }
      case 'kv':
        if (entry.options.version !== '2') {
          throw new Error(
            `mount ${entry.path}: only KV version 2 is served (options.version "2")`,
          );
        }
        return new KvMount(state as KvSnapshot | undefined);
      case 'approle':
        return new AppRoleMount(login, state as AppRoleSnapshot | undefined);
      case 'jwt':
      case 'oidc':
      case 'kubernetes':
        return new JwtMount(
          entry.type,
          login,
          this.signer,
          state as JwtSnapshot | undefined,
        );
      case 'token':
        return new TokenBackend(this.tokens, () => entry.config);
      default:
        throw new Error(
          `mount ${entry.path}: unsupported type "${entry.type}" (pki, kv, approle, jwt, oidc, kubernetes)`,
        );
    }
  }

  pki(path: string): PkiMount | undefined {
    const backend = this.mounts.get(path)?.backend;
    return backend instanceof PkiMount ? backend : undefined;
  }

  capabilitiesOf(token: TokenEntry | undefined, path: string): Capability[] {
    if (!token) return [];
    if (token.policies.includes('root')) return ['root' as Capability];
    return [...new Acl(token.policies, this.policyRules).capabilities(path)];
  }

  private requiredCapabilities(
    req: VaultRequest,
    exists: boolean | undefined,
    sudo: boolean,
  ): Capability[] {
    const byOp: Record<string, Operation> = {
      read: 'read',
      list: 'list',
      delete: 'delete',
      patch: 'patch',
    };
    // Vault's ExistenceCheck: a write to something new needs create, else update.
    let op: Operation = byOp[req.operation];
    if (req.operation === 'write') op = exists === false ? 'create' : 'update';
    return sudo ? [op, 'sudo'] : [op];
  }

  /** Seal → route → token → ACL → handler, with Vault's errors at each step. */
  async dispatch(
    req: VaultRequest,
    clientToken: string | undefined,
  ): Promise<DispatchResult> {
    if (
      (this.status.sealed || !this.status.initialized) &&
      !SEALED_OK.has(req.path.replace(/\/$/, ''))
    ) {
      throw sealedError();
    }
    const isSys = req.path.startsWith('sys/');
    const found = isSys
      ? { mount: undefined, rest: req.path.slice(4) }
      : this.mounts.match(req.path);
    const backend = isSys ? this.sys : found?.mount?.backend;
    const match =
      backend && found ? matchRoute(backend.routes, found.rest) : undefined;
    const route = match?.route;
    const open =
      route?.unauthenticated === true ||
      (Array.isArray(route?.unauthenticated) &&
        route!.unauthenticated.includes(req.operation));

    if (!open) {
      const token = this.tokens.lookup(clientToken);
      if (!token) throw invalidToken();
      const exists =
        req.operation === 'write' && route?.exists
          ? route.exists(req, match!.params)
          : undefined;
      const needed = this.requiredCapabilities(
        req,
        exists,
        Boolean(route?.sudo),
      );
      if (!token.policies.includes('root')) {
        const acl = new Acl(token.policies, this.policyRules);
        const paths =
          req.operation === 'list'
            ? [req.path, req.path.replace(/\/$/, '')]
            : [req.path];
        if (!paths.some(p => acl.allows(p, needed))) throw forbidden();
      }
      req.token = token;
    }
    if (!backend) throw noHandler(req.path);
    if (!match) throw unsupportedPath();
    const handler = match.route[req.operation];
    if (!handler) throw unsupportedOperation();
    const result = await handler(req, match.params);
    if (
      result === undefined &&
      (req.operation === 'read' || req.operation === 'list')
    )
      throw notFound();
    return { result, mountType: backend.type };
  }

  /** A token by id or accessor (control endpoint). */
  findToken(tokenOrAccessor: string): TokenEntry | undefined {
    return (
      this.tokens.lookup(tokenOrAccessor) ??
      this.tokens.byAccessor(tokenOrAccessor)
    );
  }
}
