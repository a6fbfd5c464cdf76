import fs from 'node:fs';
import path from 'node:path';
import { JwtSigner } from '../auth/jwt';
import { EntityIds, TokenEntry, TokenStore } from '../auth/tokenStore';
import type { IssueQuirks } from '../pki/issue';
import type { DevCredentials } from '../seed/seedTypes';
import type { ServerStatus } from '../sys/sysBackend';
import { MountSpec, VaultCore } from './vaultCore';

/** Everything the state folder keeps (`state.json`); see README, "State folder". */
export interface ServerSnapshot {
  format: 'vault-dev-server/1';
  status: ServerStatus;
  root_token: string;
  tokens: TokenEntry[];
  entities: Record<string, string>;
  policies: Record<string, string>;
  jwt_signer: { private_key: string; kid: string };
  quirks: IssueQuirks;
  credentials?: DevCredentials;
  mounts: Array<MountSpec & { state: unknown }>;
}

export const STATE_FILE = 'state.json';

export function snapshotOf(
  core: VaultCore,
  credentials?: DevCredentials,
): ServerSnapshot {
  return {
    format: 'vault-dev-server/1',
    status: { ...core.status },
    root_token: core.rootToken,
    tokens: core.tokens.snapshot(),
    entities: core.entities.snapshot(),
    policies: core.policies,
    jwt_signer: core.signer.snapshot(),
    quirks: core.quirks,
    credentials,
    mounts: core.mounts
      .all()
      .filter(m => m.path !== 'auth/token/')
      .map(m => ({
        path: m.path,
        type: m.type,
        description: m.description,
        config: m.config,
        options: m.options,
        accessor: m.accessor,
        uuid: m.uuid,
        state: m.backend.snapshot(),
      })),
  };
}

export function coreFromSnapshot(s: ServerSnapshot): VaultCore {
  if (s.format !== 'vault-dev-server/1') {
    throw new Error(
      `unknown state format ${JSON.stringify(
        s.format,
      )}; delete the state folder to start fresh`,
    );
  }
  const core = new VaultCore(
    { ...s.status },
    new TokenStore(s.tokens),
    new EntityIds(s.entities),
    new JwtSigner(s.jwt_signer.private_key, s.jwt_signer.kid),
    s.root_token,
    s.policies,
    s.quirks,
  );
  for (const m of s.mounts) core.mount(m, m.state);
  return core;
}

/** Reads `state.json` from the folder, or undefined when there is none yet. */
export function loadSnapshot(dir: string): ServerSnapshot | undefined {
  const file = path.join(dir, STATE_FILE);
  if (!fs.existsSync(file)) return undefined;
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as ServerSnapshot;
  } catch (e) {
    throw new Error(
      `cannot read ${file}: ${
        (e as Error).message
      }; fix or delete it to start fresh`,
    );
  }
}

/**
 * Writes the snapshot atomically (temp file + rename). The file holds CA and
 * JWT private keys and tokens, so the folder is 0700 and the file 0600.
 */
export function saveSnapshot(dir: string, snapshot: ServerSnapshot): void {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = path.join(dir, STATE_FILE);
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(snapshot), { mode: 0o600 });
  fs.renameSync(tmp, file);
}
