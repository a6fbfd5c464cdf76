import type { Config } from '@backstage/config';
import { InputError, NotFoundError } from '@backstage/errors';
import { LocalCommandRunner } from '../commands/LocalCommandRunner';
import { SshConnection } from '../ssh/SshConnection';
import { readSshConnectionOptions } from '../ssh/readSshConnectionOptions';
import type { DeployTarget } from '../types';
import { validateFileOwner } from './fileOwner';
import { FileSystemDeployTarget } from './FileSystemDeployTarget';
import { LocalTargetFileSystem } from './LocalTargetFileSystem';
import { SftpTargetFileSystem } from './SftpTargetFileSystem';
import { validateRootFolder } from './targetPaths';

const TARGET_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/;
const ROOT_KEY = 'mqCertificates.deployTargets';

/** Names of the deploy targets in app-config. @public */
export function listDeployTargetNames(config: Config): string[] {
  return config.getOptionalConfig(ROOT_KEY)?.keys() ?? [];
}

/**
 * Creates the deploy target named `name` from
 * `mqCertificates.deployTargets.<name>` (see config.d.ts): `type: local`
 * (a folder on the backend's machine) or `type: ssh` (SFTP and exec on an SSH
 * host, connected here: call `close()` when done). Configuration mistakes
 * throw an InputError naming the setting.
 *
 * @public
 */
export async function createDeployTarget(
  name: string,
  config: Config,
  options: { env?: NodeJS.ProcessEnv } = {},
): Promise<DeployTarget> {
  if (typeof name !== 'string' || !TARGET_NAME.test(name)) {
    throw new InputError(
      `deploy target: '${String(
        name,
      )}' is not a target name (letters, digits, '_' and '-')`,
    );
  }
  const configPath = `${ROOT_KEY}.${name}`;
  const target = config.getOptionalConfig(ROOT_KEY)?.getOptionalConfig(name);
  if (!target) {
    const known = listDeployTargetNames(config);
    throw new NotFoundError(
      `deploy target '${name}' is not configured; add ${configPath} (type local or ssh, root) to app-config${
        known.length ? ` or use one of: ${known.join(', ')}` : ''
      }`,
    );
  }
  const type = target.getString('type');
  if (type !== 'local' && type !== 'ssh') {
    throw new InputError(
      `${configPath}.type: '${type}' must be 'local' or 'ssh'`,
    );
  }
  const root = validateRootFolder(
    target.getString('root'),
    `${configPath}.root`,
  );
  const mqRootRaw = target.getOptionalString('mqRoot');
  const mqRoot =
    mqRootRaw === undefined
      ? undefined
      : validateRootFolder(mqRootRaw, `${configPath}.mqRoot`);
  const keepRevisions = target.getOptionalNumber('keepRevisions');
  if (
    keepRevisions !== undefined &&
    (!Number.isInteger(keepRevisions) || keepRevisions < 1)
  ) {
    throw new InputError(
      `${configPath}.keepRevisions: ${keepRevisions} must be a whole number of 1 or more`,
    );
  }
  const ownerName = target.getOptionalString('owner');
  const group = target.getOptionalString('group');
  if (group !== undefined && ownerName === undefined) {
    throw new InputError(
      `${configPath}.group: set owner too (group alone is not supported)`,
    );
  }
  const owner =
    ownerName === undefined
      ? undefined
      : validateFileOwner({ user: ownerName, group }, configPath);

  if (type === 'local') {
    return new FileSystemDeployTarget({
      name,
      type,
      root,
      mqRoot,
      keepRevisions,
      owner,
      fs: new LocalTargetFileSystem(),
      commands: new LocalCommandRunner(),
      configPath,
    });
  }
  const sshConfig = target.getOptionalConfig('ssh');
  if (!sshConfig) {
    throw new InputError(
      `${configPath}.ssh: an ssh target needs host, username, a private key and hostKeySha256`,
    );
  }
  const connection = await SshConnection.connect(
    readSshConnectionOptions(sshConfig, `${configPath}.ssh`, options.env),
  );
  return new FileSystemDeployTarget({
    name,
    type,
    root,
    mqRoot,
    keepRevisions,
    owner,
    fs: new SftpTargetFileSystem(connection),
    commands: connection.commands,
    configPath,
    onClose: () => connection.close(),
  });
}
