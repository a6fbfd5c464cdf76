import { X509Certificate } from 'node:crypto';
import {
  createIntermediateCa,
  createRootCa,
  CaSpec,
  Issuer,
  IssuerRecord,
  LeafNotAfterBehavior,
} from './issuers';
import type { PkiMount } from './pkiMount';

export interface NewCaOptions {
  spec: CaSpec;
  issuer_name?: string;
  leaf_not_after_behavior?: LeafNotAfterBehavior;
  /** Make it the mount's default issuer (rotation does; seeding the first issuer does anyway). */
  makeDefault?: boolean;
}

function commonNameOf(cert: X509Certificate): string {
  const m = /(?:^|\n)CN=([^\n]*)/.exec(cert.subject);
  return m ? m[1] : 'Vault Dev CA';
}

/** A new self-signed root in `mount`; Vault lists generated roots in certs/. */
export async function addRootIssuer(
  mount: PkiMount,
  opts: NewCaOptions,
): Promise<Issuer> {
  const ca = await createRootCa(opts.spec);
  const issuer = mount.addIssuer(
    {
      certificate: ca.certificate,
      private_key: ca.privateKey,
      issuer_name: opts.issuer_name,
      leaf_not_after_behavior: opts.leaf_not_after_behavior ?? 'err',
      spec: opts.spec,
    },
    opts.makeDefault,
  );
  mount.storeCert(ca.der, issuer.id);
  return issuer;
}

/**
 * A new intermediate in `mount`, signed by `parent` (an issuer of
 * `parentMount`). The parent mount stores the signed certificate (as
 * root/sign-intermediate does); with `importParentChain` the parent's chain
 * is imported into `mount` so ca_chain reaches the root (Vault 1.11+).
 */
export async function addIntermediateIssuer(
  mount: PkiMount,
  parentMount: PkiMount,
  parent: Issuer,
  opts: NewCaOptions & { importParentChain: boolean },
): Promise<Issuer> {
  const ca = await createIntermediateCa(opts.spec, parent);
  parentMount.storeCert(ca.der, parent.id);
  if (opts.importParentChain) {
    for (const ancestor of parentMount.chainOf(parent)) {
      const present = [...mount.issuers.values()].some(i =>
        i.der.equals(ancestor.der),
      );
      if (!present) {
        const name = ancestor.record.issuer_name;
        mount.addIssuer({
          certificate: ancestor.pem,
          issuer_name: name ? `imported-${name}` : '',
        });
      }
    }
  }
  const fields: Partial<IssuerRecord> & { certificate: string } = {
    certificate: ca.certificate,
    private_key: ca.privateKey,
    issuer_name: opts.issuer_name,
    leaf_not_after_behavior: opts.leaf_not_after_behavior ?? 'err',
    spec: opts.spec,
    parent: { mount: parentMount.path, issuer_id: parent.id },
  };
  // The imported parent must not become the default: the new intermediate is.
  return mount.addIssuer(
    fields,
    opts.makeDefault || !mount.defaultIssuer()?.key,
  );
}

export interface RotateOptions {
  /** New lifetime; default: the current issuer's spec. */
  ttl?: string | number;
  not_after?: string;
  key_type?: CaSpec['key_type'];
  key_bits?: number;
  common_name?: string;
  issuer_name?: string;
  leaf_not_after_behavior?: LeafNotAfterBehavior;
}

/**
 * Rotates a mount's issuing CA: a new key and certificate become the default
 * issuer; the old issuer stays (its certificates keep verifying). An
 * intermediate is re-signed by its parent mount's current default issuer.
 */
export async function rotateIssuer(
  mount: PkiMount,
  findMount: (path: string) => PkiMount | undefined,
  options: RotateOptions,
): Promise<Issuer> {
  const current = mount.defaultIssuer();
  if (!current) throw new Error(`mount ${mount.path} has no issuer to rotate`);
  const base: CaSpec = current.record.spec ?? {
    common_name: commonNameOf(current.cert),
  };
  const spec: CaSpec = {
    ...base,
    common_name: options.common_name ?? base.common_name,
    key_type: options.key_type ?? base.key_type,
    // A different key type must not inherit the old key's size (RSA 2048 is
    // no EC curve); 0 means that type's default, as in Vault.
    key_bits:
      options.key_bits ??
      (options.key_type && options.key_type !== base.key_type
        ? 0
        : base.key_bits),
    ttl: options.ttl ?? (options.not_after ? undefined : base.ttl),
    not_after: options.not_after,
  };
  const generation = [...mount.issuers.values()].filter(i => i.key).length + 1;
  const common = {
    spec,
    issuer_name:
      options.issuer_name ??
      `${
        current.record.issuer_name.replace(/-\d+$/, '') || 'issuer'
      }-${generation}`,
    leaf_not_after_behavior:
      options.leaf_not_after_behavior ?? current.record.leaf_not_after_behavior,
    makeDefault: true,
  };
  const parentRef = current.record.parent;
  if (!parentRef) return addRootIssuer(mount, common);
  const parentMount = findMount(parentRef.mount);
  const parent = parentMount?.defaultIssuer() ?? undefined;
  if (!parentMount || !parent?.key) {
    throw new Error(
      `cannot rotate ${mount.path}: its parent issuer in ${parentRef.mount} is gone`,
    );
  }
  return addIntermediateIssuer(mount, parentMount, parent, {
    ...common,
    importParentChain: true,
  });
}
