/*
 * On-disk format of the stand-in's key database (documented, not GSKit's):
 *
 *   <stem>.kdb  JSON {format: "mqcert-standin-cms-kdb/1", salt, passwordSha256,
 *               entries: [{label, personal, trusted, certificatePem}]}
 *               (private keys are not kept: the stand-in only answers for labels
 *               and certificates)
 *   <stem>.rdb  JSON {format: "mqcert-standin-cms-rdb/1", requests: []}
 *   <stem>.crl  JSON {format: "mqcert-standin-cms-crl/1", crls: []}
 *   <stem>.sth  GSKit's classic stash: each password byte XOR 0xF5, then a
 *               terminator byte that decodes to 0 (0xF5), padded with random
 *               bytes to 1024 (what follows the terminator is not confirmed).
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';

export interface StoredEntry {
  label: string;
  personal: boolean;
  trusted: boolean;
  certificatePem: string;
}

export interface KeyDatabase {
  format: 'mqcert-standin-cms-kdb/1';
  salt: string;
  passwordSha256: string;
  entries: StoredEntry[];
}

export function stemOf(dbPath: string): string {
  return dbPath.replace(/\.kdb$/, '');
}

function hashPassword(salt: string, password: string): string {
  return createHash('sha256').update(salt).update(password).digest('hex');
}

export function createDatabase(
  dbPath: string,
  password: string,
  stash: boolean,
): void {
  const stem = stemOf(dbPath);
  const salt = randomBytes(16).toString('hex');
  const db: KeyDatabase = {
    format: 'mqcert-standin-cms-kdb/1',
    salt,
    passwordSha256: hashPassword(salt, password),
    entries: [],
  };
  fs.writeFileSync(`${stem}.kdb`, JSON.stringify(db, null, 2), { mode: 0o600 });
  fs.writeFileSync(
    `${stem}.rdb`,
    JSON.stringify({ format: 'mqcert-standin-cms-rdb/1', requests: [] }),
    { mode: 0o600 },
  );
  fs.writeFileSync(
    `${stem}.crl`,
    JSON.stringify({ format: 'mqcert-standin-cms-crl/1', crls: [] }),
    { mode: 0o600 },
  );
  if (stash) writeStash(`${stem}.sth`, password);
}

export function writeStash(path: string, password: string): void {
  const bytes = Buffer.from(password, 'latin1');
  const out = randomBytes(1024);
  for (let i = 0; i < bytes.length; i++) out[i] = bytes[i] ^ 0xf5;
  out[bytes.length] = 0xf5;
  fs.writeFileSync(path, out, { mode: 0o600 });
}

/** Decodes a classic stash file: XOR 0xF5 up to the byte that decodes to 0. */
export function readStash(path: string): string {
  const bytes = fs.readFileSync(path);
  const out: number[] = [];
  for (const b of bytes) {
    const d = b ^ 0xf5;
    if (d === 0) break;
    out.push(d);
  }
  return Buffer.from(out).toString('latin1');
}

export function loadDatabase(dbPath: string): KeyDatabase | undefined {
  try {
    const db = JSON.parse(fs.readFileSync(dbPath, 'utf8')) as KeyDatabase;
    return db.format === 'mqcert-standin-cms-kdb/1' ? db : undefined;
  } catch {
    return undefined;
  }
}

export function passwordMatches(db: KeyDatabase, password: string): boolean {
  return timingSafeEqual(
    Buffer.from(hashPassword(db.salt, password), 'hex'),
    Buffer.from(db.passwordSha256, 'hex'),
  );
}

export function saveDatabase(dbPath: string, db: KeyDatabase): void {
  fs.writeFileSync(dbPath, JSON.stringify(db, null, 2), { mode: 0o600 });
}
