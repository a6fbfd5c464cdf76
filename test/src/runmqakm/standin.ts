/*
 * A stand-in for IBM GSKit's `runmqakm` (GSKit cannot be installed here).
 * It accepts exactly the command forms the CMS KDB builder uses (IBM MQ
 * reference §3), keeps a real file set (see kdbStore.ts), prints
 * `-cert -list` in GSKit's format, and fails like the real tool:
 *
 * - a PKCS#12 it cannot import (unreadable, wrong password, no complete
 *   chain): exit code 26 and `CTGSK3046W The key file "<file>" could not be
 *   imported.` (the wording and code mq-container #568 shows);
 * - a duplicate label, a duplicate subject DN (mq-container: GSKit holds no
 *   two certificates with the same subject DN) and a wrong database password:
 *   exit code 26 with stand-in wording (GSKit's exact messages and codes for
 *   these are not confirmed);
 * - `MQCERT_RUNMQAKM_FAIL=<-keydb -create|-cert -add|-cert -import|-cert -list>`
 *   forces the CTGSK3046W failure at that step, for tests.
 *
 * Anything else (an unknown flag, a missing value) exits 1 naming it, so a
 * test sees a wrong argument vector at once.
 */
import { X509Certificate } from 'node:crypto';
import fs from 'node:fs';
// The stand-in runs once per runmqakm command: it loads only the certificate
// code, not the whole package (SSH, Vault), to start in a second, not two.
// eslint-disable-next-line @backstage/no-forbidden-package-imports
import {
  keyMatchesCertificate,
  KeystoreReadError,
  parseCertificates,
  readPkcs12,
  toPem,
} from '@mqcert/plugin-mq-certificates-node/src/standalone';
import {
  createDatabase,
  KeyDatabase,
  loadDatabase,
  passwordMatches,
  readStash,
  saveDatabase,
  stemOf,
  writeStash,
} from './kdbStore';

export interface StandInIo {
  out(text: string): void;
  err(text: string): void;
}

class Failure extends Error {
  constructor(message: string, readonly code: number) {
    super(message);
  }
}

const FORMS: Record<
  string,
  { required: string[]; optional: string[]; flags: string[] }
> = {
  '-keydb -create': {
    required: ['-db', '-pw', '-type'],
    optional: [],
    flags: ['-stash', '-strong'],
  },
  '-keydb -stashpw': { required: ['-db', '-pw'], optional: [], flags: [] },
  '-cert -add': {
    required: ['-db', '-label', '-file', '-format'],
    optional: ['-pw', '-trust', '-type'],
    flags: ['-stashed'],
  },
  '-cert -import': {
    required: ['-file', '-pw', '-type', '-target', '-target_type'],
    optional: ['-target_pw'],
    flags: ['-target_stashed'],
  },
  '-cert -list': {
    required: ['-db'],
    optional: ['-pw', '-type'],
    flags: ['-stashed'],
  },
  '-cert -extract': {
    required: ['-db', '-label', '-target', '-format'],
    optional: ['-pw'],
    flags: ['-stashed'],
  },
};

function parseArgs(argv: string[]): {
  form: string;
  values: Record<string, string>;
  flags: Set<string>;
} {
  const form = `${argv[0]} ${argv[1]}`;
  const spec = FORMS[form];
  if (!spec)
    throw new Failure(`stand-in runmqakm: unsupported command '${form}'`, 1);
  const values: Record<string, string> = {};
  const flags = new Set<string>();
  for (let i = 2; i < argv.length; i++) {
    const name = argv[i];
    if (spec.flags.includes(name)) {
      flags.add(name);
    } else if (spec.required.includes(name) || spec.optional.includes(name)) {
      if (i + 1 >= argv.length)
        throw new Failure(`stand-in runmqakm: ${name} needs a value`, 1);
      if (name in values)
        throw new Failure(`stand-in runmqakm: ${name} given twice`, 1);
      values[name] = argv[++i];
    } else {
      throw new Failure(
        `stand-in runmqakm: unexpected argument '${name}' for ${form}`,
        1,
      );
    }
  }
  const missing = spec.required.filter(r => !(r in values));
  if (missing.length)
    throw new Failure(
      `stand-in runmqakm: ${form} needs ${missing.join(', ')}`,
      1,
    );
  return { form, values, flags };
}

