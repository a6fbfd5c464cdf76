import type { CommandRunner } from '../types';
import { resolveFileOwner, validateFileOwner } from './fileOwner';

/** A host that knows user mqm (1001, group 1002) and group mqbrkrs (1003). */
const host: CommandRunner = {
  async run(command, args) {
    const key = [command, ...args].join(' ');
    const answers: Record<string, string> = {
      'id -u mqm': '1001\n',
      'id -g mqm': '1002\n',
      'getent group mqbrkrs': 'mqbrkrs:x:1003:mqm\n',
    };
    return key in answers
      ? { exitCode: 0, stdout: answers[key], stderr: '' }
      : { exitCode: 1, stdout: '', stderr: `${args.at(-1)}: no such user` };
  },
};

describe('resolveFileOwner', () => {
  it('looks names up on the host and takes numbers as they are', async () => {
    await expect(resolveFileOwner(host, { user: 'mqm' }, 'c')).resolves.toEqual(
      {
        uid: 1001,
        gid: 1002,
      },
    );
    await expect(
      resolveFileOwner(host, { user: 'mqm', group: 'mqbrkrs' }, 'c'),
    ).resolves.toEqual({ uid: 1001, gid: 1003 });
    await expect(
      resolveFileOwner(host, { user: '500', group: '501' }, 'c'),
    ).resolves.toEqual({ uid: 500, gid: 501 });
  });

  it('says which name is unknown and where to fix it', async () => {
    await expect(
      resolveFileOwner(host, { user: 'mqx' }, 'mqCertificates.deployTargets.t'),
    ).rejects.toThrow(
      "user 'mqx' was not found on the target host (id -u mqx exited 1: mqx: no such user); create it there or fix mqCertificates.deployTargets.t.owner / group",
    );
  });

  it('refuses owner values that are not names or numbers', () => {
    expect(() => validateFileOwner({ user: 'mqm; rm -rf /' }, 'c')).toThrow(
      "c.owner: 'mqm; rm -rf /' is not a user/group name or number",
    );
    expect(() => validateFileOwner({ user: 'mqm', group: '-x' }, 'c')).toThrow(
      "c.group: '-x'",
    );
  });
});
