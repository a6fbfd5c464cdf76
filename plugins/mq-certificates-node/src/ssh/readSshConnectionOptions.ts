import fs from 'node:fs';
import type { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { normalizeSshFingerprint } from './hostKeyFingerprint';
import type { SshConnectionOptions } from './SshConnection';

const USER_NAME = /^[A-Za-z_][A-Za-z0-9_.-]{0,31}$/;
const HOST_NAME = /^[A-Za-z0-9.:-]+$/;

function optionalPositiveInt(
  config: Config,
  key: string,
  configPath: string,
  max = Number.MAX_SAFE_INTEGER,
): number | undefined {
  const value = config.getOptionalNumber(key);
  if (value === undefined) return undefined;
  if (!Number.isInteger(value) || value < 1 || value > max) {
    throw new InputError(
      `${configPath}.${key}: ${value} is not a whole number between 1 and ${max}`,
    );
  }
  return value;
}

/**
 * Reads SSH settings from a config block such as
 * `mqCertificates.deployTargets.<name>.ssh`:
 *
 * - `host`, `port` (22), `username`;
 * - exactly one of `privateKey` (the key text; may be `${ENV_VAR}`),
 *   `privateKeyFile` (a path on the backend's machine) or `privateKeyEnv`
 *   (the name of an environment variable holding the key), and an optional
 *   `passphrase`;
 * - `hostKeySha256`: one fingerprint or a list (while a host changes keys);
 * - `connectTimeoutMs`, `commandTimeoutMs`, `maxChannels`.
 *
 * @public
 */
export function readSshConnectionOptions(
  config: Config,
  configPath: string,
  env: NodeJS.ProcessEnv = process.env,
): SshConnectionOptions {
  const host = config.getString('host').trim();
  if (!HOST_NAME.test(host)) {
    throw new InputError(
      `${configPath}.host: '${host}' is not a host name or IP address`,
    );
  }
  const username = config.getString('username');
  if (!USER_NAME.test(username)) {
    throw new InputError(
      `${configPath}.username: '${username}' is not a valid user name`,
    );
  }
  const sources = ['privateKey', 'privateKeyFile', 'privateKeyEnv'].filter(k =>
    config.has(k),
  );
  if (sources.length !== 1) {
    throw new InputError(
      `${configPath}: set exactly one of privateKey, privateKeyFile or privateKeyEnv (found ${
        sources.length === 0 ? 'none' : sources.join(', ')
      })`,
    );
  }
  let privateKey: string | Buffer;
  if (sources[0] === 'privateKey') {
    privateKey = config.getString('privateKey');
  } else if (sources[0] === 'privateKeyFile') {
    const file = config.getString('privateKeyFile');
    try {
      privateKey = fs.readFileSync(file);
    } catch (e) {
      throw new InputError(
        `${configPath}.privateKeyFile: cannot read '${file}' (${
          (e as NodeJS.ErrnoException).code ?? (e as Error).message
        }); check the path and that the backend's user may read it`,
      );
    }
  } else {
    const name = config.getString('privateKeyEnv');
    const value = env[name];
    if (!value) {
      throw new InputError(
        `${configPath}.privateKeyEnv: environment variable ${name} is not set or empty; export the private key in it before starting the backend`,
      );
    }
    privateKey = value;
  }
  const pinsRaw = config.getOptional<unknown>('hostKeySha256');
  let hostKeySha256: string[] | undefined;
  if (pinsRaw !== undefined) {
    const list = Array.isArray(pinsRaw) ? pinsRaw : [pinsRaw];
    hostKeySha256 = list.map(p =>
      normalizeSshFingerprint(String(p), `${configPath}.hostKeySha256`),
    );
  }
  return {
    host,
    port: optionalPositiveInt(config, 'port', configPath, 65535),
    username,
    privateKey,
    passphrase: config.getOptionalString('passphrase'),
    hostKeySha256,
    connectTimeoutMs: optionalPositiveInt(
      config,
      'connectTimeoutMs',
      configPath,
    ),
    commandTimeoutMs: optionalPositiveInt(
      config,
      'commandTimeoutMs',
      configPath,
    ),
    maxChannels: optionalPositiveInt(config, 'maxChannels', configPath, 64),
    configPath,
  };
}
