import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { mockServices } from '@backstage/backend-test-utils';
import {
  createDeployTarget,
  FileSystemDeployTarget,
  newRevisionId,
  SftpTargetFileSystem,
  SshConnection,
  SshConnectionError,
  type DeployTarget,
  type KeystoreFile,
} from '@mqcert/plugin-mq-certificates-node';
import { describeWithTools } from '../support/describeWithTools';
import { startSshd, type SshdHarness } from '../support/sshd';

jest.setTimeout(60_000);

const isRoot = process.getuid?.() === 0;
/** Root gives staged files to `nobody`; anyone else can only give them to themselves. */
const OWNER = isRoot ? 'nobody' : os.userInfo().username;
const OWNER_UID = isRoot ? 65534 : os.userInfo().uid;

const ksFile = (content: string | Buffer, suffix = '.p12'): KeystoreFile => {
  const buf = Buffer.from(content);
  return {
    suffix,
    content: buf,
    sha256: createHash('sha256').update(buf).digest('hex'),
  };
};
const kdbSet = (tag: string) =>
  ['.kdb', '.rdb', '.crl', '.sth'].map(s => ksFile(`${tag}${s}`, s));
const rev = (minute: number, serial = 'cc:3f:3e:e2:91') =>
  newRevisionId(serial, new Date(Date.UTC(2026, 11, 3, 19, minute, 0)));

interface Folders {
  base: string;
  root: string;
  ssl: string;
  outside: string;
  live: string;
}

function makeFolders(): Folders {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'mqcert-deploy-'));
  const root = path.join(base, 'root');
  const ssl = path.join(root, 'qm1/ssl');
  const outside = path.join(base, 'outside');
  fs.mkdirSync(ssl, { recursive: true });
  fs.mkdirSync(outside);
  const live = path.join(ssl, 'key.p12');
  fs.writeFileSync(live, 'LIVE KEY REPOSITORY', { mode: 0o600 });
  return { base, root, ssl, outside, live };
}

/**
 * The same staging contract for every kind of target: `open` returns a
 * target whose root is `folders.root`, mqRoot `/mq`, owner OWNER.
 */
