import crypto from 'node:crypto';
import { AppRoleMount } from '../auth/approle';
import { JwtSigner } from '../auth/jwt';
import { JwtMount } from '../auth/jwtMount';
import { EntityIds, TokenStore } from '../auth/tokenStore';
import { parseDurationSeconds } from '../core/durations';
import { randomBase62 } from '../core/ids';
import { VaultCore } from '../core/vaultCore';
import { KvMount } from '../kv/kvMount';
import { addIntermediateIssuer, addRootIssuer } from '../pki/caLifecycle';
import { PkiMount } from '../pki/pkiMount';
import { roleFromInput } from '../pki/roles';
import type {
  DevCredentials,
  SeedAuthMount,
  SeedMountCommon,
  SeedPkiMount,
  VaultSeed,
} from './seedTypes';

export class SeedError extends Error {}

export const DEFAULT_VERSION = '1.19.0';

function mountConfig(where: string, m: SeedMountCommon) {
  try {
    return {
      default_lease_ttl: parseDurationSeconds(m.default_lease_ttl) ?? 0,
      max_lease_ttl: parseDurationSeconds(m.max_lease_ttl) ?? 0,
    };
  } catch (e) {
    throw new SeedError(
      `${where}: ${
        (e as Error).message
      }; use a Go duration such as "768h" or seconds`,
    );
  }
}

async function seedPki(
  core: VaultCore,
  path: string,
  spec: SeedPkiMount,
  pki: PkiMount,
) {
  for (const [i, issuer] of (spec.issuers ?? []).entries()) {
    const where = `secrets.${path}.issuers[${i}]`;
    if (!issuer.common_name)
      throw new SeedError(`${where}.common_name: required`);
    const opts = {
      spec: issuer,
      issuer_name: issuer.issuer_name,
      leaf_not_after_behavior: issuer.leaf_not_after_behavior,
    };
    if (issuer.type === 'root') {
      await addRootIssuer(pki, opts);
    } else if (issuer.type === 'intermediate') {
      const [parentPath, parentRef] = (issuer.signed_by ?? '').split('/');
      const parentMount = core.pki(parentPath);
      const parent = parentMount?.resolveIssuer(parentRef ?? 'default');
      if (!parentMount || !parent?.key) {
        throw new SeedError(
          `${where}.signed_by: "${
            issuer.signed_by ?? ''
          }" is not a pki mount (or mount/issuer) with a key seeded before ${path}`,
        );
      }
      await addIntermediateIssuer(pki, parentMount, parent, {
        ...opts,
        importParentChain: issuer.import_parent_chain !== false,
      });
    } else {
      throw new SeedError(`${where}.type: must be "root" or "intermediate"`);
    }
  }
  for (const [name, body] of Object.entries(spec.roles ?? {})) {
    try {
      pki.roles.set(name, roleFromInput(body));
    } catch (e) {
      throw new SeedError(
        `secrets.${path}.roles.${name}: ${(e as Error).message}`,
      );
    }
  }
}

function seedAuth(
  path: string,
  spec: SeedAuthMount,
  backend: unknown,
  creds: DevCredentials[],
) {
  for (const [name, body] of Object.entries(spec.roles ?? {})) {
    try {
      if (backend instanceof AppRoleMount) {
        const role = backend.upsertRole(name, body);
        const { secretId } = backend.addSecretId(
          name,
          typeof body.secret_id === 'string' ? body.secret_id : undefined,
        );
        creds.push({
          approle_mount: path,
          role_name: name,
          role_id: role.role_id,
          secret_id: secretId,
        });
      } else if (backend instanceof JwtMount) {
        backend.upsertRole(name, body);
      }
    } catch (e) {
      throw new SeedError(
        `auth.${path}.roles.${name}: ${(e as Error).message}`,
      );
    }
  }
  if (spec.config && backend instanceof JwtMount)
    backend.config = { ...spec.config };
}

/** Builds a fresh Vault core from a seed; returns it with the AppRole credentials to print. */
export async function coreFromSeed(
  seed: VaultSeed,
): Promise<{ core: VaultCore; credentials?: DevCredentials }> {
  const tokens = new TokenStore();
  const root = tokens.createRoot(seed.root_token);
  const core = new VaultCore(
    {
      initialized: true,
      sealed: false,
      standby: false,
      performanceStandby: false,
      version: seed.version ?? DEFAULT_VERSION,
      clusterName:
        seed.cluster_name ?? `vault-cluster-${randomBase62(8).toLowerCase()}`,
      clusterId: crypto.randomUUID(),
      unsealKey: crypto.randomBytes(32).toString('base64'),
    },
    tokens,
    new EntityIds(),
    new JwtSigner(seed.jwt_signing_key),
    root.id,
    {},
    {
      notAfterBypassesMaxTtl: seed.quirks?.not_after_bypasses_max_ttl ?? false,
    },
  );
  for (const [name, src] of Object.entries(seed.policies ?? {})) {
    try {
      core.setPolicy(name, src);
    } catch (e) {
      throw new SeedError(`policies.${name}: ${(e as Error).message}`);
    }
  }
  for (const [path, spec] of Object.entries(seed.secrets ?? {})) {
    const where = `secrets.${path}`;
    if (spec.type === 'pki') {
      const entry = core.mount({
        path,
        type: 'pki',
        description: spec.description,
        config: mountConfig(where, spec),
      });
      await seedPki(core, path, spec, entry.backend as PkiMount);
    } else if (spec.type === 'kv') {
      const version = spec.options?.version ?? '2';
      if (version !== '2')
        throw new SeedError(
          `${where}.options.version: only "2" (KV v2) is served`,
        );
      const entry = core.mount({
        path,
        type: 'kv',
        description: spec.description,
        config: mountConfig(where, spec),
        options: { version },
      });
      for (const [secretPath, data] of Object.entries(spec.data ?? {}))
        (entry.backend as KvMount).put(secretPath, data);
    } else {
      throw new SeedError(`${where}.type: must be "pki" or "kv"`);
    }
  }
  const creds: DevCredentials[] = [];
  for (const [path, spec] of Object.entries(seed.auth ?? {})) {
    const where = `auth.${path}`;
    if (!['approle', 'jwt', 'oidc', 'kubernetes'].includes(spec.type)) {
      throw new SeedError(
        `${where}.type: must be approle, jwt, oidc or kubernetes`,
      );
    }
    const entry = core.mount({
      path: `auth/${path}`,
      type: spec.type,
      description: spec.description,
      config: mountConfig(where, spec),
    });
    seedAuth(path, spec, entry.backend, creds);
  }
  const preferred =
    creds.find(
      c => c.approle_mount === 'approle' && c.role_name === 'mq-portal',
    ) ?? creds[0];
  return { core, credentials: preferred };
}
