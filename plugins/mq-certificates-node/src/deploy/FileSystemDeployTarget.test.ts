import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LocalCommandRunner } from '../commands/LocalCommandRunner';
import type { KeystoreFile } from '../types';
import { FileSystemDeployTarget } from './FileSystemDeployTarget';
import { LocalTargetFileSystem } from './LocalTargetFileSystem';

// The full staging contract (modes, prune, path escapes, SFTP) runs against
// local and SSH targets in test/src/deploy. These cover failures that need a
// file system that misbehaves on purpose.

const file = (content: string, suffix = '.p12'): KeystoreFile => ({
  suffix,
  content: Buffer.from(content),
  sha256: createHash('sha256').update(content).digest('hex'),
});
const REV = '20261203T195200Z-cc3f3ee2';

describe('FileSystemDeployTarget', () => {
  let root: string;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'mqcert-fsdt-'));
    fs.mkdirSync(path.join(root, 'qm1/ssl'), { recursive: true });
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  const target = (fsImpl = new LocalTargetFileSystem()) =>
    new FileSystemDeployTarget({
      name: 't',
      type: 'local',
      root,
      mqRoot: '/var/mqm/qmgrs/QM1/ssl',
      fs: fsImpl,
      commands: new LocalCommandRunner(),
      configPath: 'mqCertificates.deployTargets.t',
    });
  const listing = () => fs.readdirSync(path.join(root, 'qm1/ssl')).sort();

  it('detects a revision that reads back differently, removes it and leaves no temp file', async () => {
    class Corrupting extends LocalTargetFileSystem {
      async readFile(p: string) {
        const b = Buffer.from(await super.readFile(p));
        b[0] ^= 0xff;
        return b;
      }
    }
    await expect(
      target(new Corrupting()).stage({
        stem: 'qm1/ssl/key',
        revisionId: REV,
        files: [file('keystore')],
      }),
    ).rejects.toThrow(
      /qm1\/ssl\/key-20261203T195200Z-cc3f3ee2\.p12 on deploy target 't' .* read back with SHA-256 [0-9a-f]{64}, not the [0-9a-f]{64} written; the bad copy was removed/,
    );
    expect(listing()).toEqual([]);
  });

  it('cleans up the temp file when the rename fails', async () => {
    class NoRename extends LocalTargetFileSystem {
      async renameNoReplace(): Promise<boolean> {
        throw Object.assign(new Error('EIO: i/o error'), { code: 'EIO' });
      }
    }
    await expect(
      target(new NoRename()).stage({
        stem: 'qm1/ssl/key',
        revisionId: REV,
        files: [file('keystore')],
      }),
    ).rejects.toThrow(
      /could not write qm1\/ssl\/key-20261203T195200Z-cc3f3ee2\.p12 to deploy target 't'.*check free space/,
    );
    expect(listing()).toEqual([]);
  });

  it('lets exactly one of two concurrent identical stages create the revision', async () => {
    const t = target();
    const request = {
      stem: 'qm1/ssl/key',
      revisionId: REV,
      files: [file('same bytes')],
    };
    const results = await Promise.all([t.stage(request), t.stage(request)]);
    expect(results.map(r => r.created).sort()).toEqual([false, true]);
    expect(listing()).toEqual([`key-${REV}.p12`]);
  });

  it('maps paths for MQ and for the host', () => {
    const t = target();
    expect(t.resolvePath('qm1/ssl/key.p12')).toBe(
      '/var/mqm/qmgrs/QM1/ssl/qm1/ssl/key.p12',
    );
    expect(t.hostPath('qm1/ssl/key.p12')).toBe(`${root}/qm1/ssl/key.p12`);
    expect(() => t.resolvePath('../x')).toThrow("relativePath: '../x'");
  });
});
