import { createHash } from 'node:crypto';
import { InputError } from '@backstage/errors';
import type {
  BuiltKeystore,
  KeystoreBuildOptions,
  KeystoreEntryInput,
  KeystoreFile,
  KeystoreFormat,
  KeystoreInspection,
} from '../../types';
import { describeEntries } from '../inspection';
import { validateKeystorePassword } from '../password';
import { describeBuilt, prepareEntries } from '../prepareEntries';
import { readPkcs12 } from './reader';
import { pkcs12Profile } from './profiles';
import { encodeGskitStash } from '../stash';
import { writePkcs12 } from './writer';

/**
 * PKCS#12 key repositories (`.p12`), built in-process: no tool needed on
 * the backend or the MQ host. See PKCS12_PROFILES for who reads which
 * profile.
 */
export class Pkcs12KeystoreFormat implements KeystoreFormat {
  readonly format = 'p12' as const;

  async build(
    entries: KeystoreEntryInput[],
    options: KeystoreBuildOptions,
  ): Promise<BuiltKeystore> {
    return buildPkcs12(entries, options);
  }

  async inspect(
    files: KeystoreFile[],
    password: string,
  ): Promise<KeystoreInspection> {
    const file = files.find(f => f.suffix === '.p12') ?? files[0];
    if (!file) throw new InputError('files: no .p12 file given');
    return inspectPkcs12(file.content, password);
  }
}

/** Builds a `.p12` synchronously (the work is CPU-bound and takes milliseconds). */
export function buildPkcs12(
  entries: KeystoreEntryInput[],
  options: KeystoreBuildOptions,
): BuiltKeystore {
  const password = validateKeystorePassword(options.password);
  const profile = pkcs12Profile(options.profile);
  const prepared = prepareEntries(entries, options);
  const { content } = writePkcs12(prepared, password, profile);
  // The stash beside the .p12 is how a queue manager with a blank KEYRPWD
  // opens it (see encodeGskitStash); it is staged with the revision.
  const stash = encodeGskitStash(password);
  const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
  return {
    format: 'p12',
    files: [
      { suffix: '.p12', content, sha256: sha256(content) },
      { suffix: '.sth', content: stash, sha256: sha256(stash) },
    ],
    profile: profile.name,
    ...describeBuilt(prepared),
  };
}

/** Opens a `.p12` with its password: labels, personal and CA entries, chains, protection. */
export function inspectPkcs12(
  content: Buffer,
  password: string,
): KeystoreInspection {
  const contents = readPkcs12(content, password);
  return {
    format: 'p12',
    entries: describeEntries(
      contents.keys.map(k => ({ key: k.key, label: k.friendlyName })),
      contents.certificates.map(c => ({
        cert: c.cert,
        label: c.friendlyName,
        localKeyId: c.localKeyId,
      })),
    ),
    protection: contents.protection,
  };
}
