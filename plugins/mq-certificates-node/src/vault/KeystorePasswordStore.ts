import { InputError } from '@backstage/errors';
import {
  generateKeystorePassword,
  validateKeystorePassword,
} from '../keystore/password';
import type { SecretRef, VaultPkiClient } from '../types';
import { kvSecretPath, vaultMountPath } from './paths';

/** Where keystore passwords live in KV v2. @public */
export interface KeystorePasswordLocation {
  /** KV v2 mount, e.g. `secret`. */
  mount: string;
  /** Folder below the mount, e.g. `mq/keystores`. */
  pathPrefix: string;
}

/**
 * A password that was just generated and stored. The password is kept out
 * of enumeration and JSON, so logging or returning this object shows only
 * the reference; `reveal()` is for the keystore builder.
 *
 * @public
 */
export interface StoredKeystorePassword {
  readonly ref: SecretRef;
  reveal(): string;
}

/** Options of {@link VaultKeystorePasswordStore}. @public */
export interface KeystorePasswordStoreOptions extends KeystorePasswordLocation {
  /** Makes a new password; default: generateKeystorePassword (meets runmqakm -strong). */
  generatePassword?: () => string;
  /** Refuses unusable user-supplied passwords (InputError naming the field); default: validateKeystorePassword (printable ASCII). */
  validatePassword?: (password: string, field: string) => void;
}

const FIELD = 'password';

function storedPassword(
  ref: SecretRef,
  password: string,
): StoredKeystorePassword {
  const result = { ref } as StoredKeystorePassword;
  Object.defineProperty(result, 'reveal', {
    value: () => password,
    enumerable: false,
  });
  Object.defineProperty(result, 'toJSON', {
    value: () => ({ ref }),
    enumerable: false,
  });
  return result;
}

/**
 * Keeps keystore passwords in Vault KV v2 under one configured folder and
 * hands out references ({mount, path, version}) instead of the password, so
 * job rows, checkpoints and action outputs can carry the reference safely.
 * Each write makes a new KV version, which the reference pins; KV's
 * max_versions (10 by default) bounds how many older versions stay readable.
 *
 * @public
 */
export class VaultKeystorePasswordStore {
  private readonly mount: string;
  private readonly prefix: string;

  constructor(
    private readonly vault: Pick<VaultPkiClient, 'kvRead' | 'kvWrite'>,
    private readonly options: KeystorePasswordStoreOptions,
  ) {
    this.mount = vaultMountPath(
      options.mount,
      'mqCertificates.vault.keystorePasswords.mount',
    );
    this.prefix = kvSecretPath(
      options.pathPrefix,
      'mqCertificates.vault.keystorePasswords.pathPrefix',
    );
  }

  /** The KV path a keystore name maps to (for display; holds no secret). */
  pathFor(name: string): string {
    return `${this.prefix}/${kvSecretPath(name, 'keystore name')}`;
  }

  /** Generates a password, stores it at `<pathPrefix>/<name>` and returns it with its reference. */
  async createPassword(name: string): Promise<StoredKeystorePassword> {
    const password = (
      this.options.generatePassword ?? generateKeystorePassword
    )();
    const ref = await this.write(name, password);
    return storedPassword(ref, password);
  }

  /** Stores a password a user supplied, after checking it is usable. */
  async storePassword(name: string, password: string): Promise<SecretRef> {
    if (typeof password !== 'string' || password.length === 0) {
      throw new InputError(`${FIELD}: a keystore password must not be empty`);
    }
    if (this.options.validatePassword) {
      this.options.validatePassword(password, FIELD);
    } else {
      validateKeystorePassword(password, { field: FIELD });
    }
    return this.write(name, password);
  }

  /** Reads the password a reference points at; refuses references outside the configured folder. */
  async readPassword(ref: SecretRef): Promise<string> {
    const mount = vaultMountPath(ref?.mount, 'passwordRef.mount');
    const path = kvSecretPath(ref?.path, 'passwordRef.path');
    if (mount !== this.mount || !path.startsWith(`${this.prefix}/`)) {
      throw new InputError(
        `passwordRef: ${mount}/${path} is outside the keystore password folder ${this.mount}/${this.prefix}; only references made by this store can be read`,
      );
    }
    if (!Number.isInteger(ref.version) || ref.version < 1) {
      throw new InputError(
        `passwordRef.version: expected a whole number ≥ 1, got ${ref.version}`,
      );
    }
    const secret = await this.vault.kvRead(mount, path, ref.version);
    const password = secret.data[FIELD];
    if (typeof password !== 'string' || !password) {
      throw new InputError(
        `passwordRef: the secret ${mount}/${path} version ${ref.version} has no '${FIELD}' field; it was not written by this store`,
      );
    }
    return password;
  }

  private write(name: string, password: string): Promise<SecretRef> {
    return this.vault.kvWrite(this.mount, this.pathFor(name), {
      [FIELD]: password,
    });
  }
}
