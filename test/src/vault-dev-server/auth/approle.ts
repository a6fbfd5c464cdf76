import crypto from 'node:crypto';
import { badRequest } from '../http/vaultError';
import { bool, str } from '../core/fields';
import { listResponse } from '../core/responses';
import type { Backend, LogicalResponse, Route } from '../core/types';
import {
  issueLoginToken,
  LoginContext,
  parseTokenParams,
  TokenParams,
  tokenParamsResponse,
} from './tokenParams';

export interface AppRoleRole extends TokenParams {
  role_id: string;
  bind_secret_id: boolean;
  /** secret_id → its accessor. */
  secret_ids: Record<string, string>;
}

export type AppRoleSnapshot = Record<string, AppRoleRole>;

/**
 * An AppRole auth method. Login answers Vault's texts: `missing role_id`,
 * `missing secret_id`, and `invalid role or secret ID` for anything wrong.
 */
export class AppRoleMount implements Backend {
  readonly type = 'approle';
  readonly routes: Route[];
  readonly roles = new Map<string, AppRoleRole>();

  constructor(
    private readonly ctx: () => LoginContext,
    snapshot?: AppRoleSnapshot,
  ) {
    for (const [name, role] of Object.entries(snapshot ?? {}))
      this.roles.set(name, role);
    const role = (name: string) => {
      const r = this.roles.get(name);
      if (!r) throw badRequest(`role "${name}" does not exist`);
      return r;
    };
    this.routes = [
      {
        pattern: 'login',
        unauthenticated: true,
        write: req => this.login(req.body),
      },
      {
        pattern: 'role',
        list: () => listResponse([...this.roles.keys()].sort()),
      },
      {
        pattern: 'role/:name/role-id',
        read: (_req, p) => ({ data: { role_id: role(p.name).role_id } }),
        write: (req, p) => {
          role(p.name).role_id = str(req.body.role_id) || role(p.name).role_id;
          return undefined;
        },
      },
      {
        pattern: 'role/:name/secret-id',
        write: (_req, p) => {
          const { secretId, accessor } = this.addSecretId(p.name);
          return {
            data: {
              secret_id: secretId,
              secret_id_accessor: accessor,
              secret_id_ttl: 0,
              secret_id_num_uses: 0,
            },
          };
        },
      },
      {
        pattern: 'role/:name',
        exists: (_req, p) => this.roles.has(p.name),
        read: (_req, p) => {
          const r = this.roles.get(p.name);
          if (!r) return undefined;
          return {
            data: {
              bind_secret_id: r.bind_secret_id,
              secret_id_ttl: 0,
              secret_id_num_uses: 0,
              ...tokenParamsResponse(r),
            },
          };
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

  /** Creates or updates a role; the seed may fix role_id (and secret_id via addSecretId). */
  upsertRole(name: string, input: Record<string, unknown>): AppRoleRole {
    const existing = this.roles.get(name);
    const role: AppRoleRole = {
      ...parseTokenParams(input, existing),
      role_id: str(input.role_id) || existing?.role_id || crypto.randomUUID(),
      bind_secret_id: bool(
        input.bind_secret_id,
        'bind_secret_id',
        existing?.bind_secret_id ?? true,
      ),
      secret_ids: existing?.secret_ids ?? {},
    };
    this.roles.set(name, role);
    return role;
  }

  addSecretId(
    name: string,
    secretId: string = crypto.randomUUID(),
  ): { secretId: string; accessor: string } {
    const role = this.roles.get(name);
    if (!role) throw badRequest(`role "${name}" does not exist`);
    const accessor = crypto.randomUUID();
    role.secret_ids[secretId] = accessor;
    return { secretId, accessor };
  }

  private login(body: Record<string, unknown>): LogicalResponse {
    const roleId = str(body.role_id);
    const secretId = str(body.secret_id);
    if (!roleId) throw badRequest('missing role_id');
    const found = [...this.roles.entries()].find(
      ([, r]) => r.role_id === roleId,
    );
    if (!found) throw badRequest('invalid role or secret ID');
    const [name, role] = found;
    if (role.bind_secret_id) {
      if (!secretId) throw badRequest('missing secret_id');
      if (!(secretId in role.secret_ids))
        throw badRequest('invalid role or secret ID');
    }
    const token = issueLoginToken(this.ctx(), role, {
      displayName: 'approle',
      aliasName: role.role_id,
      meta: { role_name: name },
    });
    return { auth: this.ctx().tokens.authBlock(token) };
  }

  snapshot(): AppRoleSnapshot {
    return Object.fromEntries(this.roles);
  }
}
