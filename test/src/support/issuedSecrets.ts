import fs from 'node:fs';
import forge from 'node-forge';

/** One string field of one version of a KV v2 secret. */
export interface KvSecretValue {
  path: string;
  version: number;
  field: string;
  value: string;
}

async function vaultGet<T>(
  address: string,
  token: string,
  path: string,
): Promise<T | undefined> {
  const res = await fetch(`${address}/v1/${path}`, {
    headers: { 'X-Vault-Token': token },
    signal: AbortSignal.timeout(15_000),
  });
  if (res.status === 404) return undefined;
  if (!res.ok) {
    throw new Error(`Vault GET ${path}: ${res.status} ${await res.text()}`);
  }
  return (await res.json()) as T;
}

/**
 * Every string field of every version of every secret below `prefix` in a
 * KV v2 mount, read with plain HTTP (`?list=true` on metadata, then each
 * version's data): the passwords the audit searches for, read from Vault
 * itself rather than from the product.
 */
export async function readKvSecrets(options: {
  address: string;
  token: string;
  mount?: string;
  prefix?: string;
}): Promise<KvSecretValue[]> {
  const mount = options.mount ?? 'secret';
  const out: KvSecretValue[] = [];
  const walk = async (folder: string) => {
    const listed = await vaultGet<{ data: { keys: string[] } }>(
      options.address,
      options.token,
      `${mount}/metadata/${folder}?list=true`,
    );
    for (const key of listed?.data.keys ?? []) {
      const path = `${folder}${key}`;
      if (key.endsWith('/')) {
        await walk(path);
        continue;
      }
      const meta = await vaultGet<{
        data: { versions: Record<string, { destroyed?: boolean }> };
      }>(options.address, options.token, `${mount}/metadata/${path}`);
      for (const [v, info] of Object.entries(meta?.data.versions ?? {})) {
        if (info.destroyed) continue;
        const secret = await vaultGet<{
          data: { data: Record<string, unknown> | null };
        }>(
          options.address,
          options.token,
          `${mount}/data/${path}?version=${v}`,
        );
        for (const [field, value] of Object.entries(secret?.data.data ?? {})) {
          if (typeof value === 'string') {
            out.push({ path, version: Number(v), field, value });
          }
        }
      }
    }
  };
  const start = options.prefix
    ? `${options.prefix.replace(/^\/+|\/+$/g, '')}/`
    : '';
  await walk(start);
  return out;
}

/** A private key found in a PKCS#12 file, with the label (friendlyName) it sits under. */
export interface Pkcs12PrivateKey {
  file: string;
  label?: string;
  pem: string;
}

/**
 * Opens a PKCS#12 file with the first of `passwords` that works and returns
 * its private keys as PKCS#8 PEM (node-forge, independent of the product's
 * keystore code). Returns undefined when no password opens it.
 */
export function privateKeysFromPkcs12(
  file: string,
  passwords: string[],
): Pkcs12PrivateKey[] | undefined {
  const der = forge.util.createBuffer(fs.readFileSync(file).toString('binary'));
  for (const password of passwords) {
    let p12: forge.pkcs12.Pkcs12Pfx;
    try {
      p12 = forge.pkcs12.pkcs12FromAsn1(
        forge.asn1.fromDer(der.copy()),
        false,
        password,
      );
    } catch {
      continue;
    }
    const bags = [
      ...(p12.getBags({ bagType: forge.pki.oids.pkcs8ShroudedKeyBag })[
        forge.pki.oids.pkcs8ShroudedKeyBag
      ] ?? []),
      ...(p12.getBags({ bagType: forge.pki.oids.keyBag })[
        forge.pki.oids.keyBag
      ] ?? []),
    ];
    return bags.map(bag => {
      const label = bag.attributes?.friendlyName?.[0] as string | undefined;
      // EC keys stay as ASN.1 in forge (it only models RSA keys).
      const pem = bag.key
        ? forge.pki.privateKeyInfoToPem(
            forge.pki.wrapRsaPrivateKey(forge.pki.privateKeyToAsn1(bag.key)),
          )
        : forge.pki.privateKeyInfoToPem(
            (bag as forge.pkcs12.Bag & { asn1: forge.asn1.Asn1 }).asn1,
          );
      return { file, label, pem };
    });
  }
  return undefined;
}