const notImported = (file: string) =>
  new Failure(`CTGSK3046W The key file "${file}" could not be imported.`, 26);

function openDatabase(
  path: string,
  values: Record<string, string>,
  flags: Set<string>,
  stashedFlag = '-stashed',
): KeyDatabase {
  const db = loadDatabase(path);
  if (!db)
    throw new Failure(
      `The key database "${path}" does not exist or is not a CMS key database (stand-in wording).`,
      26,
    );
  let password =
    stashedFlag === '-target_stashed' ? values['-target_pw'] : values['-pw'];
  if (password === undefined) {
    if (!flags.has(stashedFlag))
      throw new Failure(`stand-in runmqakm: give -pw or ${stashedFlag}`, 1);
    try {
      password = readStash(`${stemOf(path)}.sth`);
    } catch {
      throw new Failure(
        `The stash file "${stemOf(
          path,
        )}.sth" could not be read (stand-in wording).`,
        26,
      );
    }
  }
  if (!passwordMatches(db, password)) {
    throw new Failure(
      'The password is not correct for the key database (stand-in wording; GSKit code not confirmed).',
      26,
    );
  }
  return db;
}

function addCertificate(
  db: KeyDatabase,
  label: string,
  cert: X509Certificate,
  personal: boolean,
  trusted: boolean,
): void {
  if (db.entries.some(e => e.label === label)) {
    throw new Failure(
      `A certificate with the label "${label}" already exists in the key database (stand-in wording; GSKit code not confirmed).`,
      26,
    );
  }
  if (
    db.entries.some(
      e => new X509Certificate(e.certificatePem).subject === cert.subject,
    )
  ) {
    throw new Failure(
      `A certificate with the same subject DN as "${label}" already exists in the key database (stand-in wording).`,
      26,
    );
  }
  db.entries.push({
    label,
    personal,
    trusted,
    certificatePem: toPem('CERTIFICATE', cert.raw),
  });
}

/** Whether `leaf` chains to a self-signed root through `pool`. */
function chainComplete(
  leaf: X509Certificate,
  pool: X509Certificate[],
): boolean {
  const issuerOf = (child: X509Certificate) =>
    pool.find(p => child.checkIssued(p) && child.verify(p.publicKey));
  let current: X509Certificate | undefined = leaf;
  for (let i = 0; current && i <= pool.length; i++) {
    if (current.checkIssued(current) && current.verify(current.publicKey))
      return true;
    current = issuerOf(current);
  }
  return false;
}

