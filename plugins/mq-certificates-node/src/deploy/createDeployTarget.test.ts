import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigReader } from '@backstage/config';
import {
  createDeployTarget,
  listDeployTargetNames,
} from './createDeployTarget';

const config = (targets: object) =>
  new ConfigReader({ mqCertificates: { deployTargets: targets } });

describe('createDeployTarget', () => {
  it('creates a local target from its config', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mqcert-cdt-'));
    try {
      const c = config({
        qm1: { type: 'local', root, mqRoot: '/mq', keepRevisions: 3 },
      });
      expect(listDeployTargetNames(c)).toEqual(['qm1']);
      const t = await createDeployTarget('qm1', c);
      expect(t).toMatchObject({ name: 'qm1', type: 'local', keepRevisions: 3 });
      expect(t.resolvePath('a/key.p12')).toBe('/mq/a/key.p12');
      expect(t.hostPath?.('a/key.p12')).toBe(`${root}/a/key.p12`);
      expect((await t.commands.run('echo', ['hi'])).stdout).toBe('hi\n');
      await t.close();
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  it('names the missing target and the known ones', async () => {
    await expect(
      createDeployTarget('qm9', config({ qm1: { type: 'local', root: '/x' } })),
    ).rejects.toThrow(
      "deploy target 'qm9' is not configured; add mqCertificates.deployTargets.qm9 (type local or ssh, root) to app-config or use one of: qm1",
    );
    await expect(createDeployTarget('../x', config({}))).rejects.toThrow(
      "deploy target: '../x' is not a target name",
    );
  });

  it.each([
    [{ type: 'ftp', root: '/x' }, ".type: 'ftp' must be 'local' or 'ssh'"],
    [{ type: 'local', root: 'rel' }, ".root: 'rel' must be an absolute folder"],
    [{ type: 'local', root: '/x', mqRoot: 'y' }, ".mqRoot: 'y' must be"],
    [{ type: 'local', root: '/x', keepRevisions: 0 }, '.keepRevisions: 0'],
    [{ type: 'local', root: '/x', group: 'mqm' }, '.group: set owner too'],
    [{ type: 'local', root: '/x', owner: 'a b' }, ".owner: 'a b' is not"],
    [{ type: 'ssh', root: '/x' }, '.ssh: an ssh target needs host'],
  ])('refuses %j', async (target, message) => {
    await expect(
      createDeployTarget('t', config({ t: target })),
    ).rejects.toThrow(`mqCertificates.deployTargets.t${message}`);
  });
});
