import { readFileSync } from 'node:fs';
import type { LoggerService } from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import type { VaultAuthConfig } from './authConfig';
import { parsePkiRoleRef } from './paths';
import type { RetryPolicy } from './retryPolicy';
import {
  NodeVaultPkiClient,
  type VaultPkiClientOptions,
} from './VaultPkiClientImpl';

const ROOT = 'mqCertificates.vault';

/** Everything `mqCertificates.vault` configures. @public */
export type VaultSettings = Omit<
  VaultPkiClientOptions,
  'logger' | 'clock' | 'random' | 'readFile'
>;

function readPemFile(
  path: string | undefined,
  field: string,
): string | undefined {
  if (!path) return undefined;
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError(
      `${field}: cannot read '${path}' (${
        code ?? (error as Error).message
      }); give the path of a PEM file the backend can read`,
    );
  }
}

function required(config: Config, key: string, method: string): string {
  const value = config.getOptionalString(key)?.trim();
  if (!value) {
    throw new InputError(
      `${ROOT}.auth.${key}: required for auth method '${method}'`,
    );
  }
  return value;
}

function readAuth(config: Config): VaultAuthConfig {
  const method = config.getString('method');
  const mountPath = config.getOptionalString('mountPath');
  switch (method) {
    case 'token':
      return { method, token: required(config, 'token', method) };
    case 'approle':
      return {
        method,
        mountPath,
        roleId: required(config, 'roleId', method),
        secretId: config.getOptionalString('secretId'),
      };
    case 'kubernetes':
      return {
        method,
        mountPath,
        role: required(config, 'role', method),
        jwtFile: config.getOptionalString('jwtFile'),
      };
    case 'jwt': {
      const jwt = config.getOptionalString('jwt');
      const jwtFile = config.getOptionalString('jwtFile');
      if (!jwt && !jwtFile) {
        throw new InputError(
          `${ROOT}.auth: auth method 'jwt' needs jwt or jwtFile`,
        );
      }
      return {
        method,
        mountPath,
        role: config.getOptionalString('role'),
        jwt,
        jwtFile,
      };
    }
    default:
      throw new InputError(
        `${ROOT}.auth.method: '${method}' is not one of token, approle, kubernetes, jwt`,
      );
  }
}

/** Reads `mqCertificates.vault` (reading the PEM files it names). @public */
export function readVaultSettings(root: Config): VaultSettings {
  const config = root.getConfig(ROOT);
  const retryConfig = config.getOptionalConfig('retry');
  const retry: Partial<RetryPolicy> = {};
  for (const key of [
    'maxAttempts',
    'baseDelayMs',
    'maxDelayMs',
    'maxElapsedMs',
  ] as const) {
    const v = retryConfig?.getOptionalNumber(key);
    if (v !== undefined) retry[key] = v;
  }
  const tls = config.getOptionalConfig('tls');
  const ca = readPemFile(
    tls?.getOptionalString('caFile'),
    `${ROOT}.tls.caFile`,
  );
  const cert = readPemFile(
    tls?.getOptionalString('clientCertFile'),
    `${ROOT}.tls.clientCertFile`,
  );
  const key = readPemFile(
    tls?.getOptionalString('clientKeyFile'),
    `${ROOT}.tls.clientKeyFile`,
  );
  if (!!cert !== !!key) {
    throw new InputError(
      `${ROOT}.tls: clientCertFile and clientKeyFile go together; give both or neither`,
    );
  }
  const defaultRole = config.getOptionalString('defaultPkiRole');
  const passwords = config.getOptionalConfig('keystorePasswords');
  return {
    address: config.getString('address'),
    namespace: config.getOptionalString('namespace') || undefined,
    auth: readAuth(config.getConfig('auth')),
    tls: ca || cert ? { ca, cert, key } : undefined,
    timeoutMs: config.getOptionalNumber('timeoutMs'),
    retry,
    renewFraction: config.getOptionalNumber('auth.renewFraction'),
    extraCaCertificatesPem: readPemFile(
      config.getOptionalString('extraCaCertificatesFile'),
      `${ROOT}.extraCaCertificatesFile`,
    ),
    defaultPkiRole: defaultRole
      ? parsePkiRoleRef(defaultRole, `${ROOT}.defaultPkiRole`)
      : undefined,
    keystorePasswords: passwords
      ? {
          mount: passwords.getOptionalString('mount') ?? 'secret',
          pathPrefix:
            passwords.getOptionalString('pathPrefix') ?? 'mq/keystores',
        }
      : undefined,
  };
}

/**
 * The Vault PKI client configured by `mqCertificates.vault`. Tokens and
 * secrets from the configuration are never logged.
 *
 * @public
 */
export function createVaultClientFromConfig(
  config: Config,
  options: { logger: LoggerService },
): NodeVaultPkiClient {
  const settings = readVaultSettings(config);
  return new NodeVaultPkiClient({ ...settings, logger: options.logger });
}