function run(argv: string[], env: NodeJS.ProcessEnv, io: StandInIo): void {
  const { form, values, flags } = parseArgs(argv);
  if (env.MQCERT_RUNMQAKM_FAIL === form) {
    throw notImported(values['-file'] ?? values['-db'] ?? values['-target']);
  }
  switch (form) {
    case '-keydb -create': {
      if (values['-type'] !== 'cms')
        throw new Failure(
          `stand-in runmqakm: only -type cms is simulated, not '${values['-type']}'`,
          1,
        );
      if (fs.existsSync(values['-db']))
        throw new Failure(
          `The key database "${values['-db']}" already exists (stand-in wording).`,
          26,
        );
      createDatabase(values['-db'], values['-pw'], flags.has('-stash'));
      return;
    }
    case '-keydb -stashpw': {
      openDatabase(values['-db'], values, flags);
      writeStash(`${stemOf(values['-db'])}.sth`, values['-pw']);
      return;
    }
    case '-cert -add': {
      if (values['-format'] !== 'ascii')
        throw new Failure(
          'stand-in runmqakm: only -format ascii is simulated',
          1,
        );
      const db = openDatabase(values['-db'], values, flags);
      let certs: X509Certificate[];
      try {
        certs = parseCertificates(fs.readFileSync(values['-file'], 'utf8'));
      } catch {
        throw notImported(values['-file']);
      }
      addCertificate(
        db,
        values['-label'],
        certs[0],
        false,
        values['-trust'] !== 'disable',
      );
      saveDatabase(values['-db'], db);
      return;
    }
    case '-cert -import': {
      if (values['-type'] !== 'pkcs12' || values['-target_type'] !== 'cms') {
        throw new Failure(
          'stand-in runmqakm: only -type pkcs12 into -target_type cms is simulated',
          1,
        );
      }
      const db = openDatabase(
        values['-target'],
        values,
        flags,
        '-target_stashed',
      );
      let contents;
      try {
        contents = readPkcs12(fs.readFileSync(values['-file']), values['-pw']);
      } catch (e) {
        if (
          e instanceof KeystoreReadError ||
          (e as NodeJS.ErrnoException).code === 'ENOENT'
        )
          throw notImported(values['-file']);
        throw e;
      }
      const pool = [
        ...db.entries.map(e => new X509Certificate(e.certificatePem)),
        ...contents.certificates.map(c => c.cert),
      ];
      const personal = contents.certificates.filter(c =>
        contents.keys.some(k => keyMatchesCertificate(k.key, c.cert)),
      );
      if (
        personal.length === 0 ||
        personal.some(p => !chainComplete(p.cert, pool))
      )
        throw notImported(values['-file']);
      for (const c of contents.certificates) {
        const isPersonal = personal.includes(c);
        if (
          !isPersonal &&
          db.entries.some(e =>
            new X509Certificate(e.certificatePem).raw.equals(c.cert.raw),
          )
        )
          continue; // CA already there
        // GSKit's label for a certificate without friendlyName is not confirmed; the stand-in makes one up.
        const label =
          c.friendlyName ||
          `imported-${c.cert.fingerprint256
            .replace(/:/g, '')
            .slice(0, 12)
            .toLowerCase()}`;
        // Keys are not kept in the stand-in's file: tests check labels and certificates.
        addCertificate(db, label, c.cert, isPersonal, !isPersonal);
      }
      saveDatabase(values['-target'], db);
      return;
    }
    case '-cert -list': {
      const db = openDatabase(values['-db'], values, flags);
      const lines = [
        'Certificates found',
        '* default, - personal, ! trusted, # secret key',
      ];
      for (const e of db.entries) {
        let prefix = e.trusted ? '!' : ' ';
        if (e.personal) prefix = '-';
        lines.push(`${prefix}\t${e.label}`);
      }
      io.out(`${lines.join('\n')}\n`);
      return;
    }
    case '-cert -extract': {
      const db = openDatabase(values['-db'], values, flags);
      const entry = db.entries.find(e => e.label === values['-label']);
      if (!entry)
        throw new Failure(
          `CTGSK3029W The database doesn't contain an entry with label '${values['-label']}'.`,
          26,
        );
      fs.writeFileSync(values['-target'], entry.certificatePem, {
        mode: 0o600,
      });
      return;
    }
    default:
      throw new Failure(`stand-in runmqakm: '${form}' not handled`, 1);
  }
}

/** Runs one stand-in invocation; returns the exit code. */
export function runStandIn(
  argv: string[],
  env: NodeJS.ProcessEnv,
  io: StandInIo,
): number {
  try {
    run(argv, env, io);
    return 0;
  } catch (e) {
    if (e instanceof Failure) {
      io.err(`${e.message}\n`);
      return e.code;
    }
    io.err(`stand-in runmqakm crashed: ${(e as Error).stack}\n`);
    return 99;
  }
}
