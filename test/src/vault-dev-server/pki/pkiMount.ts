import type { MountConfig } from '../core/mounts';
import type { Backend, Route } from '../core/types';
import { Issuer, IssuerRecord, newIssuerRecord } from './issuers';
import { PkiRole } from './roles';
import { serialFromHex, serialKey } from './serial';
import { toPem } from './x509/der';
import { X509Certificate } from 'node:crypto';
import { pkiRoutes } from './pkiRoutes';
import type { IssueQuirks } from './issue';

/** A stored certificate (`certs/<serial>`), with its revocation if any. */
export interface CertRecord {
  serial_number: string;
  certificate: string;
  issuer_id: string;
  /** NotAfter, epoch ms (for tidy and expired-revocation checks). */
  not_after: number;
}

export interface RevocationRecord {
  serial_number: string;
  certificate: string;
  issuer_id: string;
  revocation_time: number;
  revocation_time_ms: number;
}

export interface PkiSnapshot {
  issuers: IssuerRecord[];
  default_issuer: string;
  roles: Record<string, PkiRole>;
  certs: CertRecord[];
  revoked: RevocationRecord[];
  last_tidy?: Record<string, unknown>;
}

/** One `pki` secrets engine mount: issuers, roles, the cert store and revocations. */
export class PkiMount implements Backend {
  readonly type = 'pki';
  readonly routes: Route[];
  readonly issuers = new Map<string, Issuer>();
  defaultIssuerId = '';
  readonly roles = new Map<string, PkiRole>();
  readonly certs = new Map<string, CertRecord>();
  readonly revoked = new Map<string, RevocationRecord>();
  lastTidy: Record<string, unknown> | undefined;
  /** Version-dependent behaviour, set from the seed's `quirks`. */
  quirks: IssueQuirks = {};

  constructor(
    readonly path: string,
    readonly config: MountConfig,
    snapshot?: PkiSnapshot,
  ) {
    if (snapshot) {
      for (const rec of snapshot.issuers)
        this.issuers.set(rec.issuer_id, new Issuer(rec));
      this.defaultIssuerId = snapshot.default_issuer;
      for (const [name, role] of Object.entries(snapshot.roles))
        this.roles.set(name, role);
      for (const c of snapshot.certs)
        this.certs.set(serialKey(c.serial_number), c);
      for (const r of snapshot.revoked)
        this.revoked.set(serialKey(r.serial_number), r);
      this.lastTidy = snapshot.last_tidy;
    }
    this.routes = pkiRoutes(this);
  }

  /** Adds an issuer; the first one (or `makeDefault`) becomes the default. */
  addIssuer(
    fields: Partial<IssuerRecord> & { certificate: string },
    makeDefault = false,
  ): Issuer {
    const record = newIssuerRecord(fields);
    const issuer = new Issuer(record);
    this.issuers.set(record.issuer_id, issuer);
    if (makeDefault || !this.defaultIssuerId)
      this.defaultIssuerId = record.issuer_id;
    return issuer;
  }

  /** `{ref}` may be an issuer id, a name, or `default`. */
  resolveIssuer(ref: string): Issuer | undefined {
    if (!ref || ref === 'default')
      return this.issuers.get(this.defaultIssuerId);
    const byId = this.issuers.get(ref);
    if (byId) return byId;
    return [...this.issuers.values()].find(i => i.record.issuer_name === ref);
  }

  defaultIssuer(): Issuer | undefined {
    return this.issuers.get(this.defaultIssuerId);
  }

  /**
   * The issuer's chain, itself first, then each parent found among this
   * mount's issuers (Vault 1.11+ chain building). A parent that was never
   * imported ends the chain early, as in Vault.
   */
  chainOf(issuer: Issuer): Issuer[] {
    const chain = [issuer];
    const parentOf = (child: Issuer) =>
      [...this.issuers.values()].find(
        candidate =>
          !chain.includes(candidate) &&
          child.cert.checkIssued(candidate.cert) &&
          child.cert.verify(candidate.cert.publicKey),
      );
    for (let current = issuer; !current.selfSigned && chain.length < 10; ) {
      const parent = parentOf(current);
      if (!parent) break;
      chain.push(parent);
      current = parent;
    }
    return chain;
  }

  /** The issuer (of this mount) that signed a certificate, if any. */
  issuerOf(cert: X509Certificate): Issuer | undefined {
    return [...this.issuers.values()].find(
      i => cert.checkIssued(i.cert) && cert.verify(i.cert.publicKey),
    );
  }

  storeCert(der: Buffer, issuerId: string): CertRecord {
    const cert = new X509Certificate(der);
    const record: CertRecord = {
      serial_number: serialFromHex(cert.serialNumber),
      certificate: toPem(der, 'CERTIFICATE'),
      issuer_id: issuerId,
      not_after: new Date(cert.validTo).getTime(),
    };
    this.certs.set(serialKey(record.serial_number), record);
    return record;
  }

  snapshot(): PkiSnapshot {
    return {
      issuers: [...this.issuers.values()].map(i => i.record),
      default_issuer: this.defaultIssuerId,
      roles: Object.fromEntries(this.roles),
      certs: [...this.certs.values()],
      revoked: [...this.revoked.values()],
      last_tidy: this.lastTidy,
    };
  }
}
