import { InputError } from '@backstage/errors';
import type { CommandRunner } from '../types';

const NAME = /^[A-Za-z_][A-Za-z0-9_.-]{0,31}$/;
const NUMBER = /^\d{1,10}$/;

/** Owner of staged files as configured: user and optional group, names or numbers. @public */
export interface FileOwnerSetting {
  user: string;
  group?: string;
}

/** Validates the configured owner (so nothing odd reaches `id`/`getent`). */
export function validateFileOwner(
  setting: FileOwnerSetting,
  configPath: string,
): FileOwnerSetting {
  const entries: [string, string | undefined][] = [
    ['owner', setting.user],
    ['group', setting.group],
  ];
  for (const [key, value] of entries) {
    if (value !== undefined && !NAME.test(value) && !NUMBER.test(value)) {
      throw new InputError(
        `${configPath}.${key}: '${value}' is not a user/group name or number`,
      );
    }
  }
  return setting;
}

async function lookup(
  commands: CommandRunner,
  command: string,
  args: string[],
  what: string,
  fix: string,
): Promise<string> {
  const r = await commands.run(command, args, { timeoutMs: 30_000 });
  const out = r.stdout.trim();
  if (r.exitCode !== 0 || !out) {
    throw new InputError(
      `${what} was not found on the target host (${command} ${args.join(
        ' ',
      )} exited ${r.exitCode}${
        r.stderr.trim() ? `: ${r.stderr.trim()}` : ''
      }); ${fix}`,
    );
  }
  return out;
}

/**
 * Numeric uid and gid for the configured owner, looked up on the target host
 * itself (`id -u`, `id -g`, `getent group`), since SFTP and fchown only take
 * numbers and names differ between hosts. The group defaults to the user's
 * primary group.
 */
export async function resolveFileOwner(
  commands: CommandRunner,
  setting: FileOwnerSetting,
  configPath: string,
): Promise<{ uid: number; gid: number }> {
  const fix = `create it there or fix ${configPath}.owner / group`;
  const uid = NUMBER.test(setting.user)
    ? Number(setting.user)
    : Number(
        await lookup(
          commands,
          'id',
          ['-u', setting.user],
          `user '${setting.user}'`,
          fix,
        ),
      );
  let gid: number;
  if (setting.group === undefined) {
    gid = Number(
      await lookup(
        commands,
        'id',
        ['-g', setting.user],
        `user '${setting.user}'`,
        fix,
      ),
    );
  } else if (NUMBER.test(setting.group)) {
    gid = Number(setting.group);
  } else {
    const line = await lookup(
      commands,
      'getent',
      ['group', setting.group],
      `group '${setting.group}'`,
      fix,
    );
    gid = Number(line.split(':')[2]);
  }
  if (!Number.isInteger(uid) || !Number.isInteger(gid)) {
    throw new InputError(
      `${configPath}: could not read numeric ids for owner '${setting.user}'${
        setting.group ? ` and group '${setting.group}'` : ''
      } on the target host`,
    );
  }
  return { uid, gid };
}
