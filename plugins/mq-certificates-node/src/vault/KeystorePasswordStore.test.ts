import { InputError } from '@backstage/errors';
import { strongPasswordProblems } from '../keystore/password';
import type { SecretRef, VaultPkiClient } from '../types';
import { VaultKeystorePasswordStore } from './KeystorePasswordStore';

/** An in-memory KV v2: versions per path, as Vault numbers them. */
function memoryKv() {
  const versions = new Map<string, Record<string, string>[]>();
  const kv: Pick<VaultPkiClient, 'kvRead' | 'kvWrite'> = {
    async kvWrite(mount, path, data): Promise<SecretRef> {
      const key = `${mount}/${path}`;
      const list = versions.get(key) ?? [];
      list.push({ ...data });
      versions.set(key, list);
      return { mount, path, version: list.length };
    },
    async kvRead(mount, path, version) {
      const list = versions.get(`${mount}/${path}`) ?? [];
      const v = version ?? list.length;
      if (!list[v - 1]) throw new Error(`no ${mount}/${path} v${v}`);
      return { data: list[v - 1], version: v };
    },
  };
  return { kv, versions };
}

describe('VaultKeystorePasswordStore', () => {
  let n = 0;
  const generatePassword = () => `Generated-Pw-${(n += 1)}x9Z`;

  it('stores a generated password and hands out only a reference', async () => {
    const { kv, versions } = memoryKv();
    const store = new VaultKeystorePasswordStore(kv, {
      mount: 'secret',
      pathPrefix: 'mq/keystores/',
      generatePassword,
    });
    const stored = await store.createPassword('resource-default-qm1');
    expect(stored.ref).toEqual({
      mount: 'secret',
      path: 'mq/keystores/resource-default-qm1',
      version: 1,
    });
    const password = stored.reveal();
    expect(versions.get('secret/mq/keystores/resource-default-qm1')).toEqual([
      { password },
    ]);
    // What a log line or an action output would show.
    expect(JSON.stringify(stored)).toBe(JSON.stringify({ ref: stored.ref }));
    expect(JSON.stringify({ ...stored })).not.toContain(password);
    expect(Object.keys(stored)).toEqual(['ref']);
    await expect(store.readPassword(stored.ref)).resolves.toBe(password);
  });

  it('pins versions: an older reference still reads its own password', async () => {
    const { kv } = memoryKv();
    const store = new VaultKeystorePasswordStore(kv, {
      mount: 'secret',
      pathPrefix: 'mq/keystores',
      generatePassword,
    });
    const first = await store.createPassword('qm1');
    const second = await store.createPassword('qm1');
    expect(second.ref.version).toBe(2);
    await expect(store.readPassword(first.ref)).resolves.toBe(first.reveal());
    await expect(store.readPassword(second.ref)).resolves.toBe(second.reveal());
  });

  it('validates user-supplied passwords before storing them', async () => {
    const { kv, versions } = memoryKv();
    const store = new VaultKeystorePasswordStore(kv, {
      mount: 'secret',
      pathPrefix: 'mq/keystores',
      generatePassword,
      validatePassword: (pw, field) => {
        if (/[^\x20-\x7e]/.test(pw))
          throw new InputError(`${field}: printable ASCII only`);
      },
    });
    await expect(store.storePassword('qm1', '')).rejects.toThrow(
      /password: a keystore password must not be empty/,
    );
    await expect(store.storePassword('qm1', 'pässwort')).rejects.toThrow(
      /password: printable ASCII only/,
    );
    expect(versions.size).toBe(0);
    await expect(
      store.storePassword('qm1', 'Fine-Password-1'),
    ).resolves.toEqual({
      mount: 'secret',
      path: 'mq/keystores/qm1',
      version: 1,
    });
  });

  it('refuses references outside its folder and names that cannot be paths', async () => {
    const { kv } = memoryKv();
    const store = new VaultKeystorePasswordStore(kv, {
      mount: 'secret',
      pathPrefix: 'mq/keystores',
      generatePassword,
    });
    await expect(
      store.readPassword({ mount: 'secret', path: 'other/app/db', version: 1 }),
    ).rejects.toThrow(
      /outside the keystore password folder secret\/mq\/keystores/,
    );
    await expect(
      store.readPassword({ mount: 'kv', path: 'mq/keystores/qm1', version: 1 }),
    ).rejects.toThrow(/outside/);
    await expect(
      store.readPassword({
        mount: 'secret',
        path: 'mq/keystores/../x',
        version: 1,
      }),
    ).rejects.toThrow(/passwordRef\.path/);
    await expect(store.createPassword('../../sys')).rejects.toThrow(
      /keystore name/,
    );
    await expect(
      store.readPassword({
        mount: 'secret',
        path: 'mq/keystores/qm1',
        version: 0,
      }),
    ).rejects.toThrow(/passwordRef\.version/);
  });

  it('by default generates runmqakm -strong passwords and refuses non-ASCII ones', async () => {
    const { kv } = memoryKv();
    const store = new VaultKeystorePasswordStore(kv, {
      mount: 'secret',
      pathPrefix: 'mq/keystores',
    });
    const stored = await store.createPassword('qm9');
    expect(strongPasswordProblems(stored.reveal())).toEqual([]);
    await expect(
      store.storePassword('qm9', 'Passwört-1234567'),
    ).rejects.toThrow(/password: contains characters outside printable ASCII/);
  });

  it('names the configuration key of a bad location', () => {
    expect(
      () =>
        new VaultKeystorePasswordStore(memoryKv().kv, {
          mount: 'se cret',
          pathPrefix: 'x',
          generatePassword,
        }),
    ).toThrow(/mqCertificates\.vault\.keystorePasswords\.mount/);
  });
});
