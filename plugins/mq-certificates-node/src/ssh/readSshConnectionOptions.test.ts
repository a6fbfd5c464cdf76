import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigReader } from '@backstage/config';
import { readSshConnectionOptions } from './readSshConnectionOptions';

const PIN = 'SHA256:n0Vb4bQnEr4iGSlR7y3ZAqCw5nCUl0ZPj5QfE9uF0Ew';
const P = 'mqCertificates.deployTargets.qm1.ssh';

describe('readSshConnectionOptions', () => {
  it('reads an inline key and normalises pins', () => {
    const o = readSshConnectionOptions(
      new ConfigReader({
        host: 'mq1.example.test',
        port: 2222,
        username: 'mqm',
        privateKey: 'KEY',
        passphrase: 'pp',
        hostKeySha256: [PIN.slice(7), PIN],
        connectTimeoutMs: 5000,
      }),
      P,
    );
    expect(o).toMatchObject({
      host: 'mq1.example.test',
      port: 2222,
      username: 'mqm',
      privateKey: 'KEY',
      passphrase: 'pp',
      hostKeySha256: [PIN, PIN],
      connectTimeoutMs: 5000,
      configPath: P,
    });
  });

  it('reads the key from a file or an environment variable', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sshopt-'));
    try {
      fs.writeFileSync(path.join(dir, 'id'), 'FILEKEY');
      const fromFile = readSshConnectionOptions(
        new ConfigReader({
          host: 'h',
          username: 'u',
          privateKeyFile: path.join(dir, 'id'),
        }),
        P,
      );
      expect(String(fromFile.privateKey)).toBe('FILEKEY');
      const fromEnv = readSshConnectionOptions(
        new ConfigReader({ host: 'h', username: 'u', privateKeyEnv: 'MQ_KEY' }),
        P,
        { MQ_KEY: 'ENVKEY' },
      );
      expect(fromEnv.privateKey).toBe('ENVKEY');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('names the setting that is wrong', () => {
    const read =
      (c: object, env = {}) =>
      () =>
        readSshConnectionOptions(new ConfigReader(c as any), P, env);
    expect(read({ host: 'h', username: 'u' })).toThrow(
      `${P}: set exactly one of privateKey, privateKeyFile or privateKeyEnv (found none)`,
    );
    expect(
      read({ host: 'h', username: 'u', privateKey: 'k', privateKeyEnv: 'X' }),
    ).toThrow('(found privateKey, privateKeyEnv)');
    expect(read({ host: 'h', username: 'u', privateKeyEnv: 'NOPE' })).toThrow(
      `${P}.privateKeyEnv: environment variable NOPE is not set`,
    );
    expect(
      read({ host: 'h', username: 'u', privateKeyFile: '/nonexistent/id' }),
    ).toThrow(`${P}.privateKeyFile: cannot read '/nonexistent/id' (ENOENT)`);
    expect(
      read({ host: 'h', username: 'u', privateKey: 'k', port: 70000 }),
    ).toThrow(`${P}.port: 70000 is not a whole number between 1 and 65535`);
    expect(read({ host: 'h;rm', username: 'u', privateKey: 'k' })).toThrow(
      `${P}.host: 'h;rm' is not a host name`,
    );
    expect(read({ host: 'h', username: 'u -x', privateKey: 'k' })).toThrow(
      `${P}.username: 'u -x' is not a valid user name`,
    );
    expect(
      read({
        host: 'h',
        username: 'u',
        privateKey: 'k',
        hostKeySha256: 'md5?',
      }),
    ).toThrow(`${P}.hostKeySha256: 'md5?' is not a SHA-256`);
  });
});
