import type { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import type { CommandRunner, MqscRunner } from '../types';
import { RunmqscMqscRunner } from '../mqsc/RunmqscMqscRunner';
import {
  CommandAtScheduler,
  type AtSchedulerOptions,
} from './CommandAtScheduler';

/**
 * Reads the `at` block of a deploy target
 * (`mqCertificates.deployTargets.<name>.at`, see config.d.ts).
 *
 * @public
 */
export function readAtSchedulerOptions(
  config: Config | undefined,
  configPath: string,
): AtSchedulerOptions & { runmqscPath?: string } {
  if (!config) return { configPath };
  const atdCheck = config.getOptional<unknown>('atdCheck');
  if (
    atdCheck !== undefined &&
    (!Array.isArray(atdCheck) ||
      atdCheck.some(
        c =>
          !Array.isArray(c) ||
          c.length === 0 ||
          c.some((w: unknown) => typeof w !== 'string'),
      ))
  ) {
    throw new InputError(
      `${configPath}.atdCheck: expected a list of commands, each a list of words such as [pgrep, -x, atd]`,
    );
  }
  return {
    atdCheck: atdCheck as string[][] | undefined,
    atPath: config.getOptionalString('atPath'),
    atqPath: config.getOptionalString('atqPath'),
    atrmPath: config.getOptionalString('atrmPath'),
    queue: config.getOptionalString('queue'),
    runmqscPath: config.getOptionalString('runmqscPath'),
    configPath,
  };
}

const TARGET_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/;

function atConfigPath(name: string): string {
  if (typeof name !== 'string' || !TARGET_NAME.test(name)) {
    throw new InputError(`deploy target: '${name}' is not a target name`);
  }
  return `mqCertificates.deployTargets.${name}.at`;
}

/**
 * Names the host of deploy target `name` for messages a person acts on
 * ("run atrm 12 on SSH host mqm@mq1:22"), from its configuration alone (no
 * connection).
 *
 * @public
 */
export function describeDeployTargetHost(name: string, config: Config): string {
  const target = config.getOptionalConfig(
    `mqCertificates.deployTargets.${name}`,
  );
  const ssh = target?.getOptionalConfig('ssh');
  if (target?.getOptionalString('type') === 'ssh' && ssh) {
    const user = ssh.getOptionalString('username');
    const host = ssh.getOptionalString('host') ?? '?';
    const port = ssh.getOptionalNumber('port') ?? 22;
    return `SSH host ${
      user ? `${user}@` : ''
    }${host}:${port} (deploy target ${name})`;
  }
  return `the backend's machine (deploy target ${name})`;
}

/**
 * The runmqsc path of deploy target `name` (`…deployTargets.<name>.at.runmqscPath`),
 * undefined for the default. The scaffolder's cut-over script and the
 * backend's host-mode rollback both read it here, so they run the same
 * runmqsc.
 *
 * @public
 */
export function readHostRunmqscPath(
  name: string,
  config: Config,
): string | undefined {
  const configPath = atConfigPath(name);
  return readAtSchedulerOptions(
    config.getOptionalConfig(configPath),
    configPath,
  ).runmqscPath;
}

/**
 * runmqsc on the host of deploy target `name`, over its command runner
 * (`target.commands`): the runmqsc a host-mode cut-over job runs, for work
 * on a queue manager that has no `mq-admin` connection (a rollback).
 *
 * @public
 */
export function createHostMqscRunner(
  name: string,
  config: Config,
  commands: CommandRunner,
): MqscRunner {
  return new RunmqscMqscRunner({
    commands,
    runmqscPath: readHostRunmqscPath(name, config),
    hostLabel: describeDeployTargetHost(name, config),
  });
}

/**
 * The `at` scheduler of deploy target `name`, over its command runner
 * (`target.commands`), with the settings from
 * `mqCertificates.deployTargets.<name>.at`. The scaffolder module schedules
 * with it and the backend lists and cancels with it, so both read the same
 * settings the same way.
 *
 * @public
 */
export function createAtScheduler(
  name: string,
  config: Config,
  commands: CommandRunner,
  options: { hostDescription?: string } = {},
): CommandAtScheduler {
  const configPath = atConfigPath(name);
  const { runmqscPath: _unused, ...settings } = readAtSchedulerOptions(
    config.getOptionalConfig(configPath),
    configPath,
  );
  return new CommandAtScheduler(commands, {
    ...settings,
    hostDescription:
      options.hostDescription ?? describeDeployTargetHost(name, config),
  });
}
