/*
 * The secret audit of a running e2e stack (issue 9): collects the secrets
 * from where they legitimately live (keystore passwords in Vault KV, keys
 * in the staged PKCS#12 revisions opened with them) and every place they
 * must never reach (task events and outputs, the scaffolder's checkpoints
 * and every other SQLite row and file, the HTTP responses the tests
 * received, the backend's whole output including its audit events, the
 * actions' private folder).
 */
import fs from 'node:fs';
import path from 'node:path';
import { privateKeysFromPkcs12, readKvSecrets } from '../support/issuedSecrets';
import {
  filesAsSources,
  SecretAuditor,
  type AuditFinding,
  type AuditSource,
} from '../support/secretAudit';
import type { E2eStack } from './e2eStack';

/** The part of better-sqlite3 used here (the package ships no types). */
interface SqliteDatabase {
  prepare(sql: string): { all(): unknown[] };
  close(): void;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const Database: new (
  file: string,
  options: { readonly: boolean; fileMustExist: boolean },
) => SqliteDatabase = require('better-sqlite3');

/** What the audit found and what it searched with (counts only). */
export interface StackAudit {
  findings: AuditFinding[];
  auditor: SecretAuditor;
  keys: string[];
  passwords: string[];
  sources: AuditSource[];
}

/** Every row of every table of every SQLite file in `dir`, as JSON text. */
function sqliteRows(dir: string): AuditSource[] {
  const out: AuditSource[] = [];
  for (const file of fs.readdirSync(dir)) {
    if (!/\.sqlite$/.test(file)) continue;
    const db = new Database(path.join(dir, file), {
      readonly: true,
      fileMustExist: true,
    });
    try {
      const tables = db
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table'")
        .all() as { name: string }[];
      for (const { name } of tables) {
        const rows = db.prepare(`SELECT * FROM "${name}"`).all();
        out.push({
          name: `${file}:${name}`,
          content: JSON.stringify(rows, (_k, v) =>
            Buffer.isBuffer(v) ? v.toString('base64') : v,
          ),
        });
      }
    } finally {
      db.close();
    }
  }
  return out;
}

/** The keystore passwords in Vault KV (every version). */
async function keystorePasswords(e2e: E2eStack): Promise<string[]> {
  const kv = await readKvSecrets({
    address: e2e.stack.vault.address,
    token: e2e.stack.vault.rootToken,
    prefix: 'mq/keystores',
  });
  return [...new Set(kv.map(v => v.value))];
}

/**
 * The private keys of every PKCS#12 on the queue managers' targets now.
 * Deploy prunes old revisions, so tests that rotate often collect them as
 * they go and hand them to auditStack.
 */
export async function keysOnTargets(e2e: E2eStack): Promise<string[]> {
  const passwords = await keystorePasswords(e2e);
  const keys: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (entry.isFile() && p.endsWith('.p12')) {
        for (const k of privateKeysFromPkcs12(p, passwords) ?? []) {
          keys.push(k.pem);
        }
      }
    }
  };
  for (const qm of e2e.stack.queueManagers) walk(qm.targetRoot);
  return keys;
}

export async function auditStack(
  e2e: E2eStack,
  taskIds: string[],
  keysSeenBefore: string[] = [],
): Promise<StackAudit> {
  const { stack } = e2e;
  const passwords = await keystorePasswords(e2e);
  const keys = [...new Set([...keysSeenBefore, ...(await keysOnTargets(e2e))])];
  const auditor = new SecretAuditor({ privateKeysPem: keys, passwords });

  const sources: AuditSource[] = [];
  for (const id of taskIds) {
    sources.push({
      name: `task ${id} events and outputs`,
      content: JSON.stringify(await e2e.tasks.events(id)),
    });
    sources.push({
      name: `task ${id}`,
      content: JSON.stringify(await e2e.tasks.get(id)),
    });
  }
  sources.push({
    name: 'HTTP responses',
    content: e2e.responses.map(r => r.body).join('\n'),
  });
  const dbDir = path.join(stack.dataDir, 'db');
  sources.push(...filesAsSources(dbDir, 'db'), ...sqliteRows(dbDir));
  sources.push({ name: 'backend output', content: stack.backend.output() });
  sources.push(
    ...filesAsSources(path.join(stack.dataDir, 'private'), 'private'),
  );
  return {
    findings: auditor.scanAll(sources),
    auditor,
    keys,
    passwords,
    sources,
  };
}
