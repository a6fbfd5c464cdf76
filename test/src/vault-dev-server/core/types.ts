import type { IncomingHttpHeaders } from 'node:http';
import type { TokenEntry } from '../auth/tokenStore';

/** Vault's logical operations. POST/PUT arrive as `write` and become create or update. */
export type Operation =
  | 'read'
  | 'list'
  | 'create'
  | 'update'
  | 'delete'
  | 'patch';
export type RequestOperation = 'read' | 'list' | 'write' | 'delete' | 'patch';
export type Capability = Operation | 'sudo' | 'deny';

export interface VaultRequest {
  /** The request_id echoed in the response envelope. */
  id: string;
  /** The HTTP method as the client sent it (`LIST` for the verb). */
  method: string;
  operation: RequestOperation;
  /** Vault path without `/v1/` (a LIST gets a trailing `/`, as in Vault). */
  path: string;
  query: URLSearchParams;
  body: Record<string, unknown>;
  headers: IncomingHttpHeaders;
  /** The caller's token once authenticated (absent on unauthenticated paths). */
  token?: TokenEntry;
}

/** The auth block of login and renew responses (Vault's HTTPAuth). */
export interface AuthBlock {
  client_token: string;
  accessor: string;
  policies: string[];
  token_policies: string[];
  metadata: Record<string, string> | null;
  lease_duration: number;
  renewable: boolean;
  entity_id: string;
  token_type: string;
  orphan: boolean;
  mfa_requirement: null;
  num_uses: number;
}

/** What a logical handler returns; the server wraps it in Vault's envelope. */
export interface LogicalResponse {
  kind?: 'logical';
  status?: number;
  data?: Record<string, unknown> | null;
  warnings?: string[];
  auth?: AuthBlock | null;
  leaseId?: string;
  leaseDuration?: number;
  renewable?: boolean;
}

/** A response sent as-is (PEM/DER endpoints, sys/health). */
export interface RawResponse {
  kind: 'raw';
  status: number;
  contentType?: string;
  body?: Buffer | string;
}

export type HandlerResult = LogicalResponse | RawResponse | undefined;

export type Params = Record<string, string>;

export type Handler = (
  req: VaultRequest,
  params: Params,
) => HandlerResult | Promise<HandlerResult>;

export interface Route {
  /** `issue/:role`, `data/*path`; matched against the path inside the mount. */
  pattern: string;
  /** No token needed (for all operations, or the listed ones). */
  unauthenticated?: boolean | RequestOperation[];
  /** The policy must also grant `sudo`. */
  sudo?: boolean;
  /** Distinguishes create from update for ACL checks (Vault's ExistenceCheck). */
  exists?: (req: VaultRequest, params: Params) => boolean;
  read?: Handler;
  list?: Handler;
  write?: Handler;
  delete?: Handler;
  patch?: Handler;
}

/** A secrets engine or auth method instance mounted at a path. */
export interface Backend {
  /** `mount_type` in responses (pki, kv, approle, ...). */
  readonly type: string;
  readonly routes: Route[];
  /** JSON-serialisable state for the state folder. */
  snapshot(): unknown;
}
