/*
 * The demo's initial queue-manager certificates, issued by the dev Vault and
 * chosen to sit just past their renew point, so the portal opens on
 * something worth acting on.
 *
 * A CA cannot issue a certificate "36 days ago", but Vault's PKI roles have
 * `not_before_duration` (how far NotBefore is backdated; 30 s by default).
 * The demo writes a role `mq-demo-initial` on pki_int with a backdate of
 * `ageDays` and a TTL of `lifetimeDays - ageDays`: the certificate's
 * lifetime is exactly `lifetimeDays`, `ageDays` of it already used. This is
 * a real Vault role setting, so the same two calls work on a real Vault.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { encodeGskitStash } from '@mqcert/plugin-mq-certificates-node';
import { buildTestPkcs12 } from '../src/qm-simulator';
import type { VaultDevServer } from '../src/vault-dev-server';
import { DemoQueueManager, effectiveLabel } from './demoQueueManagers';

/** Role written on pki_int for the initial certificates. */
export const DEMO_INITIAL_ROLE = 'mq-demo-initial';

/** Age of the initial certificates. */
export interface InitialCertificateAge {
  /** Whole lifetime (notAfter − notBefore), days. Default 47. */
  lifetimeDays: number;
  /** Days already used. Default 36 (renewal is due after 75 % = 35.25). */
  ageDays: number;
}

export const DEFAULT_INITIAL_AGE: InitialCertificateAge = {
  lifetimeDays: 47,
  ageDays: 36,
};

/** What an initial key repository holds (no key material). */
export interface InitialRepository {
  /** Absolute path of the live PKCS#12 (the queue manager's SSLKEYR). */
  sslKeyRepository: string;
  /** label → serial (Vault's colon-separated hex) of the certificate under it. */
  serials: Record<string, string>;
}

async function vaultWrite(
  vault: VaultDevServer,
  apiPath: string,
  body: Record<string, unknown>,
): Promise<Record<string, any>> {
  const res = await fetch(`${vault.address}/v1/${apiPath}`, {
    method: 'POST',
    headers: {
      'X-Vault-Token': vault.rootToken,
      'Content-Type': 'application/json',
    },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) {
    throw new Error(
      `demo setup: Vault answered ${res.status} to POST /v1/${apiPath}: ${text}`,
    );
  }
  return text ? JSON.parse(text) : {};
}

/** Writes the backdating role on pki_int (idempotent: a role write replaces it). */
export async function writeInitialRole(
  vault: VaultDevServer,
  age: InitialCertificateAge,
): Promise<void> {
  if (!(age.ageDays >= 0 && age.lifetimeDays > age.ageDays)) {
    throw new Error(
      `initialCertificate: ageDays (${age.ageDays}) must be at least 0 and less than lifetimeDays (${age.lifetimeDays})`,
    );
  }
  const ttlHours = Math.round((age.lifetimeDays - age.ageDays) * 24);
  await vaultWrite(vault, `pki_int/roles/${DEMO_INITIAL_ROLE}`, {
    allowed_domains: ['mq.example.test'],
    allow_subdomains: true,
    key_type: 'rsa',
    key_bits: 2048,
    ttl: `${ttlHours}h`,
    max_ttl: `${ttlHours}h`,
    not_before_duration: `${Math.round(age.ageDays * 24 * 3600)}s`,
    server_flag: true,
    client_flag: true,
  });
}

/**
 * Issues the queue manager's certificates (its own label and each channel
 * label) from the dev Vault and writes them, with the CA chain, as the live
 * PKCS#12 repository `<root>/<stem>.p12` (mode 0600).
 */
export async function writeInitialRepository(options: {
  vault: VaultDevServer;
  qm: DemoQueueManager;
  /** The deploy target's root folder. */
  root: string;
  password: string;
}): Promise<InitialRepository> {
  const { vault, qm, root, password } = options;
  const wanted = [
    { label: effectiveLabel(qm), commonName: qm.hostName },
    ...qm.channels.flatMap(c => (c.own ? [c.own] : [])),
  ];
  const entries = [];
  const serials: Record<string, string> = {};
  let caChain: string[] = [];
  for (const w of wanted) {
    const issued = await vaultWrite(
      vault,
      `pki_int/issue/${DEMO_INITIAL_ROLE}`,
      {
        common_name: w.commonName,
      },
    );
    const data = issued.data as {
      certificate: string;
      private_key: string;
      ca_chain?: string[];
      issuing_ca: string;
      serial_number: string;
    };
    entries.push({
      label: w.label,
      certificatePem: data.certificate,
      // PKCS#1 or PKCS#8: forge reads both through privateKeyFromPem.
      privateKeyPem: toPkcs1IfNeeded(data.private_key),
    });
    serials[w.label] = data.serial_number;
    caChain = data.ca_chain?.length ? data.ca_chain : [data.issuing_ca];
  }
  const file = path.join(root, `${qm.keyRepositoryStem}.p12`);
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  fs.writeFileSync(
    file,
    buildTestPkcs12({
      entries,
      caCertificatesPem: caChain,
      password,
      algorithm: 'aes256',
    }),
    { mode: 0o600 },
  );
  // The stash MQ opens the repository with (KEYRPWD is left blank).
  fs.writeFileSync(
    path.join(root, `${qm.keyRepositoryStem}.sth`),
    encodeGskitStash(password),
    { mode: 0o600 },
  );
  return { sslKeyRepository: file, serials };
}

/** forge cannot read PKCS#8 EC keys; RSA keys in either form are converted to PKCS#1. */
function toPkcs1IfNeeded(pem: string): string {
  if (pem.includes('BEGIN RSA PRIVATE KEY')) return pem;
  return crypto
    .createPrivateKey(pem)
    .export({ type: 'pkcs1', format: 'pem' })
    .toString();
}
