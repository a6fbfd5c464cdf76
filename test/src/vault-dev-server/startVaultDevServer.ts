import type { IncomingMessage, ServerResponse } from 'node:http';
import { MintJwtOptions, mintJwt } from './auth/jwt';
import { VaultDevControl } from './control/controlClient';
import {
  coreFromSnapshot,
  loadSnapshot,
  saveSnapshot,
  snapshotOf,
} from './core/snapshot';
import type { VaultCore } from './core/vaultCore';
import { CONTROL_PREFIX, handleControlRequest } from './faults/controlApi';
import { handleVaultRequest } from './http/handleRequest';
import { listen } from './http/listener';
import { PkiMount } from './pki/pkiMount';
import { coreFromSeed } from './seed/applySeed';
import { resolveSeed } from './seed/loadSeed';
import type { DevCredentials, VaultSeed } from './seed/seedTypes';
import { createDevTls, DevTlsMaterial } from './tls/devTls';

export interface StartVaultDevServerOptions {
  /** A seed object or the path of a JSON/YAML seed file; the default seed otherwise. */
  seed?: VaultSeed | string;
  /** TCP port on 127.0.0.1; 0 (default) lets the OS pick a free one. */
  port?: number;
  /** Loopback address to listen on. Default 127.0.0.1. */
  host?: '127.0.0.1' | '::1';
  /**
   * Folder that keeps the state (CA keys, certificates, tokens, KV data) across
   * restarts; the seed is applied only when it holds no state yet.
   */
  stateDir?: string;
  /**
   * Serve HTTPS with a server certificate from a throwaway dev CA
   * (`tls.caPem` on the handle); `requireClientCert` makes the server demand
   * a client certificate from that CA (`tls.clientCertPem`/`clientKeyPem`).
   */
  tls?: boolean | { requireClientCert?: boolean };
}

export interface VaultDevServer {
  /** `http://127.0.0.1:<port>` (or https://). */
  readonly address: string;
  readonly port: number;
  readonly rootToken: string;
  /** AppRole credentials of the seeded role (auth/approle, role mq-portal by default). */
  readonly roleId: string;
  readonly secretId: string;
  /** PEMs of the PKI CAs (roots first, then intermediates), as they are now. */
  readonly caChainPem: string;
  /** Present when started with `tls`. */
  readonly tls?: DevTlsMaterial;
  /** Typed helpers for the fault-injection endpoint. */
  readonly control: VaultDevControl;
  /** Signs a JWT that auth/jwt and auth/kubernetes accept (unless `untrusted`). */
  mintJwt(options?: MintJwtOptions): string;
  stop(): Promise<void>;
}

/** All CA certificates of the PKI mounts' default issuer chains, roots first. */
function caChainOf(core: VaultCore): string {
  const pems: string[] = [];
  for (const m of core.mounts.all()) {
    if (!(m.backend instanceof PkiMount)) continue;
    const issuer = m.backend.defaultIssuer();
    if (!issuer) continue;
    for (const ca of m.backend.chainOf(issuer).reverse())
      if (!pems.includes(ca.pem)) pems.push(ca.pem);
  }
  const selfSigned = (pem: string) =>
    core.mounts
      .all()
      .some(
        m =>
          m.backend instanceof PkiMount &&
          [...m.backend.issuers.values()].some(
            i => i.pem === pem && i.selfSigned,
          ),
      );
  return [...pems.filter(selfSigned), ...pems.filter(p => !selfSigned(p))].join(
    '\n',
  );
}

async function buildCore(
  options: StartVaultDevServerOptions,
): Promise<{ core: VaultCore; credentials?: DevCredentials }> {
  const saved = options.stateDir ? loadSnapshot(options.stateDir) : undefined;
  const built = saved
    ? { core: coreFromSnapshot(saved), credentials: saved.credentials }
    : await coreFromSeed(resolveSeed(options.seed));
  const dir = options.stateDir;
  if (dir) {
    built.core.onChange = () =>
      saveSnapshot(dir, snapshotOf(built.core, built.credentials));
    built.core.onChange();
  }
  return built;
}

/**
 * Starts the Vault-compatible PKI dev server on loopback. See
 * test/src/vault-dev-server/README.md for what it serves and how to seed it.
 */
export async function startVaultDevServer(
  options: StartVaultDevServerOptions = {},
): Promise<VaultDevServer> {
  const host = options.host ?? '127.0.0.1';
  if (host !== '127.0.0.1' && host !== '::1')
    throw new Error(`host: ${host} is not loopback; use 127.0.0.1 or ::1`);
  const { core, credentials } = await buildCore(options);
  const tls = options.tls ? await createDevTls() : undefined;
  const requireClientCert =
    typeof options.tls === 'object' && Boolean(options.tls.requireClientCert);

  let address = '';
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0];
    const work =
      path === CONTROL_PREFIX || path.startsWith(`${CONTROL_PREFIX}/`)
        ? handleControlRequest(
            {
              core,
              credentials: () => ({
                address,
                root_token: core.rootToken,
                role_id: credentials?.role_id ?? '',
                secret_id: credentials?.secret_id ?? '',
                ca_chain_pem: caChainOf(core),
              }),
            },
            req,
            res,
          )
        : handleVaultRequest(core, req, res);
    return work.catch(err => {
      // eslint-disable-next-line no-console
      console.error('vault-dev-server: request failed', err);
      if (!res.headersSent) res.writeHead(500).end();
    });
  };
  const listener = await listen(
    {
      host,
      port: options.port ?? 0,
      tls: tls && {
        key: tls.serverKeyPem,
        cert: tls.serverCertPem,
        ca: tls.caPem,
        requestCert: requireClientCert,
      },
    },
    handler,
  );
  const hostPart = host === '::1' ? '[::1]' : host;
  address = `${tls ? 'https' : 'http'}://${hostPart}:${listener.port}`;
  const control = new VaultDevControl(
    address,
    tls
      ? {
          ca: tls.caPem,
          ...(requireClientCert
            ? { cert: tls.clientCertPem, key: tls.clientKeyPem }
            : {}),
        }
      : {},
  );
  return {
    address,
    port: listener.port,
    rootToken: core.rootToken,
    roleId: credentials?.role_id ?? '',
    secretId: credentials?.secret_id ?? '',
    get caChainPem() {
      return caChainOf(core);
    },
    tls,
    control,
    mintJwt: (opts: MintJwtOptions = {}) => mintJwt(core.signer, opts),
    stop: () => listener.close(),
  };
}
