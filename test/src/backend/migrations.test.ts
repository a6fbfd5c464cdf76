// test/ exercises the backend plugin itself; that is its job, not a layering slip.
/* eslint-disable @backstage/no-mixed-plugin-imports */
import fs from 'node:fs';
import type { Knex } from 'knex';
import { DatabaseMqCertificatesStore } from '@mqcert/plugin-mq-certificates-backend';
import { describeWithTools } from '../support/describeWithTools';
import { createTestDatabasesWithPrivatePostgres } from '../support/postgres';

const directory = DatabaseMqCertificatesStore.migrationsDirectory;
const TABLES = [
  'rotations',
  'refresh_jobs',
  'probe_snapshots',
  'queue_manager_status',
  'queue_manager_events',
];

async function tablesPresent(knex: Knex): Promise<string[]> {
  const present: string[] = [];
  for (const t of TABLES) if (await knex.schema.hasTable(t)) present.push(t);
  return present;
}

jest.setTimeout(90_000);

describeWithTools(
  ['initdb', 'pg_ctl', 'postgres'],
  'mq-certificates migrations on SQLite and PostgreSQL',
  () => {
    const { databases, postgresId } = createTestDatabasesWithPrivatePostgres();

    it('finds the migration files', () => {
      const files = fs.readdirSync(directory).filter(f => f.endsWith('.js'));
      expect(files.length).toBeGreaterThan(0);
      for (const f of files) expect(f).toMatch(/^\d{8}_[A-Za-z0-9_]+\.js$/);
    });

    it.each([[postgresId], ['SQLITE_3' as const]])(
      'migrates up and down, one step at a time, keeping data in between, on %s',
      async id => {
        const knex = await databases.init(id);
        const files = fs
          .readdirSync(directory)
          .filter(f => f.endsWith('.js'))
          .sort();

        for (let i = 0; i < files.length; i++) {
          await knex.migrate.up({ directory });
        }
        expect(await tablesPresent(knex)).toEqual(TABLES);

        // Data written through the store survives and reads back typed.
        const store = await DatabaseMqCertificatesStore.fromKnex(knex, {
          migrate: false,
        });
        const rotation = await store.createRotation({
          entityRef: 'resource:default/qm1',
          queueManager: 'QM1',
          serialNumber: '0a:0b',
          notAfter: '2027-01-01T00:00:00.000Z',
          fingerprintSha256: 'cd'.repeat(32),
          certificateLabel: 'ibmwebspheremqqm1',
          certificates: [],
          keyRepositoryFormat: 'p12',
          state: 'staged',
          createdBy: 'user:default/alice',
        });
        const job = await store.createJob({
          rotationId: rotation.id,
          entityRef: 'resource:default/qm1',
          mode: 'portal',
          runAt: '2026-12-03T00:00:00.000Z',
          approvalRequired: true,
          state: 'awaiting-approval',
          createdBy: 'user:default/alice',
        });
        expect(await store.getJob(job.id)).toMatchObject({
          approvalRequired: true,
          attempts: 0,
          runAt: '2026-12-03T00:00:00.000Z',
        });
        const snapshotId = await store.addSnapshot('resource:default/qm1', {
          listener: 'qm1:1414',
          probedAt: '2026-12-03T00:00:00.000Z',
          serialNumber: '0a:0b',
          chain: [],
          channels: [],
        });
        expect(
          (await store.latestSnapshotSummaries()).get('resource:default/qm1')
            ?.snapshotId,
        ).toBe(snapshotId);
        expect(
          (await store.latestRotations()).get('resource:default/qm1')?.id,
        ).toBe(rotation.id);

        for (let i = files.length - 1; i >= 0; i--) {
          await knex.migrate.down({ directory });
        }
        expect(await tablesPresent(knex)).toEqual([]);

        // And up again from nothing.
        await knex.migrate.latest({ directory });
        expect(await tablesPresent(knex)).toEqual(TABLES);
      },
    );

    it('claims jobs with the conditional update on PostgreSQL too', async () => {
      const knex = await databases.init(postgresId);
      const store = await DatabaseMqCertificatesStore.fromKnex(knex);
      const rotation = await store.createRotation({
        entityRef: 'resource:default/qm1',
        queueManager: 'QM1',
        serialNumber: '0a',
        notAfter: '2027-01-01T00:00:00.000Z',
        fingerprintSha256: 'cd'.repeat(32),
        certificateLabel: 'ibmwebspheremqqm1',
        certificates: [],
        keyRepositoryFormat: 'p12',
        state: 'scheduled',
        createdBy: 'user:default/alice',
      });
      const job = await store.createJob({
        rotationId: rotation.id,
        entityRef: 'resource:default/qm1',
        mode: 'portal',
        runAt: '2026-12-03T00:00:00.000Z',
        approvalRequired: false,
        state: 'scheduled',
        createdBy: 'user:default/alice',
      });
      const now = new Date('2026-12-03T00:00:01.000Z');
      const results = await Promise.all(
        ['a', 'b', 'c', 'd'].map(r => store.claimJob(job.id, r, now, 30_000)),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
      expect(results.find(Boolean)).toMatchObject({
        attempts: 1,
        state: 'running',
      });
      const stale = new Date(now.getTime() + 31_000);
      expect(await store.claimJob(job.id, 'e', stale, 30_000)).toMatchObject({
        attempts: 2,
      });
    });
  },
);
