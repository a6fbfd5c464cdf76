import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { entitySlug, PrivateKeyFolders } from './privateFolder';

describe('PrivateKeyFolders', () => {
  let root: string;
  beforeEach(() => {
    root = path.join(
      fs.mkdtempSync(path.join(os.tmpdir(), 'mqcert-pf-')),
      'private',
    );
  });
  afterEach(() =>
    fs.rmSync(path.dirname(root), { recursive: true, force: true }),
  );

  const material = {
    label: 'ibmwebspheremqqm1',
    serialNumber: '01:02',
    certificatePem:
      '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----',
    chainPem: [
      '-----BEGIN CERTIFICATE-----\nBBBB\n-----END CERTIFICATE-----',
      '-----BEGIN CERTIFICATE-----\nCCCC\n-----END CERTIFICATE-----',
    ],
    privateKeyPem:
      '-----BEGIN PRIVATE KEY-----\nKKKK\n-----END PRIVATE KEY-----',
  };

  it('keeps keys in 0700 folders and 0600 files, and reads them back', async () => {
    const folders = new PrivateKeyFolders(root);
    const dir = await folders.write(
      {
        entityRef: 'resource:default/qm1',
        taskId: 't-1',
        keyLocation: 'local',
      },
      [material],
    );
    expect(dir).toBe(folders.pathFor('t-1', 'resource:default/qm1'));
    for (const d of [root, path.dirname(dir), dir]) {
      expect(fs.statSync(d).mode & 0o777).toBe(0o700);
    }
    for (const f of fs.readdirSync(dir)) {
      expect(fs.statSync(path.join(dir, f)).mode & 0o777).toBe(0o600);
    }
    const read = await folders.read('t-1', 'resource:default/qm1');
    expect(read.materials).toEqual([material]);
    expect(await folders.holds('t-1', 'resource:default/qm1', ['01:02'])).toBe(
      true,
    );
    expect(await folders.holds('t-1', 'resource:default/qm1', ['03'])).toBe(
      false,
    );
    await folders.remove('t-1', 'resource:default/qm1');
    expect(fs.existsSync(path.dirname(dir))).toBe(false);
  });

  it('says the rotation must be run again when the folder is gone', async () => {
    const folders = new PrivateKeyFolders(root);
    await expect(folders.read('t-2', 'resource:default/qm1')).rejects.toThrow(
      /no longer in the private folder .*run the rotation again/,
    );
  });

  it('sweeps task folders older than the maximum age', async () => {
    let now = Date.now();
    const folders = new PrivateKeyFolders(root, {
      maxAgeMs: 60_000,
      now: () => now,
    });
    await folders.write(
      {
        entityRef: 'resource:default/qm1',
        taskId: 'old',
        keyLocation: 'local',
      },
      [material],
    );
    expect(await folders.sweep()).toBe(0);
    now += 120_000;
    expect(await folders.sweep()).toBe(1);
    expect(fs.readdirSync(root)).toEqual([]);
  });

  it('makes readable, distinct slugs', () => {
    expect(entitySlug('resource:default/qm1')).toMatch(
      /^resource-default-qm1-[0-9a-f]{8}$/,
    );
    expect(entitySlug('resource:default/qm1')).not.toBe(
      entitySlug('resource:other/qm1'),
    );
  });
});