function deployTargetContract(
  open: (folders: Folders) => Promise<DeployTarget>,
) {
  let folders: Folders;
  let target: DeployTarget;
  let liveMtime: number;

  beforeEach(async () => {
    folders = makeFolders();
    liveMtime = fs.statSync(folders.live).mtimeMs;
    target = await open(folders);
  });
  afterEach(async () => {
    await target?.close();
    // The live repository is never modified, whatever a test did.
    expect(fs.readFileSync(folders.live, 'utf8')).toBe('LIVE KEY REPOSITORY');
    expect(fs.statSync(folders.live).mtimeMs).toBe(liveMtime);
    fs.rmSync(folders.base, { recursive: true, force: true });
  });
  const listing = () => fs.readdirSync(folders.ssl).sort();

  it('stages a PKCS#12 revision beside the live one: 0600, owner, read back', async () => {
    const id = rev(52);
    const staged = await target.stage({
      stem: 'qm1/ssl/key',
      revisionId: id,
      files: [ksFile('P12 BYTES')],
    });
    expect(staged).toEqual({
      relativePath: `qm1/ssl/key-${id}.p12`,
      sslKeyRepository: `/mq/qm1/ssl/key-${id}.p12`,
      files: [
        {
          relativePath: `qm1/ssl/key-${id}.p12`,
          sha256: ksFile('P12 BYTES').sha256,
        },
      ],
      created: true,
    });
    const onDisk = path.join(folders.ssl, `key-${id}.p12`);
    expect(fs.readFileSync(onDisk, 'utf8')).toBe('P12 BYTES');
    const stat = fs.statSync(onDisk);
    expect(stat.mode & 0o777).toBe(0o600);
    expect(stat.uid).toBe(OWNER_UID);
    // No temp file left behind.
    expect(listing()).toEqual([`key-${id}.p12`, 'key.p12']);
    expect((await target.readFile(staged.relativePath)).toString()).toBe(
      'P12 BYTES',
    );
  });

  it('re-stages the same rotation idempotently and refuses different content', async () => {
    const id = rev(53);
    const request = {
      stem: 'qm1/ssl/key',
      revisionId: id,
      files: [ksFile('FIRST')],
    };
    expect((await target.stage(request)).created).toBe(true);
    expect((await target.stage(request)).created).toBe(false);
    const err = await target
      .stage({ ...request, files: [ksFile('SECOND')] })
      .catch(e => e);
    expect(err.name).toBe('ConflictError');
    expect(err.message).toContain(
      `revision file qm1/ssl/key-${id}.p12 already exists in deploy target`,
    );
    expect(err.message).toContain(
      `SHA-256 ${ksFile('FIRST').sha256} there, ${ksFile('SECOND').sha256} now`,
    );
    expect(
      fs.readFileSync(path.join(folders.ssl, `key-${id}.p12`), 'utf8'),
    ).toBe('FIRST');
  });

  it('detects SHA-256 mismatches: a wrong declared hash and a file altered on the host', async () => {
    const id = rev(54);
    const bad = { ...ksFile('CONTENT'), sha256: ksFile('OTHER').sha256 };
    await expect(
      target.stage({ stem: 'qm1/ssl/key', revisionId: id, files: [bad] }),
    ).rejects.toThrow(
      `files: the .p12 file's declared SHA-256 ${
        ksFile('OTHER').sha256
      } does not match its content (${ksFile('CONTENT').sha256})`,
    );
    expect(listing()).toEqual(['key.p12']);

    await target.stage({
      stem: 'qm1/ssl/key',
      revisionId: id,
      files: [ksFile('CONTENT')],
    });
    fs.writeFileSync(path.join(folders.ssl, `key-${id}.p12`), 'TAMPERED');
    await expect(
      target.stage({
        stem: 'qm1/ssl/key',
        revisionId: id,
        files: [ksFile('CONTENT')],
      }),
    ).rejects.toThrow(
      `with different content (SHA-256 ${ksFile('TAMPERED').sha256} there`,
    );
  });

  it('stages a CMS KDB set under one revision stem', async () => {
    const id = rev(55);
    const staged = await target.stage({
      stem: 'qm1/ssl/key',
      revisionId: id,
      files: kdbSet('A').reverse(),
    });
    expect(staged.sslKeyRepository).toBe(`/mq/qm1/ssl/key-${id}`);
    expect(staged.relativePath).toBe(`qm1/ssl/key-${id}.kdb`);
    expect(staged.files.map(f => f.relativePath)).toEqual(
      ['.kdb', '.rdb', '.crl', '.sth'].map(s => `qm1/ssl/key-${id}${s}`),
    );
    for (const s of ['.kdb', '.rdb', '.crl', '.sth']) {
      const p = path.join(folders.ssl, `key-${id}${s}`);
      expect(fs.readFileSync(p, 'utf8')).toBe(`A${s}`);
      expect(fs.statSync(p).mode & 0o777).toBe(0o600);
    }
    const [listed] = await target.listRevisions('qm1/ssl/key');
    expect(listed).toMatchObject({
      revisionId: id,
      relativePath: `qm1/ssl/key-${id}.kdb`,
      sslKeyRepository: `/mq/qm1/ssl/key-${id}`,
      sizeBytes: 'A.kdbA.rdbA.crlA.sth'.length,
    });
    expect(listed.files).toHaveLength(4);
  });

  it('lists revisions newest first and prunes to N, never the live or staged one', async () => {
    const ids = [10, 11, 12, 13, 14, 15].map(m => rev(m));
    for (const id of ids) {
      await target.stage({
        stem: 'qm1/ssl/key',
        revisionId: id,
        files: id === ids[2] ? kdbSet(id) : [ksFile(id)],
      });
    }
    // Not revisions: a temp-looking file and a look-alike link.
    fs.writeFileSync(path.join(folders.ssl, `.key-${rev(16)}.p12.x.tmp`), 'x');
    fs.symlinkSync(folders.live, path.join(folders.ssl, `key-${rev(17)}.p12`));
    const listed = await target.listRevisions('qm1/ssl/key');
    expect(listed.map(r => r.revisionId)).toEqual([...ids].reverse());

    await expect(target.pruneRevisions('qm1/ssl/key', 2, [])).rejects.toThrow(
      'protect: name at least the live key repository',
    );
    // Live = the oldest revision, named as MQ's SSLKEYR shows it.
    const removed = await target.pruneRevisions('qm1/ssl/key', 2, [
      `/mq/qm1/ssl/key-${ids[0]}.p12`,
      `qm1/ssl/key-${ids[5]}.p12`,
    ]);
    expect(removed.sort()).toEqual(
      [
        `qm1/ssl/key-${ids[1]}.p12`,
        ...['.crl', '.kdb', '.rdb', '.sth'].map(
          s => `qm1/ssl/key-${ids[2]}${s}`,
        ),
        `qm1/ssl/key-${ids[3]}.p12`,
      ].sort(),
    );
    expect(
      (await target.listRevisions('qm1/ssl/key')).map(r => r.revisionId),
    ).toEqual([ids[5], ids[4], ids[0]]);
    expect(listing()).toContain(`key-${rev(17)}.p12`);
    expect(listing()).toContain('key.p12');
  });

  it('refuses paths outside the root and writes nothing', async () => {
    const id = rev(20);
    const files = [ksFile('X')];
    await expect(
      target.stage({ stem: '../outside/key', revisionId: id, files }),
    ).rejects.toThrow("must not contain '..'");
    await expect(
      target.stage({ stem: `${folders.outside}/key`, revisionId: id, files }),
    ).rejects.toThrow('must be a path relative');
    await expect(target.readFile('../outside/x')).rejects.toThrow(
      "relativePath: '../outside/x' contains '..'",
    );
    await expect(target.readFile('/etc/passwd')).rejects.toThrow('is absolute');

    fs.symlinkSync(folders.outside, path.join(folders.root, 'qm1/escape'));
    const err = await target
      .stage({ stem: 'qm1/escape/key', revisionId: id, files })
      .catch(e => e);
    expect(err.name).toBe('NotAllowedError');
    expect(err.message).toContain("stem: folder 'qm1/escape' in deploy target");
    expect(err.message).toContain('outside the target root');
    fs.writeFileSync(path.join(folders.outside, 'secret'), 'S');
    fs.symlinkSync(
      path.join(folders.outside, 'secret'),
      path.join(folders.ssl, 'link.p12'),
    );
    await expect(target.readFile('qm1/ssl/link.p12')).rejects.toThrow(
      'outside the target root; refusing to read it',
    );
    await expect(target.listRevisions('qm1/escape/key')).rejects.toThrow(
      'outside the target root',
    );
    expect(fs.readdirSync(folders.outside)).toEqual(['secret']);
    expect(listing()).toEqual(['key.p12', 'link.p12']);
  });

  it('names a missing folder', async () => {
    await expect(
      target.stage({
        stem: 'qm2/ssl/key',
        revisionId: rev(21),
        files: [ksFile('X')],
      }),
    ).rejects.toThrow("stem: folder 'qm2/ssl' does not exist in deploy target");
    expect(await target.listRevisions('qm2/ssl/key')).toEqual([]);
  });
}

