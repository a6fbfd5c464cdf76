import { startVaultDevServer, VaultDevServer } from './index';
import { call, nodeVault, rejection } from './testSupport';

jest.setTimeout(60_000);

describe('vault dev server: KV v2', () => {
  let server: VaultDevServer;
  let root: string;

  beforeAll(async () => {
    server = await startVaultDevServer();
    root = server.rootToken;
  });
  afterAll(() => server.stop());

  it('writes and reads versions with metadata', async () => {
    const w1 = await call(server, 'POST', 'secret/data/mq/qm1', {
      token: root,
      body: { data: { password: 'one' } },
    });
    expect(w1.status).toBe(200);
    expect(w1.body.mount_type).toBe('kv');
    expect(w1.body.data).toEqual({
      created_time: expect.stringMatching(
        /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/,
      ),
      custom_metadata: null,
      deletion_time: '',
      destroyed: false,
      version: 1,
    });
    await call(server, 'POST', 'secret/data/mq/qm1', {
      token: root,
      body: { data: { password: 'two' } },
    });
    const latest = await nodeVault(server, root).read('secret/data/mq/qm1');
    expect(latest.data.data).toEqual({ password: 'two' });
    expect(latest.data.metadata.version).toBe(2);
    expect(latest.lease_duration).toBe(0);
    const v1 = await call(server, 'GET', 'secret/data/mq/qm1?version=1', {
      token: root,
    });
    expect(v1.body.data.data).toEqual({ password: 'one' });
    const meta = await call(server, 'GET', 'secret/metadata/mq/qm1', {
      token: root,
    });
    expect(meta.body.data).toMatchObject({
      current_version: 2,
      oldest_version: 1,
      max_versions: 0,
      cas_required: false,
    });
    expect(Object.keys(meta.body.data.versions)).toEqual(['1', '2']);
    const list = await nodeVault(server, root).list('secret/metadata/mq');
    expect(list.data.keys).toEqual(['qm1']);
  });

  it('enforces check-and-set', async () => {
    const create = await call(server, 'POST', 'secret/data/mq/cas', {
      token: root,
      body: { data: { a: 1 }, options: { cas: 0 } },
    });
    expect(create.status).toBe(200);
    const stale = await call(server, 'POST', 'secret/data/mq/cas', {
      token: root,
      body: { data: { a: 2 }, options: { cas: 0 } },
    });
    expect(stale.status).toBe(400);
    expect(stale.body.errors).toEqual([
      'check-and-set parameter did not match the current version',
    ]);
    const next = await call(server, 'POST', 'secret/data/mq/cas', {
      token: root,
      body: { data: { a: 2 }, options: { cas: 1 } },
    });
    expect(next.body.data.version).toBe(2);
    await call(server, 'POST', 'secret/metadata/mq/cas', {
      token: root,
      body: { cas_required: true },
    });
    const without = await call(server, 'POST', 'secret/data/mq/cas', {
      token: root,
      body: { data: { a: 3 } },
    });
    expect(without.body.errors).toEqual([
      'check-and-set parameter required for this call',
    ]);
    const noData = await call(server, 'POST', 'secret/data/mq/none', {
      token: root,
      body: {},
    });
    expect(noData.body.errors).toEqual(['no data provided']);
  });

  it('answers a missing secret with 404 {"errors":[]} and a deleted one with 404 plus metadata', async () => {
    const missing = await call(server, 'GET', 'secret/data/mq/nothing', {
      token: root,
    });
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({ errors: [] });
    const err = await rejection(
      nodeVault(server, root).read('secret/data/mq/nothing'),
    );
    expect(err.message).toBe('Status 404');
    await call(server, 'POST', 'secret/data/mq/gone', {
      token: root,
      body: { data: { x: 1 } },
    });
    const del = await call(server, 'DELETE', 'secret/data/mq/gone', {
      token: root,
    });
    expect(del.status).toBe(204);
    const read = await call(server, 'GET', 'secret/data/mq/gone', {
      token: root,
    });
    expect(read.status).toBe(404);
    expect(read.body.data.data).toBeNull();
    expect(read.body.data.metadata.deletion_time).not.toBe('');
  });

  it('answers a v2 mount hit without data/ with 404 and a warning', async () => {
    const res = await call(server, 'GET', 'secret/mq/qm1', { token: root });
    expect(res.status).toBe(404);
    expect(res.body.warnings[0]).toMatch(
      /^Invalid path for a versioned K\/V secrets engine/,
    );
  });
});

