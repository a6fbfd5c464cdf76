/*
 * Reads `mqCertificates.mqAdmin.<name>` (see config.d.ts) into an MqscRunner.
 *   type: rest  → RestMqscRunner (mqweb)
 *   type: ssh   → RunmqscMqscRunner over the SSH command runner of the named
 *                 deploy target (its host, user, key and pinned host key)
 */
import fs from 'node:fs';
import type { Config } from '@backstage/config';
import { InputError, NotFoundError } from '@backstage/errors';
import type { CommandRunner, MqscRunner } from '../types';
import { createSshCommandRunner } from '../ssh/createSshCommandRunner';
import { readSshConnectionOptions } from '../ssh/readSshConnectionOptions';
import { RestMqscRunner, type RestMqscAuth } from './RestMqscRunner';
import { RunmqscMqscRunner } from './RunmqscMqscRunner';

/** What {@link createMqscRunner} needs from the rest of the plugin. */
export interface MqscRunnerDeps {
  /**
   * The command runner of a deploy target (for `type: ssh`). Default: a
   * runner that opens the SSH connection of
   * `mqCertificates.deployTargets.<name>.ssh` for each run and closes it
   * after (MQSC runs are rare; no connection is left open).
   */
  commandRunnerForTarget?: (
    targetName: string,
  ) => CommandRunner | Promise<CommandRunner>;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/;

function readPem(
  c: Config,
  key: string,
  fileKey: string,
  path: string,
): string | undefined {
  const inline = c.getOptionalString(key);
  const file = c.getOptionalString(fileKey);
  if (inline && file) {
    throw new InputError(`${path}: set either ${key} or ${fileKey}, not both`);
  }
  if (inline) return inline;
  if (!file) return undefined;
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new InputError(
      `${path}.${fileKey}: cannot read '${file}' (${
        (e as NodeJS.ErrnoException).code ?? (e as Error).message
      }); check the path and the backend's permission to read it`,
    );
  }
}

/**
 * A CommandRunner that connects to a deploy target's SSH host for each run:
 * host, user, key and pinned host key come from the target's `ssh` block.
 */
function sshRunnerPerRun(
  config: Config,
  target: string,
  path: string,
): CommandRunner {
  const sshPath = `mqCertificates.deployTargets.${target}.ssh`;
  const ssh = config.getOptionalConfig(sshPath);
  if (!ssh) {
    throw new InputError(
      `${path}.deployTarget: deploy target '${target}' has no SSH settings; add ${sshPath} (host, username, privateKey…, hostKeySha256) or use type rest`,
    );
  }
  const options = readSshConnectionOptions(ssh, sshPath);
  return {
    async run(command, args, runOptions) {
      const runner = await createSshCommandRunner(options);
      try {
        return await runner.run(command, args, runOptions);
      } finally {
        await runner.close();
      }
    },
  };
}

/** Names of the configured MQ admin connections. */
export function listMqAdminNames(config: Config): string[] {
  return config.getOptionalConfig('mqCertificates.mqAdmin')?.keys() ?? [];
}

/** Builds the REST runner of one `mqAdmin` entry. */
function restRunnerFromConfig(name: string, c: Config, path: string) {
  const username = c.getOptionalString('username');
  const password = c.getOptionalString('password');
  const cc = c.getOptionalConfig('clientCertificate');
  let auth: RestMqscAuth;
  if (cc) {
    const ccPath = `${path}.clientCertificate`;
    const certificatePem = readPem(
      cc,
      'certificate',
      'certificateFile',
      ccPath,
    );
    const privateKeyPem = readPem(cc, 'privateKey', 'privateKeyFile', ccPath);
    if (!certificatePem || !privateKeyPem) {
      throw new InputError(
        `${ccPath}: needs certificate (or certificateFile) and privateKey (or privateKeyFile)`,
      );
    }
    auth = {
      type: 'clientCertificate',
      certificatePem,
      privateKeyPem,
      passphrase: cc.getOptionalString('passphrase'),
    };
  } else if (username && password) {
    auth = { type: 'basic', username, password };
  } else {
    throw new InputError(
      `${path}: set username and password, or clientCertificate, for mqweb`,
    );
  }
  const apiVersion = c.getOptionalString('apiVersion') ?? 'v2';
  if (!['v1', 'v2', 'v3'].includes(apiVersion)) {
    throw new InputError(
      `${path}.apiVersion: '${apiVersion}' is not v1, v2 or v3`,
    );
  }
  const ca = readPem(c, 'ca', 'caFile', path);
  return new RestMqscRunner({
    name,
    baseUrl: c.getString('baseUrl'),
    apiVersion: apiVersion as 'v1' | 'v2' | 'v3',
    auth,
    caPem: ca ? [ca] : undefined,
    csrfToken: c.getOptionalString('csrfToken'),
    timeoutMs: c.getOptionalNumber('timeoutMs'),
  });
}

/**
 * The MqscRunner configured as `mqCertificates.mqAdmin.<name>` (the name an
 * entity gives in its `mqcert.io/mq-admin` annotation).
 */
export async function createMqscRunner(
  name: string,
  config: Config,
  deps: MqscRunnerDeps = {},
): Promise<MqscRunner> {
  if (!NAME.test(name)) {
    throw new InputError(
      `mq-admin: '${name}' is not a configuration name (letters, digits, '.', '_', '-')`,
    );
  }
  const path = `mqCertificates.mqAdmin.${name}`;
  const c = config.getOptionalConfig(path);
  if (!c) {
    const known = listMqAdminNames(config);
    throw new NotFoundError(
      `no MQ admin connection '${name}' is configured; add ${path} to app-config${
        known.length ? ` (configured: ${known.join(', ')})` : ''
      }`,
    );
  }
  const type = c.getString('type');
  if (type === 'rest') return restRunnerFromConfig(name, c, path);
  if (type === 'ssh') {
    const target = c.getString('deployTarget');
    const commands = deps.commandRunnerForTarget
      ? await deps.commandRunnerForTarget(target)
      : sshRunnerPerRun(config, target, path);
    return new RunmqscMqscRunner({
      commands,
      runmqscPath: c.getOptionalString('runmqscPath'),
      timeoutMs: c.getOptionalNumber('timeoutMs'),
      hostLabel: `deploy target ${target}`,
    });
  }
  throw new InputError(`${path}.type: '${type}' is not rest or ssh`);
}