describe('local deploy target', () => {
  deployTargetContract(folders =>
    createDeployTarget(
      'local1',
      mockServices.rootConfig({
        data: {
          mqCertificates: {
            deployTargets: {
              local1: {
                type: 'local',
                root: folders.root,
                mqRoot: '/mq',
                owner: OWNER,
              },
            },
          },
        },
      }),
    ),
  );
});

describeWithTools(
  ['sshd', 'ssh-keygen'],
  'SSH deploy target (SFTP against a real sshd)',
  () => {
    let sshd: SshdHarness;
    beforeAll(async () => {
      sshd = await startSshd();
    });
    afterAll(() => sshd?.stop());

    const sshConfig = (root: string, extra: object = {}) =>
      mockServices.rootConfig({
        data: {
          mqCertificates: {
            deployTargets: {
              host1: {
                type: 'ssh',
                root,
                mqRoot: '/mq',
                owner: OWNER,
                ssh: {
                  host: sshd.host,
                  port: sshd.port,
                  username: sshd.username,
                  privateKey: sshd.privateKey,
                  hostKeySha256: sshd.hostKeySha256,
                  ...extra,
                },
              },
            },
          },
        },
      });

    deployTargetContract(folders =>
      createDeployTarget('host1', sshConfig(folders.root)),
    );

    it.each([
      ['unknown', {}],
      ['changed', { otherPin: true }],
    ])('refuses an %s host key before touching anything', async (_kind, o) => {
      const folders = makeFolders();
      try {
        const pin = (o as { otherPin?: boolean }).otherPin
          ? sshd.otherKeySha256
          : undefined;
        const config = sshConfig(folders.root, { hostKeySha256: pin });
        const err = await createDeployTarget('host1', config).catch(e => e);
        expect(err).toBeInstanceOf(SshConnectionError);
        expect(err.reason).toBe('host-key');
        expect(err.presentedHostKeySha256).toBe(sshd.hostKeySha256);
        expect(err.message).toContain(
          'mqCertificates.deployTargets.host1.ssh.hostKeySha256',
        );
        expect(fs.readdirSync(folders.ssl)).toEqual(['key.p12']);
      } finally {
        fs.rmSync(folders.base, { recursive: true, force: true });
      }
    });

    it('detects a revision that reads back wrong over SFTP and removes it', async () => {
      const folders = makeFolders();
      const connection = await SshConnection.connect({
        host: sshd.host,
        port: sshd.port,
        username: sshd.username,
        privateKey: sshd.privateKey,
        hostKeySha256: sshd.hostKeySha256,
      });
      // Real SFTP writes; the read-back is corrupted on its way to us.
      class CorruptingRead extends SftpTargetFileSystem {
        async readFile(p: string) {
          const b = Buffer.from(await super.readFile(p));
          b[b.length - 1] ^= 0x01;
          return b;
        }
      }
      const target = new FileSystemDeployTarget({
        name: 'host1',
        type: 'ssh',
        root: folders.root,
        fs: new CorruptingRead(connection),
        commands: connection.commands,
        configPath: 'mqCertificates.deployTargets.host1',
        onClose: () => connection.close(),
      });
      try {
        await expect(
          target.stage({
            stem: 'qm1/ssl/key',
            revisionId: rev(30),
            files: [ksFile('GOOD BYTES')],
          }),
        ).rejects.toThrow(
          // 'S' ^ 0x01 = 'R'
          `read back with SHA-256 ${ksFile('GOOD BYTER').sha256}`,
        );
        expect(fs.readdirSync(folders.ssl)).toEqual(['key.p12']);
      } finally {
        await target.close();
        fs.rmSync(folders.base, { recursive: true, force: true });
      }
    });
  },
);
