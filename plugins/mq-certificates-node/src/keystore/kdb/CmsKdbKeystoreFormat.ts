import { createHash, X509Certificate } from 'node:crypto';
import { CustomErrorBase, InputError } from '@backstage/errors';
import { parseCertificates } from '../../certificates/bundle';
import { toPem } from '../../certificates/pem';
import { redactSecrets } from '../../commands/redact';
import type {
  BuiltKeystore,
  CommandWorkspace,
  KeystoreBuildOptions,
  KeystoreEntryInput,
  KeystoreFile,
  KeystoreFormat,
  KeystoreInspection,
} from '../../types';
import { KeystoreReadError } from '../errors';
import { describeEntries } from '../inspection';
import { caCertificateLabel } from '../labels';
import {
  generateKeystorePassword,
  validateKeystorePassword,
} from '../password';
import { pkcs12Profile } from '../pkcs12/profiles';
import { writePkcs12 } from '../pkcs12/writer';
import { describeBuilt, prepareEntries } from '../prepareEntries';
import { ListedCertificate, parseCertList } from './certList';

/** A runmqakm step that failed; the build returns nothing. Never carries a password. */
export class KeystoreBuildError extends CustomErrorBase {
  constructor(
    message: string,
    /** e.g. `-keydb -create`, `-cert -import`. */
    readonly step: string,
    readonly exitCode?: number,
  ) {
    super(message);
  }
}

/** Options of {@link CmsKdbKeystoreFormat}. */
export interface CmsKdbKeystoreOptions {
  /** Where runmqakm runs: the backend (LocalCommandWorkspace) or an MQ host. */
  workspace: CommandWorkspace;
  /** runmqakm on that host; default `runmqakm` from PATH (MQ installs it in /opt/mqm/bin). */
  runmqakm?: string;
  /** Pass `-strong` on create, so GSKit itself enforces the password rules. */
  strong?: boolean;
  timeoutMs?: number;
}

const SUFFIXES = ['.kdb', '.rdb', '.crl', '.sth'];

/**
 * CMS key databases (`.kdb` + `.rdb` + `.crl` + `.sth`), built with IBM
 * GSKit's runmqakm where the workspace runs commands: create with a stash,
 * add each CA root-first with `-trust enable`, import each personal entry
 * from a transient PKCS#12 (its friendlyName becomes the label), list to
 * confirm every label. Any failed step throws a KeystoreBuildError and the
 * scratch folder is removed: nothing half-built is returned or staged.
 */
export class CmsKdbKeystoreFormat implements KeystoreFormat {
  readonly format = 'kdb' as const;
  private readonly runmqakm: string;

  constructor(private readonly options: CmsKdbKeystoreOptions) {
    this.runmqakm = options.runmqakm ?? 'runmqakm';
  }

  async build(
    entries: KeystoreEntryInput[],
    options: KeystoreBuildOptions,
  ): Promise<BuiltKeystore> {
    const password = validateKeystorePassword(options.password);
    // GSKit validates a personal certificate against its full chain (reference §2): require it.
    const prepared = prepareEntries(entries, {
      ...options,
      requireCompleteChain: true,
    });
    const profile = pkcs12Profile(options.profile);
    const ws = this.options.workspace;
    const dir = await ws.createTempDir('mqcert-kdb-');
    const kdb = `${dir}/key.kdb`;
    try {
      await this.run(
        '-keydb -create',
        [
          '-keydb',
          '-create',
          '-db',
          kdb,
          '-pw',
          password,
          '-type',
          'cms',
          '-stash',
          ...(this.options.strong ? ['-strong'] : []),
        ],
        [password],
      );

      // CAs once each, root first, so every added certificate's issuer is already there.
      const taken = new Set(prepared.map(e => e.label));
      const cas = new Map<string, { cert: X509Certificate; label: string }>();
      for (const entry of prepared) {
        for (const ca of [...entry.chain].reverse()) {
          const id = createHash('sha256').update(ca.raw).digest('hex');
          if (!cas.has(id))
            cas.set(id, { cert: ca, label: caCertificateLabel(ca, taken) });
        }
      }
      let n = 0;
      for (const { cert, label } of cas.values()) {
        const file = `${dir}/ca-${++n}.pem`;
        await ws.writeFile(file, Buffer.from(toPem('CERTIFICATE', cert.raw)));
        await this.run(
          `-cert -add (CA '${label}')`,
          [
            '-cert',
            '-add',
            '-db',
            kdb,
            '-stashed',
            '-label',
            label,
            '-file',
            file,
            '-format',
            'ascii',
            '-trust',
            'enable',
          ],
          [password],
        );
      }

      n = 0;
      for (const entry of prepared) {
        // The leaf and key only: their CAs are in the database already.
        const transientPassword = generateKeystorePassword();
        const { content } = writePkcs12(
          [{ ...entry, chain: [] }],
          transientPassword,
          profile,
        );
        const file = `${dir}/entry-${++n}.p12`;
        await ws.writeFile(file, content);
        await this.run(
          `-cert -import (label '${entry.label}')`,
          [
            '-cert',
            '-import',
            '-file',
            file,
            '-pw',
            transientPassword,
            '-type',
            'pkcs12',
            '-target',
            kdb,
            '-target_pw',
            password,
            '-target_type',
            'cms',
          ],
          [password, transientPassword],
        );
      }

      const listed = await this.list(kdb, ['-stashed'], [password]);
      const missing = [
        ...prepared
          .filter(e => !listed.some(l => l.label === e.label && l.personal))
          .map(e => `personal '${e.label}'`),
        ...[...cas.values()]
          .filter(c => !listed.some(l => l.label === c.label && l.trusted))
          .map(c => `trusted CA '${c.label}'`),
      ];
      if (missing.length) {
        throw new KeystoreBuildError(
          `runmqakm -cert -list does not show ${missing.join(
            ', ',
          )} after the import; the key database was not built as asked (check the GSKit version on the host)`,
          '-cert -list',
        );
      }

      const files: KeystoreFile[] = [];
      for (const suffix of SUFFIXES) {
        const content = await ws.readFile(`${dir}/key${suffix}`);
        files.push({
          suffix,
          content,
          sha256: createHash('sha256').update(content).digest('hex'),
        });
      }
      return {
        format: 'kdb',
        files,
        ...describeBuilt(prepared),
      };
    } finally {
      await ws.removeDir(dir);
    }
  }

