import { createPrivateKey } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/**
 * The secrets an audit searches for: private keys (PEM, any format) and
 * passwords. Findings never quote them, so a failing audit does not leak
 * what it found.
 */
export interface AuditSecrets {
  privateKeysPem: string[];
  passwords: string[];
}

/** Where a secret showed up. */
export interface AuditFinding {
  source: string;
  kind: 'private-key-block' | 'key-base64-fragment' | 'key-der' | 'password';
  /** Byte/char offset in the source. */
  offset: number;
  /** Which secret (index into the list it came from), never its value. */
  secretIndex?: number;
}

/** A named thing to search: text or raw bytes. */
export interface AuditSource {
  name: string;
  content: string | Buffer;
}

const PEM_PRIVATE_KEY = /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/g;

/** Minimum length of a base64 key fragment that counts as a leak (issue 7/9: 40). */
export const FRAGMENT_LENGTH = 40;
/** DER windows searched in binary sources (any leaked run of ≥ 2×this bytes holds one). */
const DER_WINDOW = 24;

/** Each key in every DER encoding it could travel in (PKCS#1/SEC1 and PKCS#8). */
function derForms(pem: string): Buffer[] {
  const key = createPrivateKey(pem);
  const forms: Buffer[] = [
    key.export({ format: 'der', type: 'pkcs8' }) as Buffer,
  ];
  const type = key.asymmetricKeyType;
  if (type === 'rsa') {
    forms.push(key.export({ format: 'der', type: 'pkcs1' }) as Buffer);
  } else if (type === 'ec') {
    forms.push(key.export({ format: 'der', type: 'sec1' }) as Buffer);
  }
  return forms;
}

/** Prepared needles: every 40-char window of every key's base64, DER windows, passwords. */
export class SecretAuditor {
  private readonly windows = new Map<string, number>();
  private readonly derChunks: { chunk: Buffer; key: number }[] = [];
  private readonly passwords: string[];

  constructor(secrets: AuditSecrets) {
    secrets.privateKeysPem.forEach((pem, keyIndex) => {
      for (const der of derForms(pem)) {
        const b64 = der.toString('base64');
        for (let i = 0; i + FRAGMENT_LENGTH <= b64.length; i++) {
          this.windows.set(b64.slice(i, i + FRAGMENT_LENGTH), keyIndex);
        }
        for (let i = 0; i + DER_WINDOW <= der.length; i += DER_WINDOW) {
          this.derChunks.push({
            chunk: der.subarray(i, i + DER_WINDOW),
            key: keyIndex,
          });
        }
      }
    });
    // Short strings would match by chance; generated keystore passwords are long.
    this.passwords = secrets.passwords.filter(p => p.length >= 8);
    if (secrets.passwords.some(p => p.length > 0 && p.length < 8)) {
      throw new Error(
        'a password shorter than 8 characters cannot be audited reliably',
      );
    }
  }

  get keyCount(): number {
    return new Set(this.windows.values()).size;
  }

  get passwordCount(): number {
    return this.passwords.length;
  }

  /** Searches one source; text is also searched with escapes and line breaks removed. */
  scan(source: AuditSource): AuditFinding[] {
    const findings: AuditFinding[] = [];
    const bytes =
      typeof source.content === 'string'
        ? Buffer.from(source.content)
        : source.content;
    const text =
      typeof source.content === 'string'
        ? source.content
        : source.content.toString('latin1');

    for (const m of text.matchAll(PEM_PRIVATE_KEY)) {
      findings.push({
        source: source.name,
        kind: 'private-key-block',
        offset: m.index ?? 0,
      });
    }
    // Base64 split over lines, or inside JSON strings with \n / \r\n escapes.
    const variants = [
      text,
      text.replace(/\\r|\\n|\\\//g, '').replace(/\s+/g, ''),
    ];
    for (const [v, variant] of variants.entries()) {
      const hit = this.findFragment(variant);
      if (hit) {
        // One finding per source: the unwrapped text is only a second look.
        findings.push({
          source: v === 0 ? source.name : `${source.name} (unwrapped)`,
          kind: 'key-base64-fragment',
          offset: hit.offset,
          secretIndex: hit.key,
        });
        break;
      }
    }
    for (const { chunk, key } of this.derChunks) {
      const at = bytes.indexOf(chunk);
      if (at >= 0) {
        findings.push({
          source: source.name,
          kind: 'key-der',
          offset: at,
          secretIndex: key,
        });
        break;
      }
    }
    this.passwords.forEach((p, i) => {
      for (const form of new Set([p, JSON.stringify(p).slice(1, -1)])) {
        const at = text.indexOf(form);
        if (at >= 0) {
          findings.push({
            source: source.name,
            kind: 'password',
            offset: at,
            secretIndex: i,
          });
          return;
        }
      }
    });
    return findings;
  }

  /** Slides only over runs of base64 characters long enough to hold a fragment. */
  private findFragment(
    text: string,
  ): { offset: number; key: number } | undefined {
    const runs = new RegExp(`[A-Za-z0-9+/=_-]{${FRAGMENT_LENGTH},}`, 'g');
    for (const run of text.matchAll(runs)) {
      const s = run[0];
      for (let i = 0; i + FRAGMENT_LENGTH <= s.length; i++) {
        const key = this.windows.get(s.slice(i, i + FRAGMENT_LENGTH));
        if (key !== undefined) return { offset: (run.index ?? 0) + i, key };
      }
    }
    return undefined;
  }

  scanAll(sources: AuditSource[]): AuditFinding[] {
    return sources.flatMap(s => this.scan(s));
  }
}

/** Every regular file below `dir` (symlinks not followed), as audit sources. */
export function filesAsSources(dir: string, prefix = dir): AuditSource[] {
  const out: AuditSource[] = [];
  const walk = (d: string) => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (entry.isFile()) {
        out.push({
          name: `${prefix}/${path.relative(dir, p)}`,
          content: fs.readFileSync(p),
        });
      }
    }
  };
  if (fs.existsSync(dir)) walk(dir);
  return out;
}

/** Findings as lines that name place and kind only (safe to print). */
export function describeFindings(findings: AuditFinding[]): string {
  return findings
    .map(
      f =>
        `${f.kind}${
          f.secretIndex === undefined ? '' : ` #${f.secretIndex}`
        } in ${f.source} at ${f.offset}`,
    )
    .join('\n');
}
