import type { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import type { CommandRunner } from '../types';
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

/**
 * The `at` scheduler of deploy target `name`, over its command runner
 * (`target.commands`), with the settings from
 * `mqCertificates.deployTargets.<name>.at`.
 *
 * @public
 */
export function createAtScheduler(
  name: string,
  config: Config,
  commands: CommandRunner,
  options: { hostDescription?: string } = {},
): CommandAtScheduler {
  if (!/^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/.test(name)) {
    throw new InputError(`deploy target: '${name}' is not a target name`);
  }
  const configPath = `mqCertificates.deployTargets.${name}.at`;
  const { runmqscPath: _unused, ...settings } = readAtSchedulerOptions(
    config.getOptionalConfig(configPath),
    configPath,
  );
  return new CommandAtScheduler(commands, { ...settings, ...options });
}