describe('vault dev server: sys/health, sys/seal-status and sealing', () => {
  let server: VaultDevServer;

  beforeAll(async () => {
    server = await startVaultDevServer();
  });
  afterEach(async () => {
    await server.control.unseal();
    await server.control.setHealth({
      initialized: true,
      standby: false,
      performanceStandby: false,
    });
  });
  afterAll(() => server.stop());

  const health = async (query = '') =>
    call(server, 'GET', `sys/health${query}`);

  it('answers 200 active with the documented body', async () => {
    const res = await health();
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      initialized: true,
      sealed: false,
      standby: false,
      performance_standby: false,
      replication_performance_mode: 'disabled',
      replication_dr_mode: 'disabled',
      version: '1.19.0',
      cluster_name: expect.any(String),
      cluster_id: expect.any(String),
    });
    expect(Math.abs(res.body.server_time_utc - Date.now() / 1000)).toBeLessThan(
      10,
    );
    const head = await fetch(`${server.address}/v1/sys/health`, {
      method: 'HEAD',
    });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });

  it('answers 429 on standby, 473 on perf standby, 501 uninitialised, 503 sealed, with overrides', async () => {
    await server.control.setHealth({ standby: true });
    expect((await health()).status).toBe(429);
    expect((await health('?standbyok=true')).status).toBe(200);
    expect((await health('?standbycode=299')).status).toBe(299);
    await server.control.setHealth({
      standby: false,
      performanceStandby: true,
    });
    expect((await health()).status).toBe(473);
    expect((await health('?perfstandbyok=true')).status).toBe(200);
    await server.control.setHealth({
      performanceStandby: false,
      initialized: false,
    });
    const uninit = await health();
    expect(uninit.status).toBe(501);
    expect(uninit.body.initialized).toBe(false);
    expect((await health('?uninitcode=200')).status).toBe(200);
    await server.control.setHealth({ initialized: true });
    await server.control.seal();
    const sealed = await health();
    expect(sealed.status).toBe(503);
    expect(sealed.body).toMatchObject({ sealed: true, standby: true });
    expect((await health('?sealedcode=200')).status).toBe(200);
    // node-vault resolves sys/health whatever the code
    const viaNodeVault = await nodeVault(server).health();
    expect(viaNodeVault.sealed).toBe(true);
  });

  it('answers every path but sys/health and sys/seal-status with 503 while sealed', async () => {
    await server.control.seal();
    for (const [method, path] of [
      ['POST', 'pki_int/issue/mq-queue-managers'],
      ['GET', 'secret/data/mq/x'],
      ['GET', 'auth/token/lookup-self'],
      ['POST', 'auth/approle/login'],
      ['GET', 'pki_int/ca/pem'],
      ['GET', 'nosuchmount/x'],
    ]) {
      const res = await call(server, method, path, {
        token: server.rootToken,
        body: method === 'POST' ? {} : undefined,
      });
      expect({ path, status: res.status, body: res.body }).toEqual({
        path,
        status: 503,
        body: { errors: ['Vault is sealed'] },
      });
    }
    const status = await call(server, 'GET', 'sys/seal-status');
    expect(status.status).toBe(200);
    expect(status.body).toMatchObject({
      type: 'shamir',
      initialized: true,
      sealed: true,
      t: 1,
      n: 1,
      progress: 0,
      version: '1.19.0',
    });
    await server.control.unseal();
    expect(
      (
        await call(server, 'GET', 'auth/token/lookup-self', {
          token: server.rootToken,
        })
      ).status,
    ).toBe(200);
  });

  it('seals through sys/seal with a root token', async () => {
    const res = await call(server, 'PUT', 'sys/seal', {
      token: server.rootToken,
    });
    expect(res.status).toBe(204);
    expect((await call(server, 'GET', 'sys/seal-status')).body.sealed).toBe(
      true,
    );
  });
});