  /** Opens a KDB with its password: labels from `-cert -list`, certificates from `-cert -extract`. */
  async inspect(
    files: KeystoreFile[],
    password: string,
  ): Promise<KeystoreInspection> {
    const kdbFile = files.find(f => f.suffix === '.kdb');
    if (!kdbFile) throw new InputError('files: no .kdb file given');
    const ws = this.options.workspace;
    const dir = await ws.createTempDir('mqcert-kdb-inspect-');
    try {
      for (const f of files.filter(file => SUFFIXES.includes(file.suffix))) {
        await ws.writeFile(`${dir}/key${f.suffix}`, f.content);
      }
      const kdb = `${dir}/key.kdb`;
      const listed = await this.list(kdb, ['-pw', password], [password]);
      const found: { listed: ListedCertificate; cert: X509Certificate }[] = [];
      let n = 0;
      for (const entry of listed) {
        const target = `${dir}/extract-${++n}.pem`;
        await this.run(
          `-cert -extract (label '${entry.label}')`,
          [
            '-cert',
            '-extract',
            '-db',
            kdb,
            '-pw',
            password,
            '-label',
            entry.label,
            '-target',
            target,
            '-format',
            'ascii',
          ],
          [password],
        );
        const [cert] = parseCertificates(
          (await ws.readFile(target)).toString('utf8'),
          `certificate '${entry.label}'`,
        );
        found.push({ listed: entry, cert });
      }
      // Keys stay inside the KDB; a personal entry is paired with its own certificate.
      const personal = found.filter(f => f.listed.personal);
      const describedCas = describeEntries(
        [],
        found
          .filter(f => !f.listed.personal)
          .map(f => ({ cert: f.cert, label: f.listed.label })),
      );
      const describedPersonal = personal.map(p => {
        const [entry] = describeEntries(
          [{ key: p.cert.publicKey, label: p.listed.label }],
          [
            { cert: p.cert, label: p.listed.label },
            ...found.filter(f => f !== p).map(f => ({ cert: f.cert })),
          ],
        );
        return entry;
      });
      return {
        format: 'kdb',
        entries: [...describedPersonal, ...describedCas],
      };
    } finally {
      await ws.removeDir(dir);
    }
  }

  private async list(
    kdb: string,
    auth: string[],
    secrets: string[],
  ): Promise<ListedCertificate[]> {
    const result = await this.run(
      '-cert -list',
      ['-cert', '-list', '-db', kdb, ...auth],
      secrets,
    );
    return parseCertList(result.stdout);
  }

  private async run(step: string, args: string[], secrets: string[]) {
    let result;
    try {
      result = await this.options.workspace.commands.run(this.runmqakm, args, {
        timeoutMs: this.options.timeoutMs ?? 60_000,
        secretValues: secrets,
      });
    } catch (e) {
      throw new KeystoreBuildError(
        `runmqakm ${step} could not run: ${redactSecrets(
          (e as Error).message,
          secrets,
        )}; check that IBM MQ (GSKit) is installed where the key database is built, or set its path`,
        step,
      );
    }
    if (result.exitCode !== 0) {
      const output = redactSecrets(
        `${result.stdout}\n${result.stderr}`.trim(),
        secrets,
      ).replace(/\s+/g, ' ');
      const wrongPassword =
        /password/i.test(output) && step.startsWith('-cert -list');
      const message = `runmqakm ${step} failed with exit code ${
        result.exitCode
      }: ${output || '(no output)'}`;
      if (wrongPassword)
        throw new KeystoreReadError(
          `wrong password: ${message}`,
          'wrong-password',
        );
      throw new KeystoreBuildError(
        `${message}; nothing was staged`,
        step,
        result.exitCode,
      );
    }
    return result;
  }
}
